"""Architecture and configuration contracts."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PURITY_CHECK = """
import importlib, json, pkgutil, sys
import forecasting.core, optimization.core
names = []
for package in (forecasting.core, optimization.core):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
        names.append(module.name)
print(json.dumps({"modules": names, "impure": sorted(
    m for m in sys.modules if m.split(".")[0] in ("django", "celery", "strawberry", "strawberry_django"))}))
"""


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**clean_env, **env},
        timeout=120,
    )


def test_cores_import_neither_django_nor_celery():
    # when every module of both cores is imported in a fresh interpreter
    result = run_python(PURITY_CHECK)
    # then
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["impure"] == []
    assert len(report["modules"]) > 0


SETUP = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER)"


def test_production_refuses_to_start_without_secret_key():
    result = run_python(SETUP, DJANGO_SETTINGS_MODULE="ainergy.settings.production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("missing", ["DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_services(missing):
    env = {
        "DJANGO_SETTINGS_MODULE": "ainergy.settings.production",
        "SECRET_KEY": "x" * 50,
        "DATABASE_URL": "postgresql://u@db/ainergy",
        "REDIS_URL": "redis://cache:6379/0",
        "ALLOWED_HOSTS": "api.ainergy.dk",
    }
    env.pop(missing)
    result = run_python(SETUP, **{**env, missing: ""})
    assert result.returncode != 0
    assert f"{missing} must be set in production" in result.stderr


def test_embedded_default_is_sqlite_and_in_process_tasks():
    result = run_python(
        SETUP, DJANGO_SETTINGS_MODULE="ainergy.settings.dev", DATABASE_URL="", REDIS_URL=""
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_database_and_redis_come_from_the_environment():
    result = run_python(
        SETUP,
        DJANGO_SETTINGS_MODULE="ainergy.settings.dev",
        DATABASE_URL="postgresql://u@db:5432/ainergy",
        REDIS_URL="redis://cache:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ainergy.common.db.backends.postgresql", "False"]
