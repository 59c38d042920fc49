"""The Celery app. Workers: ``celery -A ainergy.celery worker -Q bidding`` (``make worker``).

Like the web process (``ainergy.asgi``), workers and beat default to the production settings;
development runs set ``DJANGO_SETTINGS_MODULE=ainergy.settings.dev``. The documented deployment
runs one worker per queue family with its own concurrency; time limits are per task
(``CELERY_TASK_ANNOTATIONS`` from ``JOB_TASK_TIME_LIMITS_S`` in the settings). See
docs/deployment.md.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.production")

app = Celery("ainergy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
