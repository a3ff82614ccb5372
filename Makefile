# Taizhang: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3

.PHONY: run test install install-test lint format migrate demo serve worker messages clean multiserver backup

$(BIN)/.installed: requirements/base.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed requirements/test.txt
	$(BIN)/pip install --quiet -r requirements/test.txt
	touch $@

install: $(BIN)/.installed
install-test: $(BIN)/.installed-test

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo
	$(PY) manage.py optimize_database

# Set up everything, load the demo campaign, start the background worker and serve on
# http://$(HOST):$(PORT)
run: demo
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py demo_accounts
	@echo "Starting the background worker (Huey) and the web server on http://$(HOST):$(PORT)/"
	$(PY) manage.py run_huey --workers 2 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn taizhang.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --graceful-timeout 5

# Lint, Django checks, missing migrations, then the whole suite (browser tests included)
test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_SETTINGS_MODULE=taizhang.settings_test $(PY) manage.py check --fail-level WARNING
	DJANGO_SETTINGS_MODULE=taizhang.settings_test $(PY) manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist loadfile -q

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(PY) manage.py run_huey

# The production profile on this machine (PostgreSQL, Redis, two app servers, a worker,
# nginx), smoke-tested through nginx and taken down again; see docs/deployment.md
multiserver: install
	deploy/multiserver.sh

# A dated archive of the database and uploaded files in var/backups/
backup: install
	$(PY) manage.py backup

# Regenerate the Chinese catalogue (needs GNU gettext) after changing strings; then fill
# the new msgstr entries in locale/zh_Hans/LC_MESSAGES/django.po and run it again.
messages:
	$(PY) manage.py makemessages -l zh_Hans --ignore '.venv/*' --ignore 'var/*' --ignore 'bench/*' --ignore '*/tests/*'
	$(PY) manage.py compilemessages -l zh_Hans --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
