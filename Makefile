# The two commands a developer needs: `make dev` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
comma := ,
# The venv runs the Lambda runtime's Python (python3.13), so the tests run the version that is deployed. A pyenv
# install is found through its shim (.python-version selects it) or directly; `make PYTHON=/path/to/python3.13`
# names another one.
PYTHON_VERSION := 3.13
PYTHON ?= $(firstword $(shell command -v python$(PYTHON_VERSION) 2>/dev/null) \
	$(wildcard $(HOME)/.pyenv/versions/$(PYTHON_VERSION).*/bin/python$(PYTHON_VERSION)))
MISSING_PYTHON := Python $(PYTHON_VERSION) is needed (PYTHON='$(PYTHON)' is not it): install it with 'pyenv install $(PYTHON_VERSION)' (or on Debian \
	'apt-get install python$(PYTHON_VERSION) python$(PYTHON_VERSION)-venv'), or run make PYTHON=/path/to/python$(PYTHON_VERSION)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha256sum | cut -c1-12)

.PHONY: dev test install lint types smoke test-unit test-unit-shifted test-integration test-infra test-proof proof bench schema clean \
	frontend-install frontend-build frontend-check frontend-e2e test-frontend

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != ($(subst .,$(comma) ,$(PYTHON_VERSION))))' 2>/dev/null \
		|| { echo "$(MISSING_PYTHON)"; exit 1; }
	@# A venv left by another Python (3.11 before) is rebuilt rather than upgraded in place.
	@if [ -x $(BIN)/python ] && ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != ($(subst .,$(comma) ,$(PYTHON_VERSION))))'; then \
		echo "$(VENV) runs another Python: recreating it with $(PYTHON_VERSION)"; rm -rf $(VENV); \
	fi
	@if [ ! -x $(BIN)/python ]; then \
		$(PYTHON) -m venv $(VENV) || { echo "$(PYTHON) -m venv failed: on Debian run 'apt-get install python$(PYTHON_VERSION)-venv'"; exit 1; }; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[local,dev,infra]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

# The web app (frontend/): `npm ci` when node_modules is missing or package-lock.json changed, a build when a
# source (or the GraphQL schema it is typed from) is newer than the last one. src/gql/ is generated: not a source.
FRONTEND := frontend
NPM ?= npm
FRONTEND_STAMP := $(FRONTEND)/node_modules/.installed-$(shell cat $(FRONTEND)/package-lock.json 2>/dev/null | sha256sum | cut -c1-12)
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src -path $(FRONTEND)/src/gql -prune -o -type f -print 2>/dev/null) \
	$(shell find $(FRONTEND)/public -type f 2>/dev/null) \
	$(addprefix $(FRONTEND)/,index.html package.json vite.config.ts codegen.ts tsconfig.json) graphql_api/schema.graphql

$(FRONTEND_STAMP): $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && $(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $(FRONTEND_STAMP)

frontend-install: $(FRONTEND_STAMP)

$(FRONTEND)/dist/index.html: $(FRONTEND_STAMP) $(FRONTEND_SOURCES)
	cd $(FRONTEND) && $(NPM) run --silent build
	@touch $@

frontend-build: $(FRONTEND)/dist/index.html

## make frontend-check: typed operations from the schema (codegen), tsc, ESLint, Vitest
frontend-check: frontend-install
	cd $(FRONTEND) && $(NPM) run --silent codegen && $(NPM) run --silent typecheck:only && $(NPM) run --silent lint && $(NPM) run --silent test:unit

## make frontend-e2e: the Playwright specs against the built SPA on a local system they start on free ports
frontend-e2e: install frontend-build
	cd $(FRONTEND) && $(NPM) run --silent e2e

test-frontend: frontend-check frontend-e2e

## make dev: install what is missing, build the web app if its sources changed, start the local cloud (from what
## the last run left in .local/state, else seeded) and serve the API and the web app on http://127.0.0.1:8000.
## `make dev ARGS=--fresh` starts over from the seed.
dev: install frontend-build
	$(BIN)/python -m infra.local --state-dir .local/state $(ARGS)

## make test: install what is missing, then lint, types, every test layer in one run, and the unit layer again a
## year ahead and a year back (no test may depend on the date it runs)
test: install lint types frontend-check frontend-e2e
	$(BIN)/pytest -q
	$(MAKE) --no-print-directory test-unit-shifted

## make test-unit-shifted: the unit layer under Debian's faketime, 400 days ahead and 400 days back. Python's timed
## waits hang when libfaketime fakes the monotonic clock too, so only the wall clock moves.
test-unit-shifted: install
	@command -v faketime >/dev/null || { echo "faketime is missing: on Debian run 'apt-get install faketime'"; exit 1; }
	FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '+400d' $(BIN)/pytest tests/unit -q -p no:cacheprovider
	FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f '-400d' $(BIN)/pytest tests/unit -q -p no:cacheprovider

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy

test-unit: install
	$(BIN)/pytest tests/unit -q

test-integration: install
	$(BIN)/pytest tests/integration -q

test-infra: install
	$(BIN)/pytest tests/infra -q

test-proof: install
	$(BIN)/pytest tests/proof -q

## make proof: the reliability scenarios at full size; prints a table and writes proof-results.json
proof: install
	$(BIN)/python -m tests.proof

## make bench: performance on the local cloud (cold starts, warm API, order pipeline, cost per order on AWS, hot SKU);
## prints tables and writes bench-results.json. Sizes and sections: `make bench ARGS="--orders 60 --only pipeline"`
bench: install
	$(BIN)/python -m bench $(ARGS)

## make smoke API=https://… : after `pulumi up`, one order end to end, one cancelled with its refund checked at Stripe,
## one unsigned webhook refused (infra/smoke.py). Needs STRIPE_SECRET_KEY (sk_test_…) and ADMIN_PASSWORD in the
## environment (ADMIN_USERNAME defaults to admin). Against `make dev`: make smoke API=http://127.0.0.1:8000
## STRIPE_API_BASE=http://127.0.0.1:8420 STRIPE_SECRET_KEY=sk_test_local_fake ADMIN_PASSWORD=admin-dev-password
smoke: install
	@test -n "$(API)" || { echo "usage: make smoke API=https://<the stack's url> (with STRIPE_SECRET_KEY, ADMIN_PASSWORD)"; exit 2; }
	$(BIN)/python -m infra.smoke --api $(API)

## make schema: rewrite graphql_api/schema.graphql from the code (commit the result)
schema: install
	$(BIN)/python -m graphql_api.export_schema

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
	rm -rf $(FRONTEND)/node_modules $(FRONTEND)/dist $(FRONTEND)/test-results $(FRONTEND)/src/gql
