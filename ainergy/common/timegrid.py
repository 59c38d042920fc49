"""Delivery-day time grids: UTC inside, Europe/Copenhagen at the edges.

Pure Python + pandas (no Django), shared by the forecasting and optimization cores and the
Django apps. A Danish delivery day runs from local midnight to local midnight, so it has 23, 24
or 25 hours, i.e. 92, 96 or 100 quarter-hour MTUs.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pandas as pd

from ainergy.common.errors import ValidationError

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")
UTC = dt.UTC
ALLOWED_MTU_MINUTES = (15, 30, 60)


def require_aware(value: dt.datetime, field: str) -> dt.datetime:
    """Return ``value`` converted to UTC; reject naive datetimes naming ``field``."""
    if not isinstance(value, dt.datetime):
        raise ValidationError(field, f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise ValidationError(field, "naive datetime; give a UTC offset or time zone")
    return value.astimezone(UTC)


def check_mtu_minutes(mtu_minutes: int, field: str = "mtu_minutes") -> int:
    if mtu_minutes not in ALLOWED_MTU_MINUTES:
        raise ValidationError(field, f"must be one of {ALLOWED_MTU_MINUTES}, got {mtu_minutes}")
    return mtu_minutes


def delivery_day_bounds(day: dt.date, tz: ZoneInfo = LOCAL_TZ) -> tuple[dt.datetime, dt.datetime]:
    """UTC start (inclusive) and end (exclusive) of local delivery day ``day``."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def delivery_day_periods(
    day: dt.date, mtu_minutes: int = 15, tz: ZoneInfo = LOCAL_TZ
) -> pd.DatetimeIndex:
    """UTC start times of every MTU of local delivery day ``day``.

    Returns 92/96/100 periods at 15 min, 23/24/25 at 60 min on the DST days.
    """
    check_mtu_minutes(mtu_minutes)
    start, end = delivery_day_bounds(day, tz)
    return pd.date_range(start, end, freq=f"{mtu_minutes}min", inclusive="left", tz="UTC")


def periods_in_day(day: dt.date, mtu_minutes: int = 15, tz: ZoneInfo = LOCAL_TZ) -> int:
    """Number of MTUs in local delivery day ``day``."""
    start, end = delivery_day_bounds(day, tz)
    return int((end - start) / dt.timedelta(minutes=check_mtu_minutes(mtu_minutes)))


def local_days(index: pd.DatetimeIndex, tz: ZoneInfo = LOCAL_TZ) -> pd.Index:
    """Local delivery day of each timestamp of a tz-aware index (for grouping per day)."""
    if index.tz is None:
        raise ValidationError("time_utc", "naive timestamps; expected tz-aware UTC")
    return pd.Index(index.tz_convert(tz).date, name="local_day")
