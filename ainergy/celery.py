"""The Celery app. Workers: ``celery -A ainergy.celery worker -Q default,forecasting,...``."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.dev")

app = Celery("ainergy")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
