"""Processes started as an operator would: the production web server and Celery workers, on the
test database and Redis, each in its own process group, stopped after the test."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection


def requires_services() -> None:
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs DATABASE_URL=postgres… and REDIS_URL (CI=true makes this an error)")


def test_database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return (
        f"postgresql://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


test_database_url.__test__ = False  # a helper, not a test


def production_env(**extra: str) -> dict[str, str]:
    """The environment docs/deployment.md asks for, pointing at the test database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="ainergy.settings.production",
        SECRET_KEY="production-test-secret-key-0123456789",
        DATABASE_URL=test_database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        ALLOWED_HOSTS="127.0.0.1,localhost",
        FIELD_ENCRYPTION_KEYS="3q2-7wK4bFq8pU0G1b6Yd9m0yX6dI3oQWcA5kJ2vN8E=",
        LOG_LEVEL="INFO",
    )
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        env["AINERGY_ALLOW_ROOT"] = "1"  # CI runs as root; production refuses it otherwise
    env.update(extra)
    return env


class Service:
    def __init__(self, command: list[str], env: dict[str, str], log: Path):
        self.log = log
        self.process = subprocess.Popen(
            command,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            cwd=settings.BASE_DIR,
            start_new_session=True,
        )

    def wait_for_log(self, pattern: str, timeout_s: float = 60.0) -> re.Match:
        deadline = time.monotonic() + timeout_s
        while True:
            match = re.search(pattern, self.log.read_text())
            if match:
                return match
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{pattern!r} never appeared:\n{self.log.read_text()[-4000:]}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def start_service(tmp_path) -> Callable[..., Service]:
    started: list[Service] = []

    def start(name: str, command: list[str], env: dict[str, str]) -> Service:
        service = Service(command, env, tmp_path / f"{name}.log")
        started.append(service)
        return service

    yield start
    for service in reversed(started):
        service.stop()
