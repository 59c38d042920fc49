"""Job lifecycle: enqueue after commit, execute with a status guard, record the outcome.

Delivery is at-least-once (``acks_late``), so ``job_execute`` is idempotent: it only starts a job
that is still ``queued`` and only finishes one that is still ``running``. Cancellation is
cooperative: a queued job never starts, a running job stops at its next progress report.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ainergy.common import events
from ainergy.common.errors import ApplicationError, TransientError, ValidationError
from ainergy.jobs.models import Job, JobStatus
from ainergy.jobs.registry import get_job_kind
from ainergy.jobs.selectors import job_get

logger = logging.getLogger(__name__)


class JobCancelled(Exception):
    """Raised inside a runner when its job was cancelled meanwhile."""


@dataclass
class JobContext:
    """Handed to a runner: the job (read-only use) and a progress reporter."""

    job: Job

    def report_progress(self, fraction: float, message: str = "") -> None:
        fraction = min(max(float(fraction), 0.0), 1.0)
        updated = Job.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(
            progress_fraction=fraction, progress_message=message[:300], heartbeat_at=timezone.now()
        )
        if not updated:
            raise JobCancelled(f"job {self.job.pk} is no longer running")
        self.job.progress_fraction = fraction
        self.job.progress_message = message[:300]
        events.job_changed(self.job.pk)  # GraphQL subscribers (best effort)


Runner = Callable[[JobContext], dict[str, Any] | None]


def _dispatch(job: Job) -> None:
    task = import_string(get_job_kind(job.kind).task_name)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task.apply(args=[job.pk], task_id=job.celery_task_id)
    else:
        queue = f"{settings.JOB_QUEUE_PREFIX}{job.queue}"
        task.apply_async(args=[job.pk], queue=queue, task_id=job.celery_task_id)


@transaction.atomic
def job_enqueue(*, tenant, kind: str, parameters: dict | None = None, created_by=None) -> Job:
    """Create a queued job and send it to its queue once the transaction commits."""
    spec = get_job_kind(kind)
    job = Job.objects.create(
        tenant=tenant,
        kind=spec.name,
        queue=spec.queue,
        parameters=parameters or {},
        created_by=created_by,
        celery_task_id=str(uuid.uuid4()),
    )
    transaction.on_commit(lambda: _dispatch(job))
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
    return job


BUSY = "busy"


def _start(job_id: int) -> Job | str:
    """Claim a job: a queued one, or a running one whose worker stopped beating (crashed).

    Returns the claimed job, or the status that made it unclaimable (``BUSY`` while another
    worker still beats on it, e.g. a duplicate delivery after a visibility time-out).
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
    fields.setdefault("finished_at", timezone.now())
    finished = bool(Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**fields))
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


def job_execute(job_id: int, runner: Runner, task=None) -> str:
    """Run ``runner`` for a queued job and record the outcome; returns the final status."""
    job = _start(job_id)
    if isinstance(job, str):
        if job == BUSY and task is not None:
            # Another worker holds it; look again once its heartbeat would have gone stale.
            raise task.retry(countdown=settings.JOB_HEARTBEAT_STALE_S, max_retries=None)
        return job
    context = JobContext(job=job)
    try:
        summary = runner(context) or {}
    except JobCancelled:
        return JobStatus.CANCELLED
    except TransientError as error:
        spec = get_job_kind(job.kind)
        if task is not None and job.attempts <= spec.max_retries:
            Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(
                status=JobStatus.QUEUED,
                progress_message=f"retrying after transient error: {error.message}"[:300],
            )
            countdown = settings.JOB_RETRY_BACKOFF_S * 2 ** (job.attempts - 1)
            raise task.retry(
                countdown=countdown, max_retries=spec.max_retries, exc=error
            ) from error
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
