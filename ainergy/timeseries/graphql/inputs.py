from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from strawberry import relay


@strawberry.enum
class Aggregation(Enum):
    MEAN = "mean"
    SUM = "sum"
    MIN = "min"
    MAX = "max"


@strawberry.input
class SeriesInput:
    key: str
    kind: str
    resolution_minutes: int
    description: str = ""
    site_id: relay.GlobalID | None = None
    heat_pump_id: relay.GlobalID | None = None


@strawberry.input
class PointInput:
    time: dt.datetime
    value: float


@strawberry.input
class SeriesPointsInput:
    series_id: relay.GlobalID
    points: list[PointInput]


@strawberry.input
class ObservationsIngestInput:
    batches: list[SeriesPointsInput]
    source: str = "graphql"


@strawberry.input
class MeterDataAuthorizationInput:
    site_id: relay.GlobalID
    name: str
    refresh_token: str
    metering_point_ids: list[str]


@strawberry.input
class MeterDataSyncInput:
    meter_data_authorization_id: relay.GlobalID
    date_from: dt.date
    date_to: dt.date
    aggregation: str = "Hour"
