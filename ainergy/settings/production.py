"""Production: refuses to start without a secret key, a database, Redis and host names, with
DEBUG on, or as root. Behind a TLS-terminating proxy that sets ``X-Forwarded-Proto``.

Every variable is described in docs/deployment.md.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from ainergy.settings.base import *  # noqa: F403
from ainergy.settings.base import DEBUG, FIELD_ENCRYPTION_KEYS, MIDDLEWARE, env_bool

for required in (
    "SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "ALLOWED_HOSTS",
    "FIELD_ENCRYPTION_KEYS",
):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production")
try:  # stored secrets must not depend on SECRET_KEY (rotating it would lose them)
    from cryptography.fernet import Fernet

    for _key in FIELD_ENCRYPTION_KEYS:
        Fernet(_key)
except ValueError as error:
    raise ImproperlyConfigured(
        "FIELD_ENCRYPTION_KEYS must be comma-separated Fernet keys (newest first), e.g. from "
        "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
    ) from error
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")
if PIPELINE_SIMULATED_CLOCK_KEY:  # noqa: F405
    raise ImproperlyConfigured("PIPELINE_SIMULATED_CLOCK_KEY (a simulated clock) is for tests only")
if hasattr(os, "geteuid") and os.geteuid() == 0 and not env_bool("AINERGY_ALLOW_ROOT"):
    raise ImproperlyConfigured(
        "refusing to run as root: start web, workers and beat as an unprivileged user "
        "(docs/deployment.md), or set AINERGY_ALLOW_ROOT=1 inside a throw-away container"
    )

# --- HTTPS behind the proxy ---------------------------------------------------------------
# The proxy terminates TLS and sets X-Forwarded-Proto; it must overwrite any value a client
# sends (docs/deployment.md shows the nginx lines).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the proxy's health check may use plain HTTP
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))  # [s]
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False  # an operator's decision, made at hstspreload.org, not here
SILENCED_SYSTEM_CHECKS = ["security.W021"]  # ...so `check --deploy` does not nag about it
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

# --- Static files: WhiteNoise serves STATIC_ROOT (filled by collectstatic) -------------------
from frontend.storage import IMMUTABLE_FILE_PATTERN  # noqa: E402

MIDDLEWARE = [
    MIDDLEWARE[0],  # SecurityMiddleware first, so redirects and headers cover static files too
    "whitenoise.middleware.WhiteNoiseMiddleware",
    *MIDDLEWARE[1:],
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # WhiteNoise's CompressedManifestStaticFilesStorage, leaving the Vite-hashed portal build as is
    "staticfiles": {"BACKEND": "frontend.storage.PortalStaticFilesStorage"},
}
WHITENOISE_IMMUTABLE_FILE_TEST = IMMUTABLE_FILE_PATTERN  # Django's and Vite's hashed names
WHITENOISE_MANIFEST_STRICT = False  # a file missing from the manifest is served unhashed, not a 500

# --- Database connections: a bounded pool per process ----------------------------------------
# Under ASGI, Django's persistent connections belong to whichever thread ran the request and are
# not reused; under load they pile up until PostgreSQL refuses new clients ("too many clients",
# found by benchmarks/attack_load.py). A psycopg pool per process bounds and reuses them.
if DATABASES["default"]["ENGINE"] == "ainergy.common.db.backends.postgresql":  # noqa: F405
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405 - required with a pool
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {  # noqa: F405
        "min_size": 1,
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "8")),  # per web or worker process
        "timeout": 10,  # [s] waiting for a free connection before the request fails
    }
