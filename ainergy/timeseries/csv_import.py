"""CSV import of observations: the ../shared/data format (``time_utc`` + value columns) or
local times with an explicit offset; naive local times only with a named time zone, and then a
DST-ambiguous or non-existent local time is an error naming the row.

Every row is checked before anything is written, and every bad row is an error naming the line
and the column: a wrong number of fields, an unparsable or out-of-range time, a value that is
not a finite number or lies outside the series kind's physical range, a time off the series'
grid or repeated. Units are explicit: a file with a unit column is refused unless all its rows
are in the series' unit, or the caller names the column (``unit_column``) to convert each row;
``unit`` declares the unit of a file without one (e.g. MW into a kW series).
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.timeseries.kinds import SeriesKind, get_kind
from ainergy.timeseries.models import Series
from ainergy.timeseries.services import WriteResult, observations_write_frame
from ainergy.timeseries.validation import EARLIEST_TIME, LATEST_TIME

# Conversion factors into each series unit, for the units a file may carry. Case matters
# (mW is not MW); anything else is refused.
UNIT_FACTORS: dict[str, dict[str, float]] = {
    "kW": {"W": 1e-3, "kW": 1.0, "MW": 1e3, "GW": 1e6},
    "kWh": {"Wh": 1e-3, "kWh": 1.0, "MWh": 1e3, "GWh": 1e6},
    "EUR/MWh": {"EUR/MWh": 1.0, "EUR/kWh": 1e3},
    "EUR/(MW·h)": {"EUR/(MW·h)": 1.0, "EUR/MW/h": 1.0, "EUR/MWh": 1.0},
    "W/m²": {"W/m²": 1.0, "W/m2": 1.0, "kW/m²": 1e3, "kW/m2": 1e3},
    "g/kWh": {"g/kWh": 1.0, "kg/MWh": 1.0, "kg/kWh": 1e3},
    "°C": {"°C": 1.0, "C": 1.0, "degC": 1.0},
    "1": {"1": 1.0, "": 1.0},
}
UNIT_COLUMN_NAMES = ("unit", "units")
MAX_FIELD_CHARS = 1_000


class CsvRowError(ValidationError):
    """A bad row: names the column and the file line (1 is the header)."""

    def __init__(self, column: str, line: int, reason: str) -> None:
        super().__init__(column, reason, {"line": line, "column": column})
        self.line = line


@dataclass(frozen=True)
class _Rows:
    header: list[str]
    lines: np.ndarray
    columns: dict[str, list[str]]


def _open(source) -> io.TextIOBase:
    if isinstance(source, str | Path):
        path = Path(source)
        if path.suffix == ".gz":
            return gzip.open(path, "rt", encoding="utf-8", newline="")
        return path.open(encoding="utf-8", newline="")
    return source


def _read_rows(source, wanted: list[str], filters: dict[str, str]) -> _Rows:
    """The wanted columns (and any unit column) of the rows passing ``filters``, with their
    file line numbers."""
    try:
        handle = _open(source)
    except OSError as error:
        raise ValidationError("file", f"cannot read ({error})") from None
    reader = csv.reader(handle, strict=True)
    try:
        with handle if isinstance(source, str | Path) else contextlib.nullcontext():
            try:
                header = [name.strip() for name in next(reader)]
            except StopIteration:
                raise ValidationError("file", "empty file (no header line)") from None
            for column in dict.fromkeys([*wanted, *filters]):
                if column not in header:
                    raise ValidationError(
                        column,
                        f"column not in the file (columns: {', '.join(header)[:500]})",
                        {"line": 1, "column": column},
                    )
            units = [name for name in header if name.lower() in UNIT_COLUMN_NAMES]
            index = {column: header.index(column) for column in dict.fromkeys(wanted + units)}
            checks = [(header.index(column), value) for column, value in filters.items()]
            lines: list[int] = []
            columns: dict[str, list[str]] = {column: [] for column in index}
            for row in reader:
                if not row:
                    continue  # blank line
                if len(row) != len(header):
                    raise CsvRowError(
                        header[min(len(row), len(header)) - 1],
                        reader.line_num,
                        f"{len(row)} fields where the header has {len(header)}",
                    )
                if any(row[position] != value for position, value in checks):
                    continue
                lines.append(reader.line_num)
                for column, position in index.items():
                    columns[column].append(row[position].strip())
    except csv.Error as error:
        reason = f"malformed CSV ({error})"
        raise ValidationError("file", reason, {"line": reader.line_num}) from None
    except UnicodeDecodeError as error:
        raise ValidationError("file", f"not UTF-8 text ({error.reason})") from None
    except OSError as error:
        raise ValidationError("file", f"cannot read ({error})") from None
    return _Rows(header, np.asarray(lines, dtype=np.int64), columns)


def _first(mask: np.ndarray) -> int:
    return int(np.asarray(mask).argmax())


def _check_lengths(rows: _Rows) -> None:
    for column, values in rows.columns.items():
        lengths = np.fromiter((len(value) for value in values), dtype=np.int64, count=len(values))
        too_long = lengths > MAX_FIELD_CHARS
        if too_long.any():
            position = _first(too_long)
            raise CsvRowError(
                column, int(rows.lines[position]), f"{lengths[position]} characters; too long"
            )


def _parse_times(
    text: pd.Series, lines: np.ndarray, name: str, local_timezone: str | None
) -> pd.DatetimeIndex:
    has_offset = text.str.contains(r"(?:Z|[+-]\d\d:?\d\d)$", regex=True)
    if has_offset.all():
        parsed = pd.DatetimeIndex(pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601"))
    elif has_offset.any():
        position = _first(~has_offset.to_numpy())
        raise CsvRowError(
            name,
            int(lines[position]),
            f"timestamp {text.iloc[position]!r} has no UTC offset while others do",
        )
    else:
        if local_timezone is None:
            raise CsvRowError(
                name,
                int(lines[0]),
                f"naive timestamp {text.iloc[0]!r}; give offsets or name the local time zone",
            )
        naive = pd.DatetimeIndex(pd.to_datetime(text, errors="coerce", format="ISO8601"))
        _refuse_unparsed(naive, text, lines, name)
        parsed = _localize(naive, text, lines, name, local_timezone)
    _refuse_unparsed(parsed, text, lines, name)
    out_of_range = (parsed < EARLIEST_TIME) | (parsed >= LATEST_TIME)
    if out_of_range.any():
        position = _first(out_of_range)
        raise CsvRowError(
            name,
            int(lines[position]),
            f"{parsed[position].isoformat()} is outside the supported range "
            f"[{EARLIEST_TIME.date()}, {LATEST_TIME.date()})",
        )
    return parsed.as_unit("ns")


def _refuse_unparsed(index: pd.DatetimeIndex, text: pd.Series, lines, name: str) -> None:
    missing = index.isna()
    if missing.any():
        position = _first(missing)
        raise CsvRowError(
            name, int(lines[position]), f"unparsable timestamp {text.iloc[position]!r}"
        )


def _localize(
    index: pd.DatetimeIndex, text: pd.Series, lines, name: str, zone: str
) -> pd.DatetimeIndex:
    try:
        return index.tz_localize(zone, ambiguous="raise", nonexistent="raise").tz_convert("UTC")
    except Exception as error:  # pytz/zoneinfo raise different classes
        stamp = _first_bad_local_time(index, zone)
        position = int((index == stamp).argmax()) if stamp is not None else 0
        kind = (
            "ambiguous (DST fall-back)"
            if "ambiguous" in str(error).lower() or "Cannot infer dst" in str(error)
            else "non-existent (DST spring-forward)"
        )
        raise CsvRowError(
            name,
            int(lines[position]),
            f"local time {text.iloc[position]!r} is {kind} in {zone}; give a UTC offset",
        ) from None


def _first_bad_local_time(index: pd.DatetimeIndex, zone: str):
    for stamp in index:
        try:
            pd.DatetimeIndex([stamp]).tz_localize(zone, ambiguous="raise", nonexistent="raise")
        except Exception:
            return stamp
    return None


def _parse_values(text: pd.Series, lines: np.ndarray, name: str) -> np.ndarray:
    values = pd.to_numeric(text.replace("", "nan"), errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        position = _first(bad)
        raise CsvRowError(
            name, int(lines[position]), f"not a finite number ({text.iloc[position]!r})"
        )
    return values


def _unit_factors(
    kind: SeriesKind, rows: _Rows, lines: np.ndarray, unit_column: str | None, unit: str | None
) -> np.ndarray | float:
    """Per-row factors into the series unit; refuses mixed, unknown or undeclared units."""
    known = UNIT_FACTORS.get(kind.unit, {kind.unit: 1.0})
    if unit is not None and unit_column is not None:
        raise ValidationError("unit", "give either a unit for the file or a unit column, not both")
    if unit is not None:
        if unit not in known:
            raise ValidationError(
                "unit", f"{unit!r} is not a unit of {kind.code} ({', '.join(known)})"
            )
        return known[unit]
    if unit_column is not None:
        units = pd.Series(rows.columns[unit_column])
        factors = units.map(known)
        unknown = factors.isna().to_numpy()
        if unknown.any():
            position = _first(unknown)
            raise CsvRowError(
                unit_column,
                int(lines[position]),
                f"unit {units.iloc[position]!r} cannot be converted to {kind.unit} "
                f"(known: {', '.join(known)})",
            )
        return factors.to_numpy(dtype=float)
    present = [name for name in rows.header if name.lower() in UNIT_COLUMN_NAMES]
    if present:
        units = pd.Series(rows.columns[present[0]])
        other = (units != kind.unit).to_numpy()
        if other.any():
            position = _first(other)
            raise CsvRowError(
                present[0],
                int(lines[position]),
                f"unit {units.iloc[position]!r} differs from the series unit {kind.unit!r}; "
                f"name the unit column to convert every row explicitly",
            )
    return 1.0


def read_observations_csv(
    source: str | Path | io.TextIOBase,
    *,
    value_column: str,
    time_column: str = "time_utc",
    filters: dict[str, str] | None = None,
    local_timezone: str | None = None,
    kind: str | None = None,
    resolution_minutes: int | None = None,
    unit_column: str | None = None,
    unit: str | None = None,
) -> pd.DataFrame:
    """A (time UTC, value in the kind's unit) frame from a CSV; errors name line and column."""
    filters = filters or {}
    series_kind = get_kind(kind) if kind is not None else None
    if series_kind is None and (unit is not None or unit_column is not None):
        raise ValidationError("unit", "unit conversion needs the series kind")
    wanted = [time_column, value_column]
    if unit_column is not None:
        wanted.append(unit_column)
    rows = _read_rows(source, wanted, filters)
    if not len(rows.lines):
        raise ValidationError("file", "no rows (after filters)")
    _check_lengths(rows)
    lines = rows.lines
    times = _parse_times(pd.Series(rows.columns[time_column]), lines, time_column, local_timezone)
    values = _parse_values(pd.Series(rows.columns[value_column]), lines, value_column)
    if series_kind is not None:
        values = values * _unit_factors(series_kind, rows, lines, unit_column, unit)
        outside = (values < series_kind.minimum) | (values > series_kind.maximum)
        if outside.any():
            position = _first(outside)
            raise CsvRowError(
                value_column,
                int(lines[position]),
                f"{values[position]:g} {series_kind.unit} is outside the physical range "
                f"[{series_kind.minimum:g}, {series_kind.maximum:g}] of {series_kind.code}",
            )
    if resolution_minutes is not None:
        step_ns = resolution_minutes * 60 * 1_000_000_000
        off_grid = (times.asi8 % step_ns) != 0
        if off_grid.any():
            position = _first(off_grid)
            raise CsvRowError(
                time_column,
                int(lines[position]),
                f"{times[position].isoformat()} is not on the series' "
                f"{resolution_minutes}-minute grid",
            )
    repeated = times.duplicated()
    if repeated.any():
        position = _first(repeated)
        first = int(lines[_first(times == times[position])])
        raise CsvRowError(
            time_column,
            int(lines[position]),
            f"{times[position].isoformat()} repeats the time of line {first}",
        )
    return pd.DataFrame({"time": times, "value": values})


def observations_import_csv(
    *,
    tenant,
    series: Series,
    source,
    value_column: str,
    time_column: str = "time_utc",
    filters: dict[str, str] | None = None,
    local_timezone: str | None = None,
    unit_column: str | None = None,
    unit: str | None = None,
    source_label: str = "csv-import",
) -> WriteResult:
    frame = read_observations_csv(
        source,
        value_column=value_column,
        time_column=time_column,
        filters=filters,
        local_timezone=local_timezone,
        kind=series.kind,
        resolution_minutes=series.resolution_minutes,
        unit_column=unit_column,
        unit=unit,
    )
    return observations_write_frame(tenant=tenant, series=series, frame=frame, source=source_label)
