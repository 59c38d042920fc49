from __future__ import annotations

from enum import Enum

import strawberry
import strawberry_django
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.graphql.context import scope_to_tenant
from ainergy.jobs import models


@strawberry.enum(name="JobStatus")
class JobStatusEnum(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry_django.filter_type(models.Job, lookups=False)
class JobFilter:
    status: JobStatusEnum | None
    kind: auto


@strawberry_django.type(models.Job, name="Job", filters=JobFilter)
class JobType(relay.Node):
    kind: auto
    status: JobStatusEnum
    progress_fraction: auto
    progress_message: auto
    parameters: JSON
    result_summary: JSON
    error_code: auto
    error_message: auto
    attempts: auto
    queue: auto
    created_at: auto
    started_at: auto
    finished_at: auto

    @strawberry_django.field(only=["started_at", "finished_at"])
    def duration_s(self, root: models.Job) -> float | None:
        return root.duration_s

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)
