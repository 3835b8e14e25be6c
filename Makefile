# Two commands: `make run` serves the whole product; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
VAR_DIR ?= $(CURDIR)/var

# `make run` is the embedded default (SQLite + filesystem broker under var/, local-memory cache),
# with what it needs turned on here, explicitly: the sandbox, plain-HTTP localhost, and the secrets
# production would need (SECRET_KEY, FIELD_ENCRYPTION_KEYS, SANDBOX_CONTROL_TOKEN), generated once
# in var/embedded.env. DEBUG stays off, so pages answer as in production (the product's own error
# pages, static files collected and served by WhiteNoise).
EMBEDDED_ENV := $(VAR_DIR)/embedded.env
RUN_ENV = VAR_DIR=$(VAR_DIR) ENV_FILE=$(EMBEDDED_ENV) SANDBOX_ENABLED=true HTTPS=false \
	ALLOWED_HOSTS='localhost,127.0.0.1,[::1]' PUBLIC_BASE_URL=http://127.0.0.1:$(PORT)
# The suite's settings (config/settings_test.py: the sandbox and a DEBUG configuration).
TEST_ENV = DJANGO_SETTINGS_MODULE=config.settings_test

.PHONY: run test install migrate demo static manage bench lint sandbox clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

$(EMBEDDED_ENV): | install
	$(PY) config/embedded.py $@

migrate: install $(EMBEDDED_ENV)
	$(RUN_ENV) $(PY) manage.py migrate --noinput

demo: migrate
	$(RUN_ENV) $(PY) manage.py demo

static: install $(EMBEDDED_ENV)
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0

## Web + Celery worker + beat against the sandbox, with the demo tenant and login. Ctrl-C stops all.
run: static demo
	$(RUN_ENV) $(PY) manage.py runstack --port $(PORT)

## Any manage.py command with make run's settings: make manage ARGS="createsuperuser"
manage: install $(EMBEDDED_ENV)
	$(RUN_ENV) $(PY) manage.py $(ARGS)

## The whole suite: PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, else embedded.
test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/vulture
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(TEST_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	@for script in bench/[!_]*.py; do $(PY) $$script || exit 1; done

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports --no-cache
	$(VENV)/bin/vulture

sandbox: install $(EMBEDDED_ENV)
	$(RUN_ENV) $(PY) manage.py sandbox_serve --port 8100

clean:
	rm -rf var/ .pytest_cache
