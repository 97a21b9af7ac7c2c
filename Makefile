# Quick start: `make run` (demo on http://127.0.0.1:$(PORT)) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
HOST ?= 127.0.0.1

# The local demo and the test suite run with debug on and a throwaway key; production sets its own environment.
export DJANGO_DEBUG ?= 1

.PHONY: run test lint check messages bench bench-load clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@# A development checkout runs manage.py with debug on; production sets its own environment instead.
	@test -f .env || printf '# Development checkout (created by make; never copy to production)\nDJANGO_DEBUG=1\n' > .env
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	@echo "Serving http://$(HOST):$(PORT)/  (demo accounts above; stop with Ctrl-C)"
	$(PY) manage.py runserver $(HOST):$(PORT)

# One test process per core (each with its own test database); PYTEST_ARGS="-n0 -k …" for a single process.
PYTEST_ARGS ?= -n auto
test: $(VENV)/.installed
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# What CI checks besides the tests: migrations committed, deployment settings clean.
check: $(VENV)/.installed
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=ci-check-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
		DJANGO_ALLOWED_HOSTS=smartcity.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

# Regenerate the Chinese catalogue after changing translatable text (needs GNU gettext), then edit the .po.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

# Dashboard, list and export timings at 100 and 10,000 synthetic projects, then a 5,000-row import (not part of
# `make test`); see bench/README.md.
bench: $(VENV)/.installed
	$(PY) bench/dashboard.py $(BENCH_ARGS)
	$(PY) bench/imports.py

# 20 users for 60 s against gunicorn on PostgreSQL with the demo plus 10,000 synthetic projects (needs a PostgreSQL
# server; BENCH_LOAD_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/bench_load); see bench/README.md.
bench-load: $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[bench]"
	$(PY) bench/load.py $(BENCH_LOAD_ARGS)

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
