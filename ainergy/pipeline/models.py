"""The daily pipeline: the market timeline as data, step runs, alerts, published schedule
versions with their setpoints, tenant webhooks and their delivery log."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q

from ainergy.common.models import TenantScopedModel


class MarketTimelineRule(models.Model):
    """When a product's auction closes and publishes, and what it delivers, in one zone (public).

    Times are Europe/Copenhagen clock times on the day ``*_days_before`` the delivery day, so
    23- and 25-hour days and the DST switch come out right. ``uncertain_fields`` lists the
    fields without a checked source (recheck before relying on them).
    """

    zone = models.ForeignKey("markets.BiddingZone", on_delete=models.CASCADE, related_name="+")
    product = models.ForeignKey("markets.MarketProduct", on_delete=models.CASCADE, related_name="+")
    auction = models.CharField(max_length=120, help_text="Which auction this rule describes")
    gate_closure_local_time = models.TimeField(help_text="Europe/Copenhagen clock time")
    gate_closure_days_before = models.PositiveSmallIntegerField(default=1)
    results_publication_local_time = models.TimeField(help_text="Europe/Copenhagen clock time")
    results_publication_days_before = models.PositiveSmallIntegerField(default=1)
    delivery_start_local_time = models.TimeField(default=dt.time(0))
    delivery_end_local_time = models.TimeField(default=dt.time(0))
    delivery_end_days_after = models.PositiveSmallIntegerField(
        default=1, help_text="Delivery ends on D + this many days (1: the local day D)"
    )
    uncertain_fields = models.JSONField(default=list, blank=True)
    source = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["zone__code", "gate_closure_days_before", "gate_closure_local_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["zone", "product"], name="timelinerule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.zone_id}:{self.product_id}"


class PipelineEnrollment(TenantScopedModel):
    """A pool or household the daily pipeline runs for, with the parameters of its requests."""

    pool = models.OneToOneField(
        "assets.Pool", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    site = models.OneToOneField(
        "assets.Site", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    is_enabled = models.BooleanField(default=True)
    active_from_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Pipeline clock at enrolment: delivery days whose timeline started before it "
        "are not run (their deadlines were not this pipeline's to meet)",
    )
    parameters = models.JSONField(
        default=dict, blank=True, help_text="Request parameters of the pipeline's jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pool__isnull=False, site__isnull=True)
                | Q(pool__isnull=True, site__isnull=False),
                name="enrollment_pool_xor_site",
            )
        ]
        indexes = [models.Index(fields=["tenant", "is_enabled"], name="enrollment_tenant")]


class StepStatus(models.TextChoices):
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"
    MISSED = "missed", "Deadline missed"
    SKIPPED = "skipped", "Skipped"


FINAL_STEP_STATUSES = (StepStatus.DONE, StepStatus.FAILED, StepStatus.MISSED, StepStatus.SKIPPED)


class PipelineStepRun(TenantScopedModel):
    """One step of one enrollment's pipeline for one delivery day (at most one per step)."""

    enrollment = models.ForeignKey(PipelineEnrollment, on_delete=models.CASCADE, related_name="+")
    delivery_day = models.DateField(help_text="Europe/Copenhagen delivery day")
    step = models.CharField(max_length=40)
    status = models.CharField(max_length=16, choices=StepStatus.choices)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    earliest_at = models.DateTimeField(help_text="Not started before (UTC)")
    deadline_at = models.DateTimeField(help_text="Must be done by (UTC)")
    started_at = models.DateTimeField(help_text="Pipeline clock when started (UTC)")
    finished_at = models.DateTimeField(null=True, blank=True)
    is_on_time = models.BooleanField(null=True, blank=True)
    fallback_action = models.CharField(max_length=300, blank=True, default="")
    fallback_job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(default=dict, blank=True)
    reruns = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["delivery_day", "deadline_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "delivery_day", "step"], name="steprun_unique"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "delivery_day", "status"], name="steprun_tenant_day")
        ]


class PipelineAlert(TenantScopedModel):
    """A step that missed its deadline or failed, and the safe action taken instead."""

    class Kind(models.TextChoices):
        DEADLINE_MISSED = "deadline_missed", "Deadline missed"
        STEP_FAILED = "step_failed", "Step failed"

    step_run = models.ForeignKey(PipelineStepRun, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    message = models.TextField()
    fallback_action = models.CharField(max_length=300, blank=True, default="")
    raised_at = models.DateTimeField(help_text="Pipeline clock (UTC)")

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["step_run", "kind"], name="alert_unique_per_step")
        ]
        indexes = [models.Index(fields=["tenant", "-raised_at"], name="alert_tenant_raised")]


class ScheduleCause(models.TextChoices):
    DISPATCH = "dispatch", "Dispatch of the cleared position"
    REDISPATCH = "redispatch", "Re-dispatch of the remaining horizon after drifting telemetry"
    HOUSEHOLD_SCHEDULE = "household_schedule", "Household day-ahead schedule"
    HOUSEHOLD_REPLAN = "household_replan", "Household re-plan after drifting telemetry"
    FALLBACK = "fallback", "Safe fallback after a failed or late step"


class ScheduleVersion(TenantScopedModel):
    """A published version of a pool's or a household's setpoints for one delivery day.

    Versions count up per (pool or site, day); the ETag is the SHA-256 of the setpoints, so a
    publication of the same content adds no version.
    """

    pool = models.ForeignKey(
        "assets.Pool", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    site = models.ForeignKey(
        "assets.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    delivery_day = models.DateField()
    version = models.PositiveIntegerField()
    cause = models.CharField(max_length=24, choices=ScheduleCause.choices)
    cause_detail = models.JSONField(
        default=dict, blank=True, help_text="Why this version exists (drift, fallback, source)"
    )
    content_sha256 = models.CharField(max_length=64)
    pool_dispatch = models.ForeignKey(
        "optimization.PoolDispatch",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    household_schedule = models.ForeignKey(
        "optimization.HouseholdSchedule",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    published_at = models.DateTimeField(help_text="Pipeline clock (UTC)")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["delivery_day", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["pool", "delivery_day", "version"],
                condition=Q(pool__isnull=False),
                name="schedversion_unique_pool",
            ),
            models.UniqueConstraint(
                fields=["site", "delivery_day", "version"],
                condition=Q(site__isnull=False),
                name="schedversion_unique_site",
            ),
            models.CheckConstraint(
                condition=Q(pool__isnull=False, site__isnull=True)
                | Q(pool__isnull=True, site__isnull=False),
                name="schedversion_pool_xor_site",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "delivery_day", "-version"], name="schedversion_day")
        ]

    @property
    def etag(self) -> str:
        return f'"{self.content_sha256[:32]}"'


class ScheduleSetpoint(TenantScopedModel):
    """What one heat pump is to do in one period of a published version [kW, mean power]."""

    version = models.ForeignKey(ScheduleVersion, on_delete=models.CASCADE, related_name="setpoints")
    heat_pump = models.ForeignKey("assets.HeatPump", on_delete=models.PROTECT, related_name="+")
    start_at = models.DateTimeField()
    end_at = models.DateTimeField()
    power_kw = models.FloatField()
    is_on = models.BooleanField()
    storage_kwh = models.FloatField(null=True, blank=True, help_text="Planned at the period end")
    storage_soc_fraction = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["version", "heat_pump", "start_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "heat_pump", "start_at"], name="schedsetpoint_unique"
            )
        ]
        indexes = [
            models.Index(fields=["tenant", "heat_pump", "start_at"], name="schedsetpoint_hp")
        ]


class Webhook(TenantScopedModel):
    """A tenant's endpoint for signed events (HMAC-SHA256 over the timestamp and body)."""

    url = models.URLField(max_length=500)
    events = models.JSONField(help_text="Event names delivered to this endpoint")
    secret_encrypted = models.TextField()
    description = models.CharField(max_length=200, blank=True, default="")
    is_enabled = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]


class WebhookDelivery(TenantScopedModel):
    """One event sent (or being sent) to one webhook: the delivery log, retried with back-off."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending (will be tried or retried)"
        DELIVERED = "delivered", "Delivered (2xx)"
        FAILED = "failed", "Failed after the last attempt"

    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries")
    event = models.CharField(max_length=40)
    event_id = models.CharField(max_length=40, help_text="Same for every attempt (dedupe key)")
    payload = models.JSONField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True, default="")
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["webhook", "event_id"], name="delivery_unique_event")
        ]
        indexes = [
            models.Index(fields=["tenant", "-created_at"], name="delivery_tenant_created"),
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
        ]
