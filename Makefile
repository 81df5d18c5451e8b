# EA Portal: `make run` to browse the portal locally, `make test` to run every check CI runs.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help run test venv dev-venv chromium lint check-migrations pytest clean

help:
	@echo "make run   set everything up and run the portal on SQLite with the programme data, at http://$(HOST):$(PORT)/"
	@echo "make test  set everything up and run ruff, the migrations check and the whole test suite"

# A Python of at least 3.12 (Django 6.1 needs it): the one .python-version names if pyenv is here, else the
# newest python3.x on the PATH.
$(VENV)/bin/python:
	@found=""; for candidate in python3.13 python3.12 python3 python; do \
	  if command -v $$candidate >/dev/null 2>&1 && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    found=$$candidate; break; fi; done; \
	if [ -z "$$found" ]; then \
	  echo "EA Portal needs Python 3.12 or newer (3.13 recommended); found: $$(python3 --version 2>&1 || echo 'no python3')." >&2; \
	  exit 1; fi; \
	echo "Creating $(VENV) with $$($$found --version)"; \
	$$found -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.runtime-installed: $(VENV)/bin/python requirements.txt
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: $(VENV)/bin/python requirements.txt requirements-dev.txt
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

venv: $(VENV)/.runtime-installed
dev-venv: $(VENV)/.dev-installed

# The development server and the task worker (manage.py db_worker) side by side; the worker is stopped with the
# server, however the server ends.
run: venv
	mkdir -p var
	env -u DATABASE_URL $(PY) manage.py migrate --noinput
	env -u DATABASE_URL $(PY) manage.py load_programme --demo-users
	@echo
	@echo "EA Portal is running at http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/admin/). Stop it with Ctrl+C."
	@echo "The task worker (emails, newsletters) runs beside it and stops with it; restart both after changing a task."
	# Links in the emails the worker sends (printed on this console) lead to this server.
	export DJANGO_PORTAL_BASE_URL=http://$(HOST):$(PORT); \
	env -u DATABASE_URL $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	env -u DATABASE_URL $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests need Debian's Chromium; install it when it is missing and apt-get can be used.
chromium:
	@if [ ! -x /usr/bin/chromium ] && [ -z "$$CHROMIUM_PATH" ]; then \
	  if command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "Chromium is missing and apt-get is not usable: browser tests will be skipped (apt-get install -y chromium)."; \
	  fi; \
	fi

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-migrations: dev-venv
	$(PY) manage.py makemigrations --check --dry-run

pytest: dev-venv
	$(VENV)/bin/pytest

test: dev-venv chromium lint check-migrations pytest

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache .ruff_cache
