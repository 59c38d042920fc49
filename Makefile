# ainergy — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test test-fast lint format schema worker relay install install-runtime clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Runtime set (what production installs) and the development set on top (tests, lint, browser).
$(VENV)/.installed-runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.installed-runtime $@

install-runtime: $(VENV)/.installed-runtime

install: $(VENV)/.installed-dev

demo: install-runtime
	DEBUG=1 $(BIN)/python manage.py migrate --no-input -v 0
	DEBUG=1 $(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install
	$(BIN)/python -m pytest

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not integration"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: install-runtime
	DEBUG=1 $(BIN)/python manage.py export_graphql_schema

worker: install-runtime
	$(BIN)/celery -A ainergy.celery worker -l INFO -Q default,forecasting,bidding,sizing,ingestion

relay: install-runtime  # publishes the job outbox, requeues jobs of dead workers (run beside workers)
	$(BIN)/python manage.py jobs_relay

clean:
	rm -rf $(VENV) var/*.sqlite3
