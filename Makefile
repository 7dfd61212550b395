# HalluxPath: two commands.
#   make run   set up everything (virtualenv, database, demo data) and serve the app
#   make test  install what the tests need, then lint, type-check and test on SQLite and PostgreSQL
# Other targets are steps of these two; `make help` lists them.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
WORKERS ?= 2
# pytest processes for the test runs (pytest-xdist; each has its own test
# database and its own browser): 2 for the project's 2-core machines.
TEST_WORKERS ?= 2
APT_GET := DEBIAN_FRONTEND=noninteractive apt-get
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo yes)
HAS_APT := $(shell command -v apt-get >/dev/null 2>&1 && echo yes)

.PHONY: help run serve setup install install-test system-deps system-test-deps demo lint typecheck \
        test test-sqlite test-postgres benchmark clean

help:
	@echo "make run      set up and serve the demo at http://127.0.0.1:$(PORT)"
	@echo "make test     lint, type-check, and run the tests on SQLite and PostgreSQL"
	@echo "make lint | typecheck | test-sqlite | test-postgres | demo | clean"

# --- Python environment ------------------------------------------------------

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "HalluxPath needs Python 3.11 or newer")'
	@$(PYTHON) -m venv --help >/dev/null 2>&1 && $(PYTHON) -c 'import ensurepip' 2>/dev/null || { \
	  if [ "$(IS_ROOT)$(HAS_APT)" = "yesyes" ]; then $(APT_GET) update -qq && $(APT_GET) install -y -qq python3-venv; \
	  else echo "Python's venv module is missing: install the python3-venv package"; exit 1; fi; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Debian's chromium (for the browser tests) and PostgreSQL 15 (for the second
# test run), installed when missing and we are root on a Debian/Ubuntu machine.
system-test-deps: system-deps
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$(IS_ROOT)$(HAS_APT)" = "yesyes" ]; then \
	    echo "installing:$$missing"; $(APT_GET) update -qq && $(APT_GET) install -y -qq $$missing; \
	  else echo "missing system packages:$$missing (install them, e.g. sudo apt-get install$$missing)"; exit 1; fi; \
	fi

# The PDFs (consent sheet, operative note, leaflets) print any script a form
# accepts with DejaVu Sans (Debian's fonts-dejavu-core); without it they fall
# back to reportlab's Latin-only font. Installed when missing and we are root.
system-deps:
	@if [ ! -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ]; then \
	  if [ "$(IS_ROOT)$(HAS_APT)" = "yesyes" ]; then \
	    echo "installing: fonts-dejavu-core"; $(APT_GET) update -qq && $(APT_GET) install -y -qq fonts-dejavu-core; \
	  else echo "note: install fonts-dejavu-core for PDFs in every script (sudo apt-get install fonts-dejavu-core)"; fi; \
	fi

# --- Serving -----------------------------------------------------------------

setup: install system-deps
	$(BIN)/halluxpath migrate --noinput
	$(BIN)/halluxpath collectstatic --noinput -v0
	$(BIN)/halluxpath load_demo

demo: setup

# The demo's reminder worker writes e-mails and text messages to var/reminders.log
# instead of sending them; a site sets HALLUXPATH_EMAIL_BACKEND and
# HALLUXPATH_SMS_BACKEND (docs/operations.md). `halluxpath run_workers` runs it
# beside the alert escalation (var/escalation.log), the audit sealer
# (var/audit-sealer.log) and the task worker (var/tasks.log: research exports,
# the demo's films drawn in the background), and starts again any that stops, with a
# growing pause; its own lines (each start and stop) go to var/workers.log.
serve: export HALLUXPATH_EMAIL_BACKEND ?= django.core.mail.backends.console.EmailBackend
serve: export HALLUXPATH_SMS_BACKEND ?= halluxpath.reminders.channels.ConsoleSmsBackend
serve:
	@echo "HalluxPath is at http://127.0.0.1:$(PORT)/  (Ctrl-C stops it)"
	@echo "Reminders the demo would send are written to var/reminders.log"
	@mkdir -p var
	$(BIN)/halluxpath run_workers --log-dir var >> var/workers.log 2>&1 & workers=$$!; \
	$(BIN)/gunicorn halluxpath.site.wsgi --bind 127.0.0.1:$(PORT) --workers $(WORKERS) \
	  --access-logfile - --forwarded-allow-ips=127.0.0.1; \
	kill $$workers 2>/dev/null; wait

run: setup serve

# --- Quality gates -----------------------------------------------------------

lint: install-test
	$(BIN)/ruff check src tests benchmarks scripts
	$(BIN)/ruff format --check src tests benchmarks scripts

typecheck: install-test
	$(BIN)/mypy src tests benchmarks scripts

test-sqlite: install-test system-test-deps
	$(BIN)/pytest -n $(TEST_WORKERS)

# The browser journeys run once, on SQLite: they drive the pages, and what
# differs on PostgreSQL (locking, types, constraints) is below the pages,
# where the rest of the suite runs on both.
test-postgres: install-test system-test-deps
	$(BIN)/python scripts/pgtemp.py -- $(BIN)/pytest -n $(TEST_WORKERS) -m "not browser"

test: lint typecheck test-sqlite test-postgres

benchmark: install-test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis build dist src/*.egg-info
