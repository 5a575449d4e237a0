# kratomlog: `make run` (install, then the web app on your journal), `make test` (install, then
# every test: SQLite, PostgreSQL and Chromium), `make demo`, `make lint`, `make bench`.

# Django 6 needs Python 3.12 or newer: the first one found.
PYTHON ?= $(shell for p in python3.13 python3.12 $(wildcard $(HOME)/.pyenv/versions/3.1[2-9]*/bin/python3) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/kratomlog
DEMO_HOME := .demo
# Browser tests drive Debian's Chromium; as root, `make test` installs it when it is missing.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install run demo cli-demo chromium faketime test lint bench clean

$(BIN)/kratomlog: pyproject.toml
	@test -n "$(PYTHON)" || { echo "kratomlog needs Python 3.12 or newer (Django 6); none found" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/kratomlog

run: install
	$(BIN)/kratomlog serve --open

demo: install
	$(BIN)/kratomlog serve --demo --open

cli-demo: install
	rm -rf $(DEMO_HOME)
	KRATOMLOG_HOME=$(DEMO_HOME) $(BIN)/kratomlog demo
	KRATOMLOG_HOME=$(DEMO_HOME) $(BIN)/kratomlog status
	KRATOMLOG_HOME=$(DEMO_HOME) $(BIN)/kratomlog history --from $$(date -d '13 days ago' +%F 2>/dev/null || date -v-13d +%F)

chromium: install
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }
	@# The clinic's PDF report (WeasyPrint) draws text with Pango.
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq libpango-1.0-0 \
		libpangoft2-1.0-0 >/dev/null; }
	@# The report's tests read its PDF as PNG pages and text (poppler's pdftoppm and pdftotext).
	@command -v pdftoppm >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq poppler-utils >/dev/null; }

# Nothing may depend on the hour or the zone the tests run in: the fast tests run again with the
# process clock (libfaketime) just before local midnight, so the run crosses it, and just after
# it, and once more in the zone furthest ahead of UTC.
faketime:
	@command -v faketime >/dev/null || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq faketime >/dev/null; }

# The long steps run on every core (pytest-xdist, a file's tests together); the clock steps run
# in one process, as libfaketime sets it.
PARALLEL := -n auto --dist loadfile

test: install chromium faketime
	$(BIN)/pytest $(PARALLEL)
	faketime "$$(date +%F) 23:59:40" $(BIN)/pytest -q -m "not browser"
	faketime "$$(date -d tomorrow +%F) 00:00:30" $(BIN)/pytest -q -m "not browser"
	TZ=Pacific/Kiritimati $(BIN)/pytest -q -m "not browser"
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PARALLEL) -m db
	KRATOMLOG_CLINIC=1 DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/pytest $(PARALLEL) tests/clinic
	KRATOMLOG_CLINIC=1 DATABASE_URL=$(TEST_DATABASE_URL) KRATOMLOG_TEST_APP_ROLE=kratomlog_test_app $(BIN)/pytest -q tests/clinic/test_audit*.py
	KRATOMLOG_CLINIC=1 $(BIN)/pytest $(PARALLEL) tests/clinic -m "not postgres_only and not fuzz"

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

bench: install
	$(BIN)/python bench/run.py
	$(BIN)/python bench/research_export.py
	$(BIN)/python bench/clinic.py
	$(BIN)/python bench/outcomes.py
	$(BIN)/python bench/load.py
	$(BIN)/python bench/sync.py
	$(BIN)/python bench/push.py

clean:
	rm -rf $(VENV) $(DEMO_HOME) build *.egg-info src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
