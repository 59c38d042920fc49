# ainergy — the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# serve / worker / beat run with the web process's settings (override for development:
# make worker SETTINGS=ainergy.settings.dev). docs/deployment.md runs one worker per queue family.
SETTINGS ?= ainergy.settings.production
QUEUES ?= default,forecasting,bidding,sizing,ingestion
CONCURRENCY ?= 2

.PHONY: demo test test-fast test-timescaledb lint format schema serve worker beat relay install install-runtime clean

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

# tests/timescaledb against a real TimescaleDB engine (WebAssembly PostgreSQL 17 + TimescaleDB, npm)
test-timescaledb: install
	bash .ci/timescaledb/suite

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

serve: install-runtime
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(BIN)/python manage.py collectstatic --no-input -v 0
	DJANGO_SETTINGS_MODULE=$(SETTINGS) BIND=$${BIND:-$(HOST):$(PORT)} $(BIN)/gunicorn -c ainergy/gunicorn_conf.py

# make worker FAMILY=bidding: one queue family as deployed (ainergy/workers.py); without FAMILY
# one worker consumes every queue (development only: a sizing study then delays bidding).
worker: install-runtime
ifdef FAMILY
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(BIN)/python -m ainergy.workers $(FAMILY)
else
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(BIN)/celery -A ainergy.celery worker -l INFO \
		-Q $(QUEUES) -c $(CONCURRENCY) -n all@%h
endif

beat: install-runtime
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(BIN)/celery -A ainergy.celery beat -l INFO \
		-s $${BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}

relay: install-runtime  # publishes the job outbox, requeues jobs of dead workers (run beside workers)
	$(BIN)/python manage.py jobs_relay

clean:
	rm -rf $(VENV) var/*.sqlite3
