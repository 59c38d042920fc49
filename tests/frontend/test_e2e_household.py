"""The household's day in Chromium against a real Celery worker: request a schedule on the
autumn DST day from the site page, follow its job, read the power, price and bill charts' data
against the stored periods (DKK, CET/CEST), then request a sizing study and read its Pareto
front from the chart; viewers get no forms and another tenant's ids read as not found."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.frontend.test_e2e_aggregator import chart
from tests.frontend.test_e2e_shell import _gid
from tests.optimization.app.conftest import house, load_data  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2024, 10, 27)  # 25 hours: 02:00-02:45 once in CEST, once in CET
BILL_PARTS = [
    ("Spot price", "spot_dkk"),
    ("Supplier's markup", "supplier_markup_dkk"),
    ("Grid company tariff (DSO)", "dso_tariff_dkk"),
    ("Energinet tariffs", "energinet_tariff_dkk"),
    ("Electricity tax (elafgift)", "electricity_tax_dkk"),
    ("VAT (moms)", "vat_dkk"),
]


@pytest.fixture
def tenant(make_tenant):
    """A household provider (the house fixture builds its site in this tenant)."""
    return make_tenant("homes", kind="household_provider")


def dkk(value: float) -> str:
    """The portal's English DKK format (Intl en-GB)."""
    return f"{'-' if value < 0 else ''}DKK\xa0{abs(value):,.2f}"


def test_household_day_and_sizing_from_the_site_page(
    open_portal,
    tenant,
    make_tenant,
    house,  # noqa: F811
    load_data,  # noqa: F811
    member_of,
    worker,
):
    from optimization.models import HouseholdSchedule, SizingStudy

    # given a household with weather and DK1 prices around the DST day and over 2023
    load_data(dt.datetime(2024, 10, 24, tzinfo=dt.UTC), dt.datetime(2024, 10, 30, tzinfo=dt.UTC))
    load_data(dt.datetime(2022, 12, 30, tzinfo=dt.UTC), dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    member_of(tenant, "operator", "operator@homes.dk")
    site_path = f"/sites/{_gid('Site', house['site'].pk)}"
    portal = open_portal()
    page = portal.page
    portal.log_in("operator@homes.dk", next_path="/sites")
    portal.wait_for_app()
    portal.audit("households")
    page.get_by_role("link", name="Villa").click()
    page.get_by_role("heading", level=1, name="Villa").wait_for()
    portal.wait_for_app()
    devices = page.get_by_test_id("devices").inner_text()
    for name in ("air-water", "tank", "battery", "roof", "wallbox"):
        assert name in devices
    portal.audit("household-site")
    # when the operator requests the day's schedule in the form
    form = page.get_by_role("form", name="Request a schedule")
    form.get_by_label("Delivery day").fill(DAY.isoformat())
    form.get_by_label("Grid company").select_option("n1")
    form.get_by_label("Annual heat demand [kWh]").fill("12000")
    page.evaluate("window.sameDocument = true")
    form.get_by_role("button", name="Request schedule").click()
    page.wait_for_url(re.compile(r"/schedules/[^/]+$"))
    # then the page follows the job until the schedule is there, without a reload
    page.locator("[data-chart=household-schedule]").wait_for(timeout=180_000)
    assert page.evaluate("window.sameDocument") is True
    schedule = HouseholdSchedule.objects.get(tenant=tenant)
    assert page.url.endswith(_gid("HouseholdSchedule", schedule.pk))
    periods = list(schedule.periods.order_by("start_at"))
    assert len(periods) == schedule.period_count == 100
    rate = schedule.tariff_table["exchange_rate_dkk_per_eur"]
    # the power chart: every quarter-hour of the 25-hour day, the repeated hour in CEST then CET
    option = chart(page, "household-schedule")
    labels = option["xAxis"][0]["data"]
    assert len(labels) == 100
    assert labels[:2] == ["00:00 CEST", "00:15 CEST"]
    assert labels[8:16] == [f"02:{m:02d} CEST" for m in (0, 15, 30, 45)] + [
        f"02:{m:02d} CET" for m in (0, 15, 30, 45)
    ]
    assert labels[-1] == "23:45 CET"
    series = {s["name"]: s["data"] for s in option["series"]}
    for name, column in (
        ("Heat pump", "heat_pump_power_kw"),
        ("Backup heater", "backup_heater_power_kw"),
        ("EV charging", "ev_charge_kw"),
        ("Battery charging", "battery_charge_kw"),
        ("Battery discharging", "battery_discharge_kw"),
        ("Solar (PV)", "pv_used_kw"),
        ("Grid import", "grid_import_kw"),
        ("Grid export", "grid_export_kw"),
    ):
        assert series[name] == pytest.approx([getattr(p, column) for p in periods]), name
    assert series["Import price (all-in)"] == pytest.approx(
        [p.import_price_eur_per_kwh * rate for p in periods]
    )
    assert max(series["Heat pump"]) > 0 and max(series["Grid import"]) > 0
    assert page.get_by_test_id("dst-note").inner_text().startswith("Clocks change on this day: 25")
    assert page.get_by_test_id("exchange-rate").inner_text() == f"1 € = {rate:.4f} kr."
    # the bill in DKK: per period by recipient in the chart, the day's split in the table
    bill = chart(page, "bill-chart")
    by_name = {s["name"]: s["data"] for s in bill["series"]}
    assert list(by_name) == [name for name, _ in BILL_PARTS]
    for name, column in BILL_PARTS:
        assert by_name[name] == pytest.approx([getattr(p, column) for p in periods]), name
    split = schedule.cost_dkk
    table = page.get_by_test_id("bill-split")
    for part, key in (
        ("spot", "spot"),
        ("dsoTariff", "dso_tariff"),
        ("energinetTariff", "energinet_tariff"),
        ("electricityTax", "electricity_tax"),
        ("vat", "vat"),
    ):
        assert split[key] > 0, key
        row = table.locator(f"tr[data-part={part}] td.num")
        assert row.inner_text() == dkk(split[key]), part
    assert table.locator("tr[data-part=total] td").inner_text() == dkk(split["total"])
    assert page.get_by_test_id("bill-total").inner_text() == dkk(split["total"])
    assert split["total"] == pytest.approx(
        sum(split[k] for k in ("spot", "supplier_markup", "dso_tariff", "energinet_tariff"))
        + split["electricity_tax"] + split["vat"] - split["export_revenue"], abs=0.01
    )  # fmt: skip
    portal.audit("household-day")

    # when the operator requests a sizing study over 2023 from the site page
    portal.goto(site_path)
    portal.wait_for_app()
    sizing = page.get_by_role("form", name="Request a sizing study")
    sizing.get_by_label("Year").fill("2023")
    sizing.get_by_label("Grid company").select_option("n1")
    sizing.get_by_label("Hot-water storage [kWh]").fill("8")
    sizing.get_by_label("Representative days").fill("4")
    sizing.get_by_label("Points on the cost–CO₂ front").fill("3")
    sizing.get_by_role("button", name="Request sizing study").click()
    page.wait_for_url(re.compile(r"/sizing/[^/]+$"))
    # then the Pareto chart holds the stored front, in DKK/yr against kg CO2/yr
    page.locator("[data-chart=pareto-chart]").wait_for(timeout=300_000)
    study = SizingStudy.objects.get(tenant=tenant)
    front = sorted(study.pareto_front, key=lambda point: point["emissions_kg_co2_per_year"])
    assert len(front) >= 2
    study_rate = study.tariff_table["exchange_rate_dkk_per_eur"]
    pareto = chart(page, "pareto-chart")
    line, chosen = pareto["series"]
    assert [x for d in line["data"] for x in d["value"]] == pytest.approx(
        [
            x
            for p in front
            for x in (p["emissions_kg_co2_per_year"], p["total_cost_eur_per_year"] * study_rate)
        ]
    )
    assert [x for d in chosen["data"] for x in d["value"]] == pytest.approx(
        [study.emissions_kg_co2_per_year, study.annual_cost_eur["total"] * study_rate]
    )
    assert page.get_by_test_id("annual-total").text_content() == dkk(
        study.annual_cost_eur["total"] * study_rate
    )
    assert study.design["heat_pump"] in page.get_by_test_id("chosen-design").inner_text()
    assert page.get_by_test_id("designs").locator("thead th").count() == len(front)
    portal.audit("sizing-study")
    portal.goto("/sizing")
    portal.wait_for_app()
    portal.audit("sizing-studies")

    # the overview and the market prices of the day in EUR, with the rate the bill used
    portal.goto("/")
    portal.wait_for_app()
    portal.page.get_by_role("link", name="Households").first.wait_for()
    portal.audit("overview")
    portal.goto("/prices")
    portal.wait_for_app()
    page.get_by_label("Day", exact=True).fill(DAY.isoformat())
    spot = chart(page, "prices-dk1-day-ahead")
    stored = list(
        house["prices"]
        .observations.filter(
            time__gte=periods[0].start_at, time__lt=periods[-1].start_at + dt.timedelta(minutes=15)
        )
        .order_by("time")
    )
    assert len(stored) == 25
    assert spot["series"][0]["data"] == pytest.approx([o.value for o in stored])
    assert spot["xAxis"][0]["data"][2:4] == ["02:00 CEST", "02:00 CET"]
    assert (
        page.get_by_test_id("exchange-rate")
        .inner_text()
        .startswith("Markets trade in EUR; household bills convert at 1 € = 7.4604 kr.")
    )
    portal.audit("prices")

    # a viewer of the tenant sees the pages without the request forms
    member_of(tenant, "viewer", "viewer@homes.dk")
    viewer = open_portal()
    viewer.log_in("viewer@homes.dk", next_path=site_path)
    viewer.wait_for_app()
    assert viewer.page.get_by_role("heading", level=1).inner_text() == "Villa"
    assert viewer.page.get_by_role("button", name=re.compile("Request")).count() == 0
    # and another household provider's user sees neither the schedule nor the study
    stranger_tenant = make_tenant("elsewhere", kind="household_provider")
    member_of(stranger_tenant, "owner", "owner@elsewhere.dk")
    stranger = open_portal()
    stranger.log_in(
        "owner@elsewhere.dk", next_path=f"/schedules/{_gid('HouseholdSchedule', schedule.pk)}"
    )
    stranger.wait_for_app()
    assert stranger.page.get_by_role("heading", level=1).inner_text() == "Not found"
    for path in (f"/sizing/{_gid('SizingStudy', study.pk)}", site_path):
        stranger.goto(path)
        stranger.wait_for_app()
        assert stranger.page.get_by_role("heading", level=1).inner_text() == "Not found", path


def test_site_page_leads_to_todays_and_tomorrows_schedules(
    open_portal,
    tenant,
    house,  # noqa: F811
    member_of,
):
    from zoneinfo import ZoneInfo

    from optimization.models import HouseholdSchedule

    # the browser's clock at 00:30 on 26 October 2024 in Copenhagen (still the 25th in UTC), so
    # "tomorrow" is the DST day whose grid tariffs are stored
    now = dt.datetime(2024, 10, 26, 0, 30, tzinfo=ZoneInfo("Europe/Copenhagen"))
    today, tomorrow = dt.date(2024, 10, 26), DAY
    # a site with its grid company (N1, whose tariffs are stored), so a request needs no form
    house["site"].grid_tariff_code = "n1"
    house["site"].save(update_fields=["grid_tariff_code"])
    member_of(tenant, "operator", "operator@homes.dk")
    portal = open_portal()
    page = portal.page
    page.clock.set_fixed_time(now)
    portal.log_in("operator@homes.dk", next_path=f"/sites/{_gid('Site', house['site'].pk)}")
    portal.wait_for_app()
    # given no schedules: both Copenhagen days are offered as requests
    cards = page.get_by_role("region", name="Today and tomorrow")
    assert cards.get_by_test_id(f"day-{today}").get_by_role("link").count() == 0
    assert cards.get_by_test_id(f"day-{tomorrow}").get_by_role("link").count() == 0
    portal.audit("household-today-tomorrow")
    # when the operator requests tomorrow's, the schedule page of that day opens
    cards.get_by_role("button", name="Request tomorrow's schedule").click()
    page.wait_for_url(re.compile(r"/schedules/[^/]+$"))
    schedule = HouseholdSchedule.objects.get(tenant=tenant)
    assert schedule.delivery_day == tomorrow and schedule.step_minutes == 15
    assert page.url.endswith(_gid("HouseholdSchedule", schedule.pk))
    # then back on the site page tomorrow links to it and today still offers a request
    page.go_back()
    portal.wait_for_app()
    link = cards.get_by_test_id(f"day-{tomorrow}").get_by_role("link")
    link.wait_for()
    assert link.get_attribute("href") == f"/schedules/{_gid('HouseholdSchedule', schedule.pk)}"
    today_card = cards.get_by_test_id(f"day-{today}")
    assert today_card.get_by_role("button", name="Request today's schedule").count() == 1
