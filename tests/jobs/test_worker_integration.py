"""Job lifecycle against a real Celery worker on real Redis and the real (PostgreSQL) test DB."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings as django_settings
from django.db import connection

from ainergy.jobs.models import Job
from ainergy.jobs.registry import QUEUES
from ainergy.jobs.services import job_enqueue

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

STALE_S = 3


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return (
        f"postgresql://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.fixture
def worker(settings, tmp_path):
    """A real `celery worker` process (2 prefork children) bound to this test's queues."""
    if connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"):
        pytest.skip("needs DATABASE_URL=postgres… and REDIS_URL (CI=true makes this an error)")
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    settings.JOB_QUEUE_PREFIX = prefix
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.JOB_RETRY_BACKOFF_S = 1
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ainergy.settings.test",
        "DATABASE_URL": database_url(),
        "AINERGY_CELERY_WORKER": "1",
        "JOB_QUEUE_PREFIX": prefix,
        "JOB_HEARTBEAT_STALE_S": str(STALE_S),
    }
    name = f"{prefix}worker@%h"
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "ainergy.celery",
            "worker",
            "-Q",
            ",".join(prefix + queue for queue in QUEUES),
            "-c",
            "2",
            "-n",
            name,
            "-l",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        cwd=django_settings.BASE_DIR,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while "ready." not in log.read_text():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"worker did not start:\n{log.read_text()}")
        time.sleep(0.2)
    yield process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


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


def test_job_goes_queued_running_succeeded_with_progress(worker, tenant):
    # when
    job = job_enqueue(
        tenant=tenant, kind="diagnostic", parameters={"steps": 4, "step_delay_s": 0.3}
    )
    # then: observed running part-way, then succeeded
    running = wait_for(job.pk, lambda j: j.status == "running" and 0 < j.progress_fraction < 1)
    assert running.progress_message.startswith("step ")
    done = wait_for(job.pk, lambda j: j.is_finished)
    assert (done.status, done.progress_fraction, done.attempts) == ("succeeded", 1.0, 1)
    assert done.result_summary == {"steps": 4, "attempts": 1}
    assert done.worker and done.duration_s >= 1.2 - 0.3


def test_failing_task_ends_failed_with_its_reason(worker, tenant):
    job = job_enqueue(
        tenant=tenant, kind="diagnostic", parameters={"steps": 1, "fail_with": "error"}
    )
    done = wait_for(job.pk, lambda j: j.is_finished)
    assert (done.status, done.error_code, done.error_message) == (
        "failed",
        "APPLICATION_ERROR",
        "Diagnostic failure requested.",
    )


def test_transient_error_is_retried_and_succeeds_once(worker, tenant):
    job = job_enqueue(
        tenant=tenant,
        kind="diagnostic",
        parameters={"steps": 1, "fail_with": "transient", "transient_failures": 1},
    )
    done = wait_for(job.pk, lambda j: j.is_finished)
    assert (done.status, done.attempts, done.result_summary) == (
        "succeeded",
        2,
        {"steps": 1, "attempts": 2},
    )


def test_killed_worker_child_is_taken_over_and_the_job_finishes(worker, tenant):
    # given a job running in a worker child process
    job = job_enqueue(
        tenant=tenant, kind="diagnostic", parameters={"steps": 6, "step_delay_s": 0.5}
    )
    running = wait_for(job.pk, lambda j: j.status == "running" and j.progress_fraction > 0)
    child_pid = int(running.worker.rsplit(":", 1)[1])
    # when the child dies hard (OOM killer, SIGKILL)
    os.kill(child_pid, signal.SIGKILL)
    # then the requeued message takes the job over once its heartbeat is stale, exactly once
    done = wait_for(job.pk, lambda j: j.is_finished, timeout_s=60)
    assert (done.status, done.attempts) == ("succeeded", 2)
    assert int(done.worker.rsplit(":", 1)[1]) != child_pid
