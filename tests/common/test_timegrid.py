import datetime as dt

import pandas as pd
import pytest

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import (
    delivery_day_periods,
    local_days,
    periods_in_day,
    require_aware,
)


@pytest.mark.parametrize(
    ("day", "mtu", "expected"),
    [
        (dt.date(2024, 3, 31), 15, 92),
        (dt.date(2024, 10, 27), 15, 100),
        (dt.date(2024, 6, 1), 15, 96),
        (dt.date(2025, 3, 30), 60, 23),
        (dt.date(2025, 10, 26), 60, 25),
    ],
)
def test_delivery_day_has_dst_aware_period_count(day, mtu, expected):
    # when
    periods = delivery_day_periods(day, mtu)
    # then
    assert len(periods) == expected == periods_in_day(day, mtu)
    assert str(periods.tz) == "UTC"
    assert periods[0].tz_convert("Europe/Copenhagen").hour == 0


def test_local_days_groups_utc_back_to_the_local_day():
    # given the 25-hour day of 2024-10-27
    periods = delivery_day_periods(dt.date(2024, 10, 27), 60)
    # when
    days = local_days(periods)
    # then
    assert set(days) == {dt.date(2024, 10, 27)}
    assert periods[0] == pd.Timestamp("2024-10-26T22:00Z")


def test_naive_datetime_is_rejected_naming_the_field():
    with pytest.raises(ValidationError) as err:
        require_aware(dt.datetime(2024, 1, 1), "start_at")
    assert str(err.value) == "start_at: naive datetime; give a UTC offset or time zone"
