"""Settings shared by every environment; everything that varies comes from the environment.

DATABASE_URL  unset -> SQLite file under var/ (the embedded demo default)
REDIS_URL     unset -> Celery runs tasks in-process (eager); set -> Redis broker + result backend
SECRET_KEY    required unless DEBUG is on
DEBUG         "1"/"true" turns on debug (GraphiQL, dev secret key)
ALLOWED_HOSTS comma-separated
The full list, with production defaults, is in docs/deployment.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-insecure-only-for-debug"  # noqa: S105 - dev default, refused without DEBUG

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "strawberry_django",
    "django_vite",
    "ainergy.common",
    "tenants",
    "ainergy.jobs",
    "ainergy.markets",
    "ainergy.assets",
    "ainergy.timeseries",
    "forecasting",
    "optimization",
    "ainergy.pipeline",
    "frontend",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "ainergy.common.middleware.ClientIpRateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.middleware.TenantMiddleware",
    "ainergy.common.middleware.PrincipalRateLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "ainergy.urls"
WSGI_APPLICATION = "ainergy.wsgi.application"
ASGI_APPLICATION = "ainergy.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # hypertables where the TimescaleDB extension exists, plain tables elsewhere
        DATABASES["default"]["ENGINE"] = "ainergy.common.db.backends.postgresql"
else:
    VAR_DIR.mkdir(exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "ainergy.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
    # SQLite has no NULLS NOT DISTINCT, so ForecastValue's run-member uniqueness exists only on
    # PostgreSQL (production, CI); the embedded demo is one process writing one run at a time.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = ["tenants.auth.ThrottledModelBackend"]  # login throttling + lockout
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
USE_I18N = False
USE_TZ = True
TIME_ZONE = "UTC"  # storage and internals; Europe/Copenhagen only at the edges
DISPLAY_TIME_ZONE = "Europe/Copenhagen"

STATIC_URL = "static/"
STATIC_ROOT = Path(
    os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles"
)  # collectstatic target

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login/"

# --- Portal (frontend/) -------------------------------------------------------------------
# The React app is built by Vite into frontend/static/portal (make demo / make test run
# `npm ci` and the build). PORTAL_DEV_SERVER=1 loads it from `npm run dev` instead (hot reload).
CSRF_FAILURE_VIEW = "frontend.views.csrf_failure"
DJANGO_VITE = {
    "default": {
        "dev_mode": env_bool("PORTAL_DEV_SERVER", False),
        "dev_server_host": "127.0.0.1",
        "dev_server_port": int(os.environ.get("PORTAL_DEV_SERVER_PORT", "5173")),
        "static_url_prefix": "portal",
        "manifest_path": BASE_DIR / "frontend" / "static" / "portal" / ".vite" / "manifest.json",
    }
}

# --- Celery -------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ACKS_LATE = True  # tasks guard on job status, so redelivery is harmless
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 50 * 60  # [s] solver and fit limits sit below this
CELERY_TASK_TIME_LIMIT = 55 * 60  # [s] hard kill; must stay below the visibility timeout
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 60 * 60,  # [s] above the hard time limit: no redelivery of live tasks
    "socket_connect_timeout": 5,  # [s] a dead broker fails fast instead of hanging
    "socket_timeout": 30,  # [s] a half-open connection is dropped (kombu's advice)
}
CELERY_TASK_IGNORE_RESULT = True  # outcomes live on the Job row; nothing reads Celery results
CELERY_TASK_DEFAULT_QUEUE = "default"
# [s] (soft, hard) time limit per task, i.e. per job kind. The soft limit raises inside the task
# (the job fails with a readable reason); the hard one kills the worker child. Solver limits in
# the services sit below the soft limits (bid plan: 600 s solver); every hard limit stays below
# CELERY_TASK_TIME_LIMIT and the broker's visibility timeout. Tasks not listed get the global
# limits above. A test checks that every registered job kind is listed.
JOB_TASK_TIME_LIMITS_S = {
    "optimization.bid_plan_run": (20 * 60, 22 * 60),  # day-ahead bidding before gate closure
    "optimization.pool_dispatch_run": (15 * 60, 17 * 60),
    "forecasting.forecast_run_execute": (30 * 60, 33 * 60),
    "optimization.sizing_study_run": (50 * 60, 55 * 60),  # long by design: its own queue
    "optimization.household_schedule_run": (10 * 60, 12 * 60),
    "jobs.diagnostic_run": (5 * 60, 6 * 60),
    "timeseries.meter_data_sync": (15 * 60, 17 * 60),
    "timeseries.market_data_sync": (10 * 60, 12 * 60),
    "optimization.grid_tariffs_sync": (10 * 60, 12 * 60),
    "pipeline.step_run": (10 * 60, 12 * 60),
    "pipeline.replan_run": (2 * 60, 3 * 60),  # drift → new setpoints is meant to take seconds
}
CELERY_TASK_ANNOTATIONS = {
    task: {"soft_time_limit": soft, "time_limit": hard}
    for task, (soft, hard) in JOB_TASK_TIME_LIMITS_S.items()
}
CELERY_TIMEZONE = "UTC"

# --- GraphQL ------------------------------------------------------------------------------
STRAWBERRY_DJANGO = {
    "FIELD_DESCRIPTION_FROM_HELP_TEXT": True,
    "TYPE_DESCRIPTION_FROM_MODEL_DOCSTRING": True,
    "MUTATIONS_DEFAULT_HANDLE_ERRORS": True,
    "PAGINATION_DEFAULT_LIMIT": 100,
    "PAGINATION_MAX_LIMIT": 100,
    "GENERATE_ENUMS_FROM_CHOICES": True,
}
GRAPHQL_MAX_DEPTH = 10
GRAPHQL_MAX_ALIASES = 15
GRAPHQL_MAX_TOKENS = 2000
GRAPHQL_MAX_PAGE_SIZE = 100
# Cheap rejection before validation and execution (ainergy/graphql/limits.py, views.py).
GRAPHQL_MAX_DOCUMENT_BYTES = 65_536  # [bytes] the query text (the parser also stops at 2000 tokens)
GRAPHQL_MAX_GET_BYTES = 4_096  # [bytes] query string of a GET request
GRAPHQL_MAX_FIELDS = 500  # field selections per document, fragments expanded
GRAPHQL_MAX_REPEATED_FIELDS = 5  # selections of one response key in one selection set
GRAPHQL_MAX_COST = 100_000  # objects one operation may return (see limits.py)
GRAPHQL_COST_BUDGET_PER_MINUTE = int(os.environ.get("GRAPHQL_COST_BUDGET_PER_MINUTE", "300000"))
GRAPHQL_INTROSPECTION = env_bool("GRAPHQL_INTROSPECTION", DEBUG)  # off in production unless set

# --- API tokens ---------------------------------------------------------------------------
API_TOKEN_PREFIX = "ain"
API_TOKEN_DEFAULT_LIFETIME_DAYS = 90
API_TOKEN_MAX_LIFETIME_DAYS = 366
API_TOKEN_LAST_USED_THROTTLE_S = 60  # [s] last_used_at is written at most this often

# --- Rate limits and login throttling (counters in Redis; in memory without REDIS_URL) ------
RATE_LIMIT_ENABLED = env_bool("RATE_LIMIT_ENABLED", True)
RATE_LIMIT_KEY_PREFIX = os.environ.get("RATE_LIMIT_KEY_PREFIX", "ainergy:rl:")
RATE_LIMIT_PER_IP_PER_MINUTE = int(os.environ.get("RATE_LIMIT_PER_IP_PER_MINUTE", "300"))
RATE_LIMIT_PER_CALLER_PER_MINUTE = int(os.environ.get("RATE_LIMIT_PER_CALLER_PER_MINUTE", "300"))
# all tokens and users of one tenant together (a hostile tenant can mint many tokens)
RATE_LIMIT_PER_TENANT_PER_MINUTE = int(os.environ.get("RATE_LIMIT_PER_TENANT_PER_MINUTE", "600"))
# Behind N reverse proxies, the client is the Nth address from the right of X-Forwarded-For.
RATE_LIMIT_TRUSTED_PROXY_COUNT = int(os.environ.get("RATE_LIMIT_TRUSTED_PROXY_COUNT", "0"))
RATE_LIMIT_REDIS_TIMEOUT_S = 0.25  # [s] per counter round trip; unreachable -> fail open
RATE_LIMIT_REDIS_RETRY_S = 10  # [s] after a Redis error, counters are skipped this long
LOGIN_FAILURES_PER_ACCOUNT = 5  # wrong passwords for one account within the window -> locked
LOGIN_FAILURES_PER_IP = 20  # wrong passwords from one address, any accounts -> locked
LOGIN_FAILURE_WINDOW_S = 15 * 60  # [s]
LOGIN_LOCKOUT_S = 15 * 60  # [s] even the right password is refused meanwhile

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"cmdstanpy": {"level": "WARNING"}},
}

# --- Jobs ---------------------------------------------------------------------------------
JOB_RETRY_BACKOFF_S = 2  # [s] first retry delay of a transient failure; doubles per attempt
# A thread beats on each running job every JOB_HEARTBEAT_INTERVAL_S; the relay requeues a running
# job whose heartbeat is older than JOB_HEARTBEAT_STALE_S (its worker died): takeover within
# stale + relay interval, well under a minute, instead of the broker's visibility timeout.
JOB_HEARTBEAT_INTERVAL_S = float(os.environ.get("JOB_HEARTBEAT_INTERVAL_S", "5"))  # [s]
JOB_HEARTBEAT_STALE_S = float(os.environ.get("JOB_HEARTBEAT_STALE_S", "30"))  # [s]
JOB_MAX_ATTEMPTS = 5  # a job that loses its worker this often fails (WORKER_LOST), no loop
# Per-tenant concurrency on the shared queues: a tenant's jobs beyond its limit wait in the
# outbox, so another tenant's job waits for at most one job of each other tenant. Keep each
# limit at or below the worker concurrency of that queue.
JOB_TENANT_CONCURRENCY_DEFAULT = 1
JOB_TENANT_CONCURRENCY: dict[str, int] = {}  # per queue, e.g. {"ingestion": 2}
JOB_RELAY_INTERVAL_S = 1.0  # [s] relay pass: publish due outbox rows, reap dead workers' jobs
JOB_PUBLISH_TIMEOUT_S = 2.0  # [s] one bounded attempt to reach the broker per publish
JOB_PUBLISH_CIRCUIT_OPEN_S = 10.0  # [s] after a failed publish, requests leave jobs to the relay
JOB_PUBLISH_MAX_BACKOFF_S = 30  # [s] cap of the relay's back-off per job while the broker is down
JOB_QUEUE_PREFIX = os.environ.get("JOB_QUEUE_PREFIX", "")  # isolates test runs on a shared Redis

# --- Time series --------------------------------------------------------------------------
TIMESERIES_MAX_POINTS_PER_REQUEST = 50_000  # API batches (GraphQL, REST); bulk imports chunk
TIMESERIES_MAX_POINTS_PER_QUERY = 20_000  # values one GraphQL query may return
TIMESERIES_MAX_POINTS_SCANNED = 500_000  # raw values one aggregation (dailyValues) may read
TELEMETRY_MAX_READINGS_PER_REQUEST = 5_000  # device batches
# TimescaleDB only (ainergy/timeseries/timescale.py; applied by every `migrate`):
TIMESCALEDB_COMPRESS_AFTER_DAYS = int(os.environ.get("TIMESCALEDB_COMPRESS_AFTER_DAYS") or 30)
# [d] raw device telemetry older than this is deleted (hourly/daily aggregates stay); unset: kept
TIMESCALEDB_TELEMETRY_RETENTION_DAYS = (
    int(os.environ["TIMESCALEDB_TELEMETRY_RETENTION_DAYS"])
    if os.environ.get("TIMESCALEDB_TELEMETRY_RETENTION_DAYS")
    else None
)
if TIMESCALEDB_TELEMETRY_RETENTION_DAYS is not None and TIMESCALEDB_TELEMETRY_RETENTION_DAYS < 2:
    raise ImproperlyConfigured("TIMESCALEDB_TELEMETRY_RETENTION_DAYS must be at least 2 (days)")
TIMESCALEDB_AGGREGATE_REFRESH_DAYS = 7  # [d] the aggregate refresh policy's window
REST_MAX_BODY_BYTES = 5 * 1024 * 1024  # [bytes] device payloads; bulk data goes through imports
# Django refuses larger bodies before any view (answered as JSON 413 on the API paths).
DATA_UPLOAD_MAX_MEMORY_SIZE = REST_MAX_BODY_BYTES
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")  # Fernet keys, newest first

# --- Connectors and periodic fetches ------------------------------------------------------
ENERGI_DATA_SERVICE_URL = os.environ.get(
    "ENERGI_DATA_SERVICE_URL", "https://api.energidataservice.dk"
)
ELOVERBLIK_URL = os.environ.get("ELOVERBLIK_URL", "https://api.eloverblik.dk/customerapi")
# Public market data land in public series; each entry fetches [now - lookback, now + lookahead).
MARKET_DATA_FEEDS = {
    "day_ahead_prices": {"lookback_days": 2, "lookahead_days": 2},
    "mfrr_capacity": {"lookback_days": 3, "lookahead_days": 2},
    "afrr_capacity": {"lookback_days": 3, "lookahead_days": 2},
    # [U] which FcrDK1 price a Danish provider is paid: FCRdk_EUR here, FCRcross_EUR the other
    "fcr_dk1": {
        "lookback_days": 3,
        "lookahead_days": 2,
        "value_fields": {"fcr_dk1_capacity_price_eur_per_mw_h": "FCRdk_EUR"},
    },
    "fcr_n_dk2": {"lookback_days": 3, "lookahead_days": 2},
    "fcr_d_up_dk2": {"lookback_days": 3, "lookahead_days": 2},
    "fcr_d_down_dk2": {"lookback_days": 3, "lookahead_days": 2},
    "imbalance_price": {"lookback_days": 3, "lookahead_days": 0},
    "co2_emission_prognosis": {"lookback_days": 1, "lookahead_days": 2},
}
CELERY_BEAT_SCHEDULE = {
    f"market-data-{feed}": {
        "task": "timeseries.market_data_sync",
        "schedule": 3600.0 if feed != "co2_emission_prognosis" else 900.0,  # [s]
        "kwargs": {"feed": feed},
        "options": {"queue": "ingestion"},
    }
    for feed in MARKET_DATA_FEEDS
}
# Grid tariffs (DatahubPricelist: every grid company's tariff codes, Energinet's charges,
# elafgift) replaced by the live price list once a day at this UTC clock time, "HH:MM"; empty
# = not on the schedule (then run `manage.py sync_grid_tariffs` by hand after a change).
GRID_TARIFF_SYNC_TIME_UTC = os.environ.get("GRID_TARIFF_SYNC_TIME_UTC", "04:15")
if GRID_TARIFF_SYNC_TIME_UTC:
    try:
        _sync_hour, _sync_minute = (int(part) for part in GRID_TARIFF_SYNC_TIME_UTC.split(":"))
        if not (0 <= _sync_hour < 24 and 0 <= _sync_minute < 60):
            raise ValueError
    except ValueError:
        raise ImproperlyConfigured(
            f"GRID_TARIFF_SYNC_TIME_UTC: expected HH:MM (UTC), got {GRID_TARIFF_SYNC_TIME_UTC!r}"
        ) from None
    CELERY_BEAT_SCHEDULE["grid-tariffs-sync"] = {
        "task": "optimization.grid_tariffs_sync",
        "schedule": crontab(hour=_sync_hour, minute=_sync_minute),
        "kwargs": {},
        "options": {"queue": "ingestion", "expires": 6 * 3600},  # [s] a missed day is skipped
    }

# --- Daily pipeline (ainergy/pipeline, docs/pipeline.md) -----------------------------------
# Step offsets [min] from their timeline anchor: step -> (anchor, earliest start, deadline, after)
# Anchors: first_gate_closure (earliest gate of the pool's products), last_results_publication,
# day_ahead_results_publication, delivery_start. All derive from MarketTimelineRule rows.
PIPELINE_STEP_OFFSETS_MIN = {
    "pool": {
        "market_data": ("first_gate_closure", -180, -150, ()),
        "weather_forecast": ("first_gate_closure", -180, -150, ()),
        "heat_demand_forecast": (
            "first_gate_closure",
            -150,
            -90,
            ("market_data", "weather_forecast"),
        ),
        "price_forecast": ("first_gate_closure", -150, -90, ("market_data",)),
        "bid_plan": ("first_gate_closure", -90, -30, ("heat_demand_forecast", "price_forecast")),
        "submit": ("first_gate_closure", -30, -10, ("bid_plan",)),
        "results_import": ("last_results_publication", 5, 65, ("submit",)),
        "dispatch": ("last_results_publication", 5, 125, ("results_import",)),
        "publish": ("last_results_publication", 5, 185, ("dispatch",)),
    },
    "household": {
        "market_data": ("day_ahead_results_publication", 5, 35, ()),
        "weather_forecast": ("day_ahead_results_publication", 5, 35, ()),
        "household_schedule": (
            "day_ahead_results_publication",
            10,
            95,
            ("market_data", "weather_forecast"),
        ),
        "publish": ("day_ahead_results_publication", 10, 125, ("household_schedule",)),
    },
}
PIPELINE_POOL_FEEDS = list(MARKET_DATA_FEEDS)  # fetched before the forecasts (public data)
PIPELINE_HOUSEHOLD_FEEDS = ["day_ahead_prices"]
PIPELINE_RESULTS_FEEDS = [
    "day_ahead_prices", "mfrr_capacity", "afrr_capacity", "fcr_dk1", "fcr_n_dk2",
    "fcr_d_up_dk2", "fcr_d_down_dk2",
]  # fmt: skip
PIPELINE_TICK_S = float(os.environ.get("PIPELINE_TICK_S") or 60)  # [s] beat's catch-up pass
PIPELINE_BEAT_MAX_CHECK_S = float(os.environ.get("PIPELINE_BEAT_MAX_CHECK_S") or 60)  # [s]
PIPELINE_BEAT_REFRESH_S = 300  # [s] timeline rules re-read by beat
# Tests and demos only (production refuses it): Redis key of the simulated pipeline clock.
PIPELINE_SIMULATED_CLOCK_KEY = os.environ.get("PIPELINE_SIMULATED_CLOCK_KEY", "")
OPEN_METEO_URL = os.environ.get("OPEN_METEO_URL", "https://api.open-meteo.com")
WEATHER_FORECAST_DAYS = 2  # [d] beyond the issue time
# Real-time re-planning: telemetry drift tolerances and the re-dispatch solver limit.
REPLAN_POWER_TOLERANCE_FRACTION = 0.2  # |power - setpoint| > this x max power (and > 50 kW)
REPLAN_POWER_TOLERANCE_MIN_KW = 50.0  # [kW]
REPLAN_STORAGE_TOLERANCE_FRACTION = 0.1  # |SoC - planned SoC| > this
REPLAN_HOUSEHOLD_ENERGY_TOLERANCE_KWH = 0.5  # [kWh] tank or battery vs plan
REPLAN_SOLVER_TIME_LIMIT_S = 5.0  # [s] re-dispatch MILP; heuristics cover the rest
REPLAN_MIN_INTERVAL_S = 60  # [s] per pool/household: drift within this of a re-plan waits
# Webhooks: retry back-off [s] after attempts 1, 2, ... (then failed); request time-out [s]
WEBHOOK_RETRY_BACKOFF_S = [10, 60, 300, 1800, 7200]
WEBHOOK_TIMEOUT_S = 10
WEBHOOK_SWEEP_S = 30  # [s] beat re-sends due deliveries (outbox sweep)
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
CELERY_BEAT_SCHEDULER = "ainergy.pipeline.beat:TimelineScheduler"
# MQTT telemetry bridge (python manage.py mqtt_bridge): broker and topic prefix
MQTT_BROKER_URL = os.environ.get("MQTT_BROKER_URL", "mqtt://127.0.0.1:1883")
MQTT_TOPIC_PREFIX = os.environ.get("MQTT_TOPIC_PREFIX", "ainergy")

# --- Channels (GraphQL subscriptions over WebSocket) ---------------------------------------
CHANNEL_LAYERS = (
    {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{JOB_QUEUE_PREFIX}asgi"},
        }
    }
    if REDIS_URL
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
)
