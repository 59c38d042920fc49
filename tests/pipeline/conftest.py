"""Real processes for the pipeline's integration tests: a Celery worker and Celery beat on the
test's own queues (prefix) and simulated clock (a Redis key), against the PostgreSQL test DB."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.jobs.processes import database_url


@dataclass
class Processes:
    prefix: str
    clock_key: str
    worker: subprocess.Popen
    beat: subprocess.Popen | None
    logs: Path

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")


def _start(command: list[str], env: dict, log: Path, ready: str, timeout_s: float = 90):
    process = subprocess.Popen(
        command,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=django_settings.BASE_DIR,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout_s
    while ready not in log.read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{command[4]} did not start:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)
    return process


def _stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def start_processes(settings, tmp_path, *, beat: bool, extra_env: dict | None = None):
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs DATABASE_URL=postgres… and REDIS_URL (CI=true makes this an error)")
    from ainergy.jobs.registry import QUEUES

    prefix = f"t{uuid.uuid4().hex[:8]}-"
    clock_key = f"{prefix}pipeline-clock"
    settings.JOB_QUEUE_PREFIX = prefix
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.PIPELINE_SIMULATED_CLOCK_KEY = clock_key
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [os.environ["REDIS_URL"]], "prefix": f"{prefix}asgi"},
        }
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ainergy.settings.test",
        "DATABASE_URL": database_url(),
        "AINERGY_CELERY_WORKER": "1",
        "JOB_QUEUE_PREFIX": prefix,
        "PIPELINE_SIMULATED_CLOCK_KEY": clock_key,
        "PIPELINE_TICK_S": "1",
        "PIPELINE_BEAT_MAX_CHECK_S": "1",
        **(extra_env or {}),
    }
    worker = _start(
        [sys.executable, "-m", "celery", "-A", "ainergy.celery", "worker",
         "-Q", ",".join(prefix + queue for queue in QUEUES), "-c", "3",
         "-n", f"{prefix}worker@%h", "-l", "INFO", "--without-gossip", "--without-mingle"],
        env, tmp_path / "worker.log", "ready.",
    )  # fmt: skip
    beat_process = None
    if beat:
        beat_process = _start(
            [sys.executable, "-m", "celery", "-A", "ainergy.celery", "beat",
             "-S", "ainergy.pipeline.beat:TimelineScheduler", "-s", str(tmp_path / "beat-schedule"),
             "--max-interval", "1", "-l", "INFO"],
            env, tmp_path / "beat.log", "beat: Starting",
        )  # fmt: skip
    return Processes(prefix, clock_key, worker, beat_process, tmp_path)


@pytest.fixture
def processes_factory(settings, tmp_path):
    started: list[Processes] = []

    def make(*, beat: bool = True, extra_env: dict | None = None) -> Processes:
        processes = start_processes(settings, tmp_path, beat=beat, extra_env=extra_env)
        started.append(processes)
        return processes

    yield make
    for processes in started:
        _stop(processes.beat)
        _stop(processes.worker)
