# LEO Access. `make run` for the embedded service, `make test` for the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

TEST_ENV := DJANGO_SETTINGS_MODULE=leo_access.settings.test
# `check --deploy` runs against the production profile with throwaway values.
DEPLOY_CHECK_ENV := DJANGO_SETTINGS_MODULE=leo_access.settings.production \
	SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=leo-access.example DATABASE_URL=postgres://postgres@127.0.0.1:5432/leo_access \
	REDIS_URL=redis://127.0.0.1:6379/0 EMAIL_URL=smtp://mail.leo-access.example:25

.PHONY: setup run test lint format worker beat system-packages check-services assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.requirements: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements-dev.txt $(VENV)/.requirements
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/dist/.built: node_modules/.installed scripts/build-assets.mjs $(wildcard static/scss/*.scss)
	npm run --silent build
	touch $@

assets: static/dist/.built

## setup: everything `make run` does except serving
setup: $(VENV)/.requirements assets
	$(MANAGE) migrate --no-input
	$(MANAGE) ensure_signing_key
	$(MANAGE) seed_demo

## run: the embedded default (SQLite, in-process tasks, e-mail to the console) on 127.0.0.1:8000
run: setup
	@echo "LEO Access is starting at http://$(HOST):$(PORT)/ (demo logins above; stop with Ctrl+C)"
	$(MANAGE) runserver $(HOST):$(PORT)

## system-packages: Debian packages the tests need (Chromium, pdfsig, LibreOffice Calc)
system-packages:
	@bash scripts/install-system-packages.sh

check-services: $(VENV)/.requirements
	@$(TEST_ENV) $(BIN)/python scripts/check_services.py

## test: lint, migrations and deployment checks, then the whole suite on PostgreSQL and Redis
test: $(VENV)/.requirements-dev assets system-packages check-services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	# Each app imports only the layers below it, and the workbook core imports no Django (pyproject.toml).
	$(BIN)/lint-imports
	$(TEST_ENV) $(MANAGE) makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(MANAGE) check --deploy --fail-level WARNING
	# A fresh test database each time: a run that was interrupted may have left rows behind.
	$(TEST_ENV) $(BIN)/pytest --create-db $(PYTEST_ARGS)

lint: $(VENV)/.requirements-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.requirements-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## worker / beat: Celery against Redis (set REDIS_URL; defaults to the local Redis)
worker: $(VENV)/.requirements
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/celery -A leo_access worker --loglevel=INFO

beat: $(VENV)/.requirements
	REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/0} $(BIN)/celery -A leo_access beat --loglevel=INFO --schedule=$${CELERY_BEAT_SCHEDULE_FILE:-/tmp/leo-access-celerybeat-schedule}

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles
