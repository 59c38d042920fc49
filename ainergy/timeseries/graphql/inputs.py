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
