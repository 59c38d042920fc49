"""Validation of incoming points: every error names the field and the reason; nothing is
written unless the whole batch is valid."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.timeseries.kinds import get_kind

# Times the platform stores: a wide margin around any market, weather or meter data, and inside
# pandas' nanosecond range (years 1677-2262), so grid arithmetic cannot overflow.
EARLIEST_TIME = pd.Timestamp("1900-01-01", tz="UTC")
LATEST_TIME = pd.Timestamp("2200-01-01", tz="UTC")


def check_time_range(stamp: pd.Timestamp, field: str) -> pd.Timestamp:
    if not EARLIEST_TIME <= stamp < LATEST_TIME:
        raise ValidationError(
            field,
            f"{stamp.isoformat()} is outside the supported range "
            f"[{EARLIEST_TIME.date()}, {LATEST_TIME.date()})",
        )
    return stamp


def parse_time(value: Any, field: str) -> pd.Timestamp:
    """A tz-aware UTC timestamp from an ISO string or datetime; naive, garbled or outside the
    supported range is an error."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
    elif isinstance(value, str):
        if len(value) > 64:
            raise ValidationError(field, f"not a timestamp ({len(value)} characters)")
        try:
            stamp = pd.Timestamp(value)
        except (ValueError, TypeError, OverflowError):
            raise ValidationError(field, f"unparsable timestamp {value!r}") from None
    else:
        raise ValidationError(field, f"expected an ISO-8601 timestamp, got {type(value).__name__}")
    if stamp is pd.NaT or pd.isna(stamp):
        raise ValidationError(field, f"unparsable timestamp {value!r}")
    if stamp.tzinfo is None:
        raise ValidationError(field, "naive timestamp; give a UTC offset (e.g. 'Z' or '+01:00')")
    return check_time_range(stamp.tz_convert("UTC"), field)


def parse_value(value: Any, field: str) -> float:
    if isinstance(value, bool) or value is None:
        raise ValidationError(field, f"expected a number, got {value!r}")
    if isinstance(value, str) and len(value) > 64:
        raise ValidationError(field, f"expected a number, got a {len(value)}-character string")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ValidationError(field, f"expected a number, got {value!r}") from None
    except OverflowError:
        raise ValidationError(field, "not a finite number (too large)") from None
    if not math.isfinite(number):
        raise ValidationError(field, f"not a finite number ({value!r})")
    return number


def check_physical_range(series_kind, value: float, field: str, *, name_kind: bool = True) -> float:
    """``value`` if it lies in the kind's physical range, else ValidationError naming ``field``."""
    if not series_kind.minimum <= value <= series_kind.maximum:
        suffix = f" of {series_kind.code}" if name_kind else ""
        raise ValidationError(
            field,
            f"{value:g} {series_kind.unit} is outside the physical range "
            f"[{series_kind.minimum:g}, {series_kind.maximum:g}]{suffix}",
        )
    return value


def validate_points(
    points: Iterable[Mapping[str, Any]],
    *,
    kind: str,
    resolution_minutes: int,
    field: str = "points",
    max_points: int | None = None,
) -> pd.DataFrame:
    """Check a batch of ``{"time", "value"}`` points; return a frame (time UTC, value) sorted.

    Raises ValidationError on the first bad point: unparsable or naive time, time not on the
    series' resolution grid, duplicate time in the batch, non-finite value, value outside the
    kind's physical range, or a batch larger than ``max_points``.
    """
    series_kind = get_kind(kind)
    points = list(points)
    if max_points is not None and len(points) > max_points:
        raise ValidationError(
            field, f"batch of {len(points)} points exceeds the limit of {max_points}"
        )
    if not points:
        raise ValidationError(field, "empty batch")
    step = pd.Timedelta(minutes=resolution_minutes)
    seen: dict[pd.Timestamp, int] = {}
    times, values = [], []
    for position, point in enumerate(points):
        where = f"{field}[{position}]"
        if not isinstance(point, Mapping):
            raise ValidationError(where, "expected an object with time and value")
        for required in ("time", "value"):
            if required not in point:
                raise ValidationError(f"{where}.{required}", "missing")
        time = parse_time(point["time"], f"{where}.time")
        if (time - pd.Timestamp(0, tz="UTC")) % step:
            raise ValidationError(
                f"{where}.time",
                f"{time.isoformat()} is not on the {resolution_minutes}-minute grid",
            )
        if time in seen:
            raise ValidationError(
                f"{where}.time",
                f"duplicate timestamp {time.isoformat()} (also at position {seen[time]})",
            )
        seen[time] = position
        value = check_physical_range(
            series_kind, parse_value(point["value"], f"{where}.value"), f"{where}.value"
        )
        times.append(time)
        values.append(value)
    frame = pd.DataFrame({"time": pd.DatetimeIndex(times), "value": values})
    return frame.sort_values("time", ignore_index=True)


def validate_frame(
    frame: pd.DataFrame, *, kind: str, resolution_minutes: int, field: str = "frame"
) -> pd.DataFrame:
    """Vectorised check of a bulk frame with a tz-aware ``time`` column and a ``value`` column."""
    series_kind = get_kind(kind)
    for column in ("time", "value"):
        if column not in frame.columns:
            raise ValidationError(f"{field}.{column}", "missing column")
    times = pd.DatetimeIndex(frame["time"])
    if times.tz is None:
        raise ValidationError(f"{field}.time", "naive timestamps; give tz-aware UTC times")
    times = times.tz_convert("UTC")
    outside = (times < EARLIEST_TIME) | (times >= LATEST_TIME)
    if outside.any():
        position = int(outside.argmax())
        check_time_range(times[position], f"{field}.time[{position}]")
    values = pd.to_numeric(frame["value"], errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        position = int(bad.argmax())
        raise ValidationError(
            f"{field}.value[{position}]", f"not a finite number ({frame['value'].iloc[position]!r})"
        )
    out_of_range = (values < series_kind.minimum) | (values > series_kind.maximum)
    if out_of_range.any():
        position = int(out_of_range.argmax())
        raise ValidationError(
            f"{field}.value[{position}]",
            f"{values[position]:g} {series_kind.unit} is outside the physical range of {kind}",
        )
    duplicated = times.duplicated()
    if duplicated.any():
        position = int(duplicated.argmax())
        raise ValidationError(
            f"{field}.time[{position}]", f"duplicate timestamp {times[position].isoformat()}"
        )
    step_ns = resolution_minutes * 60 * 1_000_000_000
    off_grid = (times.as_unit("ns").asi8 % step_ns) != 0
    if off_grid.any():
        position = int(off_grid.argmax())
        raise ValidationError(
            f"{field}.time[{position}]",
            f"{times[position].isoformat()} is not on the {resolution_minutes}-minute grid",
        )
    return pd.DataFrame({"time": times, "value": values}).sort_values("time", ignore_index=True)
