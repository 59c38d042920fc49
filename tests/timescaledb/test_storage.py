"""TimescaleDB storage as deployed: hypertables from the migrations, compression, continuous
aggregates and retention as configured, conversion of plain tables, and selector results equal
to the plain-PostgreSQL path and to an independent pandas computation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from django.core import checks
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from ainergy.timeseries import selectors, timescale
from ainergy.timeseries.models import Observation
from ainergy.timeseries.services import observations_write_frame, series_create
from tests.timescaledb.conftest import job_id, query

UTC = dt.UTC


def frame(start: dt.datetime, periods: int, minutes: int, seed: int) -> pd.DataFrame:
    times = pd.date_range(start, periods=periods, freq=f"{minutes}min", tz="UTC")
    rng = np.random.default_rng(seed)
    values = 50 + 30 * np.sin(np.arange(periods) / 9) + rng.normal(0, 3, periods)
    return pd.DataFrame({"time": times, "value": np.round(values, 3)})


def price_series(key="dk1-price-15"):
    return series_create(tenant=None, key=key, kind="day_ahead_price", resolution_minutes=15)


def oracle_hourly(raw: pd.DataFrame, start, end, how: str) -> pd.DataFrame:
    inside = raw[(raw["time"] >= start) & (raw["time"] < end)].set_index("time")["value"]
    grouped = inside.groupby(inside.index.floor("1h"))
    return pd.DataFrame({"value": getattr(grouped, how)(), "count": grouped.count()})


def oracle_daily(raw: pd.DataFrame, how: str) -> pd.DataFrame:
    values = raw.set_index("time")["value"]
    grouped = values.groupby(values.index.tz_convert("Europe/Copenhagen").date)
    return pd.DataFrame({"value": getattr(grouped, how)(), "count": grouped.count()})


def assert_same(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(result.index) == list(expected.index)
    assert result["count"].tolist() == expected["count"].tolist()
    np.testing.assert_allclose(result["value"].to_numpy(float), expected["value"].to_numpy(float),
                               rtol=1e-12, atol=1e-9)  # fmt: skip


def test_migrations_create_hypertables_with_id_index_compression_aggregates_policies(
    timescaledb, settings
):
    hypertables = {row[0] for row in query(
        "SELECT hypertable_name FROM timescaledb_information.hypertables")}  # fmt: skip
    assert {"timeseries_observation", "timeseries_forecastvalue"} <= hypertables
    for table in ("timeseries_observation", "timeseries_forecastvalue"):
        indexes = query("SELECT indexdef FROM pg_indexes WHERE tablename = %s", [table])
        assert any(definition.endswith("USING btree (id)") for (definition,) in indexes), indexes
    settings_rows = query(
        "SELECT attname, segmentby_column_index, orderby_column_index, orderby_asc "
        "FROM timescaledb_information.compression_settings "
        "WHERE hypertable_name = 'timeseries_observation' ORDER BY attname"
    )
    assert settings_rows == [("series_id", 1, None, None), ("time", None, 1, False)]
    config = query(
        "SELECT config ->> 'compress_after' FROM timescaledb_information.jobs "
        "WHERE proc_name = 'policy_compression' AND hypertable_name = 'timeseries_observation'"
    )
    assert timescale._parse_interval(config[0][0]) == dt.timedelta(
        days=settings.TIMESCALEDB_COMPRESS_AFTER_DAYS
    )
    aggregates = query(
        "SELECT view_name, materialized_only FROM timescaledb_information.continuous_aggregates "
        "ORDER BY 1"
    )
    assert aggregates == [(timescale.DAILY, False), (timescale.HOURLY, False)]
    for view in (timescale.HOURLY, timescale.DAILY):
        job_id("policy_refresh_continuous_aggregate", view)
    assert timescale.plain_tables() == []
    assert checks.run_checks(databases=["default"], tags=[checks.Tags.database]) == []


def test_sync_follows_the_configured_ages(timescaledb, settings):
    try:
        settings.TIMESCALEDB_COMPRESS_AFTER_DAYS = 9
        settings.TIMESCALEDB_TELEMETRY_RETENTION_DAYS = 5
        timescale.sync()
        (compress,) = query(
            "SELECT config ->> 'compress_after' FROM timescaledb_information.jobs "
            "WHERE proc_name = 'policy_compression' AND hypertable_name = 'timeseries_observation'"
        )[0]
        (drop,) = query(
            "SELECT config ->> 'drop_after' FROM timescaledb_information.jobs WHERE proc_name = %s",
            [timescale.RETENTION_PROCEDURE],
        )[0]
        (refresh,) = query(
            "SELECT config ->> 'start_offset' FROM timescaledb_information.jobs "
            "WHERE hypertable_name = %s",
            [timescale.HOURLY],
        )[0]
        assert timescale._parse_interval(compress) == dt.timedelta(days=9)
        assert timescale._parse_interval(drop) == dt.timedelta(days=5)
        # aggregates are never refreshed back to where raw telemetry is deleted
        assert timescale._parse_interval(refresh) == dt.timedelta(days=4)
    finally:
        settings.TIMESCALEDB_COMPRESS_AFTER_DAYS = 30
        settings.TIMESCALEDB_TELEMETRY_RETENTION_DAYS = None
        timescale.sync()
    assert (
        query(
            "SELECT 1 FROM timescaledb_information.jobs WHERE proc_name = %s",
            [timescale.RETENTION_PROCEDURE],
        )
        == []
    )


def test_plain_tables_are_reported_by_check_and_converted_with_their_rows(timescaledb, monkeypatch):
    # given a plain table shaped like the observations, with five weeks of rows
    query("DROP TABLE IF EXISTS scratch_observation")
    query(
        "CREATE TABLE scratch_observation (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
        "series_id bigint NOT NULL, time timestamptz NOT NULL, value double precision NOT NULL, "
        "CONSTRAINT scratch_unique UNIQUE (series_id, time))"
    )
    query(
        "INSERT INTO scratch_observation (series_id, time, value) "
        "SELECT 1, t, extract(epoch FROM t) / 3600 FROM generate_series("
        "TIMESTAMPTZ '2024-01-01', TIMESTAMPTZ '2024-02-05' - INTERVAL '1 hour', INTERVAL '1 hour') t"
    )
    spec = timescale.Hypertable("scratch_observation", "series_id", "time DESC")
    monkeypatch.setattr(timescale, "HYPERTABLES", (spec,))
    try:
        warnings = checks.run_checks(databases=["default"], tags=[checks.Tags.database])
        assert [warning.id for warning in warnings] == ["timeseries.W001"]
        assert "scratch_observation is a plain table" in warnings[0].msg
        # when
        assert timescale.convert() == ["scratch_observation"]
        # then every row moved into weekly chunks, with an index on id and compression on
        (chunks, compression) = query(
            "SELECT num_chunks, compression_enabled FROM timescaledb_information.hypertables "
            "WHERE hypertable_name = 'scratch_observation'"
        )[0]
        assert chunks >= 5 and compression
        assert query("SELECT count(*), sum(value) FROM scratch_observation") == query(
            "SELECT count(*), sum(extract(epoch FROM t) / 3600) FROM generate_series("
            "TIMESTAMPTZ '2024-01-01', TIMESTAMPTZ '2024-02-05' - INTERVAL '1 hour', "
            "INTERVAL '1 hour') t"
        )
        assert query("SELECT count(*) FROM ONLY scratch_observation") == [(0,)]
        assert query("SELECT 1 FROM pg_indexes WHERE indexname = 'scratch_observation_id_idx'") == [
            (1,)
        ]
        assert checks.run_checks(databases=["default"], tags=[checks.Tags.database]) == []
        assert timescale.convert() == []  # nothing left to convert
    finally:
        query("DROP TABLE IF EXISTS scratch_observation")


def test_selectors_equal_plain_postgresql_and_pandas_across_a_dst_change(timescaledb, monkeypatch):
    # given 15-min prices over the autumn DST change (a 25-hour local day), with a gap
    series = price_series()
    raw = frame(dt.datetime(2024, 10, 25, 22, tzinfo=UTC), 4 * 24 * 4, 15, seed=1)
    raw = raw.drop(index=range(20, 32)).reset_index(drop=True)  # three hours missing
    observations_write_frame(series=series, frame=raw, source="test")
    start, end = dt.datetime(2024, 10, 26, tzinfo=UTC), dt.datetime(2024, 10, 28, 12, tzinfo=UTC)
    days = (dt.date(2024, 10, 26), dt.date(2024, 10, 28))

    def read_all():
        return {
            **{
                ("hourly", how): selectors.observations_resampled(
                    series, start, end, resolution_minutes=60, aggregation=how
                )
                for how in ("mean", "sum", "min", "max")
            },  # fmt: skip
            **{
                ("daily", how): selectors.observations_daily(series, *days, aggregation=how)
                for how in ("mean", "sum", "max")
            },  # fmt: skip
        }

    expected = {
        **{
            ("hourly", how): oracle_hourly(raw, start, end, how)
            for how in ("mean", "sum", "min", "max")
        },  # fmt: skip
        **{
            ("daily", how): oracle_daily(raw, how).loc[days[0] : days[1]]
            for how in ("mean", "sum", "max")
        },  # fmt: skip
    }
    assert len(expected[("daily", "sum")]) == 3
    assert expected[("daily", "sum")]["count"].tolist() == [96 - 12, 25 * 4, 96]  # 25-hour day
    # when read from the aggregates in real time (nothing materialised yet)
    with CaptureQueriesContext(connection) as captured:
        realtime = read_all()
    sql = " ".join(q["sql"] for q in captured.captured_queries)
    assert timescale.HOURLY in sql and timescale.DAILY in sql
    assert "set_config('jit', 'off', true)" in sql
    # and once materialised by the refresh policy's procedure
    for view in (timescale.HOURLY, timescale.DAILY):
        query("CALL refresh_continuous_aggregate(%s, NULL, NULL)", [view])
    materialised = read_all()
    # and from the raw hypertable with time_bucket, and on plain PostgreSQL's path (date_bin)
    monkeypatch.setattr(timescale, "aggregates_ready", lambda using="default": False)
    with CaptureQueriesContext(connection) as captured:
        bucketed = read_all()
    assert "time_bucket(" in " ".join(q["sql"] for q in captured.captured_queries)
    monkeypatch.setattr(
        type(connections["default"]), "has_timescaledb", property(lambda self: False)
    )
    with CaptureQueriesContext(connection) as captured:
        plain = read_all()
    assert "date_bin(" in " ".join(q["sql"] for q in captured.captured_queries)
    # then every path gives the pandas result
    for key, want in expected.items():
        for result in (realtime[key], materialised[key], bucketed[key], plain[key]):
            assert_same(result, want)


def test_a_late_write_into_materialised_and_compressed_history_is_read_at_once(timescaledb):
    # given 90 days of hourly history, materialised and compressed by the policies' jobs
    series = series_create(tenant=None, key="dk2-price-60", kind="day_ahead_price",
                           resolution_minutes=60)  # fmt: skip
    now = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    raw = frame(now - dt.timedelta(days=90), 24 * 89, 60, seed=2)
    observations_write_frame(series=series, frame=raw, source="test")
    for view in (timescale.HOURLY, timescale.DAILY):
        query("CALL refresh_continuous_aggregate(%s, NULL, NULL)", [view])
    before = query(
        "SELECT pg_size_pretty(hypertable_size('timeseries_observation')), "
        "hypertable_size('timeseries_observation')"
    )[0][1]
    query("CALL run_job(%s)", [job_id("policy_compression", "timeseries_observation")])
    (compressed, total) = query(
        "SELECT count(*) FILTER (WHERE is_compressed), count(*) FROM timescaledb_information.chunks "
        "WHERE hypertable_name = 'timeseries_observation'"
    )[0]
    assert compressed >= 7 and compressed < total  # only chunks older than 30 days
    assert query("SELECT hypertable_size('timeseries_observation')")[0][0] < before
    window = (now - dt.timedelta(days=80), now - dt.timedelta(days=70))
    day = (now - dt.timedelta(days=75)).date()
    assert_same(
        selectors.observations_resampled(series, *window, resolution_minutes=60, aggregation="sum"),
        oracle_hourly(raw, *window, "sum"),
    )
    # when one value inside a compressed, materialised chunk is corrected (upsert)
    corrected = raw.copy()
    target = pd.Timestamp(window[0]) + pd.Timedelta(hours=5)
    corrected.loc[corrected["time"] == target, "value"] = 999.0
    observations_write_frame(series=series, frame=corrected[corrected["time"] == target],
                             source="correction")  # fmt: skip
    # then the hourly and daily reads see it immediately, and repeats change nothing
    assert_same(
        selectors.observations_resampled(series, *window, resolution_minutes=60, aggregation="sum"),
        oracle_hourly(corrected, *window, "sum"),
    )
    daily = selectors.observations_daily(series, day, day, aggregation="max")
    assert_same(daily, oracle_daily(corrected, "max").loc[[day]])
    observations_write_frame(series=series, frame=corrected, source="test")
    assert Observation.objects.filter(series=series).count() == len(raw)
    # a rolled-back correction changes nothing; the next committed one is refreshed again
    rejected, accepted = corrected.copy(), corrected.copy()
    rejected.loc[rejected["time"] == target, "value"] = 555.0
    accepted.loc[accepted["time"] == target, "value"] = 777.0
    with pytest.raises(RuntimeError), transaction.atomic():
        observations_write_frame(series=series, frame=rejected[rejected["time"] == target],
                                 source="correction")  # fmt: skip
        raise RuntimeError("rolled back")
    hourly = selectors.observations_resampled(series, *window, resolution_minutes=60)
    assert_same(hourly, oracle_hourly(corrected, *window, "mean"))
    observations_write_frame(series=series, frame=accepted[accepted["time"] == target],
                             source="correction")  # fmt: skip
    hourly = selectors.observations_resampled(series, *window, resolution_minutes=60)
    assert_same(hourly, oracle_hourly(accepted, *window, "mean"))


def test_raw_telemetry_retention_keeps_its_aggregates_and_other_series(
    timescaledb, tenant, settings
):
    now = dt.datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    telemetry = series_create(tenant=tenant, key="telemetry-1-electric_power",
                              kind="electric_power", resolution_minutes=1)  # fmt: skip
    prices = price_series("dk1-price-retention")
    old, recent = now - dt.timedelta(days=40), now - dt.timedelta(days=2)
    telemetry_raw = pd.concat([frame(old, 600, 1, seed=3), frame(recent, 600, 1, seed=4)])
    price_raw = pd.concat([frame(old, 40, 15, seed=5), frame(recent, 40, 15, seed=6)])
    observations_write_frame(series=telemetry, frame=telemetry_raw, source="device", tenant=tenant)
    observations_write_frame(series=prices, frame=price_raw, source="test")
    for view in (timescale.HOURLY, timescale.DAILY):  # the refresh policy ran back then
        query("CALL refresh_continuous_aggregate(%s, NULL, NULL)", [view])
    old_window = (old, old + dt.timedelta(hours=10))
    expected = oracle_hourly(telemetry_raw, *old_window, "mean")
    try:
        settings.TIMESCALEDB_TELEMETRY_RETENTION_DAYS = 30
        timescale.sync()
        # when the retention job runs
        query("CALL run_job(%s)", [job_id(timescale.RETENTION_PROCEDURE)])
        # then old raw telemetry is gone, recent telemetry and every price stay
        assert Observation.objects.filter(series=telemetry).count() == 600
        assert (
            Observation.objects.filter(
                series=telemetry, time__lt=now - dt.timedelta(days=30)
            ).count()
            == 0
        )
        assert Observation.objects.filter(series=prices).count() == 80
        # and the old telemetry still reads hourly from its aggregate, also after a refresh
        query("CALL run_job(%s)", [job_id("policy_refresh_continuous_aggregate", timescale.HOURLY)])
        result = selectors.observations_resampled(
            telemetry, *old_window, resolution_minutes=60, aggregation="mean"
        )
        assert_same(result, expected)
        assert_same(
            selectors.observations_resampled(prices, *old_window, resolution_minutes=60),
            oracle_hourly(price_raw, *old_window, "mean"),
        )
    finally:
        settings.TIMESCALEDB_TELEMETRY_RETENTION_DAYS = None
        timescale.sync()
