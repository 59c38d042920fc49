import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from forecasting.core.features import (
    day_ahead_origins,
    day_type,
    latest_available_lag,
    mean_before,
    shift_local_days,
)


def _origin(local: str) -> pd.Timestamp:
    return pd.Timestamp(local, tz=LOCAL_TZ).tz_convert("UTC")


def test_latest_available_lag_uses_only_values_before_the_origin():
    # given a series whose value is its own local day-of-month * 100 + local hour
    index = pd.date_range("2024-05-01", "2024-05-10", freq="h", tz="UTC", inclusive="left")
    local = index.tz_convert(LOCAL_TZ)
    series = pd.Series(local.day * 100 + local.hour, index=index, dtype=float)
    horizon = delivery_day_periods(dt.date(2024, 5, 8), 60)
    origin = _origin("2024-05-07 10:00")
    # when
    lagged = latest_available_lag(series, horizon, origin, period_days=1)
    # then hours 00-09 repeat 7 May (before 10:00), hours 10-23 repeat 6 May
    expected = [700 + h for h in range(10)] + [600 + h for h in range(10, 24)]
    assert lagged.tolist() == expected


def test_weekly_lag_is_same_local_hour_one_week_earlier():
    # given
    index = pd.date_range("2024-05-01", "2024-05-10", freq="h", tz="UTC", inclusive="left")
    local = index.tz_convert(LOCAL_TZ)
    series = pd.Series(local.day * 100 + local.hour, index=index, dtype=float)
    horizon = delivery_day_periods(dt.date(2024, 5, 9), 60)
    # when
    lagged = latest_available_lag(series, horizon, _origin("2024-05-08 10:00"), period_days=7)
    # then
    assert lagged.tolist() == [200 + h for h in range(24)]


def test_shift_local_days_keeps_local_clock_across_dst():
    # given 12:00 local on the day after spring-forward (UTC+2)
    moment = pd.DatetimeIndex([_origin("2024-04-01 12:00")])
    # when
    shifted = shift_local_days(moment, 2)
    # then 12:00 local two days earlier, when the offset was UTC+1
    assert shifted[0] == _origin("2024-03-30 12:00")
    assert shifted[0] == pd.Timestamp("2024-03-30T11:00Z")


def test_day_ahead_origins_are_previous_local_day_at_origin_time():
    # given periods of the 25-hour day 2024-10-27
    periods = delivery_day_periods(dt.date(2024, 10, 27), 60)
    # when
    origins = day_ahead_origins(periods, dt.time(10, 0))
    # then
    assert set(origins) == {_origin("2024-10-26 10:00")}


def test_day_type_marks_saturday_sunday_and_danish_holidays():
    # given a working day, a Saturday, a Sunday and Christmas Day (Wednesday)
    days = ["2024-12-20", "2024-12-21", "2024-12-22", "2024-12-25"]
    index = pd.DatetimeIndex([_origin(f"{d} 12:00") for d in days])
    # when / then
    assert day_type(index).tolist() == [0, 1, 2, 2]


def test_mean_before_averages_the_window_before_each_origin():
    # given
    index = pd.date_range("2024-01-01", periods=48, freq="h", tz="UTC")
    series = pd.Series(np.arange(48.0), index=index)
    origin = pd.Timestamp("2024-01-02T00:00Z")
    # when
    mean = mean_before(series, index[-3:], origin, pd.Timedelta("24h"))
    # then mean of 0..23
    assert mean.tolist() == pytest.approx([11.5, 11.5, 11.5])
