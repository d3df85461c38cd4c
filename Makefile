# The two commands a developer needs: `make dev` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: dev test install lint types test-unit test-integration test-proof proof schema clean

$(STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
		$(PYTHON) -m venv $(VENV) || { echo "python3 -m venv failed: on Debian run 'apt-get install python3-venv'"; exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[local,dev,infra]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

## make dev: install what is missing, start the local cloud, seed it and serve the API on http://127.0.0.1:8000
dev: install
	$(BIN)/python -m infra.local

## make test: install what is missing, then lint, types and every test layer in one run
test: install lint types
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy

test-unit: install
	$(BIN)/pytest tests/unit -q

test-integration: install
	$(BIN)/pytest tests/integration -q

test-proof: install
	$(BIN)/pytest tests/proof -q

## make proof: the reliability scenarios at full size; prints a table and writes proof-results.json
proof: install
	$(BIN)/python -m tests.proof

## make schema: rewrite graphql_api/schema.graphql from the code (commit the result)
schema: install
	$(BIN)/python -m graphql_api.export_schema

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
