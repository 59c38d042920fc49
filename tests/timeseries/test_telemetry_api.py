"""REST telemetry from heat-pump devices: device tokens, validation, all-or-nothing, idempotency."""

import pytest

from ainergy.timeseries.models import Observation, Series

URL = "/api/v1/telemetry"


READINGS = {
    "readings": [
        {
            "device_id": "hp-0042",
            "time": "2024-10-27T01:59:00+02:00",
            "electric_power_kw": 812.5,
            "is_on": True,
            "supply_temperature_c": 74.8,
        },
        {
            "device_id": "hp-0042",
            "time": "2024-10-27T02:00:00+01:00",
            "electric_power_kw": 790.0,
            "is_on": True,
            "storage_soc_fraction": 0.61,
        },
    ]
}


def test_readings_become_series_per_quantity_and_repeats_change_nothing(pump, device):
    # when the same batch arrives twice
    first = device(READINGS)
    second = device(READINGS)
    # then
    assert first.status_code == second.status_code == 200
    assert first.json()["accepted_readings"] == 2
    power = Series.objects.get(heat_pump=pump, kind="electric_power")
    assert (power.resolution_minutes, power.unit) == (1, "kW")
    assert list(
        Observation.objects.filter(series=power).order_by("time").values_list("value", flat=True)
    ) == [812.5, 790.0]
    # the two local times straddle the fall-back hour: 23:59 and 01:00 UTC
    times = [
        t.isoformat()
        for t in Observation.objects.filter(series=power)
        .order_by("time")
        .values_list("time", flat=True)
    ]
    assert times == ["2024-10-26T23:59:00+00:00", "2024-10-27T01:00:00+00:00"]
    assert Observation.objects.filter(series__kind="on_off").count() == 2
    assert Observation.objects.count() == 6


@pytest.mark.parametrize(
    ("reading", "field", "reason"),
    [
        (
            {"device_id": "hp-9999", "time": "2024-01-01T00:00Z", "electric_power_kw": 1},
            "readings[1].device_id",
            "unknown device 'hp-9999'",
        ),
        (
            {"device_id": "hp-0042", "time": "2024-01-01T00:00", "electric_power_kw": 1},
            "readings[1].time",
            "naive timestamp; give a UTC offset (e.g. 'Z' or '+01:00')",
        ),
        (
            {"device_id": "hp-0042", "time": "2024-01-01T00:00:30Z", "electric_power_kw": 1},
            "readings[1].time",
            "report on whole minutes (seconds must be 0)",
        ),
        (
            {"device_id": "hp-0042", "time": "2024-01-01T00:01Z", "electric_power_kw": -5},
            "readings[1].electric_power_kw",
            "-5 kW is outside the physical range [0, 1e+06]",
        ),
        (
            {"device_id": "hp-0042", "time": "2024-01-01T00:01Z", "storage_soc_fraction": 1.2},
            "readings[1].storage_soc_fraction",
            "1.2 1 is outside the physical range [0, 1]",
        ),
        (
            {"device_id": "hp-0042", "time": "2024-01-01T00:01Z", "is_on": "yes"},
            "readings[1].is_on",
            "expected true or false, got 'yes'",
        ),
        (
            {"device_id": "hp-0042", "time": "2024-01-01T00:01Z", "electric_power_kw": "NaN"},
            "readings[1].electric_power_kw",
            "not a finite number ('NaN')",
        ),
        (
            {"device_id": "hp-0042", "time": "2024-01-01T00:01Z", "voltage_v": 230},
            "readings[1].voltage_v",
            "unknown measurement",
        ),
        (
            {"device_id": "hp-0042", "time": "2024-01-01T00:00Z", "heat_output_kw": 1},
            "readings[1].time",
            "device 'hp-0042' already reported 2024-01-01T00:00:00+00:00 at readings[0]",
        ),
    ],
)
def test_bad_reading_names_field_and_nothing_is_written(pump, device, reading, field, reason):
    good = {"device_id": "hp-0042", "time": "2024-01-01T00:00Z", "electric_power_kw": 500}
    response = device({"readings": [good, reading]})
    assert response.status_code == 400
    assert response.json() == {
        "errors": [
            {
                "message": f"{field}: {reason}",
                "code": "VALIDATION_ERROR",
                "field": field,
                "reason": reason,
            }
        ]
    }
    assert Observation.objects.count() == 0
    assert Series.objects.count() == 0


def test_malformed_json_and_oversize_batches_are_rejected(pump, device, settings):
    from django.test import Client

    assert device("not json").status_code == 400
    settings.TELEMETRY_MAX_READINGS_PER_REQUEST = 1
    response = device(READINGS)
    assert response.json()["errors"][0]["message"] == "readings: 2 readings exceed the limit of 1"
    assert Client().get(URL).status_code == 405


def test_read_only_token_and_session_cannot_post(pump, client, tenant, user_client):
    from tenants.services import api_token_create

    _, secret = api_token_create(tenant=tenant, name="dashboard", scopes=["read"])
    response = client.post(
        URL, READINGS, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 403
    assert response.json()["errors"][0] == {
        "message": "Permission denied: this requires the 'ingest' permission.",
        "code": "PERMISSION_DENIED",
        "required": "ingest",
    }
    session = user_client(tenant, "owner").client
    assert session.post(URL, READINGS, content_type="application/json").status_code == 401
    assert Observation.objects.count() == 0


def test_other_tenants_device_ids_are_unknown(pump, client, other_tenant):
    from tenants.services import api_token_create

    _, secret = api_token_create(tenant=other_tenant, name="their gateway", scopes=["ingest"])
    response = client.post(
        URL, READINGS, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 400
    assert (
        response.json()["errors"][0]["message"] == "readings[0].device_id: unknown device 'hp-0042'"
    )
    assert Observation.objects.count() == 0
