"""GraphQL types of the daily pipeline: timeline, step runs, alerts, schedule versions,
webhooks and their deliveries, subscription events."""

from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from strawberry import auto, relay

from ainergy.assets.graphql.types import HeatPumpType, PoolType, SiteType
from ainergy.graphql.context import scope_to_tenant
from ainergy.graphql.vocabulary import choices_enum, describe, graphql_enum
from ainergy.jobs.graphql.types import JobType
from ainergy.markets.graphql.enums import BiddingZoneEnum, MarketProductCodeEnum
from ainergy.pipeline import models

PipelineStepEnum = graphql_enum(
    "PipelineStep",
    "A step of the daily pipeline of a pool or a household.",
    {
        "MARKET_DATA": ("market_data", "Fetch public market data (prices, reserves, CO2)."),
        "WEATHER_FORECAST": ("weather_forecast", "Fetch the numerical weather forecast."),
        "HEAT_DEMAND_FORECAST": ("heat_demand_forecast", "Forecast the sites' heat demand."),
        "PRICE_FORECAST": ("price_forecast", "Forecast day-ahead price scenarios."),
        "BID_PLAN": ("bid_plan", "Solve reserve offers and day-ahead curves."),
        "SUBMIT": ("submit", "Submit the offers and curves before the first gate closure."),
        "RESULTS_IMPORT": ("results_import", "Record what cleared after publication."),
        "DISPATCH": ("dispatch", "Turn the cleared position into setpoints."),
        "PUBLISH": ("publish", "Publish a schedule version to devices and listeners."),
        "HOUSEHOLD_SCHEDULE": ("household_schedule", "Solve a household's day-ahead schedule."),
    },
)

PipelineStepStatusEnum = graphql_enum(
    "PipelineStepStatus",
    "Where a pipeline step stands.",
    {
        "PENDING": ("pending", "Not started: its time has not come or it waits for a step."),
        "RUNNING": ("running", "Its job is queued or running."),
        "DONE": ("done", "Done (see isOnTime)."),
        "FAILED": ("failed", "Failed; an alert was raised and the fallback recorded."),
        "MISSED": ("missed", "Not done by its deadline; alert raised, fallback recorded."),
        "SKIPPED": ("skipped", "Not run because a step it needs did not succeed."),
    },
)

ScheduleCauseEnum = choices_enum(
    "ScheduleCause",
    "Why a schedule version was published.",
    models.ScheduleCause,
)

AlertKindEnum = choices_enum(
    "PipelineAlertKind", "What went wrong with a pipeline step.", models.PipelineAlert.Kind
)

WebhookEventEnum = graphql_enum(
    "WebhookEvent",
    "An event a webhook can receive (signed with HMAC-SHA256).",
    {
        "JOB_FINISHED": ("job.finished", "A pipeline step's job finished."),
        "SCHEDULE_PUBLISHED": ("schedule.published", "A new schedule version was published."),
        "DEADLINE_MISSED": ("deadline.missed", "A pipeline step missed its deadline."),
        "STEP_FAILED": ("step.failed", "A pipeline step failed."),
    },
)

WebhookDeliveryStatusEnum = choices_enum(
    "WebhookDeliveryStatus", "Where a webhook delivery stands.", models.WebhookDelivery.Status
)


def _f(description: str, **kwargs):
    return strawberry_django.field(description=description, **kwargs)


@strawberry.type(description="One product's auction for one delivery day (UTC instants).")
class MarketTimelineEntry:
    zone: BiddingZoneEnum = strawberry.field(description="Bidding zone.")  # type: ignore[valid-type]
    product: MarketProductCodeEnum = strawberry.field(  # type: ignore[valid-type]
        description="Market product."
    )
    auction: str = strawberry.field(description="Which auction the times describe.")
    gate_closure_at: dt.datetime = strawberry.field(description="Gate closure (UTC).")
    results_published_at: dt.datetime = strawberry.field(
        description="When results are published (UTC)."
    )
    delivery_start_at: dt.datetime = strawberry.field(description="Delivery start (UTC).")
    delivery_end_at: dt.datetime = strawberry.field(description="Delivery end, exclusive (UTC).")
    uncertain_fields: list[str] = strawberry.field(
        description="Rule fields without a checked source (snake_case names): recheck them."
    )


@strawberry_django.type(
    models.PipelineStepRun,
    name="PipelineStepRun",
    description="One step of one pool's or household's pipeline for one delivery day.",
)
class StepRunType(relay.Node):
    delivery_day: auto = _f("Local (Europe/Copenhagen) delivery day.")
    earliest_at: auto = _f("Not started before (UTC).")
    deadline_at: auto = _f("Must be done by (UTC).")
    started_at: auto = _f("Pipeline clock when it started (UTC).")
    finished_at: auto = _f("Pipeline clock when it reached its status (UTC); null while running.")
    is_on_time: bool | None = _f("Done by its deadline; null while running.")
    reruns: auto = _f("Times it was run again (same inputs, same outputs).")
    job: JobType | None = _f("The job carrying the step (its last, when several).")
    fallback_job: JobType | None = _f(
        "For a missed step: the job recording the miss (failed, naming the fallback)."
    )

    @strawberry_django.field(only=["step"], description="Which step.")
    def step(self, root: models.PipelineStepRun) -> PipelineStepEnum:  # type: ignore[valid-type]
        return PipelineStepEnum(root.step)

    @strawberry_django.field(only=["status"], description="Where it stands.")
    def status(self, root: models.PipelineStepRun) -> PipelineStepStatusEnum:  # type: ignore[valid-type]
        return PipelineStepStatusEnum(root.status)

    @strawberry_django.field(
        only=["fallback_action"], description="Safe action recorded instead; null if none."
    )
    def fallback_action(self, root: models.PipelineStepRun) -> str | None:
        return root.fallback_action or None

    @strawberry_django.field(only=["detail"], description="Why it failed or missed; null if not.")
    def error_message(self, root: models.PipelineStepRun) -> str | None:
        return (root.detail or {}).get("error")

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry.type(description="A step of a delivery day's timeline: deadline, status and job.")
class TimelineStep:
    step: PipelineStepEnum = strawberry.field(description="Which step.")  # type: ignore[valid-type]
    earliest_at: dt.datetime = strawberry.field(description="Not started before (UTC).")
    deadline_at: dt.datetime = strawberry.field(description="Must be done by (UTC).")
    status: PipelineStepStatusEnum = strawberry.field(  # type: ignore[valid-type]
        description="Where it stands."
    )
    after: list[PipelineStepEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Steps it waits for."
    )
    run: StepRunType | None = strawberry.field(description="Its run; null while pending.")
    job: JobType | None = strawberry.field(description="The job carrying it; null if none yet.")


@strawberry.type(description="What must happen for a pool or household before when on a day.")
class PipelineTimeline:
    delivery_day: dt.date = strawberry.field(description="Local delivery day.")
    milestones: list[MarketTimelineEntry] = strawberry.field(
        description="The auctions involved, by gate closure."
    )
    steps: list[TimelineStep] = strawberry.field(description="The steps, by deadline.")


@strawberry_django.type(
    models.PipelineEnrollment,
    name="PipelineEnrollment",
    description="A pool or household the daily pipeline runs for.",
)
class PipelineEnrollmentType(relay.Node):
    pool: PoolType | None = _f("The pool; null for a household.")
    site: SiteType | None = _f("The household's site; null for a pool.")
    is_enabled: auto = _f("The pipeline runs for it.")
    created_at: auto = _f("When it was enrolled (UTC).")

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(
    models.PipelineAlert,
    name="PipelineAlert",
    description="A pipeline step that missed its deadline or failed, and the fallback taken.",
)
class AlertType(relay.Node):
    step_run: StepRunType = _f("The step concerned.")
    message: auto = _f("What happened.")
    fallback_action: auto = _f("The safe action recorded instead.")
    raised_at: auto = _f("Pipeline clock when raised (UTC).")

    @strawberry_django.field(only=["kind"], description="What went wrong.")
    def kind(self, root: models.PipelineAlert) -> AlertKindEnum:  # type: ignore[valid-type]
        return AlertKindEnum(root.kind)

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(
    models.ScheduleSetpoint,
    name="ScheduleSetpoint",
    description="What one heat pump is to do in one period of a schedule version.",
)
class ScheduleSetpointType(relay.Node):
    heat_pump: HeatPumpType = _f("The heat pump.")
    start_at: auto = _f("Period start (UTC).")
    end_at: auto = _f("Period end, exclusive (UTC).")
    power_kw: auto = _f("Mean electric power over the period [kW].")
    is_on: auto = _f("Running in the period.")
    storage_kwh: float | None = _f("Planned heat in storage at the period end [kWh_th].")
    storage_soc_fraction: float | None = _f("Planned storage state of charge at the end [0-1].")

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(
    models.ScheduleVersion,
    name="ScheduleVersion",
    description="A published version of a pool's or household's setpoints for one day.",
)
class ScheduleVersionType(relay.Node):
    pool: PoolType | None = _f("The pool; null for a household.")
    site: SiteType | None = _f("The household's site; null for a pool.")
    delivery_day: auto = _f("Local delivery day.")
    version: auto = _f("1, 2, ... per pool/site and day; devices run the highest.")
    cause_detail: strawberry.scalars.JSON = _f(
        "Why it exists: for re-plans the drifts (heat pump, quantity, measured, planned, "
        "tolerance) and the re-plan start; for fallbacks the source used (snake_case keys)."
    )
    published_at: auto = _f("Pipeline clock when published (UTC).")
    setpoints: list[ScheduleSetpointType] = _f("Every heat pump's setpoints, by unit and time.")

    @strawberry_django.field(only=["cause"], description="Why it was published.")
    def cause(self, root: models.ScheduleVersion) -> ScheduleCauseEnum:  # type: ignore[valid-type]
        return ScheduleCauseEnum(root.cause)

    @strawberry_django.field(
        only=["content_sha256"], description="ETag devices send in If-None-Match."
    )
    def etag(self, root: models.ScheduleVersion) -> str:
        return root.etag

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(
    models.WebhookDelivery,
    name="WebhookDelivery",
    description="One event sent to one webhook: attempts, answer, status.",
)
class WebhookDeliveryType(relay.Node):
    event_id: auto = _f("Event id (the Ainergy-Delivery header), the same on every retry.")
    payload: strawberry.scalars.JSON = _f("The signed JSON body sent (snake_case keys).")
    attempts: auto = _f("Attempts so far.")
    next_attempt_at: auto = _f("Next attempt (UTC); null when delivered or failed.")
    last_status_code: int | None = _f("HTTP status of the last attempt; null if none answered.")
    delivered_at: auto = _f("When a 2xx answer arrived (UTC).")
    created_at: auto = _f("When the event was queued (UTC).")

    @strawberry_django.field(only=["event"], description="The event.")
    def event(self, root: models.WebhookDelivery) -> WebhookEventEnum:  # type: ignore[valid-type]
        return WebhookEventEnum(root.event)

    @strawberry_django.field(only=["status"], description="Where the delivery stands.")
    def status(self, root: models.WebhookDelivery) -> WebhookDeliveryStatusEnum:  # type: ignore[valid-type]
        return WebhookDeliveryStatusEnum(root.status)

    @strawberry_django.field(only=["last_error"], description="Last problem; null if none.")
    def last_error(self, root: models.WebhookDelivery) -> str | None:
        return root.last_error or None

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(
    models.Webhook,
    name="Webhook",
    description="A tenant's endpoint for signed events (HMAC-SHA256, header Ainergy-Signature).",
)
class WebhookType(relay.Node):
    url: auto = _f("Where events are POSTed.")
    description: auto = _f("Free text.")
    is_enabled: auto = _f("Events are sent.")
    created_at: auto = _f("When it was registered (UTC).")

    @strawberry_django.field(description="The delivery log, newest first (the last 100).")
    def deliveries(self, root: models.Webhook) -> list[WebhookDeliveryType]:
        return list(
            models.WebhookDelivery.objects.filter(webhook=root, tenant_id=root.tenant_id).order_by(
                "-created_at", "-id"
            )[:100]
        )

    @strawberry_django.field(only=["events"], description="Events sent to it.")
    def events(self, root: models.Webhook) -> list[WebhookEventEnum]:  # type: ignore[valid-type]
        return [WebhookEventEnum(event) for event in root.events]

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry.type(description="A registered webhook and its signing secret (shown only once).")
class WebhookCreatePayload:
    webhook: WebhookType = strawberry.field(description="The webhook.")
    secret: str = strawberry.field(
        description="HMAC-SHA256 key: verify Ainergy-Signature t=<unix s>,v1=<hex of "
        "HMAC(secret, '<t>.<body>')>. Not readable later."
    )


@strawberry.type(description="An issued forecast stored.")
class ForecastIngestResult:
    series_key: str = strawberry.field(description="The series written to.")
    issued_at: dt.datetime = strawberry.field(description="The issue time stored (UTC).")
    points_written: int = strawberry.field(description="Values stored (all members).")


@strawberry.type(description="A job's status or progress changed.")
class JobProgressEvent:
    job: JobType = strawberry.field(description="The job, as it is now.")
    progress_fraction: float = strawberry.field(description="Share done [fraction], 0 to 1.")
    progress_message: str | None = strawberry.field(description="Latest progress note.")
    is_finished: bool = strawberry.field(description="It reached a final status.")


describe(TimelineStep)
