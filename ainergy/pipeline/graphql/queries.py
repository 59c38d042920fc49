from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.nodes import node_field
from ainergy.graphql.permissions import READ
from ainergy.jobs.models import Job
from ainergy.markets.graphql.enums import BiddingZoneEnum
from ainergy.pipeline import selectors
from ainergy.pipeline.graphql.types import (
    AlertType,
    MarketTimelineEntry,
    PipelineEnrollmentType,
    PipelineStepEnum,
    PipelineStepStatusEnum,
    PipelineTimeline,
    ScheduleVersionType,
    StepRunType,
    TimelineStep,
    WebhookType,
)
from ainergy.pipeline.timeline import market_milestones

DAY = strawberry.argument(description="Local (Europe/Copenhagen) delivery day.")


def _entry(milestone) -> MarketTimelineEntry:
    return MarketTimelineEntry(
        zone=BiddingZoneEnum(milestone.zone),
        product=milestone.product_code,
        auction=milestone.auction,
        gate_closure_at=milestone.gate_closure_at,
        results_published_at=milestone.results_published_at,
        delivery_start_at=milestone.delivery_start_at,
        delivery_end_at=milestone.delivery_end_at,
        uncertain_fields=list(milestone.uncertain_fields),
    )


def _timeline(tenant, enrollment_owner, day: dt.date) -> PipelineTimeline:
    milestones, rows = selectors.timeline(tenant, day=day, **enrollment_owner)
    jobs = {
        job.pk: job for job in Job.objects.filter(pk__in=[r["job_id"] for r in rows if r["job_id"]])
    }
    steps = [
        TimelineStep(
            step=PipelineStepEnum(row["step"]),
            earliest_at=row["earliest_at"],
            deadline_at=row["deadline_at"],
            status=PipelineStepStatusEnum(row["status"]),
            after=[PipelineStepEnum(name) for name in row["after"]],
            run=row["run"],
            job=jobs.get(row["job_id"]),
        )
        for row in rows
    ]
    return PipelineTimeline(
        delivery_day=day, milestones=[_entry(m) for m in milestones], steps=steps
    )


@strawberry.type
class Query:
    pipeline_enrollments: DjangoListConnection[PipelineEnrollmentType] = (
        strawberry_django.connection(
            extensions=[READ], description="Pools and households under the daily pipeline."
        )
    )
    pipeline_alerts: DjangoListConnection[AlertType] = strawberry_django.connection(
        extensions=[READ], description="Missed deadlines and failed steps, newest first."
    )
    pipeline_step_runs: DjangoListConnection[StepRunType] = strawberry_django.connection(
        extensions=[READ], description="Pipeline step runs, by delivery day and deadline."
    )
    schedule_versions: DjangoListConnection[ScheduleVersionType] = strawberry_django.connection(
        extensions=[READ], description="Published schedule versions, by day and version."
    )
    webhooks: DjangoListConnection[WebhookType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's webhooks."
    )
    pipeline_step_run: StepRunType = node_field(StepRunType, "One pipeline step run by id.")
    schedule_version: ScheduleVersionType = node_field(
        ScheduleVersionType, "One schedule version by id."
    )
    webhook: WebhookType = node_field(WebhookType, "One webhook (with its delivery log) by id.")

    @strawberry.field(
        extensions=[READ],
        description="The auctions of a zone for a delivery day: gate closures, publications, "
        "delivery, in UTC from local-time rules (DST-aware).",
    )
    def market_timeline(
        self,
        zone: Annotated[
            BiddingZoneEnum,  # type: ignore[valid-type]
            strawberry.argument(description="Bidding zone."),
        ],
        delivery_day: Annotated[dt.date, DAY],
    ) -> list[MarketTimelineEntry]:
        return [_entry(m) for m in market_milestones(zone.value, delivery_day)]

    @strawberry.field(
        extensions=[READ],
        description="What must happen for the pool before when on a delivery day: each step "
        "with its deadline, status and job.",
    )
    def pool_timeline(
        self,
        info: Info,
        pool_id: Annotated[strawberry.ID, strawberry.argument(description="The pool.")],
        delivery_day: Annotated[dt.date, DAY],
    ) -> PipelineTimeline:
        pk = decode_id(pool_id, "Pool", "pool_id")
        return _timeline(info.context.tenant, {"pool_id": pk}, delivery_day)

    @strawberry.field(
        extensions=[READ],
        description="What must happen for the household before when on a delivery day.",
    )
    def household_timeline(
        self,
        info: Info,
        site_id: Annotated[strawberry.ID, strawberry.argument(description="The household site.")],
        delivery_day: Annotated[dt.date, DAY],
    ) -> PipelineTimeline:
        pk = decode_id(site_id, "Site", "site_id")
        return _timeline(info.context.tenant, {"site_id": pk}, delivery_day)
