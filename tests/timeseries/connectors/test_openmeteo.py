"""Open-Meteo forecast connector over real HTTP against the local fake API (recorded weather of
east Jutland around the 2024 DST changes, served in the API's format)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from ainergy.common.errors import ApplicationError, TransientError, ValidationError
from ainergy.timeseries.connectors.http import HttpClient, RetryPolicy
from ainergy.timeseries.connectors.openmeteo import OpenMeteoClient
from tests.timeseries.connectors.conftest import Fault, open_meteo_answer, weather_rows

UTC = dt.UTC
RECEIVED_AT = dt.datetime(2024, 10, 25, 12, 5, tzinfo=UTC)


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def hours(start: dt.datetime, count: int) -> list[dt.datetime]:
    return [start + dt.timedelta(hours=index) for index in range(count)]


@pytest.fixture
def weather(fake_apis) -> dict[dt.datetime, dict[str, float]]:
    fake_apis.weather = weather_rows()
    return fake_apis.weather


@pytest.fixture
def client(fake_apis, http, weather) -> OpenMeteoClient:
    return OpenMeteoClient(fake_apis.url, http)


def fetch(client: OpenMeteoClient, start: dt.date, end: dt.date, **kwargs):
    batches = client.fetch_forecast(
        latitude_deg=56.2,
        longitude_deg=10.5,
        start_date=start,
        end_date=end,
        received_at=RECEIVED_AT,
        **kwargs,
    )
    return {batch.quantity: batch for batch in batches}


def recorded(weather, name: str, start: dt.datetime, end: dt.datetime) -> dict:
    return {
        moment: values[name]
        for moment, values in sorted(weather.items())
        if start <= moment < end and name in values
    }


def test_forecast_is_asked_and_read_in_the_apis_format(fake_apis, client, weather):
    # given the recorded weather of 2024-10-26 and 2024-10-27 (UTC dates)
    # when
    batches = fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 27))
    # then one GET with the query Open-Meteo expects
    served = fake_apis.requests_to("/v1/forecast")
    assert len(served) == 1
    assert served[0].query == {
        "latitude": "56.2000",
        "longitude": "10.5000",
        "hourly": "temperature_2m,shortwave_radiation",
        "timezone": "GMT",
        "timeformat": "unixtime",
        "start_date": "2024-10-26",
        "end_date": "2024-10-27",
    }
    # and temperatures at their hour, radiation at the start of the hour it averages, exactly
    # the recorded values; the hours the source lacks (02:00 CEST and 02:00 CET) are gaps
    start, end = at(2024, 10, 26), at(2024, 10, 28)
    temperature = batches["outdoor_temperature_c"]
    assert dict(temperature.points) == recorded(weather, "temperature_2m", start, end)
    assert len(temperature.points) == 46
    assert at(2024, 10, 27, 0) not in temperature.times_at
    assert at(2024, 10, 27, 1) not in temperature.times_at
    radiation = batches["solar_irradiance_w_per_m2"]
    hour = dt.timedelta(hours=1)
    assert dict(radiation.points) == recorded(
        weather, "shortwave_radiation", start - hour, end - hour
    )
    assert dict(radiation.points)[at(2024, 10, 26, 12)] == 142.0  # the CSV row of 12:00Z
    assert (
        temperature.source,
        temperature.dataset,
        temperature.series_key,
        temperature.kind,
        temperature.unit,
        temperature.resolution_minutes,
        temperature.is_forecast,
        temperature.received_at,
    ) == (
        "open-meteo",
        "forecast",
        "outdoor_temperature_c:56.2,10.5",
        "outdoor_temperature",
        "°C",
        60,
        True,
        RECEIVED_AT,
    )
    assert (radiation.series_key, radiation.kind, radiation.unit) == (
        "solar_irradiance_w_per_m2:56.2,10.5",
        "solar_irradiance",
        "W/m²",
    )
    assert temperature.source_url.startswith(f"{fake_apis.url}/v1/forecast?latitude=56.2000")


def test_autumn_local_day_has_25_hours_on_the_utc_axis(client, weather):
    # given the local delivery day 2024-10-27 (clocks go back 03:00 → 02:00): 25 hours,
    # 2024-10-26 22:00Z → 2024-10-27 23:00Z, asked as its two UTC dates
    start, end = at(2024, 10, 26, 22), at(2024, 10, 27, 23)
    # when
    batches = fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 27))
    # then every one of the 25 hours is on the axis once, except the two the source lacks
    day = [t for t in batches["outdoor_temperature_c"].times_at if start <= t < end]
    assert day == [
        t for t in hours(start, 25) if t not in (at(2024, 10, 27, 0), at(2024, 10, 27, 1))
    ]
    assert len(day) == 23


@pytest.mark.parametrize(
    ("asked_at", "first", "last", "utc_offset_s"),
    [
        # asked in CET before the spring change: +01:00 also for the CEST hours after it
        (at(2024, 3, 29, 12), dt.date(2024, 3, 30), dt.date(2024, 4, 1), 3600),
        # asked in CEST before the autumn change: +02:00 also for the CET hours after it
        (at(2024, 10, 25, 12), dt.date(2024, 10, 26), dt.date(2024, 10, 28), 7200),
    ],
)
def test_local_time_answer_keeps_one_offset_across_the_dst_change(
    fake_apis, client, weather, asked_at, first, last, utc_offset_s
):
    # given an answer in Open-Meteo's default format: local ISO times of Europe/Copenhagen
    # without offset, all shifted by the single utc_offset_seconds valid when asked (the API
    # has no per-hour DST switch; zoneinfo would misplace every hour after the change)
    fake_apis.weather_asked_at = asked_at
    query = {
        "latitude": "56.2",
        "longitude": "10.5",
        "hourly": "temperature_2m,shortwave_radiation",
        "timezone": "Europe/Copenhagen",
        "start_date": first.isoformat(),
        "end_date": last.isoformat(),
    }
    status, local_answer = open_meteo_answer(fake_apis, query)
    assert status == 200
    assert local_answer["utc_offset_seconds"] == utc_offset_s
    assert "T02:00" in local_answer["hourly"]["time"][26]  # one 02:00 a day, never two
    fake_apis.fail("/v1/forecast", Fault(raw_body=json.dumps(local_answer).encode()))
    # when
    batches = fetch(client, first, last)
    # then the hours are exactly the recorded UTC hours
    start = dt.datetime.combine(first, dt.time(0), tzinfo=UTC) - dt.timedelta(seconds=utc_offset_s)
    end = start + dt.timedelta(days=(last - first).days + 1)
    temperature = batches["outdoor_temperature_c"]
    assert dict(temperature.points) == recorded(weather, "temperature_2m", start, end)
    assert temperature.times_at[0] == start
    radiation = batches["solar_irradiance_w_per_m2"]
    assert dict(radiation.points) == recorded(
        weather, "shortwave_radiation", start - dt.timedelta(hours=1), end - dt.timedelta(hours=1)
    )


def test_429_is_retried_honouring_retry_after(fake_apis, client, sleeps, weather):
    # given two 429 answers asking to wait 3 s
    fake_apis.fail("/v1/forecast", Fault(status=429, retry_after="3"), times=2)
    # when
    batches = fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then
    assert sleeps.waits_s == [3.0, 3.0]
    assert len(fake_apis.requests_to("/v1/forecast")) == 3
    assert batches["outdoor_temperature_c"].values[:2] == [10.9, 11.1]
    assert batches["outdoor_temperature_c"].times_at == hours(at(2024, 10, 26), 24)


def test_5xx_is_retried_with_exponential_backoff(fake_apis, client, sleeps):
    # given a 502 and two 503 answers
    fake_apis.fail("/v1/forecast", Fault(status=502))
    fake_apis.fail("/v1/forecast", Fault(status=503), times=2)
    # when
    batches = fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then
    assert sleeps.waits_s == [0.01, 0.02, 0.04]
    assert len(fake_apis.requests_to("/v1/forecast")) == 4
    assert len(batches["outdoor_temperature_c"].points) == 24


def test_exhausted_retries_raise_transient_error(fake_apis, client, sleeps):
    # given a server that keeps answering 503
    fake_apis.fail("/v1/forecast", Fault(status=503), times=10)
    # when
    with pytest.raises(TransientError) as caught:
        fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then the step can retry later; the error says what and how often
    assert str(caught.value) == "open-meteo forecast: HTTP 503 after 4 attempts"
    assert caught.value.extra == {
        "source": "open-meteo forecast",
        "attempts": 4,
        "last_problem": "HTTP 503",
    }
    assert len(fake_apis.requests_to("/v1/forecast")) == 4


def test_stalled_server_times_out_into_transient_error(fake_apis, sleeps, weather):
    # given a server that answers after 0.6 s and a read time-out of 0.2 s
    fake_apis.fail("/v1/forecast", Fault(delay_s=0.6), times=2)
    http = HttpClient(
        timeout_s=(1.0, 0.2),
        retry=RetryPolicy(max_attempts=2, backoff_initial_s=0.01),
        sleep=sleeps,
    )
    # when
    with pytest.raises(TransientError) as caught:
        fetch(OpenMeteoClient(fake_apis.url, http), dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then
    assert str(caught.value) == "open-meteo forecast: network error (ReadTimeout) after 2 attempts"


def test_truncated_body_is_retried(fake_apis, client):
    # given a first answer cut off mid-body
    fake_apis.fail("/v1/forecast", Fault(truncate=True))
    # when
    batches = fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then
    assert len(fake_apis.requests_to("/v1/forecast")) == 2
    assert len(batches["outdoor_temperature_c"].points) == 24


def test_refused_request_names_open_meteos_reason_and_is_not_retried(fake_apis, client):
    # given Open-Meteo's answer to a request it refuses
    reason = "Parameter 'start_date' is out of allowed range from 2022-06-08 to 2024-11-10"
    fake_apis.fail("/v1/forecast", Fault(status=400, body={"error": True, "reason": reason}))
    # when
    with pytest.raises(ApplicationError) as caught:
        fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then
    assert not isinstance(caught.value, TransientError | ValidationError)
    assert str(caught.value) == f"open-meteo forecast: HTTP 400: {reason}"
    assert caught.value.extra == {"source": "open-meteo forecast", "status": 400, "reason": reason}
    assert len(fake_apis.requests_to("/v1/forecast")) == 1


@pytest.mark.parametrize("status", [400, 404])
def test_client_error_without_a_reason_is_terminal(fake_apis, client, status):
    # given a 4xx whose body is not Open-Meteo's error object (a proxy's page)
    fake_apis.fail("/v1/forecast", Fault(status=status, body={"detail": "nope"}))
    # when
    with pytest.raises(ApplicationError) as caught:
        fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then
    assert not isinstance(caught.value, TransientError)
    assert str(caught.value) == f"open-meteo forecast: HTTP {status}"
    assert len(fake_apis.requests_to("/v1/forecast")) == 1


def test_unknown_variable_is_refused_before_any_request(fake_apis, client):
    # given a variable the connector does not map
    # when
    with pytest.raises(ValidationError) as caught:
        fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26), variables=["wind_speed_10m"])
    # then
    assert str(caught.value) == "variables: unknown variable 'wind_speed_10m'"
    assert fake_apis.requests_to("/v1/forecast") == []


@pytest.mark.parametrize(
    ("latitude", "longitude", "end", "message"),
    [
        (91.0, 10.5, dt.date(2024, 10, 26), "latitude_deg: must be in [-90, 90], got 91.0"),
        (56.2, -181.0, dt.date(2024, 10, 26), "longitude_deg: must be in [-180, 180], got -181.0"),
        (56.2, 10.5, dt.date(2024, 10, 25), "end_date: must not be before start_date"),
    ],
)
def test_bad_request_parameters_name_the_field(
    fake_apis, client, latitude, longitude, end, message
):
    # when
    with pytest.raises(ValidationError) as caught:
        client.fetch_forecast(
            latitude_deg=latitude,
            longitude_deg=longitude,
            start_date=dt.date(2024, 10, 26),
            end_date=end,
        )
    # then
    assert str(caught.value) == message
    assert fake_apis.requests_to("/v1/forecast") == []


def _drop(name: str):
    def hook(answer: dict) -> None:
        del answer["hourly"][name]
        del answer["hourly_units"][name]

    return hook


def _set(path: tuple, value):
    def hook(answer: dict) -> None:
        target = answer
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return hook


def _swap_times(answer: dict) -> None:
    times = answer["hourly"]["time"]
    times[3], times[4] = times[4], times[3]


def _shorten(answer: dict) -> None:
    answer["hourly"]["temperature_2m"].pop()


@pytest.mark.parametrize(
    ("hook", "message"),
    [
        (_drop("shortwave_radiation"), "forecast.hourly.shortwave_radiation: missing"),
        (_drop("temperature_2m"), "forecast.hourly.temperature_2m: missing"),
        (_set(("hourly", "time"), None), "forecast.hourly.time: missing"),
        (_shorten, "forecast.hourly.temperature_2m: 23 values for 24 times"),
        (_swap_times, "forecast.hourly.time: times not strictly increasing at 4"),
        (
            _set(("hourly", "time", 2), 1729908000 + 30 * 60),
            "forecast.hourly.time: 2024-10-26T02:30:00+00:00 is not on the hour (at 2)",
        ),
        (
            _set(("hourly", "time", 0), "yesterday"),
            "forecast.hourly.time: unparsable time 'yesterday' at 0",
        ),
        (
            _set(("hourly", "temperature_2m", 5), "11.2"),
            "forecast.hourly.temperature_2m: expected a number at 5, got '11.2'",
        ),
        (
            _set(("hourly", "temperature_2m", 5), True),
            "forecast.hourly.temperature_2m: expected a number at 5, got True",
        ),
        (
            _set(("hourly_units", "temperature_2m"), "°F"),
            "forecast.hourly_units.temperature_2m: expected '°C', got '°F'",
        ),
        (
            _set(("utc_offset_seconds",), "3600"),
            "forecast.utc_offset_seconds: expected seconds, got '3600'",
        ),
    ],
    ids=[
        "radiation-missing",
        "temperature-missing",
        "no-time-axis",
        "length-mismatch",
        "times-out-of-order",
        "half-hour",
        "unparsable-time",
        "value-as-string",
        "value-as-boolean",
        "wrong-unit",
        "offset-as-string",
    ],
)
def test_malformed_answers_raise_naming_the_field(fake_apis, client, hook, message):
    # given a real answer damaged in one place
    fake_apis.forecast_hook = hook
    # when
    with pytest.raises(ValidationError) as caught:
        fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then nothing is returned (all or nothing) and the error names the field; not retried
    assert str(caught.value) == message
    assert len(fake_apis.requests_to("/v1/forecast")) == 1


@pytest.mark.parametrize(
    ("raw_body", "message"),
    [
        (b"<html>Bad Gateway</html>", "forecast: invalid JSON"),
        (b"[]", "forecast: expected a JSON object"),
        (
            b'{"error": true, "reason": "Too many concurrent requests"}',
            "forecast: Open-Meteo error",
        ),
        (
            b'{"utc_offset_seconds": 0, "hourly": {"time": [1729900800], "temperature_2m": [NaN],'
            b' "shortwave_radiation": [0.0]}}',
            "forecast.hourly.temperature_2m: not finite at 0",
        ),
    ],
    ids=["html", "array", "error-object-with-200", "nan"],
)
def test_undecodable_answers_raise(fake_apis, client, raw_body, message):
    # given a 200 answer that is not a forecast
    fake_apis.fail("/v1/forecast", Fault(raw_body=raw_body))
    # when
    with pytest.raises(ValidationError) as caught:
        fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then
    assert str(caught.value).startswith(message)


def test_hours_the_model_does_not_cover_are_gaps(fake_apis, client):
    # given an answer whose last six hours are null (beyond the model's horizon)
    def beyond_horizon(answer: dict) -> None:
        for name in ("temperature_2m", "shortwave_radiation"):
            answer["hourly"][name][-6:] = [None] * 6

    fake_apis.forecast_hook = beyond_horizon
    # when
    batches = fetch(client, dt.date(2024, 10, 26), dt.date(2024, 10, 26))
    # then the covered hours are kept (radiation one hour earlier: it is labelled at the end of
    # the hour it averages)
    assert batches["outdoor_temperature_c"].times_at == hours(at(2024, 10, 26), 18)
    assert batches["solar_irradiance_w_per_m2"].times_at == hours(at(2024, 10, 25, 23), 18)
