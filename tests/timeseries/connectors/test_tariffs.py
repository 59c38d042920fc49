"""DatahubPricelist tariffs: price lists over HTTP → tariff periods → hourly / 15-min prices."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ainergy.common.errors import ValidationError
from ainergy.timeseries.connectors import (
    EnergiDataServiceClient,
    fetch_tariff_periods,
    tariff_periods_from_records,
    tariff_price_points,
    tariff_series,
)

UTC = dt.UTC
DSO_GLN = "5790000705689"
LOW, HIGH, PEAK = "low", "high", "peak"
# Tarifmodel 3.0: lavlast 00–06, højlast 06–17 and 21–24, spidslast 17–21 (local clock hours).
BANDS = [LOW] * 6 + [HIGH] * 11 + [PEAK] * 4 + [HIGH] * 3


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def pricelist_record(valid_from, valid_to, prices, *, code="DT_C_01", gln=DSO_GLN, flat=False):
    record = {
        "ChargeOwner": "Eksempel Elnet A/S",
        "GLN_Number": gln,
        "ChargeType": "D03",
        "ChargeTypeCode": code,
        "Note": "Nettarif C time",
        "Description": "Nettarif C time",
        "ValidFrom": valid_from,
        "ValidTo": valid_to,
        "VATClass": "D02",
        "TransparentInvoicing": 1,
        "TaxIndicator": 0,
        "ResolutionDuration": "PT1H",
    }
    for hour in range(24):
        record[f"Price{hour + 1}"] = (
            None if flat and hour else prices[BANDS[hour]] if isinstance(prices, dict) else prices
        )
    return record


WINTER = {LOW: 0.1, HIGH: 0.3, PEAK: 0.9}
SUMMER = {LOW: 0.1, HIGH: 0.15, PEAK: 0.39}


def dso_pricelist() -> list[dict]:
    return [
        pricelist_record("2024-01-01T00:00:00", "2024-04-01T00:00:00", WINTER),
        pricelist_record("2024-04-01T00:00:00", "2024-10-01T00:00:00", SUMMER),
        pricelist_record("2024-10-01T00:00:00", None, WINTER),
    ]


def test_pricelist_becomes_tariff_periods_with_utc_validity():
    # when
    periods = tariff_periods_from_records(dso_pricelist())
    # then validity is local midnight, i.e. 23:00Z in winter and 22:00Z in summer
    assert [(p.valid_from_at, p.valid_to_at) for p in periods] == [
        (at(2023, 12, 31, 23), at(2024, 3, 31, 22)),
        (at(2024, 3, 31, 22), at(2024, 9, 30, 22)),
        (at(2024, 9, 30, 22), None),
    ]
    assert periods[0].hourly_prices_dkk_per_kwh == tuple(
        [0.1] * 6 + [0.3] * 11 + [0.9] * 4 + [0.3] * 3
    )
    assert periods[1].hourly_prices_dkk_per_mwh[17] == 390.0
    assert (periods[0].gln_number, periods[0].charge_type, periods[0].charge_type_code) == (
        DSO_GLN,
        "D03",
        "DT_C_01",
    )


def test_flat_charge_uses_price1_for_every_hour():
    # given Energinet's system tariff: only Price1 is published
    record = pricelist_record(
        "2024-01-01T00:00:00", None, 0.054, code="41000", gln="5790000432752", flat=True
    )
    # when
    (period,) = tariff_periods_from_records([record])
    # then
    assert period.hourly_prices_dkk_per_kwh == (0.054,) * 24
    assert period.hourly_prices_dkk_per_mwh == (54.0,) * 24


def test_hourly_prices_on_the_23_hour_day_follow_local_clock_hours():
    # given the winter list ending and summer list starting at local midnight after 2024-03-31
    periods = tariff_periods_from_records(dso_pricelist())
    # when the local delivery day 2024-03-31 (23 hours) is priced hourly
    points = tariff_price_points(periods, start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31, 22))
    # then local hours 00, 01, 03, …, 23 (no 02) get their winter prices
    assert [moment for moment, _ in points] == [
        at(2024, 3, 30, 23) + dt.timedelta(hours=h) for h in range(23)
    ]
    assert [price for _, price in points] == [0.1] * 5 + [0.3] * 11 + [0.9] * 4 + [0.3] * 3


def test_hourly_prices_on_the_25_hour_day_repeat_the_0200_price():
    # given
    periods = tariff_periods_from_records(dso_pricelist())
    # when the local delivery day 2024-10-27 (25 hours) is priced hourly
    points = tariff_price_points(
        periods, start_at=at(2024, 10, 26, 22), end_at=at(2024, 10, 27, 23)
    )
    # then
    assert len(points) == 25
    assert [price for _, price in points] == [0.1] * 7 + [0.3] * 11 + [0.9] * 4 + [0.3] * 3


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (at(2024, 3, 30, 23), at(2024, 3, 31, 22), 92),
        (at(2024, 6, 11, 22), at(2024, 6, 12, 22), 96),
        (at(2024, 10, 26, 22), at(2024, 10, 27, 23), 100),
    ],
)
def test_quarter_hour_prices_repeat_each_hourly_price_four_times(start, end, count):
    # given
    periods = tariff_periods_from_records(dso_pricelist())
    # when
    points = tariff_price_points(periods, start_at=start, end_at=end, resolution_minutes=15)
    hourly = tariff_price_points(periods, start_at=start, end_at=end)
    # then
    assert len(points) == count
    assert [moment for moment, _ in points] == [
        start + dt.timedelta(minutes=15 * i) for i in range(count)
    ]
    assert [price for _, price in points] == [price for _, price in hourly for _ in range(4)]


def test_validity_change_applies_from_local_midnight():
    # given
    periods = tariff_periods_from_records(dso_pricelist())
    # when pricing 17:00–19:00 local on 2024-09-30 (summer list) and 2024-10-01 (winter list)
    summer = tariff_price_points(periods, start_at=at(2024, 9, 30, 15), end_at=at(2024, 9, 30, 17))
    winter = tariff_price_points(periods, start_at=at(2024, 10, 1, 15), end_at=at(2024, 10, 1, 17))
    # then
    assert [price for _, price in summer] == [0.39, 0.39]
    assert [price for _, price in winter] == [0.9, 0.9]


def test_tariff_series_is_in_dkk_per_mwh():
    # given
    periods = tariff_periods_from_records(dso_pricelist())
    # when
    batch = tariff_series(
        periods, start_at=at(2024, 6, 12, 14), end_at=at(2024, 6, 12, 16), resolution_minutes=60
    )
    # then (16:00 local is højlast, 17:00 local spidslast)
    assert (batch.series_key, batch.unit, batch.resolution_minutes) == (
        f"grid_tariff_dkk_per_mwh:{DSO_GLN}/D03/DT_C_01",
        "DKK/MWh",
        60,
    )
    assert batch.points == ((at(2024, 6, 12, 14), 150.0), (at(2024, 6, 12, 15), 390.0))


def test_fetch_tariff_periods_over_http(fake_apis, http):
    # given the DSO's list, another charge code and another company's list on the server
    fake_apis.eds_records["DatahubPricelist"] = [
        *dso_pricelist(),
        pricelist_record("2024-01-01T00:00:00", None, WINTER, code="DT_B_01"),
        pricelist_record("2024-01-01T00:00:00", None, WINTER, gln="5790000610099"),
        pricelist_record("2023-01-01T00:00:00", "2024-01-01T00:00:00", SUMMER),
    ]
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http, page_size=2)
    # when periods overlapping October 2024 are asked for
    periods = fetch_tariff_periods(
        client,
        gln_number=DSO_GLN,
        charge_type_codes=["DT_C_01"],
        start_at=at(2024, 10, 5),
        end_at=at(2024, 11, 1),
    )
    # then
    assert [(p.valid_from_at, p.valid_to_at) for p in periods] == [(at(2024, 9, 30, 22), None)]
    served = fake_apis.requests_to("/dataset/DatahubPricelist")
    assert json.loads(served[0].query["filter"]) == {
        "GLN_Number": [DSO_GLN],
        "ChargeType": ["D03"],
        "ChargeTypeCode": ["DT_C_01"],
    }
    assert "start" not in served[0].query
    assert len(served) == 2


def test_missing_price1_raises():
    # given
    record = pricelist_record("2024-01-01T00:00:00", None, WINTER)
    del record["Price1"]
    # when
    with pytest.raises(ValidationError) as caught:
        tariff_periods_from_records([record])
    # then
    assert str(caught.value) == "DatahubPricelist.Price1: missing in record 0"


def test_missing_valid_from_raises():
    # given
    record = pricelist_record("2024-01-01T00:00:00", None, WINTER)
    del record["ValidFrom"]
    # when
    with pytest.raises(ValidationError) as caught:
        tariff_periods_from_records([record])
    # then
    assert str(caught.value) == "DatahubPricelist.ValidFrom: missing in record 0"


def test_partly_null_hourly_prices_raise():
    # given Price18 is null while the other hours have prices
    record = pricelist_record("2024-01-01T00:00:00", None, WINTER)
    record["Price18"] = None
    # when
    with pytest.raises(ValidationError) as caught:
        tariff_periods_from_records([record])
    # then
    assert (
        str(caught.value)
        == "DatahubPricelist.Price18: null in record 0 while other hours have prices"
    )


def test_uncovered_period_raises():
    # given only the winter list ending 2024-04-01
    periods = tariff_periods_from_records(dso_pricelist()[:1])
    # when
    with pytest.raises(ValidationError) as caught:
        tariff_price_points(periods, start_at=at(2024, 3, 31, 21), end_at=at(2024, 3, 31, 23))
    # then
    assert (
        str(caught.value)
        == "DatahubPricelist.ValidFrom: no price list entry covers 2024-03-31T22:00:00+00:00"
    )


def test_mixing_charges_is_refused():
    # given two different charge codes
    periods = tariff_periods_from_records(
        [dso_pricelist()[0], pricelist_record("2024-01-01T00:00:00", None, WINTER, code="DT_B_01")]
    )
    # when
    with pytest.raises(ValidationError) as caught:
        tariff_price_points(periods, start_at=at(2024, 1, 2), end_at=at(2024, 1, 3))
    # then
    assert str(caught.value) == "periods: mixes several charges; pass one charge at a time"
