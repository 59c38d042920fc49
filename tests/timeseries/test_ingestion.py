"""Validation, all-or-nothing writes, idempotent upserts, DST days, resampling."""

import datetime as dt
import math

import pandas as pd
import pytest

from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.common.timegrid import delivery_day_periods
from ainergy.timeseries.models import Observation
from ainergy.timeseries.selectors import observations_daily, observations_resampled
from ainergy.timeseries.services import (
    SeriesBatch,
    observations_ingest,
    observations_write_frame,
    series_create,
)


def points(start: str, values, step_minutes=60):
    base = pd.Timestamp(start)
    return [
        {"time": (base + pd.Timedelta(minutes=step_minutes * i)).isoformat(), "value": value}
        for i, value in enumerate(values)
    ]


def test_batch_is_written_and_repeat_changes_nothing(tenant, heat_series):
    batch = [SeriesBatch(heat_series, points("2024-01-01T00:00Z", [100.0, 110.0, 120.0]))]
    observations_ingest(tenant=tenant, batches=batch, source="test")
    observations_ingest(tenant=tenant, batches=batch, source="test")
    assert list(Observation.objects.order_by("time").values_list("value", flat=True)) == [
        100.0,
        110.0,
        120.0,
    ]


def test_repeat_with_new_values_updates_in_place(tenant, heat_series):
    observations_ingest(
        tenant=tenant,
        batches=[SeriesBatch(heat_series, points("2024-01-01T00:00Z", [1.0, 2.0]))],
        source="a",
    )
    observations_ingest(
        tenant=tenant,
        batches=[SeriesBatch(heat_series, points("2024-01-01T01:00Z", [5.0]))],
        source="b",
    )
    assert list(Observation.objects.order_by("time").values_list("value", "source")) == [
        (1.0, "a"),
        (5.0, "b"),
    ]


@pytest.mark.parametrize(
    ("bad_points", "message"),
    [
        (
            [{"time": "2024-01-01T00:00", "value": 1}],
            "batches[0].points[0].time: naive timestamp; give a UTC offset (e.g. 'Z' or '+01:00')",
        ),
        (
            [{"time": "yesterday-ish", "value": 1}],
            "batches[0].points[0].time: unparsable timestamp 'yesterday-ish'",
        ),
        (
            [{"time": "2024-01-01T00:00Z", "value": math.nan}],
            "batches[0].points[0].value: not a finite number (nan)",
        ),
        (
            [{"time": "2024-01-01T00:00Z", "value": math.inf}],
            "batches[0].points[0].value: not a finite number (inf)",
        ),
        (
            [{"time": "2024-01-01T00:00Z", "value": "12,5"}],
            "batches[0].points[0].value: expected a number, got '12,5'",
        ),
        (
            [{"time": "2024-01-01T00:00Z", "value": -3}],
            "batches[0].points[0].value: -3 kW is outside the physical range [0, 1e+07] of heat_demand",
        ),
        (
            [
                {"time": "2024-01-01T00:00Z", "value": 1},
                {"time": "2024-01-01T01:00+01:00", "value": 2},
            ],
            "batches[0].points[1].time: duplicate timestamp 2024-01-01T00:00:00+00:00 (also at position 0)",
        ),
        (
            [{"time": "2024-01-01T00:30Z", "value": 1}],
            "batches[0].points[0].time: 2024-01-01T00:30:00+00:00 is not on the 60-minute grid",
        ),
        ([{"value": 1}], "batches[0].points[0].time: missing"),
        ([], "batches[0].points: empty batch"),
    ],
)
def test_bad_points_name_field_and_reason_and_write_nothing(
    tenant, heat_series, quarter_series, bad_points, message
):
    # given a good batch for another series in the same request
    good = SeriesBatch(quarter_series, points("2024-01-01T00:00Z", [10.0], 15))
    # when
    with pytest.raises(ValidationError) as error:
        observations_ingest(
            tenant=tenant, batches=[SeriesBatch(heat_series, bad_points), good], source="x"
        )
    # then
    assert str(error.value) == message
    assert Observation.objects.count() == 0


def test_a_bad_second_batch_rolls_back_the_first(tenant, heat_series, quarter_series):
    with pytest.raises(ValidationError):
        observations_ingest(
            tenant=tenant,
            batches=[
                SeriesBatch(quarter_series, points("2024-01-01T00:00Z", [10.0], 15)),
                SeriesBatch(heat_series, [{"time": "2024-01-01T00:00Z", "value": "n/a"}]),
            ],
            source="x",
        )
    assert Observation.objects.count() == 0


def test_oversize_batch_is_rejected(tenant, heat_series, settings):
    settings.TIMESERIES_MAX_POINTS_PER_REQUEST = 3
    with pytest.raises(ValidationError) as error:
        observations_ingest(
            tenant=tenant,
            batches=[SeriesBatch(heat_series, points("2024-01-01T00:00Z", [1, 2, 3, 4]))],
            source="x",
        )
    assert str(error.value) == "batches: 4 points exceed the limit of 3 per request"
    assert Observation.objects.count() == 0


def test_series_of_another_tenant_cannot_be_written(tenant, other_tenant, heat_series):
    with pytest.raises(NotFoundError) as error:
        observations_ingest(
            tenant=other_tenant,
            batches=[SeriesBatch(heat_series, points("2024-01-01T00:00Z", [1.0]))],
            source="x",
        )
    assert str(error.value) == "Series not found."
    assert Observation.objects.count() == 0


def test_public_series_need_a_public_kind(db):
    with pytest.raises(ValidationError) as error:
        series_create(tenant=None, key="x", kind="heat_demand", resolution_minutes=60)
    assert str(error.value) == "kind: heat_demand series belong to a tenant"


@pytest.mark.parametrize(
    ("day", "expected_points"),
    [(dt.date(2024, 3, 31), 92), (dt.date(2024, 10, 27), 100), (dt.date(2024, 6, 3), 96)],
)
def test_dst_day_end_to_end_local_in_utc_stored_daily_back(
    tenant, quarter_series, day, expected_points
):
    # given a full local delivery day of quarter-hour readings sent with local offsets
    local_times = delivery_day_periods(day, 15).tz_convert("Europe/Copenhagen")
    batch = [{"time": t.isoformat(), "value": 4.0} for t in local_times]
    # when
    observations_ingest(
        tenant=tenant, batches=[SeriesBatch(quarter_series, batch)], source="device"
    )
    # then: stored in UTC, one row per quarter-hour, and the local day sums them all
    stored = list(Observation.objects.order_by("time").values_list("time", flat=True))
    assert len(stored) == expected_points
    assert stored[0] == delivery_day_periods(day, 15)[0].to_pydatetime()
    daily = observations_daily(
        quarter_series, day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    )
    assert list(daily.index) == [day]
    assert daily.loc[day, "value"] == 4.0 * expected_points
    assert daily.loc[day, "count"] == expected_points


def test_resample_quarter_hours_to_hours(tenant, quarter_series):
    observations_write_frame(
        series=quarter_series,
        frame=pd.DataFrame(
            {
                "time": pd.date_range("2024-10-27T00:00Z", periods=8, freq="15min"),
                "value": [1, 2, 3, 4, 10, 10, 10, 30],
            }
        ),
        source="x",
    )
    hourly = observations_resampled(
        quarter_series,
        dt.datetime(2024, 10, 27, tzinfo=dt.UTC),
        dt.datetime(2024, 10, 27, 2, tzinfo=dt.UTC),
        resolution_minutes=60,
    )
    assert list(hourly["value"]) == [2.5, 15.0]
    assert list(hourly["count"]) == [4, 4]
    assert list(hourly.index) == list(pd.date_range("2024-10-27T00:00Z", periods=2, freq="h"))
    maxima = observations_resampled(
        quarter_series,
        dt.datetime(2024, 10, 27, tzinfo=dt.UTC),
        dt.datetime(2024, 10, 28, tzinfo=dt.UTC),
        resolution_minutes=30,
        aggregation="max",
    )
    assert list(maxima["value"]) == [2.0, 4.0, 10.0, 30.0]


def test_bulk_frame_rejects_naive_and_duplicates(tenant, heat_series):
    naive = pd.DataFrame(
        {"time": pd.date_range("2024-01-01", periods=2, freq="h"), "value": [1.0, 2.0]}
    )
    with pytest.raises(ValidationError) as error:
        observations_write_frame(series=heat_series, frame=naive, source="x")
    assert str(error.value) == "frame.time: naive timestamps; give tz-aware UTC times"
    dup = pd.DataFrame(
        {"time": pd.DatetimeIndex(["2024-01-01T00:00Z", "2024-01-01T00:00Z"]), "value": [1.0, 2.0]}
    )
    with pytest.raises(ValidationError) as error:
        observations_write_frame(series=heat_series, frame=dup, source="x")
    assert str(error.value) == "frame.time[1]: duplicate timestamp 2024-01-01T00:00:00+00:00"
    assert Observation.objects.count() == 0
