"""Getting jobs to workers: transactional outbox, per-tenant admission, relay and reaper.

``job_enqueue`` writes the job and its ``JobOutbox`` row in one transaction; nothing talks to the
broker inside a request's transaction. ``outbox_dispatch`` publishes a tenant's pending jobs on a
queue, highest priority first, while the tenant has fewer than its concurrency limit in flight;
it runs when the enqueueing transaction commits, when one of the tenant's jobs finishes, and in
the relay. A broker that is down costs the API one failed connection attempt (then a circuit
breaker skips it); the jobs stay ``queued`` and the relay publishes them once the broker is back.

The relay (``manage.py jobs_relay``) also reaps jobs whose worker died: a ``running`` job whose
heartbeat is older than ``JOB_HEARTBEAT_STALE_S`` goes back to ``queued`` and is published again,
so a whole worker killed mid-job costs that many seconds instead of the broker's visibility
timeout. A job that loses its worker ``JOB_MAX_ATTEMPTS`` times fails instead of looping.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from ainergy.jobs.models import Job, JobOutbox, JobStatus, OutboxState
from ainergy.jobs.registry import get_job_kind

logger = logging.getLogger(__name__)

# Process-local circuit breaker: after a failed publish, requests skip the broker for a while
# (their jobs wait in the outbox for the relay) instead of each paying a connection time-out.
_broker_down_until = 0.0  # time.monotonic()
_ADVISORY_NAMESPACE = 0x6A6F6273  # "jobs": first key of pg_advisory_xact_lock(int, int)


def routing_queue(job_queue: str) -> str:
    """The broker queue of a job queue: ``JOB_QUEUE_PREFIX`` isolates deployments (and test
    runs) sharing one Redis; a relay only handles the outbox rows of its own prefix."""
    return f"{settings.JOB_QUEUE_PREFIX}{job_queue}"


def tenant_concurrency_limit(queue: str) -> int:
    """Jobs one tenant may have in flight (published, unfinished) on broker queue ``queue``."""
    job_queue = queue.removeprefix(settings.JOB_QUEUE_PREFIX)
    return settings.JOB_TENANT_CONCURRENCY.get(job_queue, settings.JOB_TENANT_CONCURRENCY_DEFAULT)


def _lock_tenant_queue(tenant_id: int, queue: str) -> None:
    """Serialise admission per (tenant, queue) so two dispatches cannot both take the last slot."""
    if connection.vendor != "postgresql":
        return  # SQLite (demo) serialises writers anyway
    key = zlib.crc32(f"{tenant_id}:{queue}".encode()) - 2**31
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_ADVISORY_NAMESPACE, key])


def _publish_backoff(attempts: int) -> dt.timedelta:
    return dt.timedelta(seconds=min(2 ** max(attempts - 1, 0), settings.JOB_PUBLISH_MAX_BACKOFF_S))


def _broker_connection():
    from ainergy.celery import app

    options = {
        **settings.CELERY_BROKER_TRANSPORT_OPTIONS,
        # one attempt, bounded: the outbox keeps the job, the relay tries again
        "max_retries": 0,
        "socket_connect_timeout": settings.JOB_PUBLISH_TIMEOUT_S,
        "socket_timeout": settings.JOB_PUBLISH_TIMEOUT_S,
    }
    return app, app.connection_for_write(
        settings.CELERY_BROKER_URL,
        connect_timeout=settings.JOB_PUBLISH_TIMEOUT_S,
        transport_options=options,
    )


def _publish(rows: list[JobOutbox]) -> tuple[list[JobOutbox], Exception | None]:
    """Send ``rows`` in order; stops at the first failure. Returns (sent rows, error or None)."""
    sent: list[JobOutbox] = []
    try:
        app, broker = _broker_connection()
        with broker:
            producer = app.amqp.Producer(broker)
            for row in rows:
                task = import_string(get_job_kind(row.job.kind).task_name)
                task.apply_async(
                    args=[row.job_id],
                    queue=row.queue,
                    task_id=row.job.celery_task_id,
                    priority=row.priority,
                    producer=producer,
                    retry=False,
                    ignore_result=True,
                )
                sent.append(row)
    except Exception as error:  # kombu and redis-py raise many classes for a broker that is down
        return sent, error
    return sent, None


@dataclass(frozen=True)
class DispatchResult:
    published: int
    error: str = ""


def outbox_dispatch(*, tenant_id: int, queue: str, from_relay: bool = False) -> DispatchResult:
    """Publish the tenant's pending jobs on ``queue`` up to its concurrency limit.

    Order: deadline-bound kinds first, then oldest first. Eager mode (no broker: demo, tests)
    runs the admitted jobs in-process right after admitting them, ignoring retry back-off.
    """
    global _broker_down_until
    eager = settings.CELERY_TASK_ALWAYS_EAGER
    if not eager and not from_relay and time.monotonic() < _broker_down_until:
        return DispatchResult(0, "broker recently unreachable; left to the relay")
    now = timezone.now()
    with transaction.atomic():
        _lock_tenant_queue(tenant_id, queue)
        outbox = JobOutbox.objects.filter(tenant_id=tenant_id, queue=queue)
        capacity = tenant_concurrency_limit(queue) - outbox.filter(state=OutboxState.SENT).count()
        if capacity <= 0:
            return DispatchResult(0)
        pending = outbox.filter(state=OutboxState.PENDING).select_related("job")
        if not eager:
            pending = pending.filter(available_at__lte=now)
        rows = list(pending.order_by("priority", "id")[:capacity])
        if not rows:
            return DispatchResult(0)
        # Published inside the transaction: if the commit is lost, the row stays pending and
        # is published again, a duplicate delivery that job_execute's status guard ignores.
        sent, error = (rows, None) if eager else _publish(rows)
        if sent:
            JobOutbox.objects.filter(pk__in=[row.pk for row in sent]).update(
                state=OutboxState.SENT, sent_at=now, last_error=""
            )
        reason = ""
        if error is not None:
            failed = rows[len(sent)]
            reason = f"{type(error).__name__}: {error}"[:300]
            JobOutbox.objects.filter(pk=failed.pk).update(
                publish_failures=failed.publish_failures + 1,
                available_at=now + _publish_backoff(failed.publish_failures + 1),
                last_error=reason,
            )
            _broker_down_until = time.monotonic() + settings.JOB_PUBLISH_CIRCUIT_OPEN_S
            logger.warning(
                "jobs: broker unreachable, job %s stays queued in the outbox (%s)",
                failed.job_id,
                reason,
            )
    if eager:
        for row in sent:
            task = import_string(get_job_kind(row.job.kind).task_name)
            task.apply(args=[row.job_id], task_id=row.job.celery_task_id)
    return DispatchResult(len(sent), reason)


def outbox_kick(*, tenant_id: int, queue: str) -> None:
    """Dispatch after a commit; a failure here only delays the job (the relay retries)."""
    try:
        outbox_dispatch(tenant_id=tenant_id, queue=queue)
    except Exception:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise  # in-process runs surface their errors
        logger.exception("jobs: dispatch for tenant %s on %s failed", tenant_id, queue)


def jobs_reap_stale() -> list[int]:
    """Requeue running jobs whose worker stopped beating; fail those that lost too many."""
    now = timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.JOB_HEARTBEAT_STALE_S)
    reaped = []
    with transaction.atomic():
        stale = list(
            Job.objects.select_for_update(skip_locked=True).filter(
                status=JobStatus.RUNNING,
                heartbeat_at__lt=stale_before,
                outbox__queue__startswith=settings.JOB_QUEUE_PREFIX,
            )
        )
        for job in stale:
            silent_s = (now - job.heartbeat_at).total_seconds()
            if job.attempts >= settings.JOB_MAX_ATTEMPTS:
                job.status = JobStatus.FAILED
                job.finished_at = now
                job.error_code = "WORKER_LOST"
                job.error_message = (
                    f"The worker running this job stopped {job.attempts} times "
                    f"(no heartbeat for {silent_s:.0f} s); not retried again."
                )
                job.save(update_fields=["status", "finished_at", "error_code", "error_message"])
                JobOutbox.objects.filter(job=job).delete()
                logger.error("job %s: worker lost %s times; failed", job.pk, job.attempts)
                continue
            job.status = JobStatus.QUEUED
            job.heartbeat_at = None
            job.progress_message = f"worker lost (no heartbeat for {silent_s:.0f} s); requeued"
            job.save(update_fields=["status", "heartbeat_at", "progress_message"])
            JobOutbox.objects.update_or_create(
                job=job,
                defaults={
                    "tenant_id": job.tenant_id,
                    "queue": routing_queue(job.queue),
                    "priority": get_job_kind(job.kind).priority,
                    "state": OutboxState.PENDING,
                    "available_at": now,
                    "last_error": "worker lost",
                },
            )
            logger.warning("job %s: worker %s stopped beating; requeued", job.pk, job.worker)
            reaped.append(job.pk)
    return reaped


@dataclass(frozen=True)
class RelayReport:
    reaped: int
    published: int
    broker_error: str


def outbox_relay_once() -> RelayReport:
    """One relay pass: reap dead workers' jobs, then publish every due pending job admissible."""
    reaped = jobs_reap_stale()
    published = 0
    due = (
        JobOutbox.objects.filter(
            state=OutboxState.PENDING,
            available_at__lte=timezone.now(),
            queue__startswith=settings.JOB_QUEUE_PREFIX,
        )
        .values_list("tenant_id", "queue")
        .distinct()
    )
    for tenant_id, queue in sorted(due):
        result = outbox_dispatch(tenant_id=tenant_id, queue=queue, from_relay=True)
        published += result.published
        if result.error:
            return RelayReport(len(reaped), published, result.error)  # broker down: next pass
    return RelayReport(len(reaped), published, "")
