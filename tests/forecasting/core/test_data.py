import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import delivery_day_periods
from forecasting.core.data import (
    check_gaps,
    fill_short_gaps,
    parse_filters,
    read_frame,
    require_utc_index,
    to_resolution,
)
from tests.forecasting.core.conftest import HEAT_FILE, PRICE_FILE, WEATHER_FILE


def test_read_frame_filters_long_format_and_joins_files_on_time_utc():
    # given DK1 prices (long format, two areas) and the Open-Meteo weather file
    # when
    frame = read_frame([PRICE_FILE, WEATHER_FILE], {"price_area": "DK1"})
    # then one row per hour, numeric columns only, tz-aware UTC index
    assert str(frame.index.tz) == "UTC"
    assert not frame.index.has_duplicates
    assert {"price_eur_per_mwh", "temperature_c"} <= set(frame.columns)
    assert "price_area" not in frame.columns and "source" not in frame.columns
    row = frame.loc[pd.Timestamp("2018-01-01T00:00Z")]
    assert row["price_eur_per_mwh"] == pytest.approx(26.43)
    assert np.isnan(row["temperature_c"])  # weather starts in 2022


def test_read_frame_without_filter_on_long_format_names_the_duplicate():
    # when / then
    with pytest.raises(
        ValidationError, match=r"^time_utc: duplicate timestamp 2018-01-01T00:00:00\+00:00"
    ):
        read_frame([PRICE_FILE])


def test_parse_filters_rejects_missing_equals_sign():
    # when / then
    with pytest.raises(ValidationError, match=r"^filter: expected COL=VALUE, got 'DK1'$"):
        parse_filters(["DK1"])


def test_naive_index_is_rejected():
    # given
    frame = pd.DataFrame({"x": [1.0]}, index=pd.DatetimeIndex(["2024-01-01 00:00"]))
    # when / then
    with pytest.raises(
        ValidationError, match=r"^time_utc: naive timestamps; expected tz-aware UTC$"
    ):
        require_utc_index(frame)


def test_hourly_to_quarter_hours_repeats_power_and_splits_energy_on_a_dst_day():
    # given the 23-hour local day 2015-03-29 with a power and an energy column
    hours = delivery_day_periods(dt.date(2015, 3, 29), 60)
    frame = pd.DataFrame(
        {"heat_mw": np.arange(23.0), "heat_energy_mwh": np.full(23, 4.0)}, index=hours
    )
    # when
    quarter = to_resolution(frame, "15min")
    # then 92 quarter-hours; power repeated, energy split in four
    assert len(quarter) == 92
    assert quarter.index.equals(delivery_day_periods(dt.date(2015, 3, 29), 15))
    assert quarter["heat_mw"].iloc[:5].tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]
    assert quarter["heat_energy_mwh"].sum() == pytest.approx(92.0)


def test_missing_source_hour_stays_missing_after_upsampling(heat_frame):
    # given one hour removed
    frame = heat_frame.loc["2014-02-01":"2014-02-02"].drop(pd.Timestamp("2014-02-01T05:00Z"))
    # when
    quarter = to_resolution(frame, "15min")
    # then its four quarter-hours are NaN, the neighbours are not
    window = quarter.loc["2014-02-01T04:45Z":"2014-02-01T06:00Z", "heat_load_mw"]
    assert window.isna().tolist() == [False, True, True, True, True, False]


def test_check_gaps_names_column_and_first_missing_period(heat_frame):
    # given a frame with two missing hours
    frame = to_resolution(
        heat_frame.loc["2014-02-01":"2014-02-03"].drop(
            [pd.Timestamp("2014-02-02T07:00Z"), pd.Timestamp("2014-02-02T08:00Z")]
        ),
        "60min",
    )
    # when / then
    with pytest.raises(ValidationError) as raised:
        check_gaps(frame, ["heat_load_mw"], frame.index[0], frame.index[-1])
    assert raised.value.field == "heat_load_mw"
    assert raised.value.reason == (
        "gap: 2 missing value(s) between 2014-02-01T00:00:00+00:00 and "
        "2014-02-03T23:00:00+00:00, first at 2014-02-02T07:00:00+00:00"
    )


def test_fill_short_gaps_interpolates_only_short_runs():
    # given a one-step gap and a five-step gap
    index = pd.date_range("2024-01-01", periods=10, freq="h", tz="UTC")
    values = [0.0, np.nan, 2.0, 3.0, np.nan, np.nan, np.nan, np.nan, np.nan, 9.0]
    frame = pd.DataFrame({"temperature_c": values}, index=index)
    # when
    filled = fill_short_gaps(frame, ["temperature_c"], max_steps=3)
    # then
    assert filled["temperature_c"].iloc[1] == pytest.approx(1.0)
    assert filled["temperature_c"].iloc[4:9].isna().all()


def test_heat_file_is_regular_hourly(heat_frame):
    # when
    frame = to_resolution(heat_frame, "60min")
    # then
    assert len(frame) == 17520
    assert not frame.isna().any().any()
    assert HEAT_FILE.exists()
