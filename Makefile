# The two commands: `make run` (whole chain, embedded) and `make test` (whole suite).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install run run-services test test-unit test-chain lint typecheck migrate bench simulate clean

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

## The whole suite, real RabbitMQ and PostgreSQL included (they must be up: see .ci/run).
test: $(STAMP)
	SKK_REQUIRE_INFRA=1 $(PY) -m pytest -q -p no:cacheprovider $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(PY) -m pytest -q -m "not chain and not rabbitmq and not postgres" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy shared services scripts

migrate: $(STAMP)
	$(PY) -m scripts.migrate

simulate: $(STAMP)
	$(PY) -m scripts.skk simulate $(ARGS)

bench: $(STAMP)
	$(PY) -m scripts.bench $(ARGS)

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
