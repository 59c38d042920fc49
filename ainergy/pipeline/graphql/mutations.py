from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from ainergy.assets.models import Pool, Site
from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.graphql.context import Info
from ainergy.graphql.crud import input_data
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import INGEST, WRITE
from ainergy.markets.graphql.enums import MarketProductCodeEnum
from ainergy.pipeline import services, webhooks
from ainergy.pipeline.graphql.types import (
    ForecastIngestResult,
    PipelineEnrollmentType,
    StepRunType,
    WebhookCreatePayload,
    WebhookEventEnum,
)
from ainergy.timeseries.selectors import series_get
from ainergy.timeseries.services import forecasts_ingest

MAX_FORECAST_POINTS = 20_000


def _f(description: str, **kwargs):
    return strawberry.field(description=description, **kwargs)


@strawberry.input(description="Put a pool or a household under the daily pipeline.")
class PipelineEnrollmentInput:
    pool_id: strawberry.ID | None = _f("The pool (give a pool or a site).", default=None)
    site_id: strawberry.ID | None = _f(
        "The household's site (give a pool or a site).", default=None
    )
    mtu_minutes: int | None = _f("Pools: bid plan MTU [min], 15 or 60 (default 60).", default=None)
    scenario_count: int | None = _f("Pools: bid plan scenarios (default 5).", default=None)
    product_codes: list[MarketProductCodeEnum] | None = _f(  # type: ignore[valid-type]
        "Pools: reserve products to offer; null = the market account's enabled products.",
        default=None,
    )
    grid_company: str | None = _f("Households: DSO of the tariff (code).", default=None)
    step_minutes: int | None = _f("Households: schedule step [min], 15 or 60.", default=None)
    annual_heat_demand_kwh: float | None = _f(
        "Households: yearly heat demand [kWh_th] when no heat series is linked.", default=None
    )
    heat_demand_series_id: strawberry.ID | None = _f(
        "Households: heat demand series (instead of the annual demand).", default=None
    )


@strawberry.input(description="One value of an issued forecast.")
class ForecastPointInput:
    time: dt.datetime = _f("Period start, ISO 8601 with a UTC offset; at or after the issue.")
    value: float = _f("Value in the series' unit.")
    quantile: float | None = _f("Quantile level in (0, 1); null = the point forecast (0.5).",
                                default=None)  # fmt: skip
    scenario: int | None = _f("Scenario path number ≥ 1; null = not a scenario.", default=None)
    scenario_probability: float | None = _f("Probability of the scenario path.", default=None)


@strawberry.input(description="A forecast issued by the tenant's own provider.")
class ForecastsIngestInput:
    series_id: strawberry.ID = _f("The tenant's series it forecasts.")
    issued_at: dt.datetime = _f("When the provider issued it (with a UTC offset).")
    points: list[ForecastPointInput] = _f("The values (at most 20,000).")
    source: str = _f("Provenance recorded with every value.", default="graphql")


@strawberry.input(description="A webhook endpoint for signed events.")
class WebhookInput:
    url: str = _f("https URL the events are POSTed to (public address).")
    events: list[WebhookEventEnum] = _f("Events to send.")  # type: ignore[valid-type]
    secret: str | None = _f("Signing key (≥ 24 characters); null = generated.", default=None)
    description: str = _f("Free text.", default="")


def _owner(tenant, data: dict):
    pool = site = None
    if data.get("pool_id") is not None:
        pool = (
            Pool.objects.for_tenant(tenant)
            .select_related("bidding_zone")
            .filter(pk=data["pool_id"])
            .first()
        )
        if pool is None:
            raise NotFoundError("Pool not found.", {"field": "pool_id"})
    if data.get("site_id") is not None:
        site = Site.objects.for_tenant(tenant).filter(pk=data["site_id"]).first()
        if site is None:
            raise NotFoundError("Site not found.", {"field": "site_id"})
    return pool, site


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=[WRITE],
        description="Run the daily pipeline for a pool or household (timeline-driven).",
    )
    def pipeline_enrollment_create(
        self, info: Info, input: Annotated[PipelineEnrollmentInput, strawberry.argument()]
    ) -> PipelineEnrollmentType:
        tenant = info.context.tenant
        data = input_data(input)
        pool, site = _owner(tenant, data)
        parameters = {
            key: value
            for key, value in data.items()
            if key not in ("pool_id", "site_id") and value is not None
        }
        for field, allowed in (("mtu_minutes", (15, 60)), ("step_minutes", (15, 60))):
            if field in parameters and parameters[field] not in allowed:
                raise ValidationError(field, f"must be one of {allowed}")
        if "scenario_count" in parameters and not 1 <= parameters["scenario_count"] <= 50:
            raise ValidationError("scenario_count", "must be between 1 and 50")
        return services.enrollment_create(tenant=tenant, pool=pool, site=site,
                                          parameters=parameters)  # fmt: skip

    @strawberry.mutation(
        extensions=[WRITE], description="Pause or resume a pool's or household's pipeline."
    )
    def pipeline_enrollment_set_enabled(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The enrollment.")],
        is_enabled: Annotated[bool, strawberry.argument(description="Run the pipeline.")],
    ) -> PipelineEnrollmentType:
        return services.enrollment_set_enabled(
            tenant=info.context.tenant,
            enrollment_id=decode_id(id, "PipelineEnrollment"),
            is_enabled=is_enabled,
        )

    @strawberry.mutation(
        extensions=[WRITE],
        description="Run a finished step again for its day: same inputs, same outputs, no "
        "duplicates; the recorded outcome stays.",
    )
    def pipeline_step_run_rerun(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The step run.")],
    ) -> StepRunType:
        run, _jobs = services.step_rerun(
            tenant=info.context.tenant, step_run_id=decode_id(id, "PipelineStepRun")
        )
        return run

    @strawberry.mutation(
        extensions=[INGEST],
        description="Store a forecast issued by the tenant's own provider (e.g. weather for "
        "temperature regressors and PV), all or nothing: every bad point is reported at once by "
        "its input path; the same issue time again overwrites its values.",
    )
    def forecasts_ingest(
        self, info: Info, input: Annotated[ForecastsIngestInput, strawberry.argument()]
    ) -> ForecastIngestResult:
        tenant = info.context.tenant
        data = input_data(input)
        series = series_get(tenant, data["series_id"])
        if series.tenant_id != tenant.pk:
            raise ValidationError("input.seriesId", "public series take no tenant forecasts")
        written = forecasts_ingest(
            tenant=tenant,
            series=series,
            issued_at=data["issued_at"],
            points=data["points"],
            source=data.get("source") or "graphql",
            max_points=MAX_FORECAST_POINTS,
        )
        return ForecastIngestResult(
            series_key=series.key,
            issued_at=data["issued_at"].astimezone(dt.UTC),
            points_written=written,
        )

    @strawberry.mutation(extensions=[WRITE], description="Register a webhook for signed events.")
    def webhook_create(
        self, info: Info, input: Annotated[WebhookInput, strawberry.argument()]
    ) -> WebhookCreatePayload:
        data = input_data(input)
        webhook, secret = webhooks.webhook_create(
            tenant=info.context.tenant,
            url=data["url"],
            events=list(data["events"]),
            secret=data.get("secret"),
            description=data.get("description") or "",
        )
        return WebhookCreatePayload(webhook=webhook, secret=secret)

    @strawberry.mutation(extensions=[WRITE], description="Remove a webhook and its delivery log.")
    def webhook_delete(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The webhook.")],
    ) -> strawberry.ID:
        webhooks.webhook_delete(tenant=info.context.tenant, webhook_id=decode_id(id, "Webhook"))
        return id
