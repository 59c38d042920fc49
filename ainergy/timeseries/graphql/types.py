from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Q
from strawberry import auto, relay

from ainergy.graphql.context import context_tenant, scope_to_tenant
from ainergy.timeseries import models


@strawberry_django.filter_type(models.Series, lookups=False)
class SeriesFilter:
    kind: auto
    key: auto


@strawberry_django.type(models.Series, name="Series", filters=SeriesFilter)
class SeriesType(relay.Node):
    key: auto
    kind: auto
    unit: auto
    resolution_minutes: auto
    description: auto
    created_at: auto

    @strawberry_django.field(only=["tenant_id"])
    def is_public(self, root: models.Series) -> bool:
        """Public market data (prices, CO2) shared by all tenants."""
        return root.tenant_id is None

    @strawberry_django.field(only=["bidding_zone__code"], select_related=["bidding_zone"])
    def bidding_zone(self, root: models.Series) -> str | None:
        return root.bidding_zone.code if root.bidding_zone_id else None

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        """The tenant's own series and public market data (plain filter: also for relations)."""
        tenant = context_tenant(info)
        if tenant is None:
            return queryset.none()
        return queryset.filter(Q(tenant=tenant) | Q(tenant__isnull=True))


@strawberry.type
class TimeValue:
    time: dt.datetime
    value: float
    count: int = strawberry.field(description="Raw points aggregated into this value")


@strawberry.type
class DailyValue:
    local_day: dt.date
    value: float
    count: int


@strawberry.type
class ForecastPoint:
    time: dt.datetime
    value: float
    quantile: float
    scenario: int
    scenario_probability: float | None


@strawberry.type
class IngestResult:
    series_key: str
    points_written: int
    first_time: dt.datetime | None
    last_time: dt.datetime | None


@strawberry_django.type(models.MeterDataAuthorization, name="MeterDataAuthorization")
class MeterDataAuthorizationType(relay.Node):
    """Consent to read smart meters via Eloverblik; the refresh token is never returned."""

    name: auto
    refresh_token_last_four: auto
    metering_point_ids: list[str]
    last_synced_at: auto
    created_at: auto

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)
