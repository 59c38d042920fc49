"""Fixtures with real job processes: a session-wide worker + relay, and per-test ones for tests
that kill processes. Registered for the whole suite in tests/conftest.py."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.db import connection

from ainergy.jobs.models import Job
from tests.jobs.processes import process_env, start_relay, start_worker

STALE_S = 3
HEARTBEAT_S = 0.5


def _require_services() -> None:
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs DATABASE_URL=postgres… and REDIS_URL (CI=true makes this an error)")


def _env(prefix: str) -> dict:
    return process_env(
        prefix=prefix,
        broker_url=os.environ["REDIS_URL"],
        JOB_HEARTBEAT_STALE_S=str(STALE_S),
        JOB_HEARTBEAT_INTERVAL_S=str(HEARTBEAT_S),
    )


@pytest.fixture
def job_processes(settings, tmp_path):
    """start(workers=1, concurrency=2) -> list of workers, with one relay, all bound to this
    test's own queues; everything is stopped afterwards (for tests that kill processes)."""
    _require_services()
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    settings.JOB_QUEUE_PREFIX = prefix
    settings.CELERY_TASK_ALWAYS_EAGER = False
    env = _env(prefix)
    started = []

    def start(workers: int = 1, concurrency: int = 2):
        processes = [
            start_worker(env, tmp_path, name=f"worker{index}", concurrency=concurrency)
            for index in range(workers)
        ]
        started.extend(processes)
        started.append(start_relay(env, tmp_path))
        return processes

    yield start
    for process in reversed(started):
        process.stop(kill=True)


@pytest.fixture(scope="session")
def _shared_worker(django_db_setup, tmp_path_factory):
    """One worker (2 prefork children) and a relay for the whole session (start-up is slow)."""
    _require_services()
    prefix = f"s{uuid.uuid4().hex[:8]}-"
    env = _env(prefix)
    log_dir = tmp_path_factory.mktemp("shared-worker")
    worker = start_worker(env, log_dir, name="shared-worker")
    relay = start_relay(env, log_dir)
    yield prefix, worker
    relay.stop()
    worker.stop(kill=True)


@pytest.fixture
def worker(_shared_worker, settings):
    """A real `celery worker` and the relay, on queues of their own, for this test."""
    prefix, process = _shared_worker
    settings.JOB_QUEUE_PREFIX = prefix
    settings.CELERY_TASK_ALWAYS_EAGER = False
    return process


def wait_for(job_id: int, predicate, timeout_s: float = 30.0) -> Job:
    deadline = time.monotonic() + timeout_s
    seen = []
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        seen.append((job.status, round(job.progress_fraction, 2)))
        if predicate(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never matched; seen {seen[-5:]}")
