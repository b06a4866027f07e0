.DEFAULT_GOAL := help
.PHONY: help setup setup-tests run test lint dev bench bench-detail examples

help: ## List the commands
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-9s %s\n", $$1, $$2}'

setup: ## Install uv, chromium and the locked environment when missing
	@./scripts/setup.sh

setup-tests: ## Set up as above, plus the redis-server and postgresql the tests start on loopback
	@./scripts/setup.sh --tests

run: setup ## Set up, then run every example workspace for every reporting year
	uv run complaints run --all-examples --years 2023-24:2025-26

test: setup-tests ## Set up, then lint and run the whole test suite
	uv run ruff check .
	uv run ruff format --check pipeline tests bench scripts
	uv run pytest -n 2 -q

dev: setup ## Open the Dagster UI on http://127.0.0.1:3000
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster_home} ./scripts/dagster-home.sh && \
	DAGSTER_HOME=$${DAGSTER_HOME:-$(CURDIR)/.dagster_home} uv run dagster dev -m pipeline.definitions

bench: setup ## Time the command users run (start-up included) against a hand-written DuckDB floor
	uv run python -m bench.commands --sizes 100000,1000000

bench-detail: setup ## Internal phase timings: pipeline functions vs the floor and a pandas script
	uv run python -m bench.run --sizes 100000,1000000 --repeat 3

examples: setup ## Regenerate the example workspaces from their seeded generator
	uv run python scripts/generate_examples.py
