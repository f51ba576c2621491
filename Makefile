# The two commands: `make run` (whole chain, embedded) and `make test` (whole suite).
SHELL := /bin/bash
# The distribution's python3.11 where it can build a venv (Debian's: built with PGO, libpython
# linked in statically, like the optimised python:3.11 image deploy/Dockerfile ships), else the
# first on PATH (scripts/ensure_infra.sh installs Debian's where there is none). A pyenv build is
# neither by default: 11-18 % more CPU per database transaction and 1 MiB more idle RSS per
# service, measured side by side on 2026-12-07 (README, "Measured figures").
DISTRIBUTION_PYTHON := /usr/bin/python3.11
PYTHON ?= $(shell $(DISTRIBUTION_PYTHON) -c 'import ensurepip, venv' >/dev/null 2>&1 \
	&& echo $(DISTRIBUTION_PYTHON) || echo python3.11)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run run-services test test-unit test-chain lint typecheck migrate bench simulate chaos clean

$(STAMP): pyproject.toml constraints.txt
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)"; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## The whole chain on one machine: SQLite, in-process bus, two LSPs, mail to var/mail.
run: $(STAMP)
	$(PY) -m scripts.run_chain

## Each service as its own process against RabbitMQ and PostgreSQL (see README).
run-services: $(STAMP)
	$(PY) -m scripts.run_services

## The whole suite, real RabbitMQ and PostgreSQL included: scripts/ensure_infra.sh installs and
## starts them first where missing (silent when they are up), and its stdout (an
## SKK_TEST_POSTGRES_URL on a fresh cluster) is evaluated before pytest.
## INFRA_ARGS=--with-browser (the default) adds Debian's Chromium, which the browser tests
## (tests/browser, Playwright driving the system chromium) need: they fail, never skip, without it.
INFRA_ARGS ?= --with-browser
test: $(STAMP)
	@infra_env="$$(bash scripts/ensure_infra.sh $(INFRA_ARGS))" && eval "$$infra_env" && \
	  echo "SKK_REQUIRE_INFRA=1 $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)" && \
	  SKK_REQUIRE_INFRA=1 $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(PY) -m pytest -q -m "not chain and not rabbitmq and not postgres and not browser" $(PYTEST_ARGS)

## ruff, mypy and the import contracts (lint-imports, [tool.importlinter] in pyproject.toml):
## all three run, and it fails if any fails.
lint: $(STAMP)
	@status=0; \
	echo "== ruff"; $(VENV)/bin/ruff check . || status=1; \
	echo "== mypy"; $(VENV)/bin/mypy shared services scripts || status=1; \
	echo "== lint-imports"; $(VENV)/bin/lint-imports --no-logo || status=1; \
	exit $$status

## The prestart step by hand: every embedded database (var/*.db), or ARGS="--service siki" with
## SKK_DATABASE_URL, or ARGS="--url-template postgresql+asyncpg://...skk_{instance}".
migrate: $(STAMP)
	$(PY) -m scripts.migrate $(ARGS)

simulate: $(STAMP)
	$(PY) -m scripts.skk simulate $(ARGS)

bench: $(STAMP)
	$(PY) -m scripts.bench $(ARGS)

## The fault suite: its own RabbitMQ node, the chain as processes (two of SIKI, the portal and
## LSP-A), the simulator, kill -9 of every process and the broker, then the checks (README).
## ARGS="--applicants 200 --seed 7", ARGS=--long (1,000 applicants).
chaos: $(STAMP)
	$(PY) -m scripts.chaos $(ARGS)

## Generated from the code (tests/contracts fails when they are stale; commit the result):
## contracts: docs/asyncapi.yaml and the event tables of docs/CONTRACTS.md (shared/contracts/events.py);
## openapi: docs/openapi/<service>.json (each app's .openapi());
## client: clients/<service>_client from those documents (openapi-python-client).
.PHONY: contracts openapi client
contracts: $(STAMP)
	$(PY) -m scripts.contracts events

openapi: $(STAMP)
	$(PY) -m scripts.contracts openapi

client: $(STAMP)
	$(PY) -m scripts.contracts client

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .import_linter_cache
