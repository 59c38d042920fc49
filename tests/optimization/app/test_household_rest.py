"""Devices read their household's latest succeeded schedule over REST with a read token."""

from __future__ import annotations

import datetime as dt

import pytest

from ainergy.common.ids import global_id
from ainergy.jobs.models import Job, JobStatus
from optimization.models import HouseholdSchedule, HouseholdSchedulePeriod
from tests.optimization.app.conftest import gid


def make_schedule(house, day: dt.date, status: str, heat_pump_power_kw: float):
    site = house["site"]
    job = Job.objects.create(
        tenant=site.tenant, kind="household_schedule", queue="default", status=status
    )
    schedule = HouseholdSchedule.objects.create(
        tenant=site.tenant, site=site, job=job, delivery_day=day, step_minutes=60,
        temperature_series=house["temperature"], solar_irradiance_series=house["irradiance"],
        price_series=house["prices"], annual_heat_demand_kwh=12000.0, tariff_table={},
        period_count=2, total_cost_eur=0.61,
    )  # fmt: skip
    for hour in range(2):
        HouseholdSchedulePeriod.objects.create(
            tenant=site.tenant, schedule=schedule,
            start_at=dt.datetime(2024, 1, 14, 23, tzinfo=dt.UTC) + dt.timedelta(hours=hour),
            heat_pump_power_kw=heat_pump_power_kw, heat_pump_heat_kw=3 * heat_pump_power_kw,
            backup_heater_power_kw=0.0, pv_used_kw=0.0, battery_charge_kw=1.0,
            battery_discharge_kw=0.0, battery_energy_kwh=1.0 + hour, ev_charge_kw=0.0,
            grid_import_kw=2.0, grid_export_kw=0.0, tank_energy_kwh=4.0,
            import_price_eur_per_kwh=0.3, export_price_eur_per_kwh=0.05, cost_eur=0.6,
        )  # fmt: skip
    return schedule


@pytest.fixture
def device(client):
    from tenants.services import api_token_create

    def get(tenant, path: str, scopes=("read",)):
        _, secret = api_token_create(tenant=tenant, name="heat pump", scopes=list(scopes))
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")

    return get


def test_device_reads_the_latest_succeeded_schedule_of_the_day(tenant, house, device):
    # given an older succeeded, a newer succeeded and a newest failed schedule
    day = dt.date(2024, 1, 15)
    make_schedule(house, day, JobStatus.SUCCEEDED, 1.0)
    latest = make_schedule(house, day, JobStatus.SUCCEEDED, 2.0)
    make_schedule(house, day, JobStatus.FAILED, 3.0)
    # when the device asks by the site's global id (or its number)
    by_gid = device(
        tenant, f"/api/v1/households/{gid('Site', house['site'])}/schedule?day=2024-01-15"
    )
    by_pk = device(tenant, f"/api/v1/households/{house['site'].pk}/schedule?day=2024-01-15")
    # then
    assert by_gid.status_code == 200, by_gid.content
    body = by_gid.json()
    assert body == by_pk.json()
    assert {
        key: body[key] for key in ("site_id", "delivery_day", "step_minutes", "schedule_id")
    } == {
        "site_id": global_id(house["site"]),
        "delivery_day": "2024-01-15",
        "step_minutes": 60,
        "schedule_id": global_id(latest),
    }
    assert body["periods"][1] == {
        "start_at": "2024-01-15T00:00:00Z",
        "end_at": "2024-01-15T01:00:00Z",
        "heat_pump_power_kw": 2.0,
        "backup_heater_power_kw": 0.0,
        "battery_charge_kw": 1.0,
        "battery_discharge_kw": 0.0,
        "battery_energy_kwh": 2.0,
        "ev_charge_kw": 0.0,
        "grid_import_kw": 2.0,
        "grid_export_kw": 0.0,
        "tank_energy_kwh": 4.0,
        "indoor_temperature_c": None,
    }
    assert len(body["periods"]) == 2


def test_another_tenants_site_is_not_found_exactly_like_a_missing_one(
    tenant, other_tenant, house, device
):
    # given tenant A's schedule
    make_schedule(house, dt.date(2024, 1, 15), JobStatus.SUCCEEDED, 1.0)
    # when tenant B's device asks for A's site (by global id and by number) and a missing one
    site = house["site"]
    foreign = device(other_tenant, f"/api/v1/households/{global_id(site)}/schedule?day=2024-01-15")
    by_number = device(other_tenant, f"/api/v1/households/{site.pk}/schedule?day=2024-01-15")
    missing = device(other_tenant, f"/api/v1/households/{site.pk + 999}/schedule?day=2024-01-15")
    # then
    assert foreign.status_code == by_number.status_code == missing.status_code == 404
    assert (
        foreign.json()
        == by_number.json()
        == missing.json()
        == {"errors": [{"message": "Site not found.", "code": "NOT_FOUND"}]}
    )


def test_a_garbled_site_id_is_a_validation_error(tenant, other_tenant, device):
    # "U2l0ZTp4" is base64 of "Site:x"
    garbled = device(other_tenant, "/api/v1/households/U2l0ZTp4/schedule?day=2024-01-15")
    assert garbled.status_code == 400
    assert garbled.json() == {
        "errors": [
            {
                "message": "site_id: not a valid id (ids are opaque strings handed out by this API)",
                "code": "VALIDATION_ERROR",
                "field": "site_id",
                "reason": "not a valid id (ids are opaque strings handed out by this API)",
            }
        ]
    }


@pytest.mark.parametrize(
    ("query", "status", "error"),
    [
        ("?day=2024-01-16", 404, {"message": "No schedule for this site on 2024-01-16.", "code": "NOT_FOUND", "delivery_day": "2024-01-16"}),
        ("", 400, {"message": "day: missing; give the local delivery day as YYYY-MM-DD", "code": "VALIDATION_ERROR", "field": "day", "reason": "missing; give the local delivery day as YYYY-MM-DD"}),
        ("?day=15-01-2024", 400, {"message": "day: expected YYYY-MM-DD, got '15-01-2024'", "code": "VALIDATION_ERROR", "field": "day", "reason": "expected YYYY-MM-DD, got '15-01-2024'"}),
    ],
)  # fmt: skip
def test_missing_schedule_and_bad_day_are_explained(tenant, house, device, query, status, error):
    make_schedule(house, dt.date(2024, 1, 15), JobStatus.SUCCEEDED, 1.0)
    response = device(tenant, f"/api/v1/households/{house['site'].pk}/schedule{query}")
    assert response.status_code == status
    assert response.json() == {"errors": [error]}


def test_token_without_read_scope_is_denied(tenant, house, device):
    response = device(
        tenant, f"/api/v1/households/{house['site'].pk}/schedule?day=2024-01-15", scopes=("ingest",)
    )
    assert response.status_code == 403
    assert response.json()["errors"][0]["code"] == "PERMISSION_DENIED"
