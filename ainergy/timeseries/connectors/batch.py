"""The normalised output of every connector: one series of UTC points with units in the names."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import pandas as pd

from ainergy.common.errors import ValidationError

Point = tuple[dt.datetime, float]


@dataclass(frozen=True)
class SeriesBatch:
    """Points of one series as fetched from one source.

    ``points`` are ``(start of interval as tz-aware UTC datetime, value in unit)``, strictly
    increasing in time, finite values only. ``series_key`` is ``"<quantity>:<zone or metering
    point>"``, e.g. ``"day_ahead_price_eur_per_mwh:DK1"``; ``kind`` is the code of
    ``ainergy.timeseries.kinds.KINDS`` the values belong to and ``unit`` the unit of that kind.
    ``resolution_minutes`` is ``None`` for calendar resolutions (day, month, year).
    """

    source: str
    dataset: str
    series_key: str
    quantity: str
    kind: str | None
    unit: str
    resolution_minutes: int | None
    points: tuple[Point, ...]
    source_url: str
    received_at: dt.datetime
    zone: str | None = None
    metering_point_id: str | None = None
    is_forecast: bool = False
    qualities: tuple[str | None, ...] = ()

    @property
    def times_at(self) -> list[dt.datetime]:
        return [moment for moment, _ in self.points]

    @property
    def values(self) -> list[float]:
        return [value for _, value in self.points]

    def to_series(self) -> pd.Series:
        """The points as a float ``pd.Series`` on a UTC ``DatetimeIndex`` named ``time_utc``."""
        index = pd.DatetimeIndex([moment for moment, _ in self.points], name="time_utc")
        index = (
            index.tz_convert("UTC")
            if len(index)
            else pd.DatetimeIndex([], tz="UTC", name="time_utc")
        )
        return pd.Series(self.values, index=index, name=self.series_key, dtype="float64")


def check_points(points: list[Point], *, field: str) -> tuple[Point, ...]:
    """Sort points by time; reject naive times, duplicate times and non-finite values."""
    ordered = sorted(points, key=lambda point: point[0])
    previous: dt.datetime | None = None
    for moment, value in ordered:
        if moment.tzinfo is None:
            raise ValidationError(field, f"naive timestamp {moment.isoformat()}")
        if not math.isfinite(value):
            raise ValidationError(field, f"non-finite value {value!r} at {moment.isoformat()}")
        if previous is not None and moment == previous:
            raise ValidationError(field, f"duplicate timestamp {moment.isoformat()}")
        previous = moment
    return tuple(ordered)
