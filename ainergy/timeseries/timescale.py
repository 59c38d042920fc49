"""TimescaleDB storage of observations and forecast values, used only where TimescaleDB is usable
(``connection.has_timescaledb``, see ``ainergy.common.db``).

- Hypertables on ``time`` (7-day chunks), created by the migrations, or converted from plain
  tables by ``manage.py timescaledb convert`` (``migrate_data``). Their ``id`` column keeps an
  index (the primary key had to go: a hypertable's unique keys must contain ``time``).
- Compression segmented by series and ordered by time, for chunks older than
  ``TIMESCALEDB_COMPRESS_AFTER_DAYS``.
- Continuous aggregates of observations per series: hourly (UTC) and daily (Europe/Copenhagen
  delivery days, 23/24/25 h), real-time (the newest data are read from the raw table), refreshed
  by a policy over the last ``refresh_days`` and, for writes older than that, right after the
  writing transaction commits. The resampling selectors read them when the bucket allows.
- Retention of raw device telemetry (series ``telemetry-…``) after
  ``TIMESCALEDB_TELEMETRY_RETENTION_DAYS``, by a TimescaleDB job; its hourly and daily aggregates
  stay (refreshes never reach back past the retention horizon).

``sync()`` applies all of this idempotently; it runs after every ``migrate`` (post_migrate) and
after ``convert``, so changed ages take effect on the next deploy.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections, transaction

logger = logging.getLogger(__name__)

TELEMETRY_KEY_PREFIX = "telemetry-"  # series written by ainergy.timeseries.telemetry
HOURLY = "timeseries_observation_hourly"
DAILY = "timeseries_observation_daily"
RETENTION_PROCEDURE = "ainergy_drop_raw_telemetry"
AGGREGATE_END_OFFSET = dt.timedelta(hours=1)  # the newest hour is always read from raw data


@dataclass(frozen=True)
class Hypertable:
    table: str
    segment_by: str
    order_by: str


HYPERTABLES = (
    Hypertable("timeseries_observation", "series_id", "time DESC"),
    Hypertable("timeseries_forecastvalue", "series_id", "issued_at DESC, time DESC"),
)
AGGREGATES = {
    HOURLY: "time_bucket(INTERVAL '1 hour', time)",
    DAILY: f"time_bucket(INTERVAL '1 day', time, '{settings.DISPLAY_TIME_ZONE}')",
}


def is_telemetry(series) -> bool:
    return series.key.startswith(TELEMETRY_KEY_PREFIX)


def compress_after() -> dt.timedelta:
    return dt.timedelta(days=settings.TIMESCALEDB_COMPRESS_AFTER_DAYS)


def telemetry_retention() -> dt.timedelta | None:
    days = settings.TIMESCALEDB_TELEMETRY_RETENTION_DAYS
    return dt.timedelta(days=days) if days else None


def refresh_window() -> dt.timedelta:
    """How far back the refresh policy recomputes aggregates: late data within it are picked up
    by the policy; never as far back as the telemetry retention horizon."""
    window = dt.timedelta(days=settings.TIMESCALEDB_AGGREGATE_REFRESH_DAYS)
    retention = telemetry_retention()
    if retention is not None:
        window = min(window, retention - dt.timedelta(days=1))
    return window


def aggregate_horizon(now: dt.datetime | None = None) -> dt.datetime | None:
    """Aggregates before this moment are never recomputed (raw telemetry there is deleted);
    None without telemetry retention."""
    retention = telemetry_retention()
    if retention is None:
        return None
    return (now or dt.datetime.now(dt.UTC)) - retention


def _interval(delta: dt.timedelta) -> str:
    return f"{int(delta.total_seconds())} seconds"


def usable(using: str = "default") -> bool:
    return bool(getattr(connections[using], "has_timescaledb", False))


def hypertables(cursor) -> set[str]:
    cursor.execute("SELECT hypertable_name FROM timescaledb_information.hypertables")
    return {row[0] for row in cursor.fetchall()}


def plain_tables(using: str = "default", tables=None) -> list[str]:
    """The time-series tables that exist but are not hypertables (TimescaleDB usable only)."""
    tables = HYPERTABLES if tables is None else tables
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        converted = hypertables(cursor)
    return [spec.table for spec in tables if spec.table in existing and spec.table not in converted]


def aggregates_ready(using: str = "default") -> bool:
    """True when TimescaleDB is usable and the continuous aggregates exist (cached per
    connection)."""
    connection = connections[using]
    if not usable(using):
        return False
    cached = connection.__dict__.get("_ainergy_aggregates_ready")
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM timescaledb_information.continuous_aggregates "
                "WHERE view_name = ANY(%s)",
                [list(AGGREGATES)],
            )
            cached = cursor.fetchone()[0] == len(AGGREGATES)
        connection.__dict__["_ainergy_aggregates_ready"] = cached
    return cached


def convert(using: str = "default", tables=None, log=logger.info) -> list[str]:
    """Turn plain time-series tables into hypertables, moving their rows into chunks
    (``migrate_data``; locks each table while it runs), then ``sync()``."""
    tables = HYPERTABLES if tables is None else tables
    connection = connections[using]
    if not usable(using):
        raise RuntimeError(f"TimescaleDB is not usable: {connection.timescaledb_state.reason()}")
    converted = []
    for spec in tables:
        if spec.table not in plain_tables(using, (spec,)):
            continue
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
                [spec.table],
            )
            for (constraint,) in cursor.fetchall():  # unique keys of a hypertable need `time`
                cursor.execute(f'ALTER TABLE "{spec.table}" DROP CONSTRAINT "{constraint}"')
            cursor.execute(
                "SELECT create_hypertable(%s, 'time', chunk_time_interval => INTERVAL '7 days', "
                "migrate_data => true)",
                [spec.table],
            )
        log(f"{spec.table}: converted to a hypertable")
        converted.append(spec.table)
    sync(using, tables=tables, log=log)
    return converted


def sync(using: str = "default", tables=None, log=logger.info) -> None:
    """Indexes, compression, aggregates and policies as configured; idempotent. Does nothing
    unless TimescaleDB is usable and the tables are hypertables."""
    tables = HYPERTABLES if tables is None else tables
    connection = connections[using]
    if not usable(using):
        return
    with connection.cursor() as cursor:
        present = hypertables(cursor)
        for spec in tables:
            if spec.table not in present:
                continue
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{spec.table}_id_idx" ON "{spec.table}" (id)'
            )
            _sync_compression(cursor, spec, log)
        if "timeseries_observation" in {spec.table for spec in tables} & present:
            for view, bucket in AGGREGATES.items():
                _sync_aggregate(cursor, view, bucket, log)
            _sync_retention(cursor, log)
    connection.__dict__.pop("_ainergy_aggregates_ready", None)


def _job(cursor, proc_name: str, hypertable: str | None = None) -> tuple[int, dict] | None:
    sql = "SELECT job_id, config FROM timescaledb_information.jobs WHERE proc_name = %s"
    params = [proc_name]
    if hypertable is not None:
        sql += " AND hypertable_name = %s"
        params.append(hypertable)
    cursor.execute(sql, params)
    row = cursor.fetchone()
    if row is None:
        return None
    config = row[1] if isinstance(row[1], dict) else json.loads(row[1] or "{}")
    return row[0], config


def _sync_compression(cursor, spec: Hypertable, log) -> None:
    cursor.execute(
        "SELECT compression_enabled FROM timescaledb_information.hypertables "
        "WHERE hypertable_name = %s",
        [spec.table],
    )
    if not cursor.fetchone()[0]:
        cursor.execute(
            f'ALTER TABLE "{spec.table}" SET (timescaledb.compress, '
            f"timescaledb.compress_segmentby = '{spec.segment_by}', "
            f"timescaledb.compress_orderby = '{spec.order_by}')"
        )
        log(f"{spec.table}: compression segmented by {spec.segment_by}, ordered by {spec.order_by}")
    wanted = compress_after()
    job = _job(cursor, "policy_compression", spec.table)
    if job is not None and _parse_interval(job[1].get("compress_after")) == wanted:
        return
    if job is not None:
        cursor.execute("SELECT remove_compression_policy(%s, if_exists => true)", [spec.table])
    cursor.execute(
        "SELECT add_compression_policy(%s, compress_after => %s::interval)",
        [spec.table, _interval(wanted)],
    )
    log(f"{spec.table}: chunks compressed after {wanted.days} days")


def _sync_aggregate(cursor, view: str, bucket: str, log) -> None:
    cursor.execute(
        "SELECT 1 FROM timescaledb_information.continuous_aggregates WHERE view_name = %s",
        [view],
    )
    if cursor.fetchone() is None:
        cursor.execute(
            f'CREATE MATERIALIZED VIEW "{view}" '
            "WITH (timescaledb.continuous, timescaledb.materialized_only = false) AS "
            f"SELECT series_id, {bucket} AS bucket, sum(value) AS value_sum, "
            "count(*) AS value_count, min(value) AS value_min, max(value) AS value_max "
            "FROM timeseries_observation GROUP BY series_id, bucket WITH NO DATA"
        )
        log(f"{view}: continuous aggregate created")
    start, end = refresh_window(), AGGREGATE_END_OFFSET
    if view == DAILY:
        end = dt.timedelta(hours=1)  # partial days are refreshed again on the next run
    job = _job(cursor, "policy_refresh_continuous_aggregate", view)
    if job is not None:
        config = job[1]
        if (
            _parse_interval(config.get("start_offset")),
            _parse_interval(config.get("end_offset")),
        ) == (
            start,
            end,
        ):
            return
        cursor.execute("SELECT remove_continuous_aggregate_policy(%s, if_exists => true)", [view])
    cursor.execute(
        "SELECT add_continuous_aggregate_policy(%s, start_offset => %s::interval, "
        "end_offset => %s::interval, schedule_interval => INTERVAL '30 minutes')",
        [view, _interval(start), _interval(end)],
    )
    log(f"{view}: refreshed every 30 min over the last {start.days} days")


def _sync_retention(cursor, log) -> None:
    cursor.execute(
        f"""CREATE OR REPLACE PROCEDURE {RETENTION_PROCEDURE}(job_id integer, config jsonb)
        LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM timeseries_observation o
          USING timeseries_series s
          WHERE o.series_id = s.id AND s.key LIKE '{TELEMETRY_KEY_PREFIX}%'
            AND o.time < now() - (config ->> 'drop_after')::interval;
        END $$"""
    )
    retention = telemetry_retention()
    job = _job(cursor, RETENTION_PROCEDURE)
    if retention is None:
        if job is not None:
            cursor.execute("SELECT delete_job(%s)", [job[0]])
            log("raw telemetry retention removed: kept for ever")
        return
    config = {"drop_after": _interval(retention)}
    if job is not None and _parse_interval(job[1].get("drop_after")) == retention:
        return
    if job is not None:
        cursor.execute("SELECT delete_job(%s)", [job[0]])
    cursor.execute(
        "SELECT add_job(%s, INTERVAL '1 day', config => %s::jsonb)",
        [RETENTION_PROCEDURE, json.dumps(config)],
    )
    log(f"raw telemetry deleted after {retention.days} days (hourly and daily aggregates kept)")


def _parse_interval(value) -> dt.timedelta | None:
    """Interval text as TimescaleDB stores it in job configs ('30 days', '01:00:00',
    '2592000 seconds', '7 days 01:00:00') → timedelta."""
    if value is None:
        return None
    if isinstance(value, dt.timedelta):
        return value
    total = dt.timedelta()
    parts = str(value).split()
    index = 0
    while index < len(parts):
        part = parts[index]
        if ":" in part:
            hours, minutes, seconds = (float(x) for x in part.split(":"))
            total += dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
            index += 1
            continue
        amount, unit = float(part), parts[index + 1].rstrip("s")
        total += {
            "day": dt.timedelta(days=amount),
            "hour": dt.timedelta(hours=amount),
            "min": dt.timedelta(minutes=amount),
            "minute": dt.timedelta(minutes=amount),
            "sec": dt.timedelta(seconds=amount),
            "second": dt.timedelta(seconds=amount),
            "mon": dt.timedelta(days=30 * amount),
        }[unit]
        index += 2
    return total


# --- keeping aggregates exact after late writes ---------------------------------------------


def note_write(first_time, last_time, using: str = "default") -> None:
    """Record that observations in [first_time, last_time] were written. Buckets the refresh
    policy may already have materialised are refreshed right after the transaction commits, so
    the resampling selectors never read a stale aggregate."""
    if first_time is None or not aggregates_ready(using):
        return
    connection = connections[using]
    now = dt.datetime.now(dt.UTC)
    first = _as_datetime(first_time)
    last = _as_datetime(last_time)
    if first >= now - AGGREGATE_END_OFFSET - dt.timedelta(minutes=1):
        return  # newer than any materialisation: read in real time from raw data
    for entry in connection.run_on_commit:  # one refresh per transaction, over the union
        if isinstance(entry[1], _PendingRefresh) and entry[1].using == using:
            entry[1].first, entry[1].last = min(entry[1].first, first), max(entry[1].last, last)
            return
    transaction.on_commit(_PendingRefresh(using, first, last), using=using)


def _as_datetime(value) -> dt.datetime:
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class _PendingRefresh:
    """Refreshes the aggregates over the days written, once the transaction has committed
    (``refresh_continuous_aggregate`` cannot run inside a transaction block). A rollback drops
    it together with the writes."""

    def __init__(self, using: str, first: dt.datetime, last: dt.datetime):
        self.using, self.first, self.last = using, first, last

    def __call__(self) -> None:
        # a refresh recomputes the buckets lying wholly inside [start, end): pad by a local day
        start = self.first - dt.timedelta(days=1, hours=2)
        end = self.last + dt.timedelta(days=1, hours=2)
        horizon = aggregate_horizon()
        if horizon is not None:
            start = max(start, horizon)  # never recompute buckets whose raw telemetry is gone
        try:
            with connections[self.using].cursor() as cursor:
                for view, width in ((HOURLY, dt.timedelta(hours=2)), (DAILY, dt.timedelta(days=2))):
                    if end - start >= width:  # narrower windows hold no whole bucket
                        cursor.execute(
                            "CALL refresh_continuous_aggregate(%s, %s::timestamptz, %s::timestamptz)",
                            [view, start, end],
                        )
        except DatabaseError:  # the data are committed; the refresh policy catches up
            logger.exception("refreshing the aggregates over %s – %s failed", start, end)
