from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery
from strawberry import auto, relay

from ainergy.graphql.context import context_tenant, scope_to_tenant
from ainergy.graphql.vocabulary import describe
from ainergy.markets.graphql.enums import BiddingZoneEnum
from ainergy.timeseries import models
from ainergy.timeseries.graphql.enums import SeriesKindEnum


def _f(description: str, **kwargs):
    return strawberry_django.field(description=description, **kwargs)


@strawberry_django.filter_type(models.Series, lookups=False)
class SeriesFilter:
    """Narrow the series; all given conditions must hold."""

    kind: SeriesKindEnum | None = strawberry_django.filter_field(  # type: ignore[valid-type]
        description="Only series of this kind."
    )
    key: str | None = strawberry_django.filter_field(description="Only the series with this key.")


def _observations(aggregate):
    """A per-series subquery of ``aggregate`` over its observations (one query for a page)."""
    return Subquery(
        models.Observation.objects.filter(series=OuterRef("pk"))
        .order_by()
        .values("series")
        .annotate(value=aggregate)
        .values("value")[:1]
    )


def _annotated(root, attribute: str, aggregate):
    if hasattr(root, attribute):
        return getattr(root, attribute)
    return models.Observation.objects.filter(series=root).aggregate(value=aggregate)["value"]


@strawberry_django.type(
    models.Series,
    name="Series",
    filters=SeriesFilter,
    description="A time series: the tenant's own, or public market data shared by all.",
)
class SeriesType(relay.Node):
    key: auto = _f("Stable name, unique per tenant (or among public series).")
    kind: SeriesKindEnum = _f("What it measures.")  # type: ignore[valid-type]
    unit: auto = _f("Unit of every value, fixed by the kind (e.g. EUR/MWh, kW, °C).")
    resolution_minutes: auto = _f("Time step of the stored points [min].")
    created_at: auto = _f("When it was created (UTC).")

    @strawberry_django.field(only=["description"], description="Free text; null if none.")
    def description(self, root: models.Series) -> str | None:
        return root.description or None

    @strawberry_django.field(
        only=["tenant_id"], description="True for public market data (prices, CO2) of all tenants."
    )
    def is_public(self, root: models.Series) -> bool:
        return root.tenant_id is None

    @strawberry_django.field(
        only=["bidding_zone__code"],
        select_related=["bidding_zone"],
        description="Zone of market data; null for the tenant's own measurements.",
    )
    def bidding_zone(self, root: models.Series) -> BiddingZoneEnum | None:  # type: ignore[valid-type]
        return BiddingZoneEnum(root.bidding_zone.code) if root.bidding_zone_id else None

    @strawberry_django.field(
        annotate={"first_observation_at_": _observations(Min("time"))},
        description="Start of the earliest stored observation (UTC); null if none.",
    )
    def first_observation_at(self, root: models.Series) -> dt.datetime | None:
        return _annotated(root, "first_observation_at_", Min("time"))

    @strawberry_django.field(
        annotate={"last_observation_at_": _observations(Max("time"))},
        description="Start of the latest stored observation (UTC); null if none. The series has "
        "data for [firstObservationAt, lastObservationAt + resolutionMinutes).",
    )
    def last_observation_at(self, root: models.Series) -> dt.datetime | None:
        return _annotated(root, "last_observation_at_", Max("time"))

    @strawberry_django.field(
        annotate={"observation_count_": _observations(Count("time"))},
        description="Stored observations (gaps show as fewer than the span allows).",
    )
    def observation_count(self, root: models.Series) -> int:
        return _annotated(root, "observation_count_", Count("time")) or 0

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        """The tenant's own series and public market data (plain filter: also for relations)."""
        tenant = context_tenant(info)
        if tenant is None:
            return queryset.none()
        return queryset.filter(Q(tenant=tenant) | Q(tenant__isnull=True))


@strawberry.type(description="One value of a series over one period.")
class TimeValue:
    time: dt.datetime = strawberry.field(description="Period start (UTC).")
    value: float = strawberry.field(description="Value in the series' unit.")
    count: int = strawberry.field(description="Raw points aggregated into this value.")


@strawberry.type(description="One value of a series over one local delivery day.")
class DailyValue:
    local_day: dt.date = strawberry.field(description="Europe/Copenhagen day (23, 24 or 25 h).")
    value: float = strawberry.field(description="Aggregated value in the series' unit.")
    count: int = strawberry.field(description="Raw points aggregated into this value.")


@strawberry.type(description="One value of a stored forecast.")
class ForecastPoint:
    time: dt.datetime = strawberry.field(description="Period start (UTC).")
    value: float = strawberry.field(description="Forecast value in the series' unit.")
    quantile: float = strawberry.field(description="Quantile level in (0, 1); 0.5 = median.")
    scenario: int = strawberry.field(description="0 for quantiles, 1..K for scenario paths.")
    scenario_probability: float | None = strawberry.field(
        description="Probability of the scenario path; null for quantiles."
    )


@strawberry.type(description="What one batch of an ingest wrote.")
class IngestResult:
    series_key: str = strawberry.field(description="Key of the series written to.")
    points_written: int = strawberry.field(description="Points written or replaced.")
    first_time: dt.datetime | None = strawberry.field(
        description="Earliest period start written (UTC); null if none."
    )
    last_time: dt.datetime | None = strawberry.field(
        description="Latest period start written (UTC); null if none."
    )


@strawberry_django.type(
    models.MeterDataAuthorization,
    name="MeterDataAuthorization",
    description="Consent to read smart meters via Eloverblik; the refresh token is never returned.",
)
class MeterDataAuthorizationType(relay.Node):
    name: auto = _f("Name of the authorization.")
    refresh_token_last_four: auto = _f("Last four characters of the refresh token.")
    metering_point_ids: list[str] = _f("18-digit metering point ids read.")
    last_synced_at: auto = _f("When data was last fetched (UTC); null if never.")
    created_at: auto = _f("When it was created (UTC).")

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


describe(SeriesFilter, "Narrow the series; all given conditions must hold.")
