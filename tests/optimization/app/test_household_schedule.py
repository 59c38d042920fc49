"""Household day-ahead schedules as jobs: request → job → stored periods; DST days; infeasible
comfort requests; bad input; GraphQL reads."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from ainergy.common.ids import global_id
from ainergy.jobs.models import Job
from optimization.models import HouseholdSchedule, HouseholdSchedulePeriod
from tests.optimization.app.conftest import gid

REQUEST = """mutation($input: HouseholdScheduleInput!) {
  householdScheduleRequest(input: $input) {
    id deliveryDay stepMinutes
    job { id kind status queue }
  }
}"""

READ = """query($id: ID!) {
  householdSchedule(id: $id) {
    deliveryDay stepMinutes periodCount totalCostEur assumptions
    cost { energyEur tariffsEur taxesEur exportRevenueEur totalEur }
    job { status progressFraction progressMessage errorCode errorMessage resultSummary }
    periods {
      startAt startLocal heatPumpPowerKw heatPumpHeatKw backupHeaterPowerKw pvUsedKw
      batteryChargeKw batteryDischargeKw batteryEnergyKwh evChargeKw gridImportKw gridExportKw
      tankEnergyKwh indoorTemperatureC costEur
    }
  }
}"""


def schedule_input(house, tariff_table, day: dt.date, **overrides) -> dict:
    return {
        "siteId": gid("Site", house["site"]),
        "deliveryDay": day.isoformat(),
        "stepMinutes": 15,
        "temperatureSeriesId": gid("Series", house["temperature"]),
        "solarIrradianceSeriesId": gid("Series", house["irradiance"]),
        "annualHeatDemandKwh": 12000.0,
        "tariffTable": tariff_table,
        "tariffYear": None,
        "co2IntensityGPerKwh": 150.0,
        **overrides,
    }


@pytest.fixture
def data_around(load_data):
    def around(day: dt.date) -> None:
        start = dt.datetime.combine(day - dt.timedelta(days=3), dt.time(), tzinfo=dt.UTC)
        load_data(start, start + dt.timedelta(days=6))

    return around


@pytest.mark.parametrize(
    ("day", "periods", "first_utc", "last_utc", "first_local", "last_local"),
    [
        (
            dt.date(2024, 10, 27),
            100,
            "2024-10-26T22:00:00+00:00",
            "2024-10-27T22:45:00+00:00",
            "2024-10-27T00:00:00+02:00",
            "2024-10-27T23:45:00+01:00",
        ),
        (
            dt.date(2024, 3, 31),
            92,
            "2024-03-30T23:00:00+00:00",
            "2024-03-31T21:45:00+00:00",
            "2024-03-31T00:00:00+01:00",
            "2024-03-31T23:45:00+02:00",
        ),
    ],
)
def test_schedule_request_runs_a_job_that_stores_every_period_of_a_dst_day(
    tenant, house, tariff_table, data_around, token_client, django_capture_on_commit_callbacks,
    day, periods, first_utc, last_utc, first_local, last_local,
):  # fmt: skip
    # given a day of stored weather and DK1 prices
    data_around(day)
    client = token_client(tenant)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        body = client.execute(REQUEST, {"input": schedule_input(house, tariff_table, day)})
    # then the request returns the queued job, which ran to success
    requested = body["data"]["householdScheduleRequest"]
    assert requested["job"]["kind"] == "HOUSEHOLD_SCHEDULE"
    assert requested["job"]["queue"] == "default"
    response = client.execute(READ, {"id": requested["id"]})
    assert "errors" not in response, response["errors"]
    read = response["data"]["householdSchedule"]
    job = read["job"]
    assert (job["status"], job["progressFraction"], job["errorMessage"]) == ("SUCCEEDED", 1.0, None)
    assert job["progressMessage"] == "storing the schedule"
    assert read["periodCount"] == periods
    rows = read["periods"]
    assert len(rows) == periods
    assert (rows[0]["startAt"], rows[-1]["startAt"]) == (first_utc, last_utc)
    assert (rows[0]["startLocal"], rows[-1]["startLocal"]) == (first_local, last_local)
    assert job["resultSummary"] == {
        "household_schedule_id": global_id(HouseholdSchedule.objects.get()),
        "periods": periods,
        "total_cost_eur": read["totalCostEur"],
    }
    # invariants: the periods' costs add up to the bill; the tank stays in its bounds;
    # the EV gets today's need (the evening stay departs tomorrow, so only the morning counts)
    assert sum(row["costEur"] for row in rows) == pytest.approx(read["cost"]["totalEur"], abs=1e-3)
    assert all(-1e-6 <= row["tankEnergyKwh"] <= 8.0 + 1e-6 for row in rows)
    assert all(row["indoorTemperatureC"] is None for row in rows)
    assert all(0 <= row["heatPumpPowerKw"] <= 3.0 + 1e-6 for row in rows)
    assert all(row["batteryEnergyKwh"] <= 5.6 + 1e-6 for row in rows)
    assert any("CO2 intensity: constant 150 g/kWh" in note for note in read["assumptions"])


def test_infeasible_comfort_request_fails_the_job_naming_the_constraint_family(
    tenant, house, tariff_table, data_around, token_client, django_capture_on_commit_callbacks
):
    # given a comfort band no heat pump of 3 kW can reach from 21 °C
    day = dt.date(2024, 1, 15)
    data_around(day)
    client = token_client(tenant)
    building = {
        "thermalResistanceKPerKw": 5.4,
        "thermalCapacitanceKwhPerK": 15.0,
        "initialIndoorTemperatureC": 21.0,
        "comfortMinC": 35.0,
        "comfortMaxC": 38.0,
    }
    # when
    with django_capture_on_commit_callbacks(execute=True):
        body = client.execute(
            REQUEST,
            {
                "input": schedule_input(
                    house, tariff_table, day, stepMinutes=60, building=building,
                    annualHeatDemandKwh=None,
                )
            },
        )  # fmt: skip
    # then
    read = client.execute(READ, {"id": body["data"]["householdScheduleRequest"]["id"]})
    job = read["data"]["householdSchedule"]["job"]
    assert (job["status"], job["errorCode"]) == ("FAILED", "INFEASIBLE")
    assert job["errorMessage"].startswith("infeasible: the indoor comfort band cannot be held")
    assert job["resultSummary"]["error"]["constraint_family"] == "comfort"
    assert job["resultSummary"]["error"]["periods"][0] == "2024-01-14T23:00:00Z"
    assert read["data"]["householdSchedule"]["periods"] == []


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"stepMinutes": 30}, "input.stepMinutes", "must be one of (15, 60)"),
        (
            {"annualHeatDemandKwh": None},
            "input.heatDemandSeriesId",
            "missing; give heat_demand_series_id or annual_heat_demand_kwh",
        ),
        ({"annualHeatDemandKwh": 5.0}, "input.annualHeatDemandKwh", "must be between 100 and 1e+06, got 5"),
        ({"batteryInitialEnergyKwh": 9.0}, "input.batteryInitialEnergyKwh", "must be between 0 and 5.6, got 9"),
        (
            {"building": {"thermalResistanceKPerKw": 5.4, "thermalCapacitanceKwhPerK": 15.0,
                          "initialIndoorTemperatureC": 21.0, "comfortMinC": 22.0, "comfortMaxC": 20.0},
             "annualHeatDemandKwh": None},
            "input.building.comfortMaxC",
            "must be above comfort_min_c",
        ),
        ({"tariffYear": 2026}, "input.tariffTable.dsoTariffDkkPerKwh", "no rate (charge CD) valid on local date 2026-01-15"),
        ("short price list", "input.tariffTable.dsoTariffDkkPerKwh[0].pricesByLocalHour",
         "expected 24 prices"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_writes_nothing(
    tenant, house, tariff_table, token_client, overrides, field, reason
):
    # given
    if overrides == "short price list":
        table = copy.deepcopy(tariff_table)
        table["dsoTariffDkkPerKwh"][0]["pricesByLocalHour"] = [0.1] * 23
        overrides = {"tariffTable": table}
    # when
    body = token_client(tenant).execute(
        REQUEST, {"input": schedule_input(house, tariff_table, dt.date(2024, 1, 15), **overrides)}
    )
    # then
    error = body["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_ERROR"
    assert error["extensions"]["field"] == field
    if reason is not None:
        assert error["extensions"]["reason"].startswith(reason)
    assert (HouseholdSchedule.objects.count(), Job.objects.count()) == (0, 0)


def test_series_of_the_wrong_kind_is_rejected(tenant, house, tariff_table, token_client):
    body = token_client(tenant).execute(
        REQUEST,
        {
            "input": schedule_input(
                house, tariff_table, dt.date(2024, 1, 15),
                temperatureSeriesId=gid("Series", house["irradiance"]),
            )
        },
    )  # fmt: skip
    assert body["errors"][0]["message"] == (
        "input.temperatureSeriesId: expected a outdoor_temperature series, got solar_irradiance"
    )
    assert Job.objects.count() == 0


def test_site_without_household_heat_pump_is_rejected(tenant, house, tariff_table, token_client):
    house["heat_pump"].delete()
    body = token_client(tenant).execute(
        REQUEST, {"input": schedule_input(house, tariff_table, dt.date(2024, 1, 15))}
    )
    assert body["errors"][0]["message"] == "input.siteId: the site has no household heat pump"
    assert Job.objects.count() == 0


def test_another_tenants_site_reads_as_missing(
    tenant, other_tenant, house, tariff_table, token_client
):
    # given tenant B's client with tenant A's site
    client = token_client(other_tenant)
    foreign = schedule_input(house, tariff_table, dt.date(2024, 1, 15))
    missing = {**foreign, "siteId": gid("Site", type("Missing", (), {"pk": 10**7})())}
    # when
    attacked, baseline = (
        client.execute(REQUEST, {"input": foreign}),
        client.execute(REQUEST, {"input": missing}),
    )
    # then
    assert attacked == baseline
    assert attacked["errors"][0]["message"] == "Site not found."
    assert (HouseholdSchedule.objects.count(), HouseholdSchedulePeriod.objects.count()) == (0, 0)


def test_tank_heat_demand_is_calibrated_on_the_stored_heat_meter_history(
    tenant, house, tariff_table, data_around, token_client, django_capture_on_commit_callbacks
):
    # given a year of the Danish house's heat meter (2019) in a heat-demand series
    import pandas as pd

    from ainergy.timeseries.services import observations_write_frame, series_create
    from tests.optimization.app.conftest import DATA

    meter = pd.read_csv(DATA / "smart_heat_meter_dk_house660_hourly_2018_2020.csv")
    meter["time"] = pd.to_datetime(meter["time_utc"], utc=True)
    meter = meter[(meter["time"].dt.year == 2019) & meter["heat_kwh"].notna()]
    heat = series_create(
        tenant=tenant, key="villa-heat", kind="heat_demand", resolution_minutes=60,
        site=house["site"],
    )  # fmt: skip
    observations_write_frame(
        series=heat,
        frame=pd.DataFrame({"time": meter["time"], "value": meter["heat_kwh"]}),
        source="meter",
        tenant=tenant,
    )
    day = dt.date(2024, 1, 15)
    data_around(day)
    client = token_client(tenant)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        body = client.execute(
            REQUEST,
            {
                "input": schedule_input(
                    house, tariff_table, day, stepMinutes=60, annualHeatDemandKwh=None,
                    heatDemandSeriesId=gid("Series", heat),
                )
            },
        )  # fmt: skip
    # then
    read = client.execute(READ, {"id": body["data"]["householdScheduleRequest"]["id"]})
    schedule = read["data"]["householdSchedule"]
    assert schedule["job"]["status"] == "SUCCEEDED", schedule["job"]
    assert schedule["periodCount"] == 24
    assert any(
        note.startswith("heat demand: degree-day model calibrated on 'villa-heat' 2019–2019")
        for note in schedule["assumptions"]
    )
