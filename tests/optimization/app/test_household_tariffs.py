"""Grid tariffs as stored public data: loaded through the DatahubPricelist connector over HTTP,
chosen per site by its grid company, and a real day's bill recomputed by hand for two DSOs."""

from __future__ import annotations

import copy
import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import delivery_day_periods
from ainergy.jobs.models import Job
from ainergy.timeseries.connectors import EnergiDataServiceClient
from optimization.core.household.tariffs import (
    compute_bill,
    price_components,
    tariff_table_from_dict,
)
from optimization.models import GridCompany, GridTariffPrice, HouseholdSchedule
from optimization.services.household import household_schedule_request
from optimization.services.household_tariffs import (
    SEED_PATH,
    grid_tariffs_sync,
    household_tariff_table,
    site_grid_company_set,
)
from tests.optimization.app.conftest import ROOT, gid
from tests.optimization.app.test_household_schedule import data_around  # noqa: F401
from tests.timeseries.connectors.conftest import fake_apis, http, sleeps  # noqa: F401

pytestmark = pytest.mark.django_db
SHARED = ROOT.parent / "shared" / "data"
FETCHED = dt.datetime(2025, 11, 20, 12, tzinfo=dt.UTC)


def api_records() -> list[dict]:
    """The shipped price list as Energi Data Service serves it (no source/flag fields)."""
    seed = json.loads(SEED_PATH.read_text())
    records = []
    for record in seed["price_list"]:
        served = {k: v for k, v in record.items() if k not in ("source", "is_verified")}
        served.update({"VATClass": "D02", "TransparentInvoicing": 1, "TaxIndicator": 0})
        records.append(served)
    return records


@pytest.fixture
def live_price_list(fake_apis, http):  # noqa: F811
    """A local server in the DatahubPricelist format with the real entries, plus noise: another
    company's list and an N1 entry under an unrelated code."""
    records = api_records()
    other = copy.deepcopy(records[-1])
    other["GLN_Number"] = "5790000610099"
    stray = copy.deepcopy(records[-1])
    stray["ChargeTypeCode"] = "CD-X"
    stray["GLN_Number"] = "5790001089030"
    fake_apis.eds_records["DatahubPricelist"] = [*records, other, stray]
    return EnergiDataServiceClient(base_url=fake_apis.url, http=http, page_size=7)


def test_sync_replaces_the_stored_entries_with_the_live_price_list(live_price_list, fake_apis):  # noqa: F811
    # given the shipped entries (loaded by the data migration)
    shipped = GridTariffPrice.objects.filter(gln_number="5790001089030", charge_type_code="CD")
    assert shipped.count() == 13
    assert all("EDS" not in entry.source for entry in shipped if "n1.dk" in entry.source)
    # when N1 and TREFOR El-net Øst are synced through the connector
    summary = grid_tariffs_sync(
        client=live_price_list, companies=["n1", "trefor-oest"], now=FETCHED
    )
    # then every charge was replaced by what the API served, and nothing else was stored
    assert summary == {
        "5790000432752/40000": {"removed": 4, "stored": 4},
        "5790000432752/41000": {"removed": 2, "stored": 2},
        "5790000432752/EA-001": {"removed": 5, "stored": 5},
        "5790001089030/CD": {"removed": 13, "stored": 13},
        "5790001089030/CD R": {"removed": 4, "stored": 4},
        "5790000706686/46": {"removed": 1, "stored": 1},
    }
    entries = GridTariffPrice.objects.filter(gln_number="5790001089030", charge_type_code="CD")
    assert {e.source for e in entries} == {
        "Energi Data Service DatahubPricelist, fetched 2025-11-20"
    }
    january = entries.get(valid_from_at=dt.datetime(2023, 12, 31, 23, tzinfo=dt.UTC))
    assert january.valid_to_at == dt.datetime(2024, 3, 31, 22, tzinfo=dt.UTC)
    assert january.hourly_prices_dkk_per_kwh[17] == 0.991048
    assert not GridTariffPrice.objects.filter(charge_type_code="CD-X").exists()
    served = fake_apis.requests_to("/dataset/DatahubPricelist")
    filters = [json.loads(request.query["filter"]) for request in served]
    assert {
        "GLN_Number": ["5790001089030"],
        "ChargeType": ["D03"],
        "ChargeTypeCode": ["CD", "CD R"],
    } in filters


def test_grid_tariffs_sync_is_on_the_daily_beat_schedule_and_writes_through_the_connector(
    live_price_list,
    fake_apis,  # noqa: F811
    settings,
):
    # given the beat entry as configured (GRID_TARIFF_SYNC_TIME_UTC, default 04:15 UTC, daily)
    from celery.schedules import crontab

    from ainergy.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["grid-tariffs-sync"]
    assert settings.GRID_TARIFF_SYNC_TIME_UTC == "04:15"
    assert entry["schedule"] == crontab(hour=4, minute=15)
    assert entry["options"]["queue"] == "ingestion"
    # and the live price list served over local HTTP in the DatahubPricelist format
    settings.ENERGI_DATA_SERVICE_URL = fake_apis.url
    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks
    # when beat's task runs with the entry's arguments
    summary = (
        app.tasks[entry["task"]].apply(kwargs={**entry["kwargs"], "now": FETCHED.isoformat()}).get()
    )
    # then every grid company's charges and Energinet's were replaced by what the API served
    assert summary["5790001089030/CD"] == {"removed": 13, "stored": 13}
    assert summary["5790000432752/EA-001"] == {"removed": 5, "stored": 5}
    assert summary["5790000706686/46"] == {"removed": 1, "stored": 1}
    entries = GridTariffPrice.objects.filter(gln_number="5790001089030", charge_type_code="CD")
    assert {entry.source for entry in entries} == {
        "Energi Data Service DatahubPricelist, fetched 2025-11-20"
    }
    assert not GridTariffPrice.objects.filter(charge_type_code="CD-X").exists()
    asked = {
        tuple(json.loads(request.query["filter"])["GLN_Number"])
        for request in fake_apis.requests_to("/dataset/DatahubPricelist")
    }
    assert {("5790001089030",), ("5790000432752",), ("5790000706686",)} <= asked


def consumption_kwh(index: pd.DatetimeIndex) -> np.ndarray:
    """0.4 kWh at night (00–06 local), 0.8 by day, 2.0 in the 17–21 peak."""
    hours = np.asarray(index.tz_convert("Europe/Copenhagen").hour)
    return np.where(hours < 6, 0.4, np.where((hours >= 17) & (hours < 21), 2.0, 0.8))


def spot(area: str, index: pd.DatetimeIndex) -> np.ndarray:
    frame = pd.read_csv(SHARED / "spot_prices_dk1_dk2_hourly.csv.gz")
    frame = frame[frame["price_area"] == area]
    series = pd.Series(
        frame["price_eur_per_mwh"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(pd.to_datetime(frame["time_utc"], utc=True)),
    )
    return series.reindex(index).to_numpy()


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared data folder not present")
@pytest.mark.parametrize(
    ("company", "area", "dso_low", "dso_high", "dso_peak"),
    [
        # N1 C tariff on 2023-04-20: 43.2225 øre/kWh in every hour (no peak in April 2023)
        ("n1", "DK1", 0.432225, 0.432225, 0.432225),
        # TREFOR El-net Øst code 46: 25.81 / 38.71 / 100.65 øre/kWh (00–06 / day / 17–21)
        ("trefor-oest", "DK2", 0.2581, 0.3871, 1.0065),
    ],
)
def test_bill_of_a_real_day_recomputed_by_hand(
    live_price_list, company, area, dso_low, dso_high, dso_peak
):
    # given the live price list stored through the connector, and 2023-04-20's real spot prices
    grid_tariffs_sync(client=live_price_list, companies=[company], now=FETCHED)
    index = delivery_day_periods(dt.date(2023, 4, 20), 60)
    spot_eur_per_mwh = spot(area, index)
    energy = consumption_kwh(index)
    # when the household bill is computed from the company's stored tariffs
    table = tariff_table_from_dict(
        household_tariff_table(GridCompany.objects.get(code=company), export_fee_dkk_per_kwh=0.0)
    )
    bill = compute_bill(price_components(index, spot_eur_per_mwh, table), energy, np.zeros(24))
    # then it equals the hand calculation with the published rates (DKK/kWh excl. VAT):
    # Energinet transmission 0.058 + system 0.054, elafgift 0.008 (first half of 2023),
    # VAT 25 %, spot converted at 7.46038 DKK/EUR
    # (period h of the 24-hour local day starts at local hour h, 22:00Z the day before)
    by_hand, dso_by_hand = 0.0, 0.0
    for hour in range(24):
        dso = dso_low if hour < 6 else dso_peak if 17 <= hour < 21 else dso_high
        spot_dkk = spot_eur_per_mwh[hour] / 1000 * 7.46038
        by_hand += energy[hour] * 1.25 * (spot_dkk + dso + 0.058 + 0.054 + 0.008)
        dso_by_hand += energy[hour] * dso
    assert index[0] == pd.Timestamp("2023-04-19T22:00Z")
    assert bill.in_dkk()["total"] == pytest.approx(by_hand, rel=1e-12)
    assert bill.in_dkk()["dso_tariff"] == pytest.approx(dso_by_hand, rel=1e-12)


def request(house, **overrides):
    values = {
        "tenant": house["site"].tenant,
        "site_id": house["site"].pk,
        "delivery_day": dt.date(2024, 10, 27),
        "temperature_series_id": house["temperature"].pk,
        "solar_irradiance_series_id": house["irradiance"].pk,
        "annual_heat_demand_kwh": 12000.0,
        "co2_intensity_g_per_kwh": 150.0,
    }
    return household_schedule_request(**{**values, **overrides})


def test_schedule_uses_the_grid_company_the_site_names(
    house,
    data_around,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    # given the site names N1 as its grid company
    site_grid_company_set(tenant=house["site"].tenant, site_id=house["site"].pk, grid_company="n1")
    data_around(dt.date(2024, 10, 27))
    # when a schedule is requested without a tariff table, with the battery ending exactly full
    with django_capture_on_commit_callbacks(execute=True):
        schedule = request(
            house, battery_terminal_energy_kwh=5.6, battery_terminal_energy_mode="exactly"
        )
    # then N1's stored tariffs built the bill, split per period in DKK
    schedule.refresh_from_db()
    assert schedule.job.status == "succeeded", schedule.job.error_message
    assert schedule.grid_company.code == "n1"
    codes = {e["charge_type_code"] for e in schedule.tariff_table["dso_tariff_dkk_per_kwh"]}
    assert codes == {"CD", "CD R"}
    periods = list(schedule.periods.order_by("start_at"))
    assert len(periods) == 100
    assert periods[-1].battery_energy_kwh == pytest.approx(5.6, abs=1e-3)
    assert sum(p.cost_dkk for p in periods) == pytest.approx(schedule.cost_dkk["total"], abs=1e-3)
    for p in periods:
        items = p.spot_dkk + p.supplier_markup_dkk + p.dso_tariff_dkk + p.energinet_tariff_dkk
        items += p.electricity_tax_dkk + p.vat_dkk - p.export_revenue_dkk
        assert items == pytest.approx(p.cost_dkk, abs=1e-5)
    assert schedule.storage_formulation in ("LP", "MILP")
    assert any("N1 A/S (GLN 5790001089030)" in note for note in schedule.assumptions)


@pytest.mark.parametrize(
    ("site_company", "overrides", "field", "reason"),
    [
        ("", {}, "grid_company", "site 'Villa' names no grid company"),
        ("", {"grid_company": "nordpool"}, "grid_company", "unknown grid company 'nordpool'"),
        ("radius", {}, "grid_company", "no stored tariff of Radius Elnet A/S (radius)"),
        (
            "trefor-oest",
            {},
            "grid_company",
            "the stored tariffs of TREFOR El-net Øst A/S (trefor-oest) do not cover the period: "
            "dso_tariff_dkk_per_kwh: no rate (charge 46) valid on local date 2024-10-27",
        ),
        ("n1", {"tariff_table": {"name": "x"}}, "grid_company", "give either"),
        ("n1", {"battery_terminal_energy_mode": "nearly"}, "battery_terminal_energy_mode", None),
        ("n1", {"battery_terminal_energy_kwh": 9.0}, "battery_terminal_energy_kwh", None),
        ("n1", {"export_fee_dkk_per_kwh": -0.1}, "export_fee_dkk_per_kwh", None),
    ],
)
def test_bad_tariff_choice_names_the_field_and_writes_nothing(
    house, site_company, overrides, field, reason
):
    # given
    site = house["site"]
    if site_company:
        site.grid_tariff_code = site_company
        site.save()
    if "tariff_table" in overrides:
        overrides = {**overrides, "grid_company": "n1"}
    # when
    with pytest.raises(ValidationError) as caught:
        request(house, **overrides)
    # then
    assert caught.value.field == field
    if reason is not None:
        assert caught.value.reason.startswith(reason)
    assert (HouseholdSchedule.objects.count(), Job.objects.count()) == (0, 0)


def test_naming_an_unknown_grid_company_changes_nothing(house):
    site = house["site"]
    with pytest.raises(ValidationError) as caught:
        site_grid_company_set(tenant=site.tenant, site_id=site.pk, grid_company="5790000000000")
    assert caught.value.field == "grid_company"
    site.refresh_from_db()
    assert site.grid_tariff_code == ""


GRID_COMPANIES = """{ gridCompanies { code name glnNumber priceArea chargeTypeCodes
  coverage { chargeTypeCode validFrom validTo isVerified } } }"""

SET_COMPANY = """mutation($input: SiteGridCompanyInput!) {
  householdSiteGridCompanySet(input: $input) { id gridTariffCode }
}"""

SCHEDULE = """mutation($input: HouseholdScheduleInput!) {
  householdScheduleRequest(input: $input) {
    id gridCompany { code } batteryTerminalEnergyMode storageFormulation
    billDkk { spotDkk dsoTariffDkk energinetTariffDkk electricityTaxDkk vatDkk totalDkk }
    periods { billDkk { spotDkk supplierMarkupDkk dsoTariffDkk energinetTariffDkk
      electricityTaxDkk vatDkk exportRevenueDkk totalDkk } }
  }
}"""


def test_graphql_lists_grid_companies_with_the_dates_their_prices_cover(tenant, token_client):
    body = token_client(tenant).execute(GRID_COMPANIES)
    companies = {c["code"]: c for c in body["data"]["gridCompanies"]}
    assert set(companies) == {
        "cerius",
        "dinel",
        "konstant",
        "n1",
        "radius",
        "trefor",
        "trefor-oest",
    }
    assert companies["n1"]["coverage"] == [
        {"chargeTypeCode": "CD", "validFrom": "2023-01-01", "validTo": "2026-01-01", "isVerified": True},
        {"chargeTypeCode": "CD R", "validFrom": "2023-01-01", "validTo": "2025-01-01", "isVerified": True},
    ]  # fmt: skip
    assert companies["radius"]["coverage"] == []


def test_graphql_names_the_grid_company_and_bills_the_day_by_item(
    tenant,
    house,
    data_around,  # noqa: F811
    token_client,
    django_capture_on_commit_callbacks,
):
    # given the site names N1 through the household API
    client = token_client(tenant)
    site_id = gid("Site", house["site"])
    body = client.execute(SET_COMPANY, {"input": {"siteId": site_id, "gridCompany": "n1"}})
    assert body["data"]["householdSiteGridCompanySet"] == {"id": site_id, "gridTariffCode": "n1"}
    data_around(dt.date(2024, 10, 27))
    schedule = {
        "siteId": site_id,
        "deliveryDay": "2024-10-27",
        "stepMinutes": 60,
        "temperatureSeriesId": gid("Series", house["temperature"]),
        "solarIrradianceSeriesId": gid("Series", house["irradiance"]),
        "annualHeatDemandKwh": 12000.0,
        "co2IntensityGPerKwh": 150.0,
        "batteryTerminalEnergyKwh": 5.6,
        "batteryTerminalEnergyMode": "EXACTLY",
    }
    # when a schedule is requested without a tariff table
    with django_capture_on_commit_callbacks(execute=True):
        body = client.execute(SCHEDULE, {"input": schedule})
    # then (read right after the request: the job has not run yet, no bill)
    requested = body["data"]["householdScheduleRequest"]
    assert requested["gridCompany"] == {"code": "n1"}
    assert requested["batteryTerminalEnergyMode"] == "EXACTLY"
    read = client.execute(
        "query($id: ID!) { householdSchedule(id: $id) { storageFormulation exchangeRateDkkPerEur "
        "billDkk { totalDkk dsoTariffDkk } periods { billDkk { totalDkk dsoTariffDkk } } } }",
        {"id": requested["id"]},
    )["data"]["householdSchedule"]
    assert read["storageFormulation"] in ("LP", "MILP")
    assert read["exchangeRateDkkPerEur"] == 7.46038  # the stored tariffs' ERM II central rate
    periods = read["periods"]
    assert len(periods) == 25
    assert sum(p["billDkk"]["totalDkk"] for p in periods) == pytest.approx(
        read["billDkk"]["totalDkk"], abs=1e-3
    )
    assert sum(p["billDkk"]["dsoTariffDkk"] for p in periods) == pytest.approx(
        read["billDkk"]["dsoTariffDkk"], abs=1e-3
    )


def test_graphql_names_the_exchange_rate_households_are_billed_at(tenant, token_client):
    body = token_client(tenant).execute("{ exchangeRate { dkkPerEur source } }")
    assert body["data"]["exchangeRate"] == {
        "dkkPerEur": 7.46038,
        "source": "ERM II central rate of the Danish krone, 7.46038 DKK/EUR (Danmarks "
        "Nationalbank); used to bill EUR spot prices in DKK",
    }


def test_another_tenants_site_cannot_be_given_a_grid_company(
    tenant, other_tenant, house, token_client
):
    body = token_client(other_tenant).execute(
        SET_COMPANY, {"input": {"siteId": gid("Site", house["site"]), "gridCompany": "n1"}}
    )
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    house["site"].refresh_from_db()
    assert house["site"].grid_tariff_code == ""
