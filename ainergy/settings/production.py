"""Production: refuses to start without a secret key, a database and Redis."""

import os

from django.core.exceptions import ImproperlyConfigured

from ainergy.settings.base import *  # noqa: F403
from ainergy.settings.base import DEBUG

for required in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"):
    if not os.environ.get(required):
        raise ImproperlyConfigured(f"{required} must be set in production")
if DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in production")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
