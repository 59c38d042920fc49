"""Reads of series and values. ``observations_resampled`` and ``observations_daily`` are the
places that aggregate over time: from TimescaleDB's continuous aggregates (hourly, daily per
delivery day) when the bucket and window allow, else TimescaleDB ``time_bucket``, PostgreSQL
``date_bin`` or SQLite epoch arithmetic (daily: pandas per local day), chosen once per connection,
with identical results. PostgreSQL's JIT is off for these queries: it compiles per chunk of a
hypertable and made the resample slower than without it."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet

from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_bounds, require_aware
from ainergy.jobs.models import JobStatus
from ainergy.timeseries import timescale
from ainergy.timeseries.models import ForecastValue, Observation, Series

AGGREGATIONS = {"mean": "AVG", "sum": "SUM", "min": "MIN", "max": "MAX"}
# the same aggregations from a continuous aggregate's columns
FROM_AGGREGATE = {
    "mean": "value_sum / value_count",
    "sum": "value_sum",
    "min": "value_min",
    "max": "value_max",
}


def series_list(tenant, *, kind: str | None = None) -> QuerySet[Series]:
    series = Series.objects.visible_to(tenant)
    if kind:
        series = series.filter(kind=kind)
    return series


def series_get(tenant, series_id: int) -> Series:
    try:
        return series_list(tenant).get(pk=series_id)
    except (Series.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Series not found.") from None


def _window(start, end) -> tuple[dt.datetime, dt.datetime]:
    start = require_aware(start, "start")
    end = require_aware(end, "end")
    if end <= start:
        raise ValidationError("end", "must be after start")
    return start, end


def observations_frame(series: Series, start, end) -> pd.DataFrame:
    """Raw values in [start, end) as a frame indexed by UTC time."""
    start, end = _window(start, end)
    rows = list(
        Observation.objects.filter(series=series, time__gte=start, time__lt=end)
        .order_by("time")
        .values_list("time", "value")
    )
    frame = pd.DataFrame(rows, columns=["time", "value"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame.set_index("time")


def _bucket_sql(step_minutes: int) -> tuple[str, list]:
    if connection.vendor == "postgresql":
        if getattr(connection, "has_timescaledb", False):
            return "time_bucket(make_interval(mins => %s), time)", [step_minutes]
        return "date_bin(make_interval(mins => %s), time, TIMESTAMPTZ '1970-01-01 00:00:00+00')", [
            step_minutes
        ]
    # SQLite stores UTC text; bucket on whole seconds since the epoch.
    return "(CAST(strftime('%%s', time) AS INTEGER) / %s) * %s", [
        step_minutes * 60,
        step_minutes * 60,
    ]


def _fetch(sql: str, params: list) -> list[tuple]:
    """Run an aggregating read; on PostgreSQL with JIT off for this query only."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('jit'), set_config('jit', 'off', true)")
        previous = cursor.fetchone()[0]
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        cursor.execute("SELECT set_config('jit', %s, true)", [previous])
    return rows


def _aggregate_allowed(series: Series, start, end, bucket: dt.timedelta | None) -> bool:
    """Whether a continuous aggregate answers exactly: TimescaleDB with the aggregates, a window
    on whole buckets (``bucket``; None: delivery days), and no part of it before the telemetry
    retention horizon unless the series is telemetry (whose raw values there are gone, and whose
    aggregates there are kept)."""
    if not timescale.aggregates_ready():
        return False
    if bucket is not None and any(
        (moment - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) % bucket for moment in (start, end)
    ):
        return False
    horizon = timescale.aggregate_horizon()
    return horizon is None or start >= horizon or timescale.is_telemetry(series)


def _from_aggregate(view: str, series: Series, start, end, aggregation: str) -> list[tuple]:
    return _fetch(
        f"SELECT bucket, {FROM_AGGREGATE[aggregation]}, value_count FROM {view} "
        "WHERE series_id = %s AND bucket >= %s AND bucket < %s ORDER BY bucket",
        [series.pk, start, end],
    )


def observations_resampled(
    series: Series, start, end, *, resolution_minutes: int, aggregation: str = "mean"
) -> pd.DataFrame:
    """Values in [start, end) aggregated to ``resolution_minutes`` buckets (UTC-aligned).

    Columns ``value`` and ``count`` (points per bucket), indexed by the bucket's UTC start.
    """
    start, end = _window(start, end)
    if aggregation not in AGGREGATIONS:
        raise ValidationError("aggregation", f"must be one of {', '.join(AGGREGATIONS)}")
    if (
        resolution_minutes < series.resolution_minutes
        or resolution_minutes % series.resolution_minutes
    ):
        raise ValidationError(
            "resolution_minutes",
            f"must be a multiple of the series resolution ({series.resolution_minutes} min)",
        )
    if resolution_minutes > 60 or 60 % resolution_minutes and resolution_minutes % 60:
        raise ValidationError(
            "resolution_minutes",
            "use 15, 30 or 60; daily values per local day come from observations_daily",
        )
    buckets = (end - start) / dt.timedelta(minutes=resolution_minutes)
    if buckets > settings.TIMESERIES_MAX_POINTS_PER_QUERY:
        raise ValidationError(
            "end",
            f"{int(buckets)} buckets exceed the limit of {settings.TIMESERIES_MAX_POINTS_PER_QUERY}",
        )
    if resolution_minutes == 60 and _aggregate_allowed(series, start, end, dt.timedelta(hours=1)):
        rows = _from_aggregate(timescale.HOURLY, series, start, end, aggregation)
    else:
        bucket, params = _bucket_sql(resolution_minutes)
        sql = (
            f"SELECT {bucket} AS bucket, {AGGREGATIONS[aggregation]}(value), COUNT(*) "
            f"FROM {Observation._meta.db_table} WHERE series_id = %s AND time >= %s AND time < %s "
            "GROUP BY 1 ORDER BY 1"
        )
        adapt = connection.ops.adapt_datetimefield_value  # the stored text format on SQLite
        rows = _fetch(sql, [*params, series.pk, adapt(start), adapt(end)])
    frame = pd.DataFrame(rows, columns=["time", "value", "count"])
    if connection.vendor == "postgresql":
        frame["time"] = pd.to_datetime(frame["time"], utc=True)
    else:
        frame["time"] = pd.to_datetime(frame["time"].astype("int64"), unit="s", utc=True)
    return frame.set_index("time")


def observations_daily(
    series: Series, first_day: dt.date, last_day: dt.date, *, aggregation: str = "sum"
) -> pd.DataFrame:
    """One value per Europe/Copenhagen delivery day (23, 24 or 25 hours long)."""
    if aggregation not in AGGREGATIONS:
        raise ValidationError("aggregation", f"must be one of {', '.join(AGGREGATIONS)}")
    if last_day < first_day:
        raise ValidationError("last_day", "must not be before first_day")
    start, _ = delivery_day_bounds(first_day)
    _, end = delivery_day_bounds(last_day)
    if _aggregate_allowed(series, start, end, None):
        rows = _from_aggregate(timescale.DAILY, series, start, end, aggregation)
        result = pd.DataFrame(
            {
                "value": [float(row[1]) for row in rows],
                "count": pd.array([row[2] for row in rows], dtype="int64"),
            },
            index=pd.Index(
                [pd.Timestamp(row[0]).tz_convert(LOCAL_TZ).date() for row in rows],
                name="local_day",
            ),
        )
        return result
    # the raw path reads every value: bounded
    scanned = (end - start).total_seconds() / 60 / series.resolution_minutes
    limit = settings.TIMESERIES_MAX_POINTS_SCANNED
    if scanned > limit:
        days = int(limit * series.resolution_minutes / (24 * 60))
        raise ValidationError(
            "last_day",
            f"the range holds up to {int(scanned)} values of this "
            f"{series.resolution_minutes}-minute series; at most {limit} per query "
            f"(about {days} days)",
        )
    raw = observations_frame(series, start, end)
    days = raw.index.tz_convert(LOCAL_TZ).date
    grouped = raw.groupby(days)["value"]
    result = pd.DataFrame({"value": getattr(grouped, aggregation)(), "count": grouped.count()})
    result.index.name = "local_day"
    return result


FORECAST_COLUMNS = ["time", "quantile", "scenario", "scenario_probability", "value"]
# Instants are matched as [t, t + 1 ms): the SQLite upsert path stores aware datetimes with an
# offset suffix, which equality against Django's offset-free text misses.
_INSTANT = dt.timedelta(milliseconds=1)


def readable_forecasts(series: Series) -> QuerySet[ForecastValue]:
    """Forecast values of ``series`` a reader may use: written directly (no run) or by a forecast
    run whose job succeeded (a queued, running, failed or cancelled run's rows are never read)."""
    return ForecastValue.objects.filter(series=series).filter(
        Q(run__isnull=True) | Q(run__job__status=JobStatus.SUCCEEDED)
    )


# One issue = (issue time, run). Several runs (models) may be issued at the same time; of those
# the one created last wins (run ids grow), directly written values (no run) rank below runs.
_ISSUE_ORDER = ("-issued_at", F("run_id").desc(nulls_last=True))


def forecast_issue(
    series: Series,
    *,
    issued_at=None,
    issued_after=None,
    run_id: int | None = None,
    start=None,
    end=None,
) -> tuple[dt.datetime, int | None] | None:
    """The one forecast issue ``(issued_at, run_id)`` a reader of ``series`` uses, or None.

    ``run_id`` given: that run (if it succeeded). Else the latest issue at or before
    ``issued_at`` (any time if None) and after ``issued_after`` that has a point value in
    ``[start, end)``; of several runs issued at that time the latest succeeded one. Values of
    two runs are never mixed.
    """
    rows = readable_forecasts(series)
    if run_id is not None:
        rows = rows.filter(run_id=run_id)
    if issued_at is not None:
        rows = rows.filter(issued_at__lt=require_aware(issued_at, "issued_at") + _INSTANT)
    if issued_after is not None:
        rows = rows.filter(issued_at__gte=require_aware(issued_after, "issued_after") + _INSTANT)
    if start is not None:
        rows = rows.filter(time__gte=start, quantile=0.5, scenario=0)
    if end is not None:
        rows = rows.filter(time__lt=end, quantile=0.5, scenario=0)
    return rows.order_by(*_ISSUE_ORDER).values_list("issued_at", "run_id").first()


def forecast_values(
    series: Series, *, issued_at=None, issued_after=None, run_id=None, start=None, end=None
) -> pd.DataFrame:
    """Values of one forecast issue (``forecast_issue``; the latest if no argument): columns
    time, quantile, scenario, scenario_probability, value (within ``[start, end)`` if given)."""
    issue = forecast_issue(
        series,
        issued_at=issued_at,
        issued_after=issued_after,
        run_id=run_id,
        start=start,
        end=end,
    )
    return forecast_issue_values(series, issue, start=start, end=end)


def forecast_issue_values(
    series: Series, issue: tuple[dt.datetime, int | None] | None, *, start=None, end=None
) -> pd.DataFrame:
    """The values of one issue ``(issued_at, run_id)`` of ``forecast_issue`` (empty for None)."""
    if issue is None:
        return pd.DataFrame(columns=FORECAST_COLUMNS)
    issue_time, issue_run = issue
    rows = readable_forecasts(series).filter(
        issued_at__gte=issue_time, issued_at__lt=issue_time + _INSTANT, run_id=issue_run
    )
    if start is not None:
        rows = rows.filter(time__gte=start)
    if end is not None:
        rows = rows.filter(time__lt=end)
    rows = rows.order_by("scenario", "quantile", "time").values_list(*FORECAST_COLUMNS)
    return pd.DataFrame(list(rows), columns=FORECAST_COLUMNS)
