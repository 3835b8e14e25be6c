# Two commands: `make run` serves the whole product; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000

.PHONY: run test install migrate demo bench lint sandbox clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py demo

## Web + Celery worker + beat against the sandbox, with the demo tenant and login. Ctrl-C stops all.
run: demo
	$(PY) manage.py runstack --port $(PORT)

## The whole suite: PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set, else embedded.
test: install
	$(VENV)/bin/ruff check .
	$(PY) manage.py makemigrations --check --dry-run --verbosity 0
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install
	@for script in bench/[!_]*.py; do $(PY) $$script || exit 1; done

lint: install
	$(VENV)/bin/ruff check .

sandbox: install
	$(PY) manage.py sandbox_serve --port 8100

clean:
	rm -rf var/ .pytest_cache
