# kratomlog: `make run` (install, then the CLI on a demo journal), `make test` (install, then every
# test, on SQLite and on PostgreSQL), `make lint`, `make bench`.

# Django 6 needs Python 3.12 or newer: the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kratomlog
DEMO_HOME := .demo

.PHONY: install run test lint bench clean

$(BIN)/kratomlog: pyproject.toml
	@test -n "$(PYTHON)" || { echo "kratomlog needs Python 3.12 or newer (Django 6); none found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/kratomlog

run: install
	rm -rf $(DEMO_HOME)
	KRATOMLOG_HOME=$(DEMO_HOME) $(BIN)/kratomlog demo
	KRATOMLOG_HOME=$(DEMO_HOME) $(BIN)/kratomlog status
	KRATOMLOG_HOME=$(DEMO_HOME) $(BIN)/kratomlog history --from $$(date -d '13 days ago' +%F 2>/dev/null || date -v-13d +%F)
	@echo "\nThe demo journal is in $(DEMO_HOME): try KRATOMLOG_HOME=$(DEMO_HOME) $(BIN)/kratomlog --help"

test: install
	$(BIN)/pytest
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest -m db

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
