"""Energi Data Service connector over real HTTP against the local fake API."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from ainergy.common.errors import ApplicationError, TransientError, ValidationError
from ainergy.timeseries.connectors import EnergiDataServiceClient, dataset_spec
from ainergy.timeseries.connectors.http import HttpClient, RetryPolicy
from tests.timeseries.connectors.conftest import (
    Fault,
    afrr_records,
    co2_prognosis_records,
    day_ahead_quarter_records,
    elspotprices_records,
    mfrr_records,
    spot_price_rows,
)

UTC = dt.UTC


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def hours(start: dt.datetime, count: int, minutes: int = 60) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=minutes * index) for index in range(count)]


@pytest.fixture
def eds(fake_apis, http) -> EnergiDataServiceClient:
    fake_apis.eds_records["Elspotprices"] = elspotprices_records()
    return EnergiDataServiceClient(base_url=fake_apis.url, http=http, page_size=10)


def by_key(batches):
    return {batch.series_key: batch for batch in batches}


def test_paging_collects_every_record_exactly_once(fake_apis, eds):
    # given 47 DK1 hours 2024-03-29 23:00Z → 2024-03-31 22:00Z and pages of 10 records
    start, end = at(2024, 3, 29, 23), at(2024, 3, 31, 22)
    # when
    batches = eds.fetch_series("elspotprices", start_at=start, end_at=end, zones=["DK1"])
    # then five pages were served, at offsets 0, 10, …, 40, with the query EDS expects
    served = fake_apis.requests_to("/dataset/Elspotprices")
    assert [request.query["offset"] for request in served] == ["0", "10", "20", "30", "40"]
    assert served[0].query == {
        "timezone": "UTC",
        "limit": "10",
        "start": "2024-03-29T23:00",
        "end": "2024-03-31T22:00",
        "filter": '{"PriceArea":["DK1"]}',
        "sort": "HourUTC ASC",
        "offset": "0",
    }
    eur = by_key(batches)["day_ahead_price_eur_per_mwh:DK1"]
    expected = {t: v for t, v in spot_price_rows("DK1").items() if start <= t < end}
    assert len(eur.points) == 47
    assert dict(eur.points) == expected
    assert eur.times_at == hours(start, 47)
    assert (eur.unit, eur.kind, eur.resolution_minutes, eur.zone) == (
        "EUR/MWh",
        "day_ahead_price",
        60,
        "DK1",
    )
    assert eur.source_url.startswith(f"{fake_apis.url}/dataset/Elspotprices?")
    dkk = by_key(batches)["day_ahead_price_dkk_per_mwh:DK1"]
    assert (dkk.unit, dkk.kind, dkk.points[0]) == ("DKK/MWh", None, (at(2024, 3, 29, 23), 516.89))


def test_spring_dst_day_has_23_hourly_points(eds):
    # given the local delivery day 2024-03-31 (clocks jump 02:00 → 03:00)
    start, end = at(2024, 3, 30, 23), at(2024, 3, 31, 22)
    # when
    batches = eds.fetch_series("elspotprices", start_at=start, end_at=end, zones=["DK1"])
    # then
    eur = by_key(batches)["day_ahead_price_eur_per_mwh:DK1"]
    assert eur.times_at == hours(start, 23)
    assert eur.points[0] == (at(2024, 3, 30, 23), 75.7)
    assert eur.points[-1] == (at(2024, 3, 31, 21), 54.9)


def test_autumn_dst_day_has_25_hourly_points(eds):
    # given the local delivery day 2024-10-27 (02:00–03:00 happens twice)
    start, end = at(2024, 10, 26, 22), at(2024, 10, 27, 23)
    # when
    batches = eds.fetch_series("elspotprices", start_at=start, end_at=end, zones=["DK1"])
    # then
    eur = by_key(batches)["day_ahead_price_eur_per_mwh:DK1"]
    assert eur.times_at == hours(start, 25)
    assert eur.values[:4] == [92.22, 84.0, 82.23, 80.43]


@pytest.mark.parametrize(
    ("start", "end", "count"),
    [
        (at(2024, 3, 30, 23), at(2024, 3, 31, 22), 92),
        (at(2024, 10, 26, 22), at(2024, 10, 27, 23), 100),
    ],
)
def test_quarter_hour_prices_on_dst_days(fake_apis, http, start, end, count):
    # given 15-minute DayAheadPrices records
    fake_apis.eds_records["DayAheadPrices"] = day_ahead_quarter_records()
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http, page_size=40)
    # when
    batches = client.fetch_series("day_ahead_prices", start_at=start, end_at=end, zones=["DK1"])
    # then
    eur = by_key(batches)["day_ahead_price_eur_per_mwh:DK1"]
    assert eur.resolution_minutes == 15
    assert eur.times_at == hours(start, count, minutes=15)
    assert len(fake_apis.requests_to("/dataset/DayAheadPrices")) == -(-count // 40)


def test_times_come_from_the_utc_column_even_when_the_local_column_disagrees(fake_apis, eds):
    # given local (HourDK) values that are shifted by a day and one that is garbage
    for record in fake_apis.eds_records["Elspotprices"]:
        record["HourDK"] = record["HourDK"].replace("2024-03-31", "2024-04-01")
    fake_apis.eds_records["Elspotprices"][30]["HourDK"] = "not a time"
    start = at(2024, 3, 30, 23)
    # when
    batches = eds.fetch_series(
        "elspotprices", start_at=start, end_at=at(2024, 3, 31, 22), zones=["DK1"]
    )
    # then
    assert by_key(batches)["day_ahead_price_eur_per_mwh:DK1"].times_at == hours(start, 23)


def test_utc_column_with_offset_is_converted(fake_apis, eds):
    # given HourUTC values that carry an explicit +00:00 / Z
    for record in fake_apis.eds_records["Elspotprices"]:
        record["HourUTC"] += "Z"
    # when
    batches = eds.fetch_series(
        "elspotprices", start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31, 1), zones=["DK1"]
    )
    # then
    assert by_key(batches)["day_ahead_price_eur_per_mwh:DK1"].points == (
        (at(2024, 3, 30, 23), 75.7),
        (at(2024, 3, 31, 0), 66.71),
    )


def test_zones_become_separate_series(eds):
    # given DK1 and DK2 hours of 2024-10-27
    start, end = at(2024, 10, 26, 22), at(2024, 10, 27, 23)
    # when
    batches = eds.fetch_series("elspotprices", start_at=start, end_at=end)
    # then
    assert sorted(by_key(batches)) == [
        "day_ahead_price_dkk_per_mwh:DK1",
        "day_ahead_price_dkk_per_mwh:DK2",
        "day_ahead_price_eur_per_mwh:DK1",
        "day_ahead_price_eur_per_mwh:DK2",
    ]
    dk2 = by_key(batches)["day_ahead_price_eur_per_mwh:DK2"]
    assert dk2.times_at == hours(start, 25)
    assert dict(dk2.points) == {t: v for t, v in spot_price_rows("DK2").items() if start <= t < end}


def test_429_is_retried_honouring_retry_after(fake_apis, eds, sleeps):
    # given two 429 answers asking to wait 2 s
    fake_apis.fail("/dataset/Elspotprices", Fault(status=429, retry_after="2"), times=2)
    # when
    batches = eds.fetch_series(
        "elspotprices", start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31, 1), zones=["DK1"]
    )
    # then the client waited as told (longer than its own back-off) and got the data
    assert sleeps.waits_s == [2.0, 2.0]
    assert len(fake_apis.requests_to("/dataset/Elspotprices")) == 3
    assert by_key(batches)["day_ahead_price_eur_per_mwh:DK1"].values == [75.7, 66.71]


def test_503_is_retried_with_exponential_backoff(fake_apis, eds, sleeps):
    # given three 503 answers without Retry-After
    fake_apis.fail("/dataset/Elspotprices", Fault(status=503), times=3)
    # when
    batches = eds.fetch_series(
        "elspotprices", start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31, 0), zones=["DK1"]
    )
    # then
    assert sleeps.waits_s == [0.01, 0.02, 0.04]
    assert len(fake_apis.requests_to("/dataset/Elspotprices")) == 4
    assert by_key(batches)["day_ahead_price_eur_per_mwh:DK1"].points == (
        (at(2024, 3, 30, 23), 75.7),
    )


def test_retry_on_a_later_page_keeps_records_exactly_once(fake_apis, eds):
    # given a 503 on the second page only
    start, end = at(2024, 3, 29, 23), at(2024, 3, 30, 23)
    original = fake_apis._take_fault
    calls = {"count": 0}

    def second_request_fails(path):
        calls["count"] += 1
        return Fault(status=503) if calls["count"] == 2 else original(path)

    fake_apis._take_fault = second_request_fails
    # when
    batches = eds.fetch_series("elspotprices", start_at=start, end_at=end, zones=["DK1"])
    # then
    offsets = [
        request.query["offset"] for request in fake_apis.requests_to("/dataset/Elspotprices")
    ]
    assert offsets == ["0", "10", "10", "20"]
    assert by_key(batches)["day_ahead_price_eur_per_mwh:DK1"].times_at == hours(start, 24)


def test_exhausted_retries_raise_transient_error(fake_apis, eds, sleeps):
    # given a server that keeps answering 503
    fake_apis.fail("/dataset/Elspotprices", Fault(status=503), times=10)
    # when
    with pytest.raises(TransientError) as caught:
        eds.fetch_series(
            "elspotprices", start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31), zones=["DK1"]
        )
    # then
    assert str(caught.value) == "Elspotprices: HTTP 503 after 4 attempts"
    assert caught.value.extra == {
        "source": "Elspotprices",
        "attempts": 4,
        "last_problem": "HTTP 503",
    }
    assert len(fake_apis.requests_to("/dataset/Elspotprices")) == 4
    assert sleeps.waits_s == [0.01, 0.02, 0.04]


def test_stalled_server_times_out_into_transient_error(fake_apis, sleeps):
    # given a server that answers after 0.6 s and a read time-out of 0.2 s
    fake_apis.eds_records["Elspotprices"] = elspotprices_records()
    fake_apis.fail("/dataset/Elspotprices", Fault(delay_s=0.6), times=2)
    http = HttpClient(
        timeout_s=(1.0, 0.2),
        retry=RetryPolicy(max_attempts=2, backoff_initial_s=0.01),
        sleep=sleeps,
    )
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http)
    # when
    with pytest.raises(TransientError) as caught:
        client.fetch_series(
            "elspotprices", start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31), zones=["DK1"]
        )
    # then
    assert str(caught.value) == "Elspotprices: network error (ReadTimeout) after 2 attempts"


def test_truncated_body_is_retried(fake_apis, eds):
    # given a first answer whose body is cut off mid-way
    fake_apis.fail("/dataset/Elspotprices", Fault(truncate=True))
    # when
    batches = eds.fetch_series(
        "elspotprices", start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31, 0), zones=["DK1"]
    )
    # then
    assert len(fake_apis.requests_to("/dataset/Elspotprices")) == 2
    assert by_key(batches)["day_ahead_price_eur_per_mwh:DK1"].values == [75.7]


def test_client_error_is_terminal_and_not_retried(fake_apis, eds):
    # given a 400 answer (e.g. an unknown filter column)
    fake_apis.fail("/dataset/Elspotprices", Fault(status=400))
    # when
    with pytest.raises(ApplicationError) as caught:
        eds.fetch_series(
            "elspotprices", start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31), zones=["DK1"]
        )
    # then
    assert not isinstance(caught.value, TransientError)
    assert str(caught.value) == "Elspotprices: HTTP 400"
    assert len(fake_apis.requests_to("/dataset/Elspotprices")) == 1


def test_missing_value_field_on_a_later_page_raises_and_returns_nothing(fake_apis, eds):
    # given record 35 of the query (on the fourth page) lacks SpotPriceEUR
    start = at(2024, 3, 29, 23)
    del fake_apis.eds_records["Elspotprices"][35]["SpotPriceEUR"]
    # when
    with pytest.raises(ValidationError) as caught:
        eds.fetch_series("elspotprices", start_at=start, end_at=at(2024, 3, 31, 22), zones=["DK1"])
    # then
    assert caught.value.field == "Elspotprices.SpotPriceEUR"
    assert str(caught.value) == "Elspotprices.SpotPriceEUR: missing in record 35"
    assert caught.value.extra["dataset"] == "Elspotprices"


def test_missing_utc_time_field_raises(fake_apis, eds):
    # given a record without HourUTC (the local HourDK is still there)
    del fake_apis.eds_records["Elspotprices"][0]["HourUTC"]
    # when
    with pytest.raises(ValidationError) as caught:
        eds.fetch_series(
            "elspotprices", start_at=at(2024, 3, 29, 23), end_at=at(2024, 3, 30), zones=["DK1"]
        )
    # then
    assert str(caught.value) == "Elspotprices.HourUTC: missing in record 0"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("SpotPriceEUR", "n/a", "Elspotprices.SpotPriceEUR: unparsable number 'n/a'"),
        ("SpotPriceEUR", "NaN", "Elspotprices.SpotPriceEUR: non-finite number 'NaN'"),
        ("SpotPriceEUR", True, "Elspotprices.SpotPriceEUR: expected a number, got True"),
        (
            "HourUTC",
            "2024-03-30T00:0x:00",
            "Elspotprices.HourUTC: unparsable timestamp '2024-03-30T00:0x:00'",
        ),
        (
            "HourUTC",
            "2024-03-30T00:30:00",
            "Elspotprices.HourUTC: 2024-03-30T00:30:00+00:00 is not on the 60-minute grid",
        ),
    ],
)
def test_unparsable_values_raise(fake_apis, eds, field, value, message):
    # given
    fake_apis.eds_records["Elspotprices"][1][field] = value
    # when
    with pytest.raises(ValidationError) as caught:
        eds.fetch_series(
            "elspotprices", start_at=at(2024, 3, 29, 23), end_at=at(2024, 3, 30, 3), zones=["DK1"]
        )
    # then
    assert str(caught.value) == message


def test_duplicate_timestamps_raise(fake_apis, eds):
    # given the same hour twice
    fake_apis.eds_records["Elspotprices"].insert(1, dict(fake_apis.eds_records["Elspotprices"][0]))
    # when
    with pytest.raises(ValidationError) as caught:
        eds.fetch_series(
            "elspotprices", start_at=at(2024, 3, 29, 23), end_at=at(2024, 3, 30, 3), zones=["DK1"]
        )
    # then
    assert (
        str(caught.value) == "Elspotprices.HourUTC: duplicate timestamp 2024-03-29T23:00:00+00:00"
    )


def test_null_value_is_a_gap_not_an_error(fake_apis, eds):
    # given a null DKK price (EDS publishes nulls for unavailable values)
    fake_apis.eds_records["Elspotprices"][1]["SpotPriceDKK"] = None
    # when
    batches = eds.fetch_series(
        "elspotprices", start_at=at(2024, 3, 29, 23), end_at=at(2024, 3, 30, 2), zones=["DK1"]
    )
    # then
    assert by_key(batches)["day_ahead_price_dkk_per_mwh:DK1"].times_at == [
        at(2024, 3, 29, 23),
        at(2024, 3, 30, 1),
    ]
    assert len(by_key(batches)["day_ahead_price_eur_per_mwh:DK1"].points) == 3


@pytest.mark.parametrize(
    ("raw_body", "message"),
    [
        (
            b'{"total": 3, "records": [{"HourUTC": "2024-03-30T00:00:00", ',
            "Elspotprices.body: response is not valid JSON",
        ),
        (
            b'{"total": 3, "limit": 10, "dataset": "Elspotprices"}',
            "Elspotprices.records: missing or not a list of objects",
        ),
        (
            b'{"limit": 10, "records": []}',
            "Elspotprices.total: missing or not a non-negative integer: None",
        ),
    ],
)
def test_malformed_answers_raise(fake_apis, eds, raw_body, message):
    # given
    fake_apis.fail("/dataset/Elspotprices", Fault(raw_body=raw_body))
    # when
    with pytest.raises(ValidationError) as caught:
        eds.fetch_series(
            "elspotprices", start_at=at(2024, 3, 29, 23), end_at=at(2024, 3, 30), zones=["DK1"]
        )
    # then
    assert str(caught.value) == message


def test_answer_with_fewer_records_than_total_raises(fake_apis, eds):
    # given a page claiming 30 records but holding none
    fake_apis.fail("/dataset/Elspotprices", Fault(raw_body=b'{"total": 30, "records": []}'))
    # when
    with pytest.raises(ValidationError) as caught:
        eds.fetch_series(
            "elspotprices", start_at=at(2024, 3, 29, 23), end_at=at(2024, 3, 30), zones=["DK1"]
        )
    # then
    assert str(caught.value) == "Elspotprices.records: empty page at offset 0 although total is 30"


def test_mfrr_capacity_prices_per_zone(fake_apis, http):
    # given real mFRRCapacityMarket rows (up-regulation only; no down-price field)
    fake_apis.eds_records["mFRRCapacityMarket"] = mfrr_records()
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http)
    start, end = at(2024, 10, 26, 22), at(2024, 10, 27, 23)
    # when
    batches = by_key(client.fetch_series("mfrr_capacity", start_at=start, end_at=end))
    # then
    up_dk1 = batches["mfrr_up_capacity_price_eur_per_mw_h:DK1"]
    assert (up_dk1.unit, up_dk1.kind) == ("EUR/(MW·h)", "reserve_capacity_price")
    assert up_dk1.times_at == hours(start, 25)
    assert up_dk1.values[:3] == [0.54, 0.54, 0.67]
    assert batches["mfrr_down_capacity_price_eur_per_mw_h:DK1"].points == ()
    assert len(batches["mfrr_up_capacity_price_eur_per_mw_h:DK2"].points) == 25


def test_afrr_capacity_prices(fake_apis, http):
    # given real AfrrReservesNordic DK2 rows
    fake_apis.eds_records["AfrrReservesNordic"] = afrr_records()
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http)
    # when
    batches = by_key(
        client.fetch_series(
            "afrr_capacity", start_at=at(2024, 10, 2, 22), end_at=at(2024, 10, 3, 0), zones=["DK2"]
        )
    )
    # then
    assert batches["afrr_up_capacity_price_eur_per_mw_h:DK2"].values == [13.0, 10.0]
    assert batches["afrr_down_capacity_price_eur_per_mw_h:DK2"].values == [15.0, 11.5]


def test_fcr_products_are_told_apart_by_filter(fake_apis, http):
    # given FcrNdDK2 records of three products and two auction types for one hour
    fake_apis.eds_records["FcrNdDK2"] = [
        {
            "HourUTC": "2024-10-02T22:00:00",
            "HourDK": "2024-10-03T00:00:00",
            "PriceArea": "DK2",
            "ProductName": product,
            "AuctionType": auction,
            "PurchasedVolumeLocal": 10.0,
            "PurchasedVolumeTotal": 100.0,
            "PriceTotalEUR": price,
            "PriceTotalDKK": price * 7.46,
        }
        for product, auction, price in [
            ("FCR-N", "D-1 early", 11.0),
            ("FCR-N", "Total", 12.5),
            ("FCR-D upp", "Total", 3.25),
            ("FCR-D ned", "Total", 4.75),
        ]
    ]
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http)
    window = {"start_at": at(2024, 10, 2, 22), "end_at": at(2024, 10, 2, 23), "zones": ["DK2"]}
    # when
    fcr_n = client.fetch_series("fcr_n_dk2", **window)
    fcr_d_down = client.fetch_series("fcr_d_down_dk2", **window)
    # then
    assert [(b.series_key, b.values) for b in fcr_n] == [
        ("fcr_n_capacity_price_eur_per_mw_h:DK2", [12.5])
    ]
    assert [(b.series_key, b.values) for b in fcr_d_down] == [
        ("fcr_d_down_capacity_price_eur_per_mw_h:DK2", [4.75])
    ]
    sent = json.loads(fake_apis.requests_to("/dataset/FcrNdDK2")[0].query["filter"])
    assert sent == {"ProductName": ["FCR-N"], "AuctionType": ["Total"], "PriceArea": ["DK2"]}


def test_field_names_are_configuration(fake_apis, http):
    # given a DayAheadPrices schema that turns out to use other column names
    fake_apis.eds_records["DayAheadPrices"] = [
        {"TimeUTC_": "2025-10-01T10:00:00", "Area": "DK1", "PriceEUR": 81.25},
        {"TimeUTC_": "2025-10-01T10:15:00", "Area": "DK1", "PriceEUR": 79.5},
    ]
    spec = dataset_spec("day_ahead_prices", time_field="TimeUTC_", zone_field="Area")
    spec = dataclasses.replace(
        spec, values=(dataclasses.replace(spec.values[0], field="PriceEUR"),)
    )
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http)
    # when
    batches = client.fetch_series(
        spec, start_at=at(2025, 10, 1, 10), end_at=at(2025, 10, 1, 11), zones=["DK1"]
    )
    # then
    assert [(b.series_key, b.points) for b in batches] == [
        (
            "day_ahead_price_eur_per_mwh:DK1",
            ((at(2025, 10, 1, 10), 81.25), (at(2025, 10, 1, 10, 15), 79.5)),
        )
    ]


def test_day_ahead_prices_switch_from_hourly_to_quarter_hour_datasets(fake_apis, http):
    # given the last hourly Elspotprices hour and the first 15-min DayAheadPrices quarter (DK1)
    fake_apis.eds_records["Elspotprices"] = [
        {
            "HourUTC": "2025-09-30T21:00:00",
            "HourDK": "2025-09-30T23:00:00",
            "PriceArea": "DK1",
            "SpotPriceDKK": 700.0,
            "SpotPriceEUR": 93.8,
        }
    ]
    fake_apis.eds_records["DayAheadPrices"] = [
        {
            "TimeUTC": "2025-09-30T22:00:00",
            "TimeDK": "2025-10-01T00:00:00",
            "PriceArea": "DK1",
            "DayAheadPriceEUR": 88.1,
            "DayAheadPriceDKK": 657.5,
        }
    ]
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http)
    # when
    batches = client.fetch_day_ahead_prices(
        start_at=at(2025, 9, 30, 21), end_at=at(2025, 9, 30, 22, 15), zones=["DK1"]
    )
    # then
    eur = [
        (b.dataset, b.resolution_minutes, b.points)
        for b in batches
        if b.quantity == "day_ahead_price_eur_per_mwh"
    ]
    assert eur == [
        ("Elspotprices", 60, ((at(2025, 9, 30, 21), 93.8),)),
        ("DayAheadPrices", 15, ((at(2025, 9, 30, 22), 88.1),)),
    ]


def test_co2_intensity_prognosis_every_five_minutes(fake_apis, http):
    # given one real day of CO2EmisProg for DK2
    fake_apis.eds_records["CO2EmisProg"] = co2_prognosis_records()
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http, page_size=100)
    start = at(2024, 1, 10, 23)
    # when
    (batch,) = client.fetch_series(
        "co2_emission_prognosis", start_at=start, end_at=at(2024, 1, 11, 23), zones=["DK2"]
    )
    # then
    assert (batch.series_key, batch.unit, batch.resolution_minutes, batch.is_forecast) == (
        "co2_intensity_g_per_kwh:DK2",
        "g/kWh",
        5,
        True,
    )
    assert batch.times_at == hours(start, 288, minutes=5)
    assert batch.values[:2] == [89.0, 85.0]
    assert len(fake_apis.requests_to("/dataset/CO2EmisProg")) == 3


def test_batch_converts_to_a_utc_pandas_series(eds):
    # given
    batches = eds.fetch_series(
        "elspotprices", start_at=at(2024, 3, 30, 23), end_at=at(2024, 3, 31, 1), zones=["DK1"]
    )
    # when
    series = by_key(batches)["day_ahead_price_eur_per_mwh:DK1"].to_series()
    # then
    assert str(series.index.tz) == "UTC"
    assert series.to_dict() == {
        dt.datetime(2024, 3, 30, 23, tzinfo=UTC): 75.7,
        dt.datetime(2024, 3, 31, 0, tzinfo=UTC): 66.71,
    }


def test_naive_window_is_rejected(eds):
    # when
    with pytest.raises(ValidationError) as caught:
        eds.fetch_series("elspotprices", start_at=dt.datetime(2024, 3, 30), end_at=at(2024, 3, 31))
    # then
    assert str(caught.value) == "start_at: naive datetime; give a UTC offset or time zone"


def test_fcr_dk1_prices_from_the_fcrdk1_dataset(fake_apis, http):
    # given FcrDK1 records (4-hour blocks published per hour; values made up for the format)
    fake_apis.eds_records["FcrDK1"] = [
        {
            "HourUTC": f"2024-01-14T{hour:02d}:00:00",
            "HourDK": f"2024-01-14T{hour + 1:02d}:00:00",
            "FCRdomestic_MW": 5.0,
            "FCRabroad_MW": 24.0,
            "FCRcross_EUR": 18.22 if hour < 3 else 13.0,
            "FCRcross_DKK": 135.9,
            "FCRdk_EUR": 3.69 if hour < 3 else 11.62,
            "FCRdk_DKK": 27.5,
        }
        for hour in range(23)
    ]
    client = EnergiDataServiceClient(base_url=fake_apis.url, http=http)
    # when
    batches = client.fetch_series(
        "fcr_dk1", start_at=at(2024, 1, 14, 0), end_at=at(2024, 1, 14, 5), zones=["DK1", "DK2"]
    )
    # then the Danish price, named after the product, in DK1, without a zone filter
    assert [(b.series_key, b.values, b.zone) for b in batches] == [
        ("fcr_dk1_capacity_price_eur_per_mw_h:DK1", [3.69, 3.69, 3.69, 11.62, 11.62], "DK1")
    ]
    assert "filter" not in fake_apis.requests_to("/dataset/FcrDK1")[0].query
    # and the cross-border price is one configuration change away
    cross = dataset_spec("fcr_dk1")
    cross = dataclasses.replace(
        cross, values=(dataclasses.replace(cross.values[0], field="FCRcross_EUR"),)
    )
    assert client.fetch_series(cross, start_at=at(2024, 1, 14, 2), end_at=at(2024, 1, 14, 4))[
        0
    ].values == [18.22, 13.0]
