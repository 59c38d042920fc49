from __future__ import annotations

import strawberry
import strawberry_django
from django.db.models import Q
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.common.errors import ValidationError
from ainergy.common.ids import parse_id
from ainergy.graphql.context import scope_to_tenant
from ainergy.graphql.vocabulary import describe, graphql_enum
from ainergy.jobs import models
from ainergy.jobs.graphql.enums import JobKindEnum, JobStatusEnum
from ainergy.jobs.graphql.results import JobResult, job_result

ErrorCodeEnum = graphql_enum(
    "ErrorCode",
    "Why something failed: `extensions.code` of GraphQL errors and `Job.errorCode`.",
    {
        "VALIDATION_ERROR": ("VALIDATION_ERROR", "Bad input; `field` names it, `reason` why."),
        "BAD_USER_INPUT": ("BAD_USER_INPUT", "A value could not be read as its GraphQL type."),
        "NOT_FOUND": ("NOT_FOUND", "No such object in the tenant (missing or another tenant's)."),
        "PERMISSION_DENIED": ("PERMISSION_DENIED", "The caller lacks the role, scope or CSRF."),
        "UNAUTHENTICATED": ("UNAUTHENTICATED", "No valid token or session."),
        "INFEASIBLE": ("INFEASIBLE", "An optimization has no solution; names the constraints."),
        "TRANSIENT": ("TRANSIENT", "A passing failure (network, time-out); retrying may work."),
        "TIME_LIMIT": ("TIME_LIMIT", "A job ran past its time limit."),
        "WORKER_LOST": ("WORKER_LOST", "The worker running a job disappeared."),
        "APPLICATION_ERROR": ("APPLICATION_ERROR", "Another domain failure; see the message."),
        "INTERNAL": ("INTERNAL", "An unexpected error (a bug); details are logged."),
        "COST_LIMIT": ("COST_LIMIT", "The query's cost is over the limit; `cost`, `limit`."),
        "RATE_LIMITED": (
            "RATE_LIMITED",
            "Too many requests or too much query cost per minute; retry after `retryAfterS`.",
        ),
        "DOCUMENT_TOO_COMPLEX": (
            "DOCUMENT_TOO_COMPLEX",
            "Too many (or too often repeated) fields in the document; `limit`.",
        ),
        "DOCUMENT_TOO_LARGE": ("DOCUMENT_TOO_LARGE", "The document or query string is too long."),
        "PAYLOAD_TOO_LARGE": ("PAYLOAD_TOO_LARGE", "The request body is over the limit [bytes]."),
        "BAD_REQUEST": ("BAD_REQUEST", "The HTTP request is not a GraphQL request."),
    },
)


JOB_OBJECTS = {
    "ForecastRun": ("forecasting.models", "ForecastRun"),
    "BidPlan": ("optimization.models", "BidPlan"),
    "PoolDispatch": ("optimization.models", "PoolDispatch"),
    "SizingStudy": ("optimization.models", "SizingStudy"),
    "HouseholdSchedule": ("optimization.models", "HouseholdSchedule"),
}


def object_job_ids(value: str):
    """Ids of the jobs of an object (a subquery; tenant scoping is the jobs' own)."""
    import importlib

    type_name, pk = parse_id(value, "filters.object_id")
    if type_name not in JOB_OBJECTS:
        allowed = ", ".join(JOB_OBJECTS)
        raise ValidationError("filters.object_id", f"jobs belong to {allowed}; got a {type_name}")
    module, name = JOB_OBJECTS[type_name]
    model = getattr(importlib.import_module(module), name)
    ids = model.objects.filter(pk=pk).values("job_id")
    if type_name == "BidPlan":
        from optimization.models import PoolDispatch

        ids = ids.union(PoolDispatch.objects.filter(bid_plan_id=pk).values("job_id"))
    return ids


@strawberry_django.filter_type(models.Job, lookups=False)
class JobFilter:
    """Narrow the jobs; all given conditions must hold."""

    status: JobStatusEnum | None = strawberry_django.filter_field(  # type: ignore[valid-type]
        description="Only jobs in this status."
    )
    kind: JobKindEnum | None = strawberry_django.filter_field(  # type: ignore[valid-type]
        description="Only jobs of this kind."
    )

    @strawberry_django.filter_field(
        description="Only jobs of this object: the job that made a forecast run, bid plan, "
        "dispatch, sizing study or household schedule (for a bid plan also its dispatch jobs)."
    )
    def object_id(self, value: strawberry.ID, prefix: str) -> Q:
        return Q(**{f"{prefix}pk__in": object_job_ids(value)})


def _f(description: str, **kwargs):
    return strawberry_django.field(description=description, **kwargs)


@strawberry_django.type(
    models.Job,
    name="Job",
    filters=JobFilter,
    description="One piece of asynchronous work (forecast, bid plan, dispatch, sizing, ...).",
)
class JobType(relay.Node):
    kind: JobKindEnum = _f("What the job computes.")  # type: ignore[valid-type]
    status: JobStatusEnum = _f("Where the job stands.")  # type: ignore[valid-type]
    progress_fraction: auto = _f("Share done [fraction], 0 to 1.")
    attempts: auto = _f("Times a worker has started it.")
    queue: auto = _f("Celery queue it runs on (one per job kind family).")
    created_at: auto = _f("When it was queued (UTC).")
    started_at: auto = _f("When a worker last started it (UTC); null while queued.")
    finished_at: auto = _f("When it reached a final status (UTC); null before.")
    parameters: JSON = _f(
        "The job's parameters as the worker reads them (object with snake_case keys; ids as "
        "primary keys). Read the created object (e.g. `BidPlan`) for typed values."
    )
    result_summary: JSON = _f(
        "Free-form summary the worker recorded (object with snake_case keys), e.g. counts and "
        'timings; on failure {"error": {...details}}.'
    )

    @strawberry_django.field(only=["progress_message"], description="Latest progress note.")
    def progress_message(self, root: models.Job) -> str | None:
        return root.progress_message or None

    @strawberry_django.field(only=["error_code"], description="Why it failed; null otherwise.")
    def error_code(self, root: models.Job) -> ErrorCodeEnum | None:  # type: ignore[valid-type]
        if not root.error_code:
            return None
        try:
            return ErrorCodeEnum(root.error_code)
        except ValueError:
            return ErrorCodeEnum.INTERNAL  # type: ignore[attr-defined]

    @strawberry_django.field(only=["error_message"], description="What went wrong; null if none.")
    def error_message(self, root: models.Job) -> str | None:
        return root.error_message or None

    @strawberry_django.field(
        only=["kind", "status", "result_summary", "tenant_id"],
        description="What the job produced, typed per kind and linking to the object it made "
        "(e.g. BidPlanJobResult.bidPlan); null until SUCCEEDED.",
    )
    def result(self, root: models.Job) -> JobResult | None:  # type: ignore[valid-type]
        return job_result(root)

    @strawberry_django.field(
        only=["started_at", "finished_at"], description="Run time [s]; null until finished."
    )
    def duration_s(self, root: models.Job) -> float | None:
        return root.duration_s

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


describe(JobFilter, "Narrow the jobs; all given conditions must hold.")
