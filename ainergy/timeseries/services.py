"""Writes of series, observations and forecasts.

Every write validates the whole batch first and then upserts it in one transaction, so a batch
is written completely or not at all, and repeating a batch changes nothing. On PostgreSQL bulk
writes go through COPY into a temporary table and one ``INSERT … ON CONFLICT DO UPDATE``.
"""

from __future__ import annotations

import datetime as dt
import io
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from ainergy.common.errors import Issues, NotFoundError, ValidationError
from ainergy.timeseries import timescale
from ainergy.timeseries.kinds import get_kind
from ainergy.timeseries.models import ForecastValue, Observation, Series
from ainergy.timeseries.validation import (
    check_physical_range,
    parse_time,
    parse_value,
    validate_frame,
    validate_points,
)

ALLOWED_RESOLUTIONS_MINUTES = (1, 5, 15, 30, 60, 1440)


@transaction.atomic
def series_create(
    *,
    tenant,
    key: str,
    kind: str,
    resolution_minutes: int,
    bidding_zone=None,
    site=None,
    heat_pump=None,
    description: str = "",
) -> Series:
    """Create a tenant's series (``tenant=None`` only for public market data)."""
    series_kind = get_kind(kind)
    if resolution_minutes not in ALLOWED_RESOLUTIONS_MINUTES:
        raise ValidationError(
            "resolution_minutes",
            f"must be one of {ALLOWED_RESOLUTIONS_MINUTES}, got {resolution_minutes}",
        )
    if tenant is None and not series_kind.is_public_market_data:
        raise ValidationError("kind", f"{kind} series belong to a tenant")
    for field, asset in (("site", site), ("heat_pump", heat_pump)):
        if asset is not None and asset.tenant_id != getattr(tenant, "pk", None):
            raise NotFoundError(f"{field.replace('_', ' ').capitalize()} not found.")
    if Series.objects.filter(tenant=tenant, key=key).exists():
        raise ValidationError("key", f"a series with key {key!r} already exists")
    return Series.objects.create(
        tenant=tenant,
        key=key,
        kind=kind,
        unit=series_kind.unit,
        resolution_minutes=resolution_minutes,
        bidding_zone=bidding_zone,
        site=site,
        heat_pump=heat_pump,
        description=description,
    )


def public_series_get_or_create(
    *, key: str, kind: str, resolution_minutes: int, bidding_zone, description: str = ""
) -> Series:
    series = Series.objects.filter(tenant__isnull=True, key=key).first()
    if series is None:
        series = series_create(
            tenant=None,
            key=key,
            kind=kind,
            resolution_minutes=resolution_minutes,
            bidding_zone=bidding_zone,
            description=description,
        )
    return series


def _writable_series(tenant, series: Series) -> Series:
    """Only the tenant's own series accept writes from it (public data come from connectors)."""
    if tenant is not None and series.tenant_id != tenant.pk:
        raise NotFoundError("Series not found.")
    return series


def _csv_payload(frame: pd.DataFrame) -> str:
    """CSV for COPY; timestamps formatted vectorised (pandas' date_format is ~10× slower)."""
    out = {}
    for column in frame.columns:
        values = frame[column]
        if isinstance(values.dtype, pd.DatetimeTZDtype):
            naive = pd.DatetimeIndex(values).tz_convert("UTC").tz_localize(None).to_numpy()
            whole = (naive.astype("datetime64[us]").astype("int64") % 1_000_000 == 0).all()
            out[column] = np.datetime_as_string(naive, unit="s" if whole else "us") + "Z"
        else:
            out[column] = values
    buffer = io.StringIO()
    pd.DataFrame(out).to_csv(buffer, index=False, header=False, na_rep="\\N")
    return buffer.getvalue()


def _upsert_postgresql(
    table: str, columns: list[str], conflict: list[str], frame: pd.DataFrame, constants: dict
) -> None:
    """COPY the varying columns into a staging table, then one INSERT … ON CONFLICT DO UPDATE.

    When nothing of the series exists yet inside the frame's time range, the rows are COPYed
    straight into the table (the common bulk-load case); an advisory lock per series makes the
    check-then-copy safe against concurrent writers of the same series.
    """
    all_columns = [*constants, *columns]
    payload = _csv_payload(frame[columns])
    with connection.cursor() as cursor:
        series_id = constants.get("series_id")
        if series_id is not None:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)",
                [zlib.crc32(table.encode()) % 2**31, series_id],
            )
            cursor.execute(
                f"SELECT EXISTS (SELECT 1 FROM {table} WHERE series_id = %s AND time >= %s AND time <= %s)",
                [series_id, frame["time"].min(), frame["time"].max()],
            )
            if not cursor.fetchone()[0]:
                _copy_direct(cursor, table, columns, constants, payload)
                return
        cursor.execute(f"DROP TABLE IF EXISTS staging_{table}")
        cursor.execute(
            f"CREATE TEMP TABLE staging_{table} ON COMMIT DROP AS "
            f"SELECT {', '.join(columns)} FROM {table} WITH NO DATA"
        )
        with cursor.cursor.copy(
            f"COPY staging_{table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
        ) as copy:
            copy.write(payload)
        updates = ", ".join(
            f"{column} = EXCLUDED.{column}" for column in all_columns if column not in conflict
        )
        placeholders = ", ".join(["%s"] * len(constants))
        select = ", ".join([placeholders, *columns]) if constants else ", ".join(columns)
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(all_columns)}) SELECT {select} FROM staging_{table} "
            f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates}",
            list(constants.values()),
        )


def _copy_direct(cursor, table: str, columns: list[str], constants: dict, payload: str) -> None:
    # COPY cannot take parameters: constants are added as columns of the payload.
    lines = payload.splitlines()
    prefix = ",".join(_csv_literal(value) for value in constants.values())
    body = "\n".join(f"{prefix},{line}" for line in lines) + "\n"
    with cursor.cursor.copy(
        f"COPY {table} ({', '.join([*constants, *columns])}) FROM STDIN WITH (FORMAT csv, NULL '\\N')"
    ) as copy:
        copy.write(body)


def _csv_literal(value) -> str:
    if value is None:
        return "\\N"
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, int | float | np.number):
        return str(value)
    # Text is always quoted: an unquoted \N is NULL in COPY's CSV format, and \r or \n would
    # end the row.
    return '"' + str(value).replace('"', '""') + '"'


def _db_value(value):
    """Python value for a raw-SQL parameter, datetimes in the backend's own storage format
    (SQLite compares datetimes as text, so they must match what the ORM writes)."""
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    if isinstance(value, np.generic):
        return value.item()
    return value


def _upsert_generic(
    table: str, columns: list[str], conflict: list[str], frame: pd.DataFrame, constants: dict
) -> None:
    all_columns = [*constants, *columns]
    updates = ", ".join(
        f"{column} = excluded.{column}" for column in all_columns if column not in conflict
    )
    placeholders = ", ".join(["%s"] * len(all_columns))
    sql = (
        f"INSERT INTO {table} ({', '.join(all_columns)}) VALUES ({placeholders}) "
        f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates}"
    )
    fixed = tuple(_db_value(value) for value in constants.values())
    rows = (
        frame[columns]
        .astype(object)
        .where(frame[columns].notna(), None)
        .itertuples(index=False, name=None)
    )
    converted = [fixed + tuple(_db_value(value) for value in row) for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, converted)


def _any_of_the_issues_stored(cursor, table: str, all_columns: list[str], rows: list) -> bool:
    """Whether the series holds any value of these rows' issues (else a plain insert does)."""
    series_at, issued_at = all_columns.index("series_id"), all_columns.index("issued_at")
    series_id = rows[0][series_at]
    issues = sorted({row[issued_at] for row in rows})
    for start in range(0, len(issues), 500):
        chunk = issues[start : start + 500]
        cursor.execute(
            f"SELECT 1 FROM {table} WHERE series_id = %s AND issued_at IN "
            f"({', '.join(['%s'] * len(chunk))}) LIMIT 1",
            [series_id, *chunk],
        )
        if cursor.fetchone():
            return True
    return False


def _replace_generic(
    table: str, columns: list[str], conflict: list[str], frame: pd.DataFrame, constants: dict
) -> None:
    """Upsert where the key's unique constraint cannot exist: SQLite has no NULLS NOT
    DISTINCT, so ForecastValue's key (``run`` empty for directly written forecasts) has no
    constraint there and ``ON CONFLICT`` names none. Rows with the same key (``IS``: NULL equals
    NULL) are deleted, then the new ones inserted, in the caller's transaction."""
    all_columns = [*constants, *columns]
    fixed = tuple(_db_value(value) for value in constants.values())
    rows = (
        frame[columns]
        .astype(object)
        .where(frame[columns].notna(), None)
        .itertuples(index=False, name=None)
    )
    converted = [fixed + tuple(_db_value(value) for value in row) for row in rows]
    positions = [all_columns.index(column) for column in conflict]
    where = " AND ".join(f"{column} IS %s" for column in conflict)
    placeholders = ", ".join(["%s"] * len(all_columns))
    with connection.cursor() as cursor:
        if _any_of_the_issues_stored(cursor, table, all_columns, converted):
            cursor.executemany(
                f"DELETE FROM {table} WHERE {where}",
                [tuple(row[i] for i in positions) for row in converted],
            )
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(all_columns)}) VALUES ({placeholders})", converted
        )


def _upsert(
    model, columns: list[str], conflict: list[str], frame: pd.DataFrame, constants: dict
) -> None:
    """Upsert ``frame[columns]`` plus ``constants`` (one value for every row) into ``model``."""
    if frame.empty:
        return
    if connection.vendor == "postgresql" and getattr(connection, "supports_copy_from_stdin", True):
        _upsert_postgresql(model._meta.db_table, columns, conflict, frame, constants)
    elif (
        model is ForecastValue
        and not connection.features.supports_nulls_distinct_unique_constraints
    ):
        _replace_generic(model._meta.db_table, columns, conflict, frame, constants)
    else:
        _upsert_generic(model._meta.db_table, columns, conflict, frame, constants)
    if model is Observation:  # keep the continuous aggregates exact (TimescaleDB only)
        timescale.note_write(frame["time"].min(), frame["time"].max())


@dataclass(frozen=True)
class WriteResult:
    series_key: str
    points_written: int
    first_time: pd.Timestamp | None
    last_time: pd.Timestamp | None


@transaction.atomic
def observations_write_frame(
    *, series: Series, frame: pd.DataFrame, source: str, received_at=None, tenant=None
) -> WriteResult:
    """Bulk path: validate a (time, value) frame vectorised, then upsert it (COPY on PostgreSQL)."""
    _writable_series(tenant, series)
    clean = validate_frame(frame, kind=series.kind, resolution_minutes=series.resolution_minutes)
    constants = {
        "series_id": series.pk,
        "source": source[:120],
        "received_at": pd.Timestamp(received_at or timezone.now()),
    }
    _upsert(Observation, ["time", "value"], ["series_id", "time"], clean, constants)
    return WriteResult(
        series.key,
        len(clean),
        clean["time"].iloc[0] if len(clean) else None,
        clean["time"].iloc[-1] if len(clean) else None,
    )


@dataclass(frozen=True)
class SeriesBatch:
    """Points for one series, as received from an API (validated by ``observations_ingest``)."""

    series: Series
    points: list[Mapping[str, Any]]


SOURCE_MAX_CHARS = 120  # Observation.source


@transaction.atomic
def observations_ingest(
    *, tenant, batches: Iterable[SeriesBatch], source: str, field: str = "batches"
) -> list[WriteResult]:
    """API path: validate every point of every batch, then write them all or nothing."""
    if not source or len(source) > SOURCE_MAX_CHARS or not source.isprintable():
        raise ValidationError("source", f"1 to {SOURCE_MAX_CHARS} printable characters")
    batches = list(batches)
    total = sum(len(batch.points) for batch in batches)
    if total > settings.TIMESERIES_MAX_POINTS_PER_REQUEST:
        raise ValidationError(
            field,
            f"{total} points exceed the limit of {settings.TIMESERIES_MAX_POINTS_PER_REQUEST} per request",
        )
    seen_series: set[int] = set()
    frames = []
    issues = Issues()  # every batch is checked; all problems are reported together
    for position, batch in enumerate(batches):
        with issues.collect():
            series = _writable_series(tenant, batch.series)
            if series.pk in seen_series:
                raise ValidationError(
                    f"{field}[{position}].series", "the same series appears twice in one request"
                )
            seen_series.add(series.pk)
            frames.append(
                (
                    series,
                    validate_points(
                        batch.points,
                        kind=series.kind,
                        resolution_minutes=series.resolution_minutes,
                        field=f"{field}[{position}].points",
                    ),
                )
            )
    issues.raise_if_any()
    received_at = timezone.now()
    return [
        observations_write_frame(
            series=series, frame=frame, source=source, received_at=received_at, tenant=tenant
        )
        for series, frame in frames
    ]


@transaction.atomic
def forecasts_write(
    *, tenant, series: Series, issued_at, frame: pd.DataFrame, source: str, run=None
) -> int:
    """Store a forecast issued at ``issued_at``: columns time, value and optionally quantile,
    scenario, scenario_probability. Values at or before the issue time are refused. ``run``
    (a forecast run) keys the values, so runs issued at the same time never overwrite each
    other; without it a rewrite of the same issue replaces the values."""
    _writable_series(tenant, series)
    issued = parse_time(issued_at, "issued_at")
    full = frame.copy()
    for column, default in (("quantile", 0.5), ("scenario", 0), ("scenario_probability", None)):
        if column not in full.columns:
            full[column] = default
    members = []
    # one forecast member (quantile or scenario path) at a time: its times must be unique
    for (quantile, scenario), member in full.groupby(["quantile", "scenario"], sort=True):
        clean_member = validate_frame(
            member[["time", "value"]],
            kind=series.kind,
            resolution_minutes=series.resolution_minutes,
            field=f"frame[quantile={quantile:g}, scenario={scenario}]",
        )
        clean_member["quantile"] = float(quantile)
        clean_member["scenario"] = int(scenario)
        probability = member["scenario_probability"].dropna().unique()
        if len(probability) > 1:
            raise ValidationError(
                "frame.scenario_probability", f"scenario {scenario} has several probabilities"
            )
        clean_member["scenario_probability"] = float(probability[0]) if len(probability) else None
        members.append(clean_member)
    if not members:
        raise ValidationError("frame", "empty forecast")
    clean = pd.concat(members, ignore_index=True)
    if (clean["time"] < issued.floor(f"{series.resolution_minutes}min")).any():
        raise ValidationError("frame.time", "forecast values must not lie before the issue time")
    if ((clean["quantile"] <= 0) | (clean["quantile"] >= 1)).any():
        raise ValidationError("frame.quantile", "quantiles must lie strictly between 0 and 1")
    constants = {
        "series_id": series.pk,
        "run_id": None if run is None else run.pk,
        "issued_at": issued,
        "source": source[:120],
        "received_at": pd.Timestamp(timezone.now()),
    }
    columns = ["time", "quantile", "scenario", "scenario_probability", "value"]
    conflict = ["series_id", "issued_at", "run_id", "scenario", "quantile", "time"]
    _upsert(ForecastValue, columns, conflict, clean, constants)
    return len(clean)


@transaction.atomic
def forecast_issues_write(*, tenant, series: Series, frame: pd.DataFrame, source: str) -> int:
    """Store many issued point forecasts of one series at once (a backfill of archived issues,
    e.g. the demo's): columns ``issued_at``, ``time``, ``value``. Each issue is checked like a
    ``forecasts_write`` (grid, range, unique times, nothing before its issue time); a rewrite of
    the same issue replaces its values. One upsert instead of one call per issue."""
    _writable_series(tenant, series)
    if frame.empty:
        return 0
    issues = pd.DatetimeIndex(frame["issued_at"])
    if issues.tz is None:
        raise ValidationError("frame.issued_at", "naive timestamps; give tz-aware UTC times")
    members = []
    for issued_at, member in frame.assign(issued_at=issues.tz_convert("UTC")).groupby("issued_at"):
        clean = validate_frame(
            member[["time", "value"]],
            kind=series.kind,
            resolution_minutes=series.resolution_minutes,
            field=f"frame[issued_at={issued_at.isoformat()}]",
        )
        if (clean["time"] < issued_at.floor(f"{series.resolution_minutes}min")).any():
            raise ValidationError(
                f"frame[issued_at={issued_at.isoformat()}].time",
                "forecast values must not lie before the issue time",
            )
        clean.insert(0, "issued_at", issued_at)
        members.append(clean)
    rows = pd.concat(members, ignore_index=True)
    rows["quantile"], rows["scenario"], rows["scenario_probability"] = 0.5, 0, None
    constants = {
        "series_id": series.pk,
        "run_id": None,
        "source": source[:120],
        "received_at": pd.Timestamp(timezone.now()),
    }
    columns = ["issued_at", "time", "quantile", "scenario", "scenario_probability", "value"]
    conflict = ["series_id", "issued_at", "run_id", "scenario", "quantile", "time"]
    _upsert(ForecastValue, columns, conflict, rows, constants)
    return len(rows)


@transaction.atomic
def forecasts_ingest(
    *,
    tenant,
    series: Series,
    issued_at,
    points: list[Mapping[str, Any]],
    source: str,
    max_points: int | None = None,
) -> int:
    """Store a forecast sent point by point (``time``, ``value``, optional ``quantile``,
    ``scenario``, ``scenario_probability``) by a tenant's own provider, all or nothing.

    Every bad point is reported at once, by its position in ``points``: a time that is naive,
    off the series' grid or before the issue time, a duplicate (same time, quantile and
    scenario), a value outside the kind's physical range, a quantile outside (0, 1), a scenario
    below 1, a probability outside [0, 1], without a scenario or unlike its scenario's.
    """
    _writable_series(tenant, series)
    issues = Issues()
    issued = None
    with issues.collect():
        issued = parse_time(issued_at, "issued_at")
    if not points:
        issues.add("points", "give at least one point")
    elif max_points is not None and len(points) > max_points:
        issues.add("points", f"{len(points)} points exceed the limit of {max_points}")
        issues.raise_if_any()
    series_kind = get_kind(series.kind)
    step = pd.Timedelta(minutes=series.resolution_minutes)
    first_period = None if issued is None else issued.floor(step)
    seen: dict[tuple, int] = {}
    probabilities: dict[int, tuple[float, int]] = {}
    rows = []
    for position, point in enumerate(points):
        where = f"points[{position}]"
        time = value = None
        with issues.collect():
            time = parse_time(point["time"], f"{where}.time")
            if (time - pd.Timestamp(0, tz="UTC")) % step:
                raise ValidationError(
                    f"{where}.time",
                    f"{time.isoformat()} is not on the {series.resolution_minutes}-minute grid",
                )
            if first_period is not None and time < first_period:
                raise ValidationError(
                    f"{where}.time",
                    f"{time.isoformat()} lies before the issue time {issued.isoformat()}",
                )
        with issues.collect():
            value = check_physical_range(
                series_kind, parse_value(point["value"], f"{where}.value"), f"{where}.value"
            )
        quantile = 0.5 if point.get("quantile") is None else float(point["quantile"])
        if not 0 < quantile < 1:
            issues.add(f"{where}.quantile", f"must lie strictly between 0 and 1, got {quantile:g}")
        scenario = point.get("scenario")
        if scenario is not None and scenario < 1:
            issues.add(
                f"{where}.scenario", f"must be at least 1 (null: not a scenario), got {scenario}"
            )
        probability = point.get("scenario_probability")
        if probability is not None:
            if scenario is None:
                issues.add(f"{where}.scenario_probability", "only for a scenario path")
            elif not 0 <= probability <= 1:
                issues.add(
                    f"{where}.scenario_probability", f"must lie in [0, 1], got {probability:g}"
                )
            elif scenario in probabilities and probabilities[scenario][0] != probability:
                earlier, at = probabilities[scenario]
                issues.add(
                    f"{where}.scenario_probability",
                    f"{probability:g} differs from {earlier:g} given to scenario {scenario} "
                    f"at points[{at}]",
                )
            else:
                probabilities.setdefault(scenario, (probability, position))
        if time is not None:
            key = (time, quantile, scenario or 0)
            if key in seen:
                issues.add(
                    f"{where}.time",
                    f"duplicate of points[{seen[key]}] (same time, quantile and scenario)",
                )
            seen.setdefault(key, position)
        rows.append((time, value, quantile, scenario or 0, probability))
    issues.raise_if_any()
    frame = pd.DataFrame(
        rows, columns=["time", "value", "quantile", "scenario", "scenario_probability"]
    )
    return forecasts_write(
        tenant=tenant, series=series, issued_at=issued, frame=frame, source=source
    )
