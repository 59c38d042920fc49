"""The portal in a real headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs Debian's chromium for the portal tests")
        pytest.skip("chromium not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


def household_schedule(tenant, site):
    from ainergy.jobs.models import Job, JobStatus
    from ainergy.markets.models import BiddingZone
    from ainergy.timeseries.services import public_series_get_or_create, series_create
    from optimization.models import HouseholdSchedule, HouseholdSchedulePeriod

    job = Job.objects.create(
        tenant=tenant, kind="household_schedule", queue="default", status=JobStatus.SUCCEEDED
    )
    schedule = HouseholdSchedule.objects.create(
        tenant=tenant,
        site=site,
        job=job,
        delivery_day=dt.date(2024, 1, 15),
        step_minutes=60,
        temperature_series=series_create(
            tenant=tenant, key="t", kind="outdoor_temperature", resolution_minutes=60, site=site
        ),
        solar_irradiance_series=series_create(
            tenant=tenant, key="i", kind="solar_irradiance", resolution_minutes=60, site=site
        ),
        price_series=public_series_get_or_create(
            key="p",
            kind="day_ahead_price",
            resolution_minutes=60,
            bidding_zone=BiddingZone.objects.get(code="DK1"),
        ),
        annual_heat_demand_kwh=12000.0,
        tariff_table={},
        period_count=2,
        total_cost_eur=0.61,
    )
    for hour in range(2):
        HouseholdSchedulePeriod.objects.create(
            tenant=tenant,
            schedule=schedule,
            start_at=dt.datetime(2024, 1, 14, 23, tzinfo=dt.UTC) + dt.timedelta(hours=hour),
            heat_pump_power_kw=1.5,
            heat_pump_heat_kw=4.5,
            backup_heater_power_kw=0.0,
            pv_used_kw=0.0,
            battery_charge_kw=1.0,
            battery_discharge_kw=0.0,
            battery_energy_kwh=1.0,
            ev_charge_kw=0.0,
            grid_import_kw=2.0 + hour,
            grid_export_kw=0.0,
            tank_energy_kwh=4.0,
            import_price_eur_per_kwh=0.3,
            export_price_eur_per_kwh=0.05,
            cost_eur=0.3,
        )
    return schedule


@pytest.fixture
def world(tenant, other_tenant):
    from tenants.services import membership_create, user_get_or_create
    from tests.graphql.sweep_objects.platform import make

    objects = make(tenant, {})
    user = user_get_or_create(email="owner@alpha.dk")
    user.set_password("correct horse battery")
    user.save()
    membership_create(tenant=other_tenant, email="owner@alpha.dk", role="viewer")
    return {"schedule": household_schedule(tenant, objects["Site"]), **objects}


def test_member_logs_in_chooses_tenant_and_sees_pools_and_schedules(
    browser, live_server, world, tmp_path
):
    page = browser.new_page()
    # when an anonymous visitor opens the portal, they are asked to log in
    page.goto(live_server.url + "/")
    assert page.url.startswith(live_server.url + "/login/")
    page.fill("input[name=username]", "owner@alpha.dk")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    # then, being in two tenants, they choose one
    page.wait_for_url(live_server.url + "/tenant/")
    page.click("button:has-text('Alpha')")
    page.wait_for_url(live_server.url + "/")
    assert page.inner_text("[data-testid=tenant-name]") == "Alpha"
    pools = page.inner_text("[data-testid=pools]")
    assert "Secret Plant pool" in pools and "Secret Plant BRP" in pools and "DK1" in pools
    assert "Secret Plant HP1" in page.inner_text("[data-testid=heat-pumps]")
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    # the schedule page shows local (Copenhagen) times of the 2024-01-15 delivery day
    page.click("[data-testid=schedules] a:has-text('2024-01-15')")
    rows = page.locator("[data-testid=periods] tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).inner_text().startswith("00:00 CET")
    # switching to the other tenant hides Alpha's data, and Alpha's pages answer 404
    page.goto(live_server.url + "/tenant/")
    page.click("button:has-text('Bravo')")
    page.wait_for_url(live_server.url + "/")
    assert "Secret Plant" not in page.content()
    response = page.goto(f"{live_server.url}/schedules/{world['schedule'].pk}/")
    assert response.status == 404


def test_wrong_password_is_refused(browser, live_server, world):
    page = browser.new_page()
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", "owner@alpha.dk")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.url.startswith(live_server.url + "/login/")
    assert "Please enter a correct username and password" in page.content()


def test_bid_plan_curves_download_is_tenant_scoped(client, tenant, other_tenant):
    """The portal's CSV download answers 404 for another tenant's plan, like a missing one."""
    from tenants.services import user_get_or_create
    from tests.optimization.app.bidding_world import build_pool, make_plan, public_series

    public_series()
    plan = make_plan(tenant, build_pool(tenant))["plan"]
    owner = user_get_or_create(email="owner@alpha.dk")
    client.force_login(owner)
    response = client.get(f"/bid-plans/{plan.pk}/curves.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    assert (
        response.content.decode().count("\n") == 1 + 2 * 4
    )  # header + 2 hourly curves of 4 points
    stranger = user_get_or_create(email="owner@bravo.dk")
    client.force_login(stranger)
    assert client.get(f"/bid-plans/{plan.pk}/curves.csv").status_code == 404
    assert client.get("/bid-plans/999999/curves.csv").status_code == 404
