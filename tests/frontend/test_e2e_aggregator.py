"""The aggregator's day in Chromium against a real Celery worker: request a bid plan in the form,
watch it solve, read the curves from the charts, submit, record results, watch the dispatch, and
download the exchange file; another tenant's ids read as not found."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.frontend.test_e2e_shell import _gid
from tests.optimization.app.bidding_world import _samples, build_pool, load_around

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2024, 1, 15)
CHART_OPTION = "el => window.ainergyChartOption(el)"


def chart(page, test_id: str) -> dict:
    element = page.locator(f"[data-chart={test_id}]")
    element.wait_for()
    page.wait_for_function(
        "el => window.ainergyChartOption && window.ainergyChartOption(el)",
        arg=element.element_handle(),
    )
    return element.evaluate(CHART_OPTION)


def test_bid_plan_from_form_to_dispatch(
    open_portal, tenant, other_tenant, member_of, job_processes
):
    from optimization.models import BidPlan, PoolDispatch

    # given a DK1 pool with prices and heat demand around the delivery day
    world = build_pool(tenant)
    load_around(world, DAY)
    member_of(tenant, "operator")
    portal = open_portal()
    page = portal.page
    portal.log_in("operator@alpha.dk", next_path="/bid-plans")
    portal.wait_for_app()
    portal.audit("bid-plans")
    # when the operator requests a plan in the form
    page.get_by_label("Delivery day").fill(DAY.isoformat())
    page.get_by_label("Scenarios").fill("3")
    page.get_by_label("none (day-ahead only)").check()
    page.evaluate("window.sameDocument = true")
    page.get_by_role("button", name="Request bid plan").click()
    page.wait_for_url(re.compile(r"/bid-plans/[^/]+$"))
    # then the plan page shows its job waiting for a worker...
    page.get_by_test_id("job-sentence").filter(has_text="Waiting for a worker").wait_for()
    portal.audit("bid-plan-queued")
    # ...and, once a worker runs, follows it until the plan is there, without a reload
    job_processes(workers=1)
    page.locator("[data-chart=curve-chart]").wait_for(timeout=240_000)
    plan = BidPlan.objects.get(tenant=tenant)
    assert page.url.endswith(_gid("BidPlan", plan.pk))
    assert page.evaluate("window.sameDocument") is True
    # the overview holds every MTU of the day, the step chart the first MTU's curve as stored
    curves = list(plan.bids.filter(product__code="day_ahead").order_by("delivery_start_at"))
    assert len(curves) == plan.period_count == 24
    overview = chart(page, "curve-overview")
    assert overview["xAxis"][0]["data"][:2] == ["00:00 CET", "01:00 CET"]
    assert len(overview["xAxis"][0]["data"]) == 24
    step = chart(page, "curve-chart")
    assert step["series"][0]["data"] == [[price, volume] for price, volume in curves[0].curve]
    # choosing another MTU shows its curve
    page.get_by_label("Show the curve of").select_option(label="17:00 CET")
    page.wait_for_function(
        "el => window.ainergyChartOption(el).series[0].name === '17:00 CET'",
        arg=page.locator("[data-chart=curve-chart]").element_handle(),
    )
    step = chart(page, "curve-chart")
    assert step["series"][0]["data"] == [[p, v] for p, v in curves[17].curve]
    # the expected schedule has one stacked series per heat pump, 24 MTUs each, in MW
    schedule = chart(page, "schedule-chart")
    names = [series["name"] for series in schedule["series"]]
    assert names == [pump.name for pump in world["heat_pumps"]]
    first = plan.periods.filter(heat_pump=world["heat_pumps"][0]).order_by("start_at")
    assert schedule["series"][0]["data"] == pytest.approx([p.power_kw / 1000 for p in first])
    # the scenario fan: one thin line per scenario (3 requested) of 24 MTUs as stored, then the
    # probability-weighted expectation
    for test_id, key, expected in (
        ("expected-prices", "day_ahead_price_eur_per_mwh", ["Day-ahead price", "Imbalance price"]),
        ("expected-heat", "heat_demand_mw", ["Heat demand"]),
    ):
        series = chart(page, test_id)["series"]
        fan = [s for s in series if s["name"].startswith("#")]
        assert [s["name"] for s in series] == [s["name"] for s in fan] + expected
        assert len(fan) == plan.scenario_count == 3
        assert [len(s["data"]) for s in fan] == [24, 24, 24]
        assert [s["data"] for s in fan] == plan.scenario_paths[key]
    assert page.get_by_test_id("expected-cost").inner_text().startswith("€")
    # market money stays in EUR, with the DKK rate households are billed at beside it
    assert page.get_by_test_id("exchange-rate").inner_text() == "EUR (1 € = 7.4604 kr.)"
    portal.audit("bid-plan")
    # the exchange file downloads with the session
    href = page.get_by_role("link", name="Exchange file (CSV)").get_attribute("href")
    download = page.request.get(portal.url(href))
    assert download.status == 200 and download.headers["content-type"].startswith("text/csv")
    rows = download.text().strip().splitlines()
    assert len(rows) == 1 + sum(len(curve.curve) for curve in curves)
    # when the plan is submitted and the cleared prices are recorded
    page.get_by_role("button", name="Mark as submitted").click()
    page.get_by_test_id("plan-status").filter(has_text="Submitted").first.wait_for()
    spot, _ = _samples()
    start = dt.datetime(2024, 1, 14, 23, tzinfo=dt.UTC)
    prices = [float(spot[start + dt.timedelta(hours=h)]) for h in range(24)]
    page.get_by_label("Clearing prices [€/MWh]").fill("\n".join(f"{p:.2f}" for p in prices))
    page.get_by_role("button", name="Record results and dispatch").click()
    page.wait_for_url(re.compile(r"/dispatches/[^/]+$"))
    # then the dispatch page follows its job and charts setpoints against the cleared volume
    page.locator("[data-chart=dispatch-chart]").wait_for(timeout=240_000)
    dispatch = PoolDispatch.objects.get(tenant=tenant)
    option = chart(page, "dispatch-chart")
    by_name = {series["name"]: series for series in option["series"]}
    assert by_name["Cleared volume"]["data"] == pytest.approx(dispatch.day_ahead_volume_mw)
    assert by_name["Clearing price"]["data"] == pytest.approx([round(p, 2) for p in prices])
    assert [s["name"] for s in option["series"][: len(world["heat_pumps"])]] == [
        pump.name for pump in world["heat_pumps"]
    ]
    deviation = chart(page, "deviation-chart")
    assert deviation["series"][0]["data"] == pytest.approx(dispatch.deviation_mw)
    # each MTU's deviation with its reason in words; delivered MTUs have none
    table = page.get_by_test_id("deviations")
    assert table.locator("thead th").nth(4).text_content() == "Reason"
    reasons = table.locator("tbody tr td:nth-child(5)").all_text_contents()
    assert len(reasons) == len(dispatch.deviation_mw)
    for value, reason in zip(dispatch.deviation_mw, reasons, strict=True):
        if abs(value) < 1e-6:
            assert reason == "—"
        else:
            assert reason not in ("—", "")
    portal.audit("dispatch")
    # the pools list and the pool page: units in MW, the account's products, the pool's plans
    portal.goto("/pools")
    portal.wait_for_app()
    portal.audit("pools")
    page.get_by_test_id("pools").get_by_role("link", name=world["pool"].name).click()
    page.get_by_role("heading", level=1, name=world["pool"].name).wait_for()
    portal.wait_for_app()
    units = page.get_by_test_id("units").text_content()
    assert all(pump.name in units for pump in world["heat_pumps"])
    total_mw = sum(pump.power_max_kw for pump in world["heat_pumps"]) / 1000
    assert page.get_by_test_id("pool-capacity").inner_text() == f"{total_mw:.1f}\xa0MW"
    assert page.get_by_test_id("pool-plans").get_by_role("link").count() == 1
    portal.audit("pool")
    # a forecast run of the pool's heat demand, requested in the form, charted against actuals
    from forecasting.models import ForecastRun

    portal.goto("/forecasts")
    portal.wait_for_app()
    page.get_by_label("Series").select_option(label="north-heat")
    page.get_by_label("Day to forecast").fill(DAY.isoformat())
    page.get_by_label("History [days]").fill("14")
    page.get_by_role("button", name="Request forecast").click()
    page.wait_for_url(re.compile(r"/forecasts/[^/]+$"))
    page.locator("[data-chart=forecast-chart]").wait_for(timeout=120_000)
    run = ForecastRun.objects.get(tenant=tenant)
    forecast = chart(page, "forecast-chart")
    assert len(forecast["xAxis"][0]["data"]) == 24 == run.horizon_hours
    by_name = {series["name"]: series["data"] for series in forecast["series"]}
    actual = list(
        world["heat"]
        .observations.filter(time__gte=run.horizon_start_at, time__lt=run.horizon_end_at)
        .order_by("time")
        .values_list("value", flat=True)
    )
    assert by_name["Actual"] == pytest.approx(actual)
    assert len(by_name["Forecast (median)"]) == 24
    portal.audit("forecast")
    portal.goto("/forecasts")
    portal.wait_for_app()
    assert page.get_by_test_id("forecast-runs").get_by_role("link", name="north-heat").count() == 1
    portal.audit("forecasts")
    # and another tenant's user sees neither the plan nor the dispatch
    member_of(other_tenant, "owner", "owner@bravo.dk")
    stranger = open_portal()
    stranger.log_in("owner@bravo.dk", next_path=f"/bid-plans/{_gid('BidPlan', plan.pk)}")
    stranger.wait_for_app()
    assert stranger.page.get_by_role("heading", level=1).inner_text() == "Not found"
    stranger.goto(f"/dispatches/{_gid('PoolDispatch', dispatch.pk)}")
    stranger.wait_for_app()
    assert stranger.page.get_by_role("heading", level=1).inner_text() == "Not found"
    stranger.audit("not-found")
