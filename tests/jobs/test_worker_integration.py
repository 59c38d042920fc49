"""Job lifecycle against real Celery workers and the jobs relay on real Redis and the real
(PostgreSQL) test database: progress, failure, retry, and the loss of a pool child or of a whole
worker."""

from __future__ import annotations

import os
import signal

import pytest

from ainergy.jobs.models import JobOutbox
from ainergy.jobs.services import job_enqueue
from tests.jobs.fixtures import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


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


def test_killed_worker_child_is_taken_over_and_the_job_finishes(job_processes, tenant):
    # given a job running in a worker child process
    job_processes()
    job = job_enqueue(
        tenant=tenant, kind="diagnostic", parameters={"steps": 6, "step_delay_s": 0.5}
    )
    running = wait_for(job.pk, lambda j: j.status == "running" and j.progress_fraction > 0)
    child_pid = int(running.worker.rsplit(":", 1)[1])
    # when the child dies hard (OOM killer, SIGKILL)
    os.kill(child_pid, signal.SIGKILL)
    # then the job is taken over once its heartbeat is stale, exactly once
    done = wait_for(job.pk, lambda j: j.is_finished, timeout_s=60)
    assert (done.status, done.attempts) == ("succeeded", 2)
    assert int(done.worker.rsplit(":", 1)[1]) != child_pid
    assert not JobOutbox.objects.filter(job_id=job.pk).exists()


def test_whole_worker_killed_mid_job_is_taken_over_by_another_worker(job_processes, tenant):
    # given two workers and a job running on one of them
    first, second = job_processes(workers=2, concurrency=1)
    job = job_enqueue(
        tenant=tenant, kind="diagnostic", parameters={"steps": 8, "step_delay_s": 0.5}
    )
    running = wait_for(job.pk, lambda j: j.status == "running" and j.progress_fraction > 0)
    running_pid = int(running.worker.rsplit(":", 1)[1])
    victim = next(w for w in (first, second) if running_pid in w.group_pids())
    survivor = second if victim is first else first
    # when the whole worker (main process and children) dies at once, acking nothing: the
    # broker would hand its message out again only after the visibility timeout (an hour)
    victim.kill_group(signal.SIGKILL)
    victim.popen.wait(timeout=10)
    # then the relay sees the heartbeat go stale and the other worker finishes it, once
    requeued = wait_for(job.pk, lambda j: j.attempts == 2, timeout_s=60)
    assert int(requeued.worker.rsplit(":", 1)[1]) in survivor.group_pids()
    done = wait_for(job.pk, lambda j: j.is_finished, timeout_s=60)
    assert (done.status, done.attempts, done.result_summary) == (
        "succeeded",
        2,
        {"steps": 8, "attempts": 2},
    )
    assert not JobOutbox.objects.filter(job_id=job.pk).exists()
