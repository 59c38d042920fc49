import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import delivery_day_periods
from optimization.core.household.tariffs import (
    compute_bill,
    price_components,
    tariff_table_from_dict,
)

from .conftest import TARIFF_TABLE_DATA


def test_worked_winter_bill_matches_hand_calculation(tariff_table):
    # given 2 kWh in a low (03:00), high (10:00) and peak (18:00) local hour of 2025-01-15,
    # spot 100/200/300 EUR/MWh, and 1 kWh exported in the high hour
    index = pd.DatetimeIndex(
        ["2025-01-15T02:00Z", "2025-01-15T09:00Z", "2025-01-15T17:00Z"], tz="UTC"
    )
    prices = price_components(index, np.array([100.0, 200.0, 300.0]), tariff_table)
    # when
    bill = compute_bill(prices, np.array([2.0, 2.0, 2.0]), np.array([0.0, 1.0, 0.0]))
    # then: by hand, DKK / 7.5 = EUR
    #   energy     2·(0.1 + 0.2 + 0.3)            = 1.2
    #   DSO        2·(0.15 + 0.45 + 1.35)/7.5     = 0.52
    #   Energinet  6·0.15/7.5                     = 0.12
    #   elafgift   6·0.727/7.5                    = 0.5816
    #   VAT        0.25·(1.2 + 0.52 + 0.12 + 0.5816) = 0.6054
    #   export     1·(0.2 − 0.0375/7.5)           = 0.195
    assert bill.energy_eur == pytest.approx(1.2, abs=1e-12)
    assert bill.dso_tariff_eur == pytest.approx(0.52, abs=1e-12)
    assert bill.energinet_tariff_eur == pytest.approx(0.12, abs=1e-12)
    assert bill.electricity_tax_eur == pytest.approx(0.5816, abs=1e-12)
    assert bill.vat_eur == pytest.approx(0.6054, abs=1e-12)
    assert bill.export_revenue_eur == pytest.approx(0.195, abs=1e-12)
    assert bill.total_eur == pytest.approx(3.027 - 0.195, abs=1e-12)
    assert list(prices.time_of_use_period) == ["low", "high", "peak"]


def test_electricity_tax_switches_at_local_midnight_on_2026_01_01(tariff_table):
    # given 1 kWh at local 23:00 on 31 Dec 2025 and 1 kWh at local 00:00 on 1 Jan 2026, spot 0
    index = pd.DatetimeIndex(["2025-12-31T22:00Z", "2025-12-31T23:00Z"], tz="UTC")
    prices = price_components(index, np.zeros(2), tariff_table)
    # when
    bill = compute_bill(prices, np.ones(2), np.zeros(2))
    # then: tax 0.727 then 0.008 DKK; DSO high 0.45 then low 0.15 DKK
    assert prices.electricity_tax_eur_per_kwh * 7.5 == pytest.approx([0.727, 0.008])
    assert bill.electricity_tax_eur == pytest.approx(0.098, abs=1e-12)
    assert bill.dso_tariff_eur == pytest.approx(0.08, abs=1e-12)
    assert bill.vat_eur == pytest.approx(0.25 * (0.08 + 0.04 + 0.098), abs=1e-12)
    assert bill.total_eur == pytest.approx(0.2725, abs=1e-12)


@pytest.mark.parametrize(
    ("day", "mtu", "expected_counts"),
    [
        (dt.date(2025, 3, 30), 60, {"low": 5, "high": 14, "peak": 4}),
        (dt.date(2025, 10, 26), 60, {"low": 7, "high": 14, "peak": 4}),
        (dt.date(2025, 3, 30), 15, {"low": 20, "high": 56, "peak": 16}),
        (dt.date(2025, 10, 26), 15, {"low": 28, "high": 56, "peak": 16}),
        (dt.date(2025, 6, 2), 15, {"low": 24, "high": 56, "peak": 16}),
    ],
)
def test_time_of_use_periods_follow_the_local_clock_on_dst_days(
    tariff_table, day, mtu, expected_counts
):
    # given
    index = delivery_day_periods(day, mtu)
    # when
    prices = price_components(index, np.zeros(len(index)), tariff_table)
    # then
    periods, counts = np.unique(prices.time_of_use_period, return_counts=True)
    assert dict(zip(periods, counts.tolist(), strict=True)) == expected_counts
    peak = prices.time_of_use_period == "peak"
    assert prices.period_start_utc[peak][0].tz_convert("Europe/Copenhagen").hour == 17


def test_season_follows_the_local_month(tariff_table):
    # given local 00:00 and 17:00 on 1 Oct 2025 (UTC 30 Sep 22:00 and 1 Oct 15:00) and 17:00 on 30 Sep
    index = pd.DatetimeIndex(
        ["2025-09-30T15:00Z", "2025-09-30T22:00Z", "2025-10-01T15:00Z"], tz="UTC"
    )
    # when
    prices = price_components(index, np.zeros(3), tariff_table)
    # then: summer peak, winter low, winter peak
    assert prices.dso_tariff_eur_per_kwh * 7.5 == pytest.approx([0.6, 0.15, 1.35])


def test_tariff_year_applies_another_years_rates_to_the_same_local_dates(tariff_table):
    # given a 2023 hour evaluated under the 2026 rates
    index = pd.DatetimeIndex(["2023-01-15T09:00Z"], tz="UTC")
    # when
    prices = price_components(index, np.zeros(1), tariff_table, tariff_year=2026)
    # then
    assert prices.electricity_tax_eur_per_kwh * 7.5 == pytest.approx([0.008])


def test_missing_rate_names_the_field_and_date(tariff_table):
    # given an hour after the last elafgift entry (valid to 2028-01-01)
    index = pd.DatetimeIndex(["2028-01-01T12:00Z"], tz="UTC")
    # when / then
    with pytest.raises(ValidationError) as error:
        price_components(index, np.zeros(1), tariff_table)
    assert error.value.field == "tariff_table.electricity_tax_dkk_per_kwh"
    assert error.value.reason == "no rate valid on local date 2028-01-01"


def test_bad_tariff_json_names_the_field():
    # given a table whose period list is too short
    data = {**TARIFF_TABLE_DATA, "period_by_local_hour": ["low"] * 23}
    # when / then
    with pytest.raises(ValidationError) as error:
        tariff_table_from_dict(data)
    assert error.value.field == "tariff_table.period_by_local_hour"
