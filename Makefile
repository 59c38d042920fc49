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

NPM ?= npm
PORTAL := frontend
# npm ci is re-run when the lock file changes (npm writes node_modules/.package-lock.json).
PORTAL_MODULES := $(PORTAL)/node_modules/.package-lock.json
PORTAL_MANIFEST := $(PORTAL)/static/portal/.vite/manifest.json
PORTAL_SOURCES := $(shell find $(PORTAL)/src -type f -not -path '$(PORTAL)/src/gql/*' 2>/dev/null) \
	$(PORTAL)/vite.config.ts $(PORTAL)/codegen.ts $(PORTAL)/tsconfig.json schema.graphql

.PHONY: demo test test-fast test-timescaledb lint format schema serve worker beat relay mqtt-bridge install \
	install-runtime clean portal portal-lint portal-test portal-dev

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

$(PORTAL_MODULES): $(PORTAL)/package.json $(PORTAL)/package-lock.json
	cd $(PORTAL) && $(NPM) ci --prefer-offline --no-audit --no-fund --loglevel=error
	touch $@

# The portal build (GraphQL types generated from schema.graphql, then Vite), served by Django.
$(PORTAL_MANIFEST): $(PORTAL_MODULES) $(PORTAL_SOURCES)
	cd $(PORTAL) && $(NPM) run --silent build

portal: $(PORTAL_MANIFEST)

portal-lint: $(PORTAL_MODULES)
	cd $(PORTAL) && $(NPM) run --silent typecheck && $(NPM) run --silent lint

portal-test: portal
	cd $(PORTAL) && $(NPM) run --silent budget && $(NPM) run --silent test

# Hot reload: Vite's dev server for the assets, Django for login, sessions and the API.
portal-dev: install-runtime $(PORTAL_MODULES)
	cd $(PORTAL) && $(NPM) run --silent codegen
	@echo "portal: http://$(HOST):$(PORT)/  (assets and hot reload from Vite on :5173)"
	trap 'kill 0' EXIT; (cd $(PORTAL) && $(NPM) run dev) & \
	PORTAL_DEV_SERVER=1 DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

demo: install-runtime portal
	DEBUG=1 $(BIN)/python manage.py migrate --no-input -v 0
	DEBUG=1 $(BIN)/python manage.py seed_demo --base-url http://$(HOST):$(PORT)
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install portal-test
	$(BIN)/python -m pytest

# tests/timescaledb against a real TimescaleDB engine (WebAssembly PostgreSQL 17 + TimescaleDB, npm)
test-timescaledb: install
	bash .ci/timescaledb/suite

test-fast: install
	$(BIN)/python -m pytest -m "not slow and not integration"

lint: install portal-lint
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install $(PORTAL_MODULES)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	cd $(PORTAL) && $(NPM) run --silent format

schema: install-runtime
	DEBUG=1 $(BIN)/python manage.py export_graphql_schema

serve: install-runtime portal
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

mqtt-bridge: install-runtime
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(BIN)/python manage.py mqtt_bridge

beat: install-runtime
	@mkdir -p var
	DJANGO_SETTINGS_MODULE=$(SETTINGS) $(BIN)/celery -A ainergy.celery beat -l INFO \
		-s $${BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}

relay: install-runtime  # publishes the job outbox, requeues jobs of dead workers (run beside workers)
	$(BIN)/python manage.py jobs_relay

clean:
	rm -rf $(VENV) var/*.sqlite3 $(PORTAL)/node_modules $(PORTAL)/static/portal $(PORTAL)/src/gql
