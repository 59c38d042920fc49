"""GraphQL subscriptions over WebSocket (Django Channels, Redis channel layer).

Connect to ``/graphql`` with the graphql-transport-ws protocol and send the API token in the
``connection_init`` payload (``{"authorization": "Bearer ain_…"}``). Events come from the workers
through the channel layer; each subscription first yields the current state, so nothing between
subscribing and the first event is lost.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import Annotated

import strawberry
from asgiref.sync import sync_to_async
from strawberry import relay

from ainergy.common.events import EVENT_TYPE, job_group, tenant_group
from ainergy.common.ids import global_id
from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import READ
from ainergy.jobs.graphql.enums import JobKindEnum, JobStatusEnum
from ainergy.jobs.models import FINISHED_STATUSES, Job
from ainergy.jobs.selectors import job_get
from ainergy.pipeline.graphql.types import ScheduleCauseEnum


@strawberry.type(description="A job's status or progress, as it changed.")
class JobProgressEvent:
    job_id: relay.GlobalID = strawberry.field(description="The job.")
    kind: JobKindEnum = strawberry.field(description="What it computes.")  # type: ignore[valid-type]
    status: JobStatusEnum = strawberry.field(description="Where it stands.")  # type: ignore[valid-type]
    progress_fraction: float = strawberry.field(description="Share done [fraction], 0 to 1.")
    progress_message: str | None = strawberry.field(description="Latest progress note.")
    is_finished: bool = strawberry.field(description="It reached a final status (last event).")


@strawberry.type(description="A schedule version was published.")
class ScheduleUpdateEvent:
    schedule_version_id: relay.GlobalID = strawberry.field(description="The new version.")
    pool_id: relay.GlobalID | None = strawberry.field(description="Its pool; null for a household.")
    site_id: relay.GlobalID | None = strawberry.field(description="Its site; null for a pool.")
    delivery_day: dt.date = strawberry.field(description="Local delivery day.")
    version: int = strawberry.field(description="Version number (devices run the highest).")
    cause: ScheduleCauseEnum = strawberry.field(description="Why it was published.")  # type: ignore[valid-type]
    etag: str = strawberry.field(description="ETag of its setpoints (If-None-Match).")


def _gid(value: str | None) -> relay.GlobalID | None:
    return relay.GlobalID.from_id(value) if value else None


def _job_event(job: Job) -> JobProgressEvent:
    return JobProgressEvent(
        job_id=relay.GlobalID.from_id(global_id(job)),
        kind=JobKindEnum(job.kind),
        status=JobStatusEnum(job.status),
        progress_fraction=job.progress_fraction,
        progress_message=job.progress_message or None,
        is_finished=job.status in FINISHED_STATUSES,
    )


@strawberry.type
class Subscription:
    @strawberry.subscription(
        extensions=[READ],
        description="Progress of one job until it finishes (its current state first).",
    )
    async def job_progress(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The job.")],
    ) -> AsyncGenerator[JobProgressEvent, None]:
        tenant = info.context.tenant
        pk = decode_id(id, "Job")
        job = await sync_to_async(job_get)(tenant, pk)  # another tenant's id: NOT_FOUND
        consumer = info.context.request
        async with consumer.listen_to_channel(EVENT_TYPE, groups=[job_group(pk)]) as messages:
            job = await sync_to_async(job_get)(tenant, pk)  # state after joining the group
            last = (job.status, job.progress_fraction, job.progress_message)
            yield _job_event(job)
            if job.status in FINISHED_STATUSES:
                return
            async for message in messages:
                if message.get("event") != "job.progress":
                    continue
                job = await sync_to_async(job_get)(tenant, pk)
                state = (job.status, job.progress_fraction, job.progress_message)
                if state != last:
                    last = state
                    yield _job_event(job)
                if job.status in FINISHED_STATUSES:
                    return

    @strawberry.subscription(
        extensions=[READ], description="Every schedule version the tenant publishes from now on."
    )
    async def schedule_updates(self, info: Info) -> AsyncGenerator[ScheduleUpdateEvent, None]:
        tenant = info.context.tenant
        consumer = info.context.request
        async with consumer.listen_to_channel(
            EVENT_TYPE, groups=[tenant_group(tenant.pk)]
        ) as messages:
            async for message in messages:
                if message.get("event") != "schedule.published":
                    continue
                payload = message["payload"]
                yield ScheduleUpdateEvent(
                    schedule_version_id=_gid(payload["schedule_version_id"]),
                    pool_id=_gid(payload.get("pool_id")),
                    site_id=_gid(payload.get("site_id")),
                    delivery_day=dt.date.fromisoformat(payload["delivery_day"]),
                    version=payload["version"],
                    cause=ScheduleCauseEnum(payload["cause"]),
                    etag=payload["etag"],
                )
