"""Fixtures shared by the three test tiers."""

# rsh_editions / use_rsh_editions: synthesised RSH editions (2023-24, 2025-26) beside 2024-25's
pytest_plugins = ["tests.fixtures.rsh.editions"]
