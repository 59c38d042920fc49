"""Eloverblik customer API connector over real HTTP against the local fake API."""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from ainergy.common.errors import (
    ApplicationError,
    AuthenticationError,
    TransientError,
    ValidationError,
)
from ainergy.timeseries.connectors import EloverblikClient, MeteringPoint
from ainergy.timeseries.connectors.eloverblik import date_chunks
from tests.timeseries.connectors.conftest import REFRESH_TOKEN, Fault

UTC = dt.UTC
MP = "571313180400012345"
MP_2 = "571313180400067890"


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def steps(start: dt.datetime, count: int, minutes: int) -> list[dt.datetime]:
    return [start + dt.timedelta(minutes=minutes * index) for index in range(count)]


def hour_of_year_kwh(mp_id: str, moment: dt.datetime) -> float:
    """Deterministic meter values the test can recompute: 0.001 kWh per hour of 2024 (+1 for MP_2)."""
    hours = int((moment - at(2024, 1, 1)).total_seconds() // 3600) % 1000
    return round(0.2 + hours / 1000 + (1.0 if mp_id == MP_2 else 0.0), 3)


class Clock:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(at(2024, 11, 1, 10))


@pytest.fixture
def eloverblik(fake_apis, http, clock) -> EloverblikClient:
    fake_apis.metering_points = [
        {
            "streetCode": "0123",
            "streetName": "Testvej",
            "buildingNumber": "1",
            "postcode": "8000",
            "cityName": "Aarhus C",
            "meteringPointId": MP,
            "typeOfMP": "E17",
            "settledMode": "D01",
            "meterReadingOccurrence": "PT1H",
            "balanceSupplierName": "Eksempel Energi",
            "childMeteringPoints": [],
        },
        {
            "meteringPointId": MP_2,
            "typeOfMP": "E18",
            "settledMode": "D01",
            "meterReadingOccurrence": "PT15M",
        },
    ]
    fake_apis.meter_value = hour_of_year_kwh
    return EloverblikClient(
        REFRESH_TOKEN, base_url=f"{fake_apis.url}/customerapi", http=http, clock=clock
    )


def token_requests(fake_apis):
    return fake_apis.requests_to("/customerapi/api/token")


def series_requests(fake_apis):
    return fake_apis.requests_to("/customerapi/api/meterdata/gettimeseries/")


def test_refresh_token_buys_one_data_access_token_for_several_calls(fake_apis, eloverblik):
    # when two data calls are made
    points = eloverblik.metering_points()
    eloverblik.time_series([MP], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11))
    # then the token endpoint was hit once, with the refresh token, and both calls used its answer
    assert [request.authorization for request in token_requests(fake_apis)] == [
        f"Bearer {REFRESH_TOKEN}"
    ]
    data_calls = [r for r in fake_apis.served if not r.path.endswith("/api/token")]
    assert [request.authorization for request in data_calls] == [
        "Bearer data-access-token-1-secret"
    ] * 2
    assert points == [
        MeteringPoint(MP, "E17", meter_reading_occurrence="PT1H", settled_mode="D01"),
        MeteringPoint(MP_2, "E18", meter_reading_occurrence="PT15M", settled_mode="D01"),
    ]
    assert fake_apis.requests_to("/customerapi/api/meteringpoints/")[0].query == {
        "includeAll": "false"
    }


def test_data_access_token_is_renewed_after_its_lifetime(fake_apis, eloverblik, clock):
    # given a token fetched now
    eloverblik.metering_points()
    # when the next call comes 22 h later, then another 2 h later (past the 23 h lifetime)
    clock.now += dt.timedelta(hours=22)
    eloverblik.metering_points()
    clock.now += dt.timedelta(hours=2)
    eloverblik.metering_points()
    # then
    assert len(token_requests(fake_apis)) == 2
    assert fake_apis.served[-1].authorization == "Bearer data-access-token-2-secret"


def test_rejected_data_access_token_is_replaced_once(fake_apis, eloverblik):
    # given a cached token the server has since revoked
    eloverblik.metering_points()
    fake_apis.revoked_tokens.add("data-access-token-1-secret")
    # when
    points = eloverblik.metering_points()
    # then
    assert [p.metering_point_id for p in points] == [MP, MP_2]
    assert len(token_requests(fake_apis)) == 2


def test_refused_refresh_token_raises_authentication_error(fake_apis, http):
    # given a refresh token the server does not know
    client = EloverblikClient(
        "wrong-refresh-token", base_url=f"{fake_apis.url}/customerapi", http=http
    )
    # when
    with pytest.raises(AuthenticationError) as caught:
        client.metering_points()
    # then
    assert str(caught.value) == "Eloverblik refused the refresh token"
    assert len(fake_apis.served) == 1


def test_hourly_series_on_a_normal_winter_day(fake_apis, eloverblik):
    # when
    (batch,) = eloverblik.time_series(
        [MP], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11)
    )
    # then the local day runs 23:00Z–23:00Z
    assert (
        batch.series_key,
        batch.kind,
        batch.unit,
        batch.resolution_minutes,
        batch.metering_point_id,
    ) == (
        f"consumption_energy_kwh:{MP}",
        "electricity_consumption",
        "kWh",
        60,
        MP,
    )
    assert batch.times_at == steps(at(2024, 1, 9, 23), 24, 60)
    assert batch.values == [hour_of_year_kwh(MP, moment) for moment in batch.times_at]
    assert batch.qualities == ("A04",) * 24
    assert (
        series_requests(fake_apis)[0].path
        == "/customerapi/api/meterdata/gettimeseries/2024-01-10/2024-01-11/Hour"
    )
    assert series_requests(fake_apis)[0].body == {"meteringPoints": {"meteringPoint": [MP]}}


@pytest.mark.parametrize(
    ("day", "aggregation", "start", "count", "minutes"),
    [
        (dt.date(2024, 3, 31), "Hour", at(2024, 3, 30, 23), 23, 60),
        (dt.date(2024, 10, 27), "Hour", at(2024, 10, 26, 22), 25, 60),
        (dt.date(2024, 3, 31), "Quarter", at(2024, 3, 30, 23), 92, 15),
        (dt.date(2024, 10, 27), "Quarter", at(2024, 10, 26, 22), 100, 15),
        (dt.date(2024, 7, 1), "Quarter", at(2024, 6, 30, 22), 96, 15),
    ],
)
def test_positions_map_to_utc_on_dst_days(eloverblik, day, aggregation, start, count, minutes):
    # when
    (batch,) = eloverblik.time_series(
        [MP], date_from=day, date_to=day + dt.timedelta(days=1), aggregation=aggregation
    )
    # then position n is period start + (n − 1) × resolution
    assert batch.resolution_minutes == minutes
    assert batch.times_at == steps(start, count, minutes)
    assert batch.values == [hour_of_year_kwh(MP, moment) for moment in batch.times_at]


def test_long_range_is_split_into_chunks(fake_apis, eloverblik):
    # given a 30-day limit per request
    eloverblik.max_span_days = 30
    # when January–March 2024 (91 days) is fetched for two metering points
    batches = eloverblik.time_series(
        [MP, MP_2], date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 4, 1)
    )
    # then
    assert [
        request.path.rsplit("gettimeseries/", 1)[1] for request in series_requests(fake_apis)
    ] == [
        "2024-01-01/2024-01-31/Hour",
        "2024-01-31/2024-03-01/Hour",
        "2024-03-01/2024-03-31/Hour",
        "2024-03-31/2024-04-01/Hour",
    ]
    assert [(batch.metering_point_id, len(batch.points)) for batch in batches] == [
        (MP, 2183),
        (MP_2, 2183),
    ]
    assert batches[0].times_at == steps(at(2023, 12, 31, 23), 2183, 60)
    assert len(token_requests(fake_apis)) == 1


def test_quarter_resolution_uses_smaller_chunks(fake_apis, eloverblik):
    # given the defaults: 720 days per request, 90 days at Quarter resolution
    # when
    eloverblik.time_series(
        [MP], date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 7, 1), aggregation="Quarter"
    )
    eloverblik.time_series(
        [MP], date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 7, 1), aggregation="Hour"
    )
    # then
    assert [
        request.path.rsplit("gettimeseries/", 1)[1] for request in series_requests(fake_apis)
    ] == [
        "2024-01-01/2024-03-31/Quarter",
        "2024-03-31/2024-06-29/Quarter",
        "2024-06-29/2024-07-01/Quarter",
        "2024-01-01/2024-07-01/Hour",
    ]


def test_503_is_retried_then_succeeds(fake_apis, eloverblik, sleeps):
    # given the service is overloaded twice (as it often is)
    fake_apis.fail("/customerapi/api/meterdata/", Fault(status=503), times=2)
    # when
    (batch,) = eloverblik.time_series(
        [MP], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11)
    )
    # then
    assert len(batch.points) == 24
    assert len(series_requests(fake_apis)) == 3
    assert sleeps.waits_s == [0.01, 0.02]


def test_429_on_the_token_endpoint_honours_retry_after(fake_apis, eloverblik, sleeps):
    # given
    fake_apis.fail("/customerapi/api/token", Fault(status=429, retry_after="3"))
    # when
    eloverblik.metering_points()
    # then
    assert sleeps.waits_s == [3.0]
    assert len(token_requests(fake_apis)) == 2


def test_persistent_503_raises_transient_error(fake_apis, eloverblik):
    # given
    fake_apis.fail("/customerapi/api/meterdata/", Fault(status=503), times=10)
    # when
    with pytest.raises(TransientError) as caught:
        eloverblik.time_series([MP], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11))
    # then
    assert str(caught.value) == "gettimeseries: HTTP 503 after 4 attempts"


def test_failed_result_raises_application_error_naming_the_metering_point(fake_apis, eloverblik):
    # given the API reports an error for the second metering point only
    fake_apis.failing_metering_points[MP_2] = (20008, "NoValidMeteringPointsInList")
    # when
    with pytest.raises(ApplicationError) as caught:
        eloverblik.time_series(
            [MP, MP_2], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11)
        )
    # then
    assert not isinstance(caught.value, ValidationError | TransientError)
    assert (
        str(caught.value)
        == f"Eloverblik: metering point {MP_2}: NoValidMeteringPointsInList (errorCode 20008)"
    )
    assert caught.value.extra == {
        "metering_point_id": MP_2,
        "error_code": 20008,
        "error_text": "NoValidMeteringPointsInList",
    }


def test_missing_field_in_a_point_raises_naming_the_field(fake_apis, eloverblik):
    # given a point without a quantity
    def drop_quantity(document):
        del document["TimeSeries"][0]["Period"][0]["Point"][4]["out_Quantity.quantity"]

    fake_apis.document_hook = drop_quantity
    # when
    with pytest.raises(ValidationError) as caught:
        eloverblik.time_series([MP], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11))
    # then
    assert caught.value.field == (
        "gettimeseries.result[0].MyEnergyData_MarketDocument.TimeSeries[0].Period[0].Point[4].out_Quantity.quantity"
    )
    assert caught.value.reason == "missing"


def test_position_beyond_the_period_raises(fake_apis, eloverblik):
    # given a 24-hour period that claims a 25th position
    def add_position(document):
        document["TimeSeries"][0]["Period"][0]["Point"].append(
            {"position": "25", "out_Quantity.quantity": "0.100", "out_Quantity.quality": "A04"}
        )

    fake_apis.document_hook = add_position
    # when
    with pytest.raises(ValidationError) as caught:
        eloverblik.time_series([MP], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11))
    # then
    assert (
        caught.value.reason
        == "25 lies outside the period 2024-01-09T23:00:00+00:00–2024-01-10T23:00:00+00:00"
    )


def test_unparsable_quantity_raises(fake_apis, eloverblik):
    # given
    def corrupt(document):
        document["TimeSeries"][0]["Period"][0]["Point"][0]["out_Quantity.quantity"] = "0,512"

    fake_apis.document_hook = corrupt
    # when
    with pytest.raises(ValidationError) as caught:
        eloverblik.time_series([MP], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11))
    # then
    assert caught.value.reason == "unparsable number '0,512'"


def test_tokens_never_reach_logs_or_repr(fake_apis, eloverblik, caplog):
    # given retries that log warnings and a revoked token
    fake_apis.fail("/customerapi/api/token", Fault(status=503))
    fake_apis.fail("/customerapi/api/meterdata/", Fault(status=503))
    caplog.set_level(logging.DEBUG)
    # when
    eloverblik.time_series([MP], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11))
    # then
    assert len(caplog.records) >= 2
    assert "secret" not in caplog.text
    assert "secret" not in repr(eloverblik)


def test_bad_metering_point_id_is_rejected_before_any_request(fake_apis, eloverblik):
    # when
    with pytest.raises(ValidationError) as caught:
        eloverblik.time_series(
            ["5713"], date_from=dt.date(2024, 1, 10), date_to=dt.date(2024, 1, 11)
        )
    # then
    assert (
        str(caught.value) == "metering_point_id: expected an 18-digit metering point id, got '5713'"
    )
    assert fake_apis.served == []


def test_date_chunks_cover_the_range_without_overlap():
    # when
    chunks = date_chunks(dt.date(2022, 1, 1), dt.date(2024, 1, 1), 720)
    # then
    assert chunks == [
        (dt.date(2022, 1, 1), dt.date(2023, 12, 22)),
        (dt.date(2023, 12, 22), dt.date(2024, 1, 1)),
    ]
