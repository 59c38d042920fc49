"""CSV import of observations: the ../shared/data format (``time_utc`` + value columns) or
local times with an explicit offset; naive local times only with a named time zone, and then a
DST-ambiguous or non-existent local time is an error naming the row."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.timeseries.models import Series
from ainergy.timeseries.services import WriteResult, observations_write_frame


def read_observations_csv(
    source: str | Path | io.TextIOBase,
    *,
    value_column: str,
    time_column: str = "time_utc",
    filters: dict[str, str] | None = None,
    local_timezone: str | None = None,
) -> pd.DataFrame:
    """A (time UTC, value) frame from a CSV; errors name the column, row and reason."""
    try:
        raw = pd.read_csv(source, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise ValidationError("file", f"malformed CSV ({str(error).strip()})") from None
    for column in (time_column, value_column, *(filters or {})):
        if column not in raw.columns:
            raise ValidationError(
                column, f"column not in the file (columns: {', '.join(raw.columns)})"
            )
    for column, wanted in (filters or {}).items():
        raw = raw[raw[column] == wanted]
    if raw.empty:
        raise ValidationError("file", "no rows (after filters)")
    # data rows start on file line 2 (line 1 is the header)
    lines = raw.index.to_numpy() + 2
    times = _parse_times(raw[time_column], lines, time_column, local_timezone)
    values = pd.to_numeric(raw[value_column].str.strip().replace("", "nan"), errors="coerce")
    bad = values.isna().to_numpy()
    if bad.any():
        position = int(bad.argmax())
        raise ValidationError(
            value_column,
            f"line {lines[position]}: not a number ({raw[value_column].iloc[position]!r})",
        )
    return pd.DataFrame({"time": times, "value": values.to_numpy(dtype=float)})


def _parse_times(
    column: pd.Series, lines, name: str, local_timezone: str | None
) -> pd.DatetimeIndex:
    text = column.str.strip()
    has_offset = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    if has_offset.all():
        parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
    elif has_offset.any():
        position = int((~has_offset).to_numpy().argmax())
        raise ValidationError(
            name,
            f"line {lines[position]}: timestamp {text.iloc[position]!r} has no UTC offset while others do",
        )
    else:
        if local_timezone is None:
            raise ValidationError(
                name,
                f"line {lines[0]}: naive timestamp {text.iloc[0]!r}; give offsets or name the local time zone",
            )
        naive = pd.to_datetime(text, errors="coerce", format="ISO8601")
        if naive.isna().any():
            position = int(naive.isna().to_numpy().argmax())
            raise ValidationError(
                name, f"line {lines[position]}: unparsable timestamp {text.iloc[position]!r}"
            )
        index = pd.DatetimeIndex(naive)
        try:
            localized = index.tz_localize(local_timezone, ambiguous="raise", nonexistent="raise")
        except Exception as error:  # pytz/zoneinfo raise different classes
            stamp = _first_bad_local_time(index, local_timezone)
            position = int((index == stamp).argmax()) if stamp is not None else 0
            kind = (
                "ambiguous (DST fall-back)"
                if "ambiguous" in str(error).lower() or "Cannot infer dst" in str(error)
                else "non-existent (DST spring-forward)"
            )
            raise ValidationError(
                name,
                f"line {lines[position]}: local time {text.iloc[position]!r} is {kind} in {local_timezone}; give a UTC offset",
            ) from None
        return localized.tz_convert("UTC")
    if parsed.isna().any():
        position = int(parsed.isna().to_numpy().argmax())
        raise ValidationError(
            name, f"line {lines[position]}: unparsable timestamp {text.iloc[position]!r}"
        )
    return pd.DatetimeIndex(parsed)


def _first_bad_local_time(index: pd.DatetimeIndex, zone: str):
    for stamp in index:
        try:
            pd.DatetimeIndex([stamp]).tz_localize(zone, ambiguous="raise", nonexistent="raise")
        except Exception:
            return stamp
    return None


def observations_import_csv(
    *,
    tenant,
    series: Series,
    source,
    value_column: str,
    time_column: str = "time_utc",
    filters: dict[str, str] | None = None,
    local_timezone: str | None = None,
    source_label: str = "csv-import",
) -> WriteResult:
    frame = read_observations_csv(
        source,
        value_column=value_column,
        time_column=time_column,
        filters=filters,
        local_timezone=local_timezone,
    )
    return observations_write_frame(tenant=tenant, series=series, frame=frame, source=source_label)
