"""Test settings: the environment's DATABASE_URL / REDIS_URL if given, else SQLite.

Tasks run eagerly in the test process; the integration tests that start a real Celery worker
switch that off for themselves.
"""

import os

os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "test-only-secret-key")

from ainergy.settings.base import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
API_TOKEN_LAST_USED_THROTTLE_S = 0
CELERY_TASK_ALWAYS_EAGER = os.environ.get("AINERGY_CELERY_WORKER") != "1"
WEBHOOK_ALLOW_HTTP = True  # receivers in tests listen on 127.0.0.1 over plain HTTP
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
