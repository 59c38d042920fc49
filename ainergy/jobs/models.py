"""One record per piece of asynchronous work: status, progress, parameters, result, errors."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ainergy.common.models import TenantScopedModel


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"
    CANCELLED = "cancelled", "Cancelled"


FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)


class Job(TenantScopedModel):
    """An asynchronous job (forecast, bid plan, dispatch, sizing study, ingestion, ...)."""

    kind = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress_fraction = models.FloatField(default=0.0)
    progress_message = models.CharField(max_length=300, blank=True, default="")
    parameters = models.JSONField(default=dict, blank=True)
    result_summary = models.JSONField(default=dict, blank=True)
    error_code = models.CharField(max_length=64, blank=True, default="")
    error_message = models.TextField(blank=True, default="")
    attempts = models.PositiveIntegerField(default=0)
    queue = models.CharField(max_length=64)
    celery_task_id = models.CharField(max_length=64, blank=True, default="")
    worker = models.CharField(
        max_length=200, blank=True, default="", help_text="host:pid running it"
    )
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="job_tenant_created"),
            models.Index(fields=["tenant", "status"], name="job_tenant_status"),
            # the reaper's scan for running jobs whose worker stopped beating
            models.Index(
                fields=["heartbeat_at"],
                name="job_running_heartbeat",
                condition=models.Q(status="running"),
            ),
        ]

    def __str__(self) -> str:
        return f"Job {self.pk} {self.kind} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def duration_s(self) -> float | None:
        if self.started_at is None:
            return None
        end = self.finished_at
        if end is None:
            return None
        return (end - self.started_at).total_seconds()


class OutboxState(models.TextChoices):
    PENDING = "pending", "Pending"  # waiting for admission or for the broker
    SENT = "sent", "Sent"  # published to the broker; the job is in flight


class JobOutbox(TenantScopedModel):
    """The message that sends an unfinished job to its queue (transactional outbox).

    Written in the same transaction as the job, so a job never exists without a way to reach a
    worker; published by ``outbox_dispatch`` (at commit, when a job of the tenant finishes, and
    by the relay, which retries while the broker is down). Deleted when the job finishes. The
    rows in state ``sent`` per (tenant, queue) are that tenant's jobs in flight on the queue,
    which the per-tenant concurrency limit counts.
    """

    job = models.OneToOneField(Job, on_delete=models.CASCADE, related_name="outbox")
    queue = models.CharField(max_length=64, help_text="broker queue: JOB_QUEUE_PREFIX + job queue")
    priority = models.PositiveSmallIntegerField(help_text="broker priority: 0 first, 9 last")
    state = models.CharField(max_length=16, choices=OutboxState.choices)
    available_at = models.DateTimeField(help_text="not published before (retry back-off)")
    publish_failures = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True, default="")
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "id"]
        indexes = [
            models.Index(fields=["tenant", "queue", "state"], name="outbox_tenant_queue_state"),
            models.Index(
                fields=["available_at"],
                name="outbox_pending_available",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"Outbox job {self.job_id} -> {self.queue} ({self.state})"
