"""Bid plans as jobs: request → job → stored curves (valid Nord Pool input), reserve offers,
expected schedule and risk; DST days; bad input names the field and writes nothing; the demo
pool."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from ainergy.jobs.models import Job
from ainergy.markets.models import Bid
from optimization.models import BidPlan, BidPlanSchedulePeriod
from tests.optimization.app.bidding_world import build_pool, load_around
from tests.optimization.app.conftest import gid

REQUEST = """mutation($input: BidPlanInput!) {
  bidPlanRequest(input: $input) { id deliveryDay mtuMinutes productCodes job { kind queue } }
}"""

READ = """query($id: ID!) {
  bidPlan(id: $id) {
    periodCount scenarioSource formulation assumptions gateClosureAt
    job { status errorCode errorMessage progressMessage resultSummary }
    risk { objectiveEur expectedCostEur cvarEur cvarAlpha expectedComponents { component costEur }
           scenarioCosts { scenario probability costEur } }
    dayAheadCurves { bidId deliveryStartAt deliveryEndAt status points { priceEurPerMwh volumeMw } }
    reserveOffers { bidId productCode deliveryStartAt deliveryEndAt capacityMw status }
    periods { heatPumpId startAt powerKw storageKwh backupHeatKw reserve { productCode powerKw } }
    expectedInputs { dayAheadPriceEurPerMwh heatDemandMw }
    scenarioPaths { scenario probability dayAheadPriceEurPerMwh heatDemandMw }
    curveDiagnostics { periodStartAt highestBuyPriceEurPerMwh highestBuyReason explanation
                       topScenarioPriceEurPerMwh mustBuyMw zeroVolumeReason }
    job_: job { result { __typename ... on BidPlanJobResult { curveCount bidPlan { id } } } }
  }
}"""


@pytest.fixture
def pool_world(tenant):
    return build_pool(tenant)


def plan_input(world, day: dt.date, **overrides) -> dict:
    return {
        "poolId": gid("Pool", world["pool"]),
        "deliveryDay": day.isoformat(),
        "mtuMinutes": 60,
        "scenarioCount": 4,
        **overrides,
    }


def request_and_read(client, capture, world, day, **overrides) -> dict:
    with capture(execute=True):
        body = client.execute(REQUEST, {"input": plan_input(world, day, **overrides)})
    assert "errors" not in body, body["errors"]
    read = client.execute(READ, {"id": body["data"]["bidPlanRequest"]["id"]})
    assert "errors" not in read, read["errors"]
    return body["data"]["bidPlanRequest"], read["data"]["bidPlan"]


def assert_valid_nord_pool_curve(points: list[dict]) -> None:
    prices = [p["priceEurPerMwh"] for p in points]
    volumes = [p["volumeMw"] for p in points]
    assert prices[0] == -500.0 and prices[-1] == 4000.0
    assert all(b > a for a, b in zip(prices, prices[1:], strict=False)), prices
    assert all(b <= a + 1e-9 for a, b in zip(volumes, volumes[1:], strict=False)), volumes
    assert all(abs(v * 10 - round(v * 10)) < 1e-6 for v in volumes), volumes
    assert all(abs(p * 100 - round(p * 100)) < 1e-6 for p in prices), prices


def test_bid_plan_request_runs_a_job_storing_curves_offers_schedule_and_risk(
    tenant, pool_world, token_client, django_capture_on_commit_callbacks
):
    # given two heat pumps with a pit storage and a boiler, three weeks of DK1 prices and heat
    day = dt.date(2024, 1, 15)
    load_around(pool_world, day)
    client = token_client(tenant)
    # when
    requested, plan = request_and_read(client, django_capture_on_commit_callbacks, pool_world, day)
    # then the job ran on the bidding queue to success
    assert requested["job"] == {"kind": "BID_PLAN", "queue": "bidding"}
    assert requested["productCodes"] == ["MFRR_UP"]
    job = plan["job"]
    assert (job["status"], job["errorMessage"]) == ("SUCCEEDED", None), job
    assert plan["periodCount"] == 24
    assert plan["scenarioSource"] == "BOOTSTRAP"
    assert plan["gateClosureAt"] == "2024-01-14T11:00:00+00:00"
    # one valid purchase curve per MTU, stored as draft Bid rows linked to the plan and its job
    curves = plan["dayAheadCurves"]
    assert len(curves) == 24
    assert curves[0]["deliveryStartAt"] == "2024-01-14T23:00:00+00:00"
    assert curves[-1]["deliveryEndAt"] == "2024-01-15T23:00:00+00:00"
    for curve in curves:
        assert_valid_nord_pool_curve(curve["points"])
        assert curve["status"] == "DRAFT"
    stored = BidPlan.objects.get()
    offers = plan["reserveOffers"]
    assert Bid.objects.filter(job=stored.job).count() == stored.bids.count() == 24 + len(offers)
    assert all(b.pool_id == pool_world["pool"].pk for b in stored.bids.all())
    # reserve offers: whole 1 MW lots of mFRR up, at least the minimum bid, hourly blocks
    for offer in offers:
        assert offer["productCode"] == "MFRR_UP"
        assert offer["capacityMw"] >= 1.0 and offer["capacityMw"] == round(offer["capacityMw"])
    # expected schedule: every heat pump and period, within its power range [kW]
    periods = plan["periods"]
    assert len(periods) == 2 * 24 == BidPlanSchedulePeriod.objects.count()
    maximum = {gid("HeatPump", hp): hp.power_max_kw for hp in pool_world["heat_pumps"]}
    assert all(-1e-3 <= p["powerKw"] <= maximum[p["heatPumpId"]] + 1e-3 for p in periods)
    # the 20 MWh pit is split over the pumps by maximum power (bidding_data), SoC 0.1–0.9 each
    total_kw = sum(hp.power_max_kw for hp in pool_world["heat_pumps"])
    share_kwh = {gid("HeatPump", hp): 20_000.0 * hp.power_max_kw / total_kw
                 for hp in pool_world["heat_pumps"]}  # fmt: skip
    assert all(
        0.1 * share_kwh[p["heatPumpId"]] - 1.0
        <= p["storageKwh"]
        <= 0.9 * share_kwh[p["heatPumpId"]] + 1.0
        for p in periods
    )
    # risk figures: per-scenario costs, their expectation and the CVaR above it
    risk = plan["risk"]
    costs = risk["scenarioCosts"]
    assert len(costs) == 4
    assert sum(c["probability"] for c in costs) == pytest.approx(1.0, abs=1e-5)
    expected = sum(c["probability"] * c["costEur"] for c in costs)
    assert risk["expectedCostEur"] == pytest.approx(expected, abs=0.05)
    assert risk["cvarEur"] >= risk["expectedCostEur"] - 0.01
    assert job["resultSummary"]["curves"] == 24
    assert plan["job_"]["result"] == {
        "__typename": "BidPlanJobResult",
        "curveCount": 24,
        "bidPlan": {"id": gid("BidPlan", stored)},
    }
    # the expected components add up to the expected cost; inputs cover every MTU
    assert sum(c["costEur"] for c in risk["expectedComponents"]) == pytest.approx(
        risk["expectedCostEur"], abs=0.05
    )
    assert len(plan["expectedInputs"]["dayAheadPriceEurPerMwh"]) == 24
    assert len(plan["expectedInputs"]["heatDemandMw"]) == 24
    # the scenario fan: every scenario's price and heat path over every MTU, in the order of
    # the scenario costs; weighted by their probabilities they are the expected inputs
    fan = plan["scenarioPaths"]
    assert [p["scenario"] for p in fan] == [c["scenario"] for c in costs] == [0, 1, 2, 3]
    assert [p["probability"] for p in fan] == [c["probability"] for c in costs]
    for key in ("dayAheadPriceEurPerMwh", "heatDemandMw"):
        paths = np.array([p[key] for p in fan])
        assert paths.shape == (4, stored.period_count) == (4, 24)
        weights = np.array([p["probability"] for p in fan])
        assert weights @ paths == pytest.approx(plan["expectedInputs"][key], abs=2e-3)
    prices = np.array([p["dayAheadPriceEurPerMwh"] for p in fan])
    assert (prices.max(axis=0) - prices.min(axis=0)).max() > 0.1  # a fan, not one line
    assert any("residual block bootstrap" in note for note in plan["assumptions"])
    # diagnostics: every MTU's highest buy price with its reason; at the cap only what an
    # accepted up-reserve needs (Pmin + up; this pool's boiler covers the heat)
    explained = stored.diagnostics["curves"]
    typed = plan["curveDiagnostics"]
    assert [d["highestBuyReason"] for d in typed] == [
        d["highest_buy_reason"].upper() for d in explained
    ]
    assert [d["zeroVolumeReason"] for d in typed] == [
        (d["zero_volume_reason"].upper() or None) for d in explained
    ]
    assert [d["explanation"] for d in typed] == [d["explanation"] for d in explained]
    assert [d["period_start_at"] for d in explained] == [
        c["deliveryStartAt"].replace("+00:00", "Z") for c in curves
    ]
    reasons = {
        "backup_value",
        "storage_value",
        "reserve_commitment",
        "must_buy",
        "scenario_plan",
        "none",
    }
    for diagnosis, curve in zip(explained, curves, strict=True):
        assert diagnosis["highest_buy_reason"] in reasons, diagnosis
        top = curve["points"][-1]
        assert top["priceEurPerMwh"] == 4000.0
        if top["volumeMw"] > 0:
            assert diagnosis["highest_buy_reason"] == "reserve_commitment", diagnosis
            assert top["volumeMw"] == pytest.approx(diagnosis["must_buy_mw"], abs=0.1)
        if diagnosis["highest_buy_price_eur_per_mwh"] is None:
            assert diagnosis["zero_volume_reason"], diagnosis


@pytest.mark.parametrize(
    ("day", "mtu", "periods", "first_utc", "last_end_utc"),
    [
        (dt.date(2024, 3, 31), 60, 23, "2024-03-30T23:00:00+00:00", "2024-03-31T22:00:00+00:00"),
        (dt.date(2024, 10, 27), 15, 100, "2024-10-26T22:00:00+00:00", "2024-10-27T23:00:00+00:00"),
    ],
)
def test_dst_days_have_23_hours_or_100_quarter_hours(
    tenant, pool_world, token_client, django_capture_on_commit_callbacks,
    day, mtu, periods, first_utc, last_end_utc,
):  # fmt: skip
    # given
    load_around(pool_world, day, history_days=10)
    # when
    _, plan = request_and_read(
        token_client(tenant), django_capture_on_commit_callbacks, pool_world, day,
        mtuMinutes=mtu, scenarioCount=3, productCodes=[],
    )  # fmt: skip
    # then
    assert plan["job"]["status"] == "SUCCEEDED", plan["job"]
    curves = plan["dayAheadCurves"]
    assert plan["periodCount"] == len(curves) == periods
    assert (curves[0]["deliveryStartAt"], curves[-1]["deliveryEndAt"]) == (first_utc, last_end_utc)
    for curve in curves:
        assert_valid_nord_pool_curve(curve["points"])
    assert plan["reserveOffers"] == []
    assert len(plan["periods"]) == 2 * periods


def _delete_heat(world):
    world["heat"].delete()


def _empty_pool(world):
    world["pool"].heat_pumps.clear()


@pytest.mark.parametrize(
    ("overrides", "mutate", "field", "reason"),
    [
        ({"mtuMinutes": 30}, None, "input.mtuMinutes", "must be one of (15, 60), got 30"),
        ({"cvarWeight": 1.5}, None, "input.cvarWeight", "must be between 0 and 1, got 1.5"),
        ({"scenarioCount": 0}, None, "input.scenarioCount", "must be between 1 and 50, got 0"),
        ({"productCodes": ["FCR_DK1"]}, None, "input.productCodes[0]",
         "'fcr_dk1' is not a reserve product enabled on market account 'North BRP'"),
        ({}, _empty_pool, "input.poolId", "pool 'North pool' has no heat pumps over delivery day 2024-01-15"),
        ({}, _delete_heat, "input.heatDemandSeriesId",
         "site 'North plant' has no heat demand series; give heat_demand_series_id"),
        ({"deliveryDay": "2024-03-01"}, None, "input.priceSeriesId",
         "only 0 of 168 values of series 'day-ahead-price-dk1' in the 7 days before gate "
         "closure 2024-02-29T11:00Z"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_writes_nothing(
    tenant, pool_world, token_client, overrides, mutate, field, reason
):
    # given data up to mid-January only
    load_around(pool_world, dt.date(2024, 1, 15), history_days=8)
    if mutate:
        mutate(pool_world)
    client = token_client(tenant)
    # when
    body = client.execute(
        REQUEST, {"input": plan_input(pool_world, dt.date(2024, 1, 15), **overrides)}
    )
    # then
    error = body["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_ERROR"
    assert (error["extensions"]["field"], error["extensions"]["reason"]) == (field, reason)
    assert BidPlan.objects.count() == Job.objects.count() == Bid.objects.count() == 0


def test_another_tenants_pool_reads_as_missing(tenant, other_tenant, pool_world, token_client):
    # given tenant A's pool
    client = token_client(other_tenant)
    # when B asks for a plan of it
    foreign = client.execute(REQUEST, {"input": plan_input(pool_world, dt.date(2024, 1, 15))})
    # then
    assert foreign["errors"][0]["message"] == "Pool not found."
    assert BidPlan.objects.count() == Job.objects.count() == 0


def test_demo_pool_gets_a_bid_plan(db, token_client, django_capture_on_commit_callbacks):
    # given the demo world (five large heat pumps, pit storage, boiler, DK1 account)
    from ainergy.assets.models import Pool
    from ainergy.demo.seed import seed_demo

    aggregator, _ = seed_demo(email="demo@example.com", password="pw-demo-123")
    pool = Pool.objects.get(tenant=aggregator, name="Aarhus heat pumps")
    client = token_client(aggregator)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        body = client.execute(
            REQUEST,
            {
                "input": {
                    "poolId": gid("Pool", pool),
                    "deliveryDay": "2024-02-09",
                    "scenarioCount": 3,
                }
            },
        )
    plan = client.execute(READ, {"id": body["data"]["bidPlanRequest"]["id"]})["data"]["bidPlan"]
    # then: the account's products are those the demo sample prices in DK1 (mFRR up and down)
    assert plan["job"]["status"] == "SUCCEEDED", plan["job"]
    assert body["data"]["bidPlanRequest"]["productCodes"] == ["MFRR_DOWN", "MFRR_UP"]
    assert len(plan["dayAheadCurves"]) == 24 and len(plan["periods"]) == 5 * 24
    for curve in plan["dayAheadCurves"]:
        assert_valid_nord_pool_curve(curve["points"])
    snapshot = BidPlan.objects.get().pool_snapshot
    seawater = snapshot["heat_pumps"][0]
    # 6 MW, 40 % min load, 600 kW/min = 36 MW/h, a fifth of 400 MWh (6/21.5 by power)
    assert seawater["power_max_mw"] == 6.0
    assert seawater["min_load_fraction"] == pytest.approx(0.4)
    assert seawater["ramp_mw_per_h"] == pytest.approx(36.0)
    assert seawater["storage_capacity_mwh"] == pytest.approx(400.0 * 6 / 21.5)
    assert seawater["backup_heat_max_mw"] == pytest.approx(60.0 * 6 / 21.5)
    assert snapshot["backup_heat_cost_eur_per_mwh"] == 45.0
    assert np.isclose(sum(u["storage_capacity_mwh"] for u in snapshot["heat_pumps"]), 400.0)
