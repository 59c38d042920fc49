"""Job lifecycle: enqueue through the outbox, execute with a status guard and a heartbeat,
record the outcome.

Delivery is at-least-once (``acks_late``, the relay's reaper), so ``job_execute`` is idempotent:
it only starts a job that is still ``queued`` and only finishes the attempt it claimed (a fenced
update on ``attempts``), so a worker that was presumed dead cannot overwrite its successor.
While a runner works, a thread beats every ``JOB_HEARTBEAT_INTERVAL_S``; the relay requeues a
running job whose heartbeat is older than ``JOB_HEARTBEAT_STALE_S``. Cancellation is
cooperative: a queued job never starts, a running job stops at its next progress report.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ainergy.common import events
from ainergy.common.errors import ApplicationError, TransientError, ValidationError
from ainergy.jobs.models import Job, JobOutbox, JobStatus, OutboxState
from ainergy.jobs.outbox import outbox_kick, routing_queue
from ainergy.jobs.registry import get_job_kind
from ainergy.jobs.selectors import job_get

logger = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a runner when its job was cancelled, or taken over by another worker."""


@dataclass
class JobContext:
    """Handed to a runner: the job (read-only use) and a progress reporter."""

    job: Job

    def report_progress(self, fraction: float, message: str = "") -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        updated = _claimed(self.job).update(
            progress_fraction=fraction, progress_message=message[:300], heartbeat_at=timezone.now()
        )
        if not updated:
            raise JobCancelled(
                f"job {self.job.pk} is no longer running as attempt {self.job.attempts}"
            )
        self.job.progress_fraction = fraction
        self.job.progress_message = message[:300]
        events.job_changed(self.job.pk)  # GraphQL subscribers (best effort)


Runner = Callable[[JobContext], dict[str, Any] | None]


def _claimed(job: Job):
    """The job row while it is still running as the attempt this worker claimed."""
    return Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, attempts=job.attempts)


def _kick_after_commit(job: Job) -> None:
    queue = routing_queue(job.queue)
    transaction.on_commit(lambda: outbox_kick(tenant_id=job.tenant_id, queue=queue))


@transaction.atomic
def job_enqueue(*, tenant, kind: str, parameters: dict | None = None, created_by=None) -> Job:
    """Create a queued job and its outbox row; it is published once the transaction commits."""
    spec = get_job_kind(kind)
    job = Job.objects.create(
        tenant=tenant,
        kind=spec.name,
        queue=spec.queue,
        parameters=parameters or {},
        created_by=created_by,
        celery_task_id=str(uuid.uuid4()),
    )
    JobOutbox.objects.create(
        tenant=tenant,
        job=job,
        queue=routing_queue(spec.queue),
        priority=spec.priority,
        state=OutboxState.PENDING,
        available_at=job.created_at,
    )
    _kick_after_commit(job)
    return job


@transaction.atomic
def job_cancel(*, tenant, job_id: int) -> Job:
    job = job_get(tenant, job_id)
    job = Job.objects.select_for_update().get(pk=job.pk)
    if job.is_finished:
        raise ValidationError(
            "id", f"job is already {job.status}; only queued or running jobs can be cancelled"
        )
    job.status = JobStatus.CANCELLED
    job.finished_at = timezone.now()
    job.progress_message = "cancelled"
    job.save(update_fields=["status", "finished_at", "progress_message"])
    JobOutbox.objects.filter(job=job).delete()  # frees the tenant's slot on the queue
    _kick_after_commit(job)
    return job


BUSY = "busy"


def _start(job_id: int) -> Job | str:
    """Claim a job: a queued one, or a running one whose worker stopped beating (crashed).

    Returns the claimed job, or the status that made it unclaimable (``BUSY`` while another
    worker still beats on it, e.g. a duplicate delivery after a visibility time-out; if that
    worker dies, the relay requeues the job).
    """
    now = timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.JOB_HEARTBEAT_STALE_S)
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return "missing"
        if job.status == JobStatus.RUNNING:
            if job.heartbeat_at is not None and job.heartbeat_at >= stale_before:
                return BUSY
            logger.warning("job %s: worker %s stopped beating; taking over", job.pk, job.worker)
        elif job.status != JobStatus.QUEUED:
            return job.status  # cancelled or already finished: a duplicate delivery
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.worker = f"{socket.gethostname()}:{os.getpid()}"
        job.error_code = ""
        job.error_message = ""
        job.save(
            update_fields=[
                "status",
                "attempts",
                "started_at",
                "heartbeat_at",
                "worker",
                "error_code",
                "error_message",
            ]
        )
        return job


def _finish(job: Job, **fields) -> bool:
    """Record the outcome of the claimed attempt and free the tenant's slot on the queue."""
    fields.setdefault("finished_at", timezone.now())
    with transaction.atomic():
        finished = bool(_claimed(job).update(**fields))
        if finished:
            JobOutbox.objects.filter(job_id=job.pk).delete()
            _kick_after_commit(job)
    if finished:
        events.job_changed(job.pk)  # GraphQL subscribers (best effort)
    return finished


def _fail(job: Job, error: BaseException) -> None:
    if isinstance(error, ApplicationError):
        code, message, extra = error.code, error.message, error.extra
    elif isinstance(error, SoftTimeLimitExceeded):
        code, message, extra = "TIME_LIMIT", "Time limit exceeded.", {}
    else:
        code, message, extra = "INTERNAL", f"Internal error ({type(error).__name__}): {error}", {}
    _finish(
        job,
        status=JobStatus.FAILED,
        error_code=code,
        error_message=message,
        result_summary={"error": extra} if extra else {},
    )


def _retry_later(job: Job, error: TransientError) -> bool:
    """Put the job back in the outbox with exponential back-off; the relay publishes it."""
    delay = dt.timedelta(seconds=settings.JOB_RETRY_BACKOFF_S * 2 ** (job.attempts - 1))
    with transaction.atomic():
        requeued = _claimed(job).update(
            status=JobStatus.QUEUED,
            heartbeat_at=None,
            progress_message=f"retrying after transient error: {error.message}"[:300],
        )
        if requeued:
            JobOutbox.objects.filter(job_id=job.pk).update(
                state=OutboxState.PENDING,
                available_at=timezone.now() + delay,
                last_error=f"transient: {error.message}"[:300],
            )
            _kick_after_commit(job)
    return bool(requeued)


class _Heartbeat:
    """Beats on the claimed attempt from a thread while the runner works (GIL-releasing solver
    calls included), so a dead worker is told apart from a slow job within seconds."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"job-{job.pk}-heartbeat")

    def __enter__(self) -> _Heartbeat:
        # In-process (eager) runs share the caller's transaction; a second connection would
        # wait on its row locks, and nothing reaps eager jobs anyway.
        if not settings.CELERY_TASK_ALWAYS_EAGER:
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=settings.JOB_HEARTBEAT_INTERVAL_S + 5)

    def _run(self) -> None:
        try:
            while not self._stop.wait(settings.JOB_HEARTBEAT_INTERVAL_S):
                if not _claimed(self._job).update(heartbeat_at=timezone.now()):
                    return  # finished, cancelled or taken over
        except Exception:
            logger.exception("job %s: heartbeat failed", self._job.pk)
        finally:
            connection.close()  # this thread's own connection


def job_execute(job_id: int, runner: Runner, task=None) -> str:
    """Run ``runner`` for a queued job and record the outcome; returns the final status.

    ``task`` is the Celery task delivering it (its request id goes to the log).
    """
    job = _start(job_id)
    if isinstance(job, str):
        if job == BUSY:
            delivery = getattr(getattr(task, "request", None), "id", None)
            logger.info("job %s: duplicate delivery %s while it runs; dropped", job_id, delivery)
        return job
    context = JobContext(job=job)
    try:
        with _Heartbeat(job):
            summary = runner(context) or {}
    except JobCancelled:
        return JobStatus.CANCELLED
    except TransientError as error:
        spec = get_job_kind(job.kind)
        if job.attempts <= spec.max_retries and _retry_later(job, error):
            return JobStatus.QUEUED
        _fail(job, error)
        return JobStatus.FAILED
    except Exception as error:
        if not isinstance(error, ApplicationError):
            logger.exception("job %s (%s) crashed", job.pk, job.kind)
        _fail(job, error)
        return JobStatus.FAILED
    finished = _finish(
        job,
        status=JobStatus.SUCCEEDED,
        progress_fraction=1.0,
        result_summary=summary,
    )
    return JobStatus.SUCCEEDED if finished else JobStatus.CANCELLED
