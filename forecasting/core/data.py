"""Reading and validating time-series frames in the ``../shared/data`` CSV format.

A frame here is a ``pandas.DataFrame`` indexed by tz-aware UTC period starts (name
``time_utc``), one column per series, units in the column names.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError

TIME_COLUMN = "time_utc"
RESOLUTIONS = {"60min": pd.Timedelta("60min"), "15min": pd.Timedelta("15min")}
# Short regressor gaps (e.g. the DST hours missing from the Open-Meteo file) are interpolated;
# longer ones are an error. Target gaps are never filled.
MAX_REGRESSOR_GAP_STEPS = 3
ENERGY_SUFFIXES = ("_kwh", "_mwh", "_m3")


def parse_filters(filters: Iterable[str]) -> dict[str, str]:
    """Parse ``COL=VALUE`` strings into a dict."""
    parsed: dict[str, str] = {}
    for item in filters:
        column, separator, value = item.partition("=")
        if not separator or not column:
            raise ValidationError("filter", f"expected COL=VALUE, got {item!r}")
        parsed[column] = value
    return parsed


def read_frame(paths: Sequence[str | Path], filters: dict[str, str] | None = None) -> pd.DataFrame:
    """Read one or more CSV/CSV.GZ files and join them on ``time_utc``.

    Parameters
    ----------
    paths
        Files with a ``time_utc`` column (ISO-8601 UTC period starts) and value columns.
    filters
        ``{column: value}``; applied to every file that has the column (e.g. ``price_area=DK1``).

    Returns
    -------
    pandas.DataFrame
        Outer join of all files on ``time_utc`` (tz-aware UTC index, sorted); filter columns and
        non-numeric columns are dropped.
    """
    filters = filters or {}
    frames = []
    for path in paths:
        raw = pd.read_csv(path)
        if TIME_COLUMN not in raw.columns:
            raise ValidationError(TIME_COLUMN, f"column missing in {path}")
        for column, value in filters.items():
            if column in raw.columns:
                raw = raw[raw[column].astype(str) == value]
        raw = raw.drop(columns=[c for c in filters if c in raw.columns])
        index = pd.DatetimeIndex(pd.to_datetime(raw[TIME_COLUMN], utc=True), name=TIME_COLUMN)
        values = raw.drop(columns=[TIME_COLUMN]).set_axis(index)
        values = values.select_dtypes(include=[np.number])
        if values.index.has_duplicates:
            duplicate = values.index[values.index.duplicated()][0]
            raise ValidationError(
                TIME_COLUMN,
                f"duplicate timestamp {duplicate.isoformat()} in {path}; "
                "select one series with --filter COL=VALUE",
            )
        frames.append(values)
    frame = frames[0]
    for other in frames[1:]:
        overlap = set(frame.columns) & set(other.columns)
        frame = frame.join(other.drop(columns=list(overlap)), how="outer")
    return frame.sort_index()


def require_utc_index(frame: pd.DataFrame, field: str = TIME_COLUMN) -> pd.DataFrame:
    """Return ``frame`` with its index converted to UTC; reject a naive or non-time index."""
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise ValidationError(field, "index must be a DatetimeIndex of UTC period starts")
    if frame.index.tz is None:
        raise ValidationError(field, "naive timestamps; expected tz-aware UTC")
    return frame.tz_convert("UTC") if str(frame.index.tz) != "UTC" else frame


def require_columns(frame: pd.DataFrame, columns: Iterable[str]) -> None:
    """Raise a ValidationError naming the first column that ``frame`` lacks."""
    for column in columns:
        if column not in frame.columns:
            available = ", ".join(map(str, frame.columns))
            raise ValidationError(column, f"column missing; available columns: {available}")


def infer_step(index: pd.DatetimeIndex) -> pd.Timedelta:
    """Most common spacing of ``index``."""
    if len(index) < 2:
        raise ValidationError(TIME_COLUMN, "need at least two timestamps to infer the step")
    return pd.Series(index[1:] - index[:-1]).mode().iloc[0]


def to_resolution(frame: pd.DataFrame, resolution: str) -> pd.DataFrame:
    """Put ``frame`` on a regular grid of ``resolution`` (``"60min"`` or ``"15min"``).

    Notes
    -----
    Upsampling (hourly → 15 min) repeats intensive quantities (power, price, temperature) and
    divides energy quantities (columns ending in ``_kwh``, ``_mwh``, ``_m3``) by the number of
    sub-steps. Downsampling takes the mean of intensive and the sum of energy quantities.
    Missing periods stay NaN; they are checked by :func:`check_gaps`.
    """
    if resolution not in RESOLUTIONS:
        raise ValidationError("resolution", f"must be one of {sorted(RESOLUTIONS)}")
    step = RESOLUTIONS[resolution]
    frame = require_utc_index(frame)
    source_step = infer_step(frame.index)
    energy = [c for c in frame.columns if str(c).endswith(ENERGY_SUFFIXES)]
    if source_step == step:
        grid = pd.date_range(frame.index[0], frame.index[-1], freq=step, name=TIME_COLUMN)
        return frame.reindex(grid)
    if source_step > step:
        factor = int(source_step / step)
        grid = pd.date_range(
            frame.index[0], frame.index[-1] + source_step, freq=step, inclusive="left"
        )
        source = frame.reindex(
            pd.date_range(frame.index[0], frame.index[-1], freq=source_step, name=TIME_COLUMN)
        )
        upsampled = source.reindex(grid, method="ffill", limit=factor - 1)
        # ffill would carry a value across a missing source period; mask those again
        missing = source.isna().reindex(grid, method="ffill", limit=factor - 1)
        upsampled = upsampled.mask(missing.fillna(True).astype(bool))
        for column in energy:
            upsampled[column] = upsampled[column] / factor
        upsampled.index.name = TIME_COLUMN
        return upsampled
    resampled = frame.resample(step)
    mean = resampled.mean()
    if energy:
        mean[energy] = resampled[energy].sum(min_count=1)
    counts = resampled.count()
    expected = int(step / source_step)
    mean = mean.mask(counts < expected)
    mean.index.name = TIME_COLUMN
    return mean


def check_gaps(
    frame: pd.DataFrame, columns: Iterable[str], start: pd.Timestamp, end: pd.Timestamp
) -> None:
    """Raise a ValidationError naming the column and first missing period in ``[start, end)``."""
    window = frame.loc[(frame.index >= start) & (frame.index < end)]
    for column in columns:
        missing = window.index[window[column].isna().to_numpy()]
        if len(missing):
            raise ValidationError(
                column,
                f"gap: {len(missing)} missing value(s) between {start.isoformat()} and "
                f"{end.isoformat()}, first at {missing[0].isoformat()}",
            )
    if len(window) == 0:
        raise ValidationError(
            TIME_COLUMN, f"no data between {start.isoformat()} and {end.isoformat()}"
        )


def fill_short_gaps(
    frame: pd.DataFrame, columns: Iterable[str], max_steps: int = MAX_REGRESSOR_GAP_STEPS
) -> pd.DataFrame:
    """Linearly interpolate runs of at most ``max_steps`` missing values in ``columns``."""
    frame = frame.copy()
    for column in columns:
        series = frame[column]
        isna = series.isna()
        run_id = (~isna).cumsum()
        run_length = isna.groupby(run_id).transform("sum")
        short = isna & (run_length <= max_steps)
        interpolated = series.interpolate(method="time", limit_area="inside")
        frame[column] = series.where(~short, interpolated)
    return frame
