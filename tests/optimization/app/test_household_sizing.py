"""Household sizing studies as jobs: request → job (progress) → stored design, cost split,
Pareto front; bad input names the field and writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from ainergy.common.ids import global_id
from ainergy.jobs.models import Job
from ainergy.jobs.services import JobContext
from optimization.models import SizingStudy
from tests.optimization.app.conftest import gid

REQUEST = """mutation($input: SizingStudyInput!) {
  sizingStudyRequest(input: $input) { id year job { kind queue status } }
}"""

READ = """query($id: ID!) {
  sizingStudy(id: $id) {
    year representativeDayCount paretoPointCount emissionsKgCo2PerYear assumptions
    design { heatPump pvKwp batteryEnergyKwh batteryPowerKw hasEvCharger }
    annualCost { capexTotalEur capexByComponent { component costEurPerYear } energyEur tariffsEur taxesEur exportRevenueEur
                 evChargingElsewhereEur totalEur }
    paretoFront { emissionsCapKgCo2 totalCostEurPerYear emissionsKgCo2PerYear design { heatPump } }
    representativeDays { localDay weightDays }
    job { status progressFraction errorMessage resultSummary
          result { ... on HouseholdSizingJobResult { paretoPointCount sizingStudy { id } } } }
    annualEnergy { gridImportKwh heatPumpHeatKwh unservedHeatKwh }
  }
}"""


def sizing_input(house, tariff_table, **overrides) -> dict:
    return {
        "siteId": gid("Site", house["site"]),
        "year": 2023,
        "temperatureSeriesId": gid("Series", house["temperature"]),
        "solarIrradianceSeriesId": gid("Series", house["irradiance"]),
        "annualHeatDemandKwh": 12000.0,
        "tariffTable": tariff_table,
        "tariffYear": None,
        "heatStorageKwh": 8.0,
        "ev": {"dailyEnergyKwh": 8.0, "arrivalLocalHour": 17, "departureLocalHour": 7},
        "co2IntensityGPerKwh": 150.0,
        "representativeDayCount": 4,
        "paretoPointCount": 2,
        **overrides,
    }


def test_sizing_request_runs_a_job_reporting_progress_and_stores_the_results(
    tenant, house, tariff_table, load_data, token_client, django_capture_on_commit_callbacks,
    monkeypatch,
):  # fmt: skip
    # given a year of stored weather and DK1 prices (2023, with the file's DST gaps)
    load_data(dt.datetime(2022, 12, 30, tzinfo=dt.UTC), dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    progress = []
    report = JobContext.report_progress

    def recording(self, fraction, message=""):
        progress.append((fraction, message))
        report(self, fraction, message)

    monkeypatch.setattr(JobContext, "report_progress", recording)
    client = token_client(tenant)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        body = client.execute(REQUEST, {"input": sizing_input(house, tariff_table)})
    # then the job ran on the sizing queue and reported each stage
    requested = body["data"]["sizingStudyRequest"]
    assert requested["job"] == {"kind": "HOUSEHOLD_SIZING", "queue": "sizing", "status": "QUEUED"}
    study = client.execute(READ, {"id": requested["id"]})["data"]["sizingStudy"]
    # (a representative whose matched weight is 0 is dropped: at most the 4 asked for)
    days = len(study["representativeDays"])
    assert 2 <= days <= 4
    assert progress == [
        (0.05, "loading a year of weather, prices and heat data"),
        (0.2, "selecting representative days"),
        (0.3, f"sizing on {days} representative days"),
        (0.5, "Pareto front: 2 points"),
        (0.95, "storing results"),
    ]
    assert (study["job"]["status"], study["job"]["progressFraction"]) == ("SUCCEEDED", 1.0)
    design = study["design"]
    assert design["heatPump"] in {
        "air-water 6 kW",
        "air-water 8 kW",
        "air-water 10 kW",
        "air-water 12 kW",
    }
    assert study["job"]["resultSummary"] == {
        "sizing_study_id": global_id(SizingStudy.objects.get()),
        "heat_pump": design["heatPump"],
        "total_cost_eur_per_year": study["annualCost"]["totalEur"],
        "pareto_points": 2,
    }
    assert study["job"]["result"] == {
        "paretoPointCount": 2,
        "sizingStudy": {"id": global_id(SizingStudy.objects.get())},
    }
    assert study["annualEnergy"]["heatPumpHeatKwh"] > 0
    # the cost split adds up; the representative days (incl. the peak-heat day) weigh a year
    cost = study["annualCost"]
    assert cost["capexTotalEur"] == pytest.approx(
        sum(c["costEurPerYear"] for c in cost["capexByComponent"]), abs=0.02
    )
    assert cost["totalEur"] == pytest.approx(
        cost["capexTotalEur"]
        + cost["energyEur"]
        + cost["tariffsEur"]
        + cost["taxesEur"]
        - cost["exportRevenueEur"]
        + cost["evChargingElsewhereEur"],
        abs=0.05,
    )
    assert sum(day["weightDays"] for day in study["representativeDays"]) == pytest.approx(365)
    assert any("chosen by k-means on the day costs of" in note for note in study["assumptions"])
    # the Pareto front runs from the cheapest to the cleanest design
    cheapest, cleanest = study["paretoFront"]
    assert cheapest["totalCostEurPerYear"] <= cleanest["totalCostEurPerYear"]
    assert cheapest["emissionsKgCo2PerYear"] >= cleanest["emissionsKgCo2PerYear"]
    assert cheapest["emissionsCapKgCo2"] is None
    # assumptions say what was not measured
    notes = study["assumptions"]
    assert "CO2 intensity: constant 150 g/kWh as requested" in notes
    assert any(
        note.startswith("temperature_series_id: ") and "filled with the value 24 h earlier" in note
        for note in notes
    )
    assert any(note.startswith("heat demand: 12000 kWh/yr given") for note in notes)


def test_missing_prices_fail_the_job_naming_the_series(
    tenant, house, tariff_table, load_data, token_client, django_capture_on_commit_callbacks
):
    # given weather for 2023 but prices only until the end of June
    load_data(dt.datetime(2022, 12, 30, tzinfo=dt.UTC), dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    from ainergy.timeseries.models import Observation

    Observation.objects.filter(
        series=house["prices"], time__gte=dt.datetime(2023, 7, 1, tzinfo=dt.UTC)
    ).delete()
    client = token_client(tenant)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        body = client.execute(REQUEST, {"input": sizing_input(house, tariff_table)})
    # then
    study = client.execute(READ, {"id": body["data"]["sizingStudyRequest"]["id"]})["data"][
        "sizingStudy"
    ]
    assert study["job"]["status"] == "FAILED"
    assert study["job"]["errorMessage"] == (
        "price_series_id: 4415 of 8760 hours missing in series 'dk1-day-ahead', first 2023-07-01T00:00:00Z"
    )
    assert study["design"] is None


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"year": 1999}, "input.year", "must be between 2000 and 2100, got 1999"),
        ({"paretoPointCount": 1}, "input.paretoPointCount", "must be 0 (no front) or between 2 and 10"),
        ({"discountRateFraction": 0.5}, "input.discountRateFraction", "must be between 0 and 0.3, got 0.5"),
        ({"heatDemandSeriesId": None, "annualHeatDemandKwh": None}, "input.heatDemandSeriesId",
         "missing; give heat_demand_series_id or annual_heat_demand_kwh"),
        ({"ev": {"dailyEnergyKwh": 8.0, "arrivalLocalHour": 25, "departureLocalHour": 7}},
         "input.ev.arrivalLocalHour", "must be between 0 and 23, got 25"),
        ({"tariffYear": 2026}, "input.tariffTable.dsoTariffDkkPerKwh", "no rate (charge CD) valid on local date 2026-01-01"),
        ({"solarIrradianceSeriesId": "temperature"}, "input.solarIrradianceSeriesId",
         "expected a solar_irradiance series, got outdoor_temperature"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_writes_nothing(
    tenant, house, tariff_table, token_client, overrides, field, reason
):
    # given ("temperature" stands for the house's temperature series)
    overrides = {
        key: gid("Series", house[value]) if value == "temperature" else value
        for key, value in overrides.items()
    }
    # when
    body = token_client(tenant).execute(
        REQUEST, {"input": sizing_input(house, tariff_table, **overrides)}
    )
    # then
    error = body["errors"][0]
    assert (error["extensions"]["field"], error["extensions"]["reason"]) == (field, reason), error
    assert error["message"] == f"{field}: {reason}"
    assert (SizingStudy.objects.count(), Job.objects.count()) == (0, 0)
