"""Finding 7 of issue 15, REST side: every malformed body is a JSON 400/413 naming the field,
never an HTML page or a 500, and nothing is written.

Attacks reproduced: ``device_id`` as a list or an object, a 400-digit number, 5000-deep nesting,
year 9999 (all 500 HTML), and bodies over 2.5 MB refused with Django's HTML "Bad Request"
although the configured limit is 5 MB.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings

from ainergy.timeseries.models import Observation, Series
from tests.timeseries.test_telemetry_api import URL

READING = {"device_id": "hp-0042", "time": "2024-01-15T10:00:00Z", "electric_power_kw": 800.0}


def _reading(**changes) -> dict:
    return {"readings": [{**READING, **changes}]}


def assert_json_error(response, status: int, field: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json"
    error = response.json()["errors"][0]
    if field is not None:
        assert error["field"] == field, error
    assert Observation.objects.count() == 0
    assert not Series.objects.filter(key__startswith="telemetry-").exists()
    return error


@pytest.mark.parametrize(
    ("body", "field", "reason"),
    [
        (_reading(device_id=["hp-0042"]), "readings[0].device_id", "expected a string, got list"),
        (_reading(device_id={"id": 1}), "readings[0].device_id", "expected a string, got dict"),
        (_reading(device_id=None), "readings[0].device_id", "expected a string, got NoneType"),
        (
            _reading(time="9999-01-01T00:00:00Z"),
            "readings[0].time",
            "9999-01-01T00:00:00+00:00 is outside the supported range [1900-01-01, 2200-01-01)",
        ),
        (
            _reading(time="0001-01-01T00:00:00Z"),
            "readings[0].time",
            "0001-01-01T00:00:00+00:00 is outside the supported range [1900-01-01, 2200-01-01)",
        ),
        (_reading(time=["2024"]), "readings[0].time", "expected an ISO-8601 timestamp, got list"),
        (
            _reading(electric_power_kw="5" * 100),
            "readings[0].electric_power_kw",
            "expected a number, got a 100-character string",
        ),
        (
            _reading(electric_power_kw=float("nan")),
            "readings[0].electric_power_kw",
            "not a finite number (nan)",
        ),
        ({"readings": "everything"}, "readings", "expected a list of readings"),
        ({"readings": [[]]}, "readings[0]", "expected an object"),
    ],
)
def test_malformed_readings_are_named_400s(device, pump, body, field, reason):
    error = assert_json_error(device(json.dumps(body)), 400, field)
    assert error["reason"] == reason


def test_a_400_digit_number_is_a_named_400(device, pump):
    body = json.dumps(_reading(electric_power_kw=0)).replace(
        '"electric_power_kw": 0', '"electric_power_kw": ' + "9" * 400
    )
    error = assert_json_error(device(body), 400, "readings[0].electric_power_kw")
    assert error["reason"] == "not a finite number (too large)"


def test_a_5000_digit_number_is_a_400_not_a_crash(device, pump):
    body = '{"readings": [{"device_id": "hp-0042", "electric_power_kw": ' + "9" * 5000 + "}]}"
    error = assert_json_error(device(body), 400, "body")
    assert error["reason"].startswith("unreadable JSON value")


def test_5000_deep_nesting_is_a_400(device, pump):
    body = '{"readings": ' + "[" * 5000 + "]" * 5000 + "}"
    error = assert_json_error(device(body), 400, "body")
    assert error["reason"] == "JSON nested too deeply"


def test_invalid_json_and_utf8_are_400s(device, pump):
    assert assert_json_error(device("{not json"), 400, "body")["reason"].startswith(
        "not valid JSON"
    )
    assert_json_error(device(b'{"readings": "\xff\xfe"}'), 400, "body")


def test_body_between_django_default_and_configured_limit_is_accepted(device, pump):
    # given a valid 3 MB body (Django's default limit is 2.5 MB; ours is 5 MB)
    body = json.dumps({**_reading(), "note": "x" * 3_000_000})
    assert 2_621_440 < len(body) < settings.REST_MAX_BODY_BYTES
    # then it is processed
    response = device(body)
    assert response.status_code == 200, response.content[:300]
    assert Observation.objects.count() == 1


def test_body_over_the_configured_limit_is_a_json_413(device, pump):
    body = json.dumps({**_reading(), "note": "x" * (settings.REST_MAX_BODY_BYTES + 10)})
    error = assert_json_error(device(body), 413)
    assert error["code"] == "PAYLOAD_TOO_LARGE"
    assert error["limit"] == settings.REST_MAX_BODY_BYTES


def test_unknown_api_path_and_wrong_method_answer_json(client, device):
    assert_json_error(client.get("/api/v1/nothing-here"), 404)
    response = client.get(URL)
    assert response.status_code == 405 and response["Content-Type"] == "application/json"
