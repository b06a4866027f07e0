"""Performance benchmark: a seeded workspace generator, two baselines and the harness (issue 8)."""
