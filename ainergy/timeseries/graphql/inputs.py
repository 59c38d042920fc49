from __future__ import annotations

import datetime as dt

import strawberry

from ainergy.timeseries.graphql.enums import MeterDataAggregationEnum, SeriesKindEnum


def _f(description: str, **kwargs):
    return strawberry.field(description=description, **kwargs)


@strawberry.input(description="A new series of the tenant.")
class SeriesInput:
    key: str = _f("Stable name (slug), unique in the tenant.")
    kind: SeriesKindEnum = _f("What it measures; fixes the unit.")  # type: ignore[valid-type]
    resolution_minutes: int = _f("Time step [min]: 1, 5, 15, 30 or 60.")
    description: str | None = _f("Free text; null for none.", default=None)
    site_id: strawberry.ID | None = _f("Site it belongs to; null if none.", default=None)
    heat_pump_id: strawberry.ID | None = _f("Heat pump it belongs to; null if none.", default=None)


@strawberry.input(description="One value at one time.")
class PointInput:
    time: dt.datetime = _f("Period start, ISO 8601 with a UTC offset (naive times are refused).")
    value: float = _f("Value in the series' unit (finite, inside the kind's physical range).")


@strawberry.input(description="Points for one series.")
class SeriesPointsInput:
    series_id: strawberry.ID = _f("The tenant's series to write to.")
    points: list[PointInput] = _f("Points on the series' time grid, each time once.")


@strawberry.input(description="Batches of points written all or nothing.")
class ObservationsIngestInput:
    batches: list[SeriesPointsInput] = _f("One batch per series (each series at most once).")
    source: str = _f("Provenance recorded with every point.", default="graphql")


@strawberry.input(description="Consent to read a customer's smart meters through Eloverblik.")
class MeterDataAuthorizationInput:
    site_id: strawberry.ID = _f("Site the meters belong to.")
    name: str = _f("Name of the authorization.")
    refresh_token: str = _f("Eloverblik refresh token (stored encrypted, never returned).")
    metering_point_ids: list[str] = _f("18-digit metering point ids to read.")


@strawberry.input(description="Fetch smart-meter data for local days [dateFrom, dateTo).")
class MeterDataSyncInput:
    meter_data_authorization_id: strawberry.ID = _f("Authorization to read with.")
    date_from: dt.date = _f("First local (Europe/Copenhagen) day.")
    date_to: dt.date = _f("Day after the last, exclusive.")
    aggregation: MeterDataAggregationEnum = _f(  # type: ignore[valid-type]
        "Resolution to fetch.", default=MeterDataAggregationEnum.HOUR
    )
