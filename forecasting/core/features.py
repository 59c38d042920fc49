"""Calendar, holiday and look-ahead-safe lag features on UTC indexes (local time at the edge)."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays
import numpy as np
import pandas as pd

from ainergy.common.timegrid import LOCAL_TZ

WORKDAY, SATURDAY, SUNDAY_OR_HOLIDAY = 0, 1, 2


@lru_cache(maxsize=64)
def danish_holidays(first_year: int, last_year: int) -> dict[dt.date, str]:
    """Danish public holidays (``holidays`` package) of the years ``first_year..last_year``."""
    return dict(holidays.country_holidays("DK", years=range(first_year, last_year + 1)))


def local_times(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Europe/Copenhagen wall-clock times (tz-aware) of a UTC index."""
    return index.tz_convert(LOCAL_TZ)


def is_holiday(index: pd.DatetimeIndex) -> np.ndarray:
    """True where the local day of a UTC period start is a Danish public holiday."""
    local = local_times(index)
    table = danish_holidays(int(local.year.min()), int(local.year.max()))
    dates = pd.Index(local.date)
    return np.asarray(dates.isin(list(table)), dtype=bool)


def day_type(index: pd.DatetimeIndex) -> np.ndarray:
    """0 = working day, 1 = Saturday, 2 = Sunday or Danish public holiday (local day)."""
    local = local_times(index)
    kind = np.where(local.day_of_week == 5, SATURDAY, WORKDAY)
    kind = np.where((local.day_of_week == 6) | is_holiday(index), SUNDAY_OR_HOLIDAY, kind)
    return kind.astype(int)


def local_hour(index: pd.DatetimeIndex) -> np.ndarray:
    """Local clock hour 0–23 of each UTC period start."""
    return np.asarray(local_times(index).hour, dtype=int)


def shift_local_days(index: pd.DatetimeIndex, days: int) -> pd.DatetimeIndex:
    """The same local clock time ``days`` days earlier, in UTC.

    Where that clock time does not exist or is ambiguous (DST changes), fall back to a plain
    shift of ``days · 24 h`` in UTC.
    """
    wall = local_times(index).tz_localize(None) - pd.Timedelta(days=days)
    shifted = wall.tz_localize(LOCAL_TZ, ambiguous="NaT", nonexistent="NaT").tz_convert("UTC")
    fallback = index - pd.Timedelta(days=days)
    return pd.DatetimeIndex(np.where(shifted.isna(), fallback, shifted), tz="UTC")


def day_ahead_origins(index: pd.DatetimeIndex, origin_local: dt.time, lead_days: int = 1):
    """Issue time (UTC) of the forecast that covers each period: local day − ``lead_days`` at
    ``origin_local``.

    Used to build training features with exactly the information a real day-ahead forecast
    would have had.
    """
    local_midnight = local_times(index).normalize().tz_localize(None)
    wall = (
        local_midnight
        - pd.Timedelta(days=lead_days)
        + pd.Timedelta(hours=origin_local.hour, minutes=origin_local.minute)
    )
    return wall.tz_localize(LOCAL_TZ, ambiguous=True, nonexistent="shift_forward").tz_convert("UTC")


def latest_available_lag(
    series: pd.Series,
    times: pd.DatetimeIndex,
    origins: pd.DatetimeIndex | pd.Timestamp,
    period_days: int = 1,
    max_periods: int = 8,
) -> np.ndarray:
    """Value at the same local clock time ``k · period_days`` days earlier, smallest ``k >= 1``
    whose time lies strictly before the period's origin.

    Parameters
    ----------
    series
        Observed values on a UTC index.
    times
        UTC period starts to build the feature for.
    origins
        Issue time (UTC) per period, or one for all; only values strictly before it are read.
    period_days
        Seasonal period [d]: 1 = "same hour yesterday", 7 = "same hour last week".

    Returns
    -------
    numpy.ndarray
        Lagged values (NaN where no value is available within ``max_periods`` periods).
    """
    origin_array = (
        np.full(len(times), pd.Timestamp(origins).to_datetime64())
        if isinstance(origins, pd.Timestamp)
        else pd.DatetimeIndex(origins).tz_convert("UTC").tz_localize(None).to_numpy()
    )
    result = np.full(len(times), np.nan)
    pending = np.ones(len(times), dtype=bool)
    for k in range(1, max_periods + 1):
        lagged = shift_local_days(times, k * period_days)
        usable = pending & (lagged.tz_localize(None).to_numpy() < origin_array)
        if usable.any():
            values = series.reindex(lagged[usable]).to_numpy(dtype=float)
            result[usable] = values
            pending &= ~usable
        if not pending.any():
            break
    return result


def mean_before(
    series: pd.Series,
    times: pd.DatetimeIndex,
    origins: pd.DatetimeIndex | pd.Timestamp,
    window: pd.Timedelta,
) -> np.ndarray:
    """Mean of ``series`` over ``[origin - window, origin)`` for each period's origin.

    NaN values are skipped; NaN where the window holds no value.
    """
    origin_index = (
        pd.DatetimeIndex(np.full(len(times), pd.Timestamp(origins).to_datetime64()), tz="UTC")
        if isinstance(origins, pd.Timestamp)
        else pd.DatetimeIndex(origins).tz_convert("UTC")
    )
    values = series.to_numpy(dtype=float)
    valid = np.isfinite(values)
    sums = np.concatenate([[0.0], np.cumsum(np.where(valid, values, 0.0))])
    counts = np.concatenate([[0], np.cumsum(valid)])
    end = series.index.searchsorted(origin_index, side="left")
    start = series.index.searchsorted(origin_index - window, side="left")
    count = counts[end] - counts[start]
    total = sums[end] - sums[start]
    return np.divide(total, count, out=np.full(len(times), np.nan), where=count > 0)
