"""A bid plan's lifecycle: submission freezes the exchange file and offers each heat pump once
(across pools and products); results are versioned, a correction re-dispatches, a repeat is
idempotent (also when fired concurrently); later edits, retirement and delete attempts leave past
plans and dispatches exactly as they were."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading

import numpy as np
import pytest
from django.db import IntegrityError, connection, transaction

from ainergy.assets.lifecycle import heat_pump_retire, pool_membership_end
from ainergy.assets.models import HeatPump, PoolMembership, ThermalStorage
from ainergy.assets.services import asset_update
from ainergy.common.errors import ValidationError
from ainergy.jobs.models import Job
from ainergy.markets.models import Bid, MarketResult
from optimization.models import (
    BidPlan,
    BidPlanEvent,
    BidPlanResults,
    BidPlanSchedulePeriod,
    BidPlanUnit,
    PoolDispatch,
    PoolDispatchSetpoint,
)
from optimization.selectors.bidding import bid_plan_bids, heat_pump_dispatch_latest
from optimization.services.bidding import bid_plan_export, bid_plan_request
from optimization.services.bidding_lifecycle import bid_plan_results_record, bid_plan_submit
from tests.optimization.app.bidding_world import build_pool, load_around
from tests.optimization.app.conftest import gid

DAY = dt.date(2024, 1, 15)
LOCAL_MIDNIGHT_AFTER_DAY = dt.datetime(2024, 1, 15, 23, tzinfo=dt.UTC)  # 2024-01-16 00:00 CET
DELETE = "mutation($id: ID!) { heatPumpDelete(id: $id) { deletedId } }"
CURVES = """query($id: ID!) {
  bidPlan(id: $id) {
    status dayAheadCurves { status clearingPriceEurPerMwh acceptedVolumeMw }
    results { version dayAheadClearingPriceEurPerMwh dayAheadVolumeMw }
    dispatches { resultsVersion job { status } }
    events { action fromStatus toStatus resultsVersion }
    units { name isOffered powerMaxKw }
  }
}"""


@pytest.fixture
def world(tenant):
    world = build_pool(tenant)
    load_around(world, DAY)
    return world


@pytest.fixture
def solve(tenant, django_capture_on_commit_callbacks):
    def solve(world, day: dt.date = DAY, mtu_minutes: int = 60) -> BidPlan:
        with django_capture_on_commit_callbacks(execute=True):
            plan = bid_plan_request(
                tenant=tenant,
                pool_id=world["pool"].pk,
                delivery_day=day,
                mtu_minutes=mtu_minutes,
                scenario_count=4,
            )
        plan = BidPlan.objects.select_related("job").get(pk=plan.pk)
        assert plan.job.status == "succeeded", (plan.job.error_code, plan.job.error_message)
        return plan

    return solve


@pytest.fixture
def record(tenant, django_capture_on_commit_callbacks):
    def record(plan: BidPlan, **fields) -> PoolDispatch:
        with django_capture_on_commit_callbacks(execute=True):
            dispatch = bid_plan_results_record(tenant=tenant, bid_plan_id=plan.pk, **fields)
        return PoolDispatch.objects.select_related("job", "results").get(pk=dispatch.pk)

    return record


def expected_prices(plan: BidPlan) -> list[float]:
    return BidPlan.objects.get(pk=plan.pk).expected_inputs["day_ahead_price_eur_per_mwh"]


def events(plan: BidPlan) -> list[tuple]:
    return list(
        BidPlanEvent.objects.filter(bid_plan=plan)
        .order_by("at", "id")
        .values_list("action", "from_status", "to_status", "results_version")
    )


def state(plan: BidPlan) -> dict:
    """Everything a past plan and its dispatches consist of."""
    plan = BidPlan.objects.get(pk=plan.pk)
    return {
        "snapshot": plan.pool_snapshot,
        "units": list(
            BidPlanUnit.objects.filter(bid_plan=plan)
            .order_by("heat_pump_id")
            .values_list("heat_pump_id", "name", "power_min_kw", "power_max_kw", "parameters")
        ),
        "periods": list(
            BidPlanSchedulePeriod.objects.filter(bid_plan=plan)
            .order_by("heat_pump_id", "start_at")
            .values_list("heat_pump_id", "start_at", "power_kw", "storage_kwh", "reserve_kw")
        ),
        "curves": [
            (bid.delivery_start_at, bid.curve, bid.capacity_mw) for bid in bid_plan_bids(plan)
        ],
        "setpoints": list(
            PoolDispatchSetpoint.objects.filter(dispatch__bid_plan=plan)
            .order_by("dispatch_id", "heat_pump_id", "start_at")
            .values_list("dispatch_id", "heat_pump_id", "start_at", "power_kw", "is_on")
        ),
        "exchange_file": plan.exchange_file_csv,
    }


def test_submission_marks_the_bids_and_freezes_the_exchange_file(tenant, world, solve, record):
    # given a solved draft plan
    plan = solve(world)
    draft_file = bid_plan_export(plan, bid_plan_bids(plan), "csv")
    # when it is submitted
    submitted = bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    # then every bid is marked, the file is frozen with its hash, and the step is logged
    assert submitted.status == "submitted"
    assert set(Bid.objects.filter(job=plan.job).values_list("status", flat=True)) == {"submitted"}
    assert Bid.objects.filter(job=plan.job, submitted_at=submitted.submitted_at).count() == len(
        bid_plan_bids(plan)
    )
    assert submitted.exchange_file_csv == draft_file
    assert submitted.exchange_file_sha256 == hashlib.sha256(draft_file.encode()).hexdigest()
    assert set(BidPlanUnit.objects.filter(bid_plan=plan).values_list("is_offered", flat=True)) == {
        True
    }
    assert events(plan) == [("request", "", "draft", None), ("submit", "draft", "submitted", None)]
    # and after results the download is still the file as submitted
    record(plan, day_ahead_accepted_volumes_mw=[0.0] * 24)
    plan.refresh_from_db()
    assert bid_plan_export(plan, bid_plan_bids(plan), "csv") == draft_file
    # and a second submission is refused
    with pytest.raises(ValidationError) as error:
        bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    assert (error.value.field, error.value.reason) == (
        "bid_plan_id",
        "the bid plan is already dispatched",
    )


def test_results_of_a_draft_are_refused_and_nothing_is_written(tenant, world, solve):
    plan = solve(world)
    with pytest.raises(ValidationError) as error:
        bid_plan_results_record(
            tenant=tenant, bid_plan_id=plan.pk, day_ahead_accepted_volumes_mw=[0.0] * 24
        )
    assert (error.value.field, error.value.reason) == (
        "bid_plan_id",
        "the bid plan is a draft; submit it first (bidPlanSubmit)",
    )
    assert MarketResult.objects.count() == BidPlanResults.objects.count() == 0
    assert BidPlan.objects.get(pk=plan.pk).status == "draft"


def test_a_correction_adds_a_version_and_re_dispatches(tenant, world, solve, record, token_client):
    # given a submitted plan whose results were recorded and dispatched
    plan = solve(world)
    bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    prices = expected_prices(plan)
    first = record(plan, day_ahead_clearing_prices_eur_per_mwh=prices)
    assert (first.results.version, first.job.status) == (1, "succeeded")
    assert BidPlan.objects.get(pk=plan.pk).status == "dispatched"
    # when a correction arrives: every clearing price 10 EUR/MWh higher
    corrected = [price + 10.0 for price in prices]
    second = record(plan, day_ahead_clearing_prices_eur_per_mwh=corrected)
    # then it is version 2 with its own dispatch job (re-dispatch), which ran
    assert second.pk != first.pk
    assert (second.results.version, second.job.status) == (2, "succeeded")
    assert second.job.parameters == {"bid_plan_id": plan.pk, "results_version": 2}
    assert BidPlan.objects.get(pk=plan.pk).status == "dispatched"
    # and both versions are kept; the latest wins on the bids and in the API
    curves = [bid for bid in bid_plan_bids(plan) if bid.product.code == "day_ahead"]
    for bid, old, new in zip(curves, prices, corrected, strict=True):
        kept = list(
            bid.results.order_by("version").values_list("version", "clearing_price_eur_per_mwh")
        )
        assert kept == [(1, old), (2, new)]
    read = token_client(tenant).execute(CURVES, {"id": gid("BidPlan", plan)})["data"]["bidPlan"]
    assert read["status"] == "DISPATCHED"
    assert [c["clearingPriceEurPerMwh"] for c in read["dayAheadCurves"]] == corrected
    assert [(r["version"], r["dayAheadClearingPriceEurPerMwh"]) for r in read["results"]] == [
        (1, prices),
        (2, corrected),
    ]
    assert sorted((d["resultsVersion"], d["job"]["status"]) for d in read["dispatches"]) == [
        (1, "SUCCEEDED"),
        (2, "SUCCEEDED"),
    ]
    assert read["events"][-2:] == [
        {"action": "RESULTS_CORRECT", "fromStatus": "DISPATCHED", "toStatus": "RESULTS_RECORDED",
         "resultsVersion": 2},
        {"action": "DISPATCH", "fromStatus": "RESULTS_RECORDED", "toStatus": "DISPATCHED",
         "resultsVersion": 2},
    ]  # fmt: skip
    assert read["units"] == [
        {"name": "North HP1", "isOffered": True, "powerMaxKw": 2000.0},
        {"name": "North HP2", "isOffered": True, "powerMaxKw": 1500.0},
    ]
    assert second.day_ahead_volume_mw == [
        round(float(np.interp(p, *zip(*bid.curve, strict=True))), 4)
        for bid, p in zip(curves, corrected, strict=True)
    ]
    # and the device now follows version 2's setpoints
    pump = world["heat_pumps"][0]
    assert heat_pump_dispatch_latest(tenant, heat_pump=pump, delivery_day=DAY).pk == second.pk
    # when the same correction comes again: nothing changes
    again = record(plan, day_ahead_clearing_prices_eur_per_mwh=corrected)
    assert again.pk == second.pk
    assert BidPlanResults.objects.filter(bid_plan=plan).count() == 2
    assert PoolDispatch.objects.filter(bid_plan=plan).count() == 2
    assert Job.objects.filter(kind="pool_dispatch").count() == 2
    # when the first results come back (A → B → A): a third version, not a silent no-op
    third = record(plan, day_ahead_clearing_prices_eur_per_mwh=prices)
    assert third.results.version == 3
    assert third.day_ahead_volume_mw == first.day_ahead_volume_mw
    assert events(plan) == [
        ("request", "", "draft", None),
        ("submit", "draft", "submitted", None),
        ("results_record", "submitted", "results_recorded", 1),
        ("dispatch", "results_recorded", "dispatched", 1),
        ("results_correct", "dispatched", "results_recorded", 2),
        ("dispatch", "results_recorded", "dispatched", 2),
        ("results_correct", "dispatched", "results_recorded", 3),
        ("dispatch", "results_recorded", "dispatched", 3),
    ]


def test_a_heat_pump_is_offered_once_per_day(tenant, world, solve):
    # given two plans of one pool for the same day, the first submitted
    first = solve(world)
    second = solve(world)
    bid_plan_submit(tenant=tenant, bid_plan_id=first.pk)
    # when the second is submitted
    with pytest.raises(ValidationError) as error:
        bid_plan_submit(tenant=tenant, bid_plan_id=second.pk)
    # then it is refused naming the unit and the plan that offers it; nothing changed
    assert (error.value.field, error.value.reason) == (
        "bid_plan_id",
        f"heat pump 'North HP1' is already offered for 2024-01-15 by bid plan {first.pk} of "
        "this pool; a unit's capacity is offered once",
    )
    second.refresh_from_db()
    assert (second.status, second.exchange_file_csv) == ("draft", "")
    assert set(Bid.objects.filter(job=second.job).values_list("status", flat=True)) == {"draft"}
    assert not BidPlanUnit.objects.filter(bid_plan=second, is_offered=True).exists()
    # and the database refuses a second offer of a unit for a day, whatever the pool
    with pytest.raises(IntegrityError, match="bidplanunit_offered_once_per_day|UNIQUE"):
        with transaction.atomic():
            BidPlanUnit.objects.filter(bid_plan=second).update(is_offered=True)


def test_a_unit_that_left_the_pool_is_not_offered(tenant, world, solve):
    # given a draft plan, then HP1 leaves the pool at noon of the delivery day
    plan = solve(world)
    membership = PoolMembership.objects.get(heat_pump=world["heat_pumps"][0])
    pool_membership_end(
        tenant=tenant,
        membership_id=membership.pk,
        valid_to_at=dt.datetime(2024, 1, 15, 11, tzinfo=dt.UTC),
    )
    # when the plan is submitted: refused, named
    with pytest.raises(ValidationError) as error:
        bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    assert error.value.reason == (
        "heat pump 'North HP1' is no longer a member of pool 'North pool' over 2024-01-15; "
        "request a new plan"
    )
    # and a new plan leaves HP1 out and says why
    fresh = solve(world)
    assert list(fresh.units.values_list("name", flat=True)) == ["North HP2"]
    assert (
        "heat pumps 'North HP1' not offered: their membership of pool 'North pool' covers only "
        "part of the delivery day"
    ) in fresh.assumptions
    bid_plan_submit(tenant=tenant, bid_plan_id=fresh.pk)


def test_reserves_counted_twice_across_products_are_refused(tenant, world, solve):
    # given a plan whose HP1 (2 MW) would hold 1.5 MW of mFRR up and 1 MW of aFRR down at 05:00
    plan = solve(world)
    hp1 = world["heat_pumps"][0]
    start = dt.datetime(2024, 1, 15, 5, tzinfo=dt.UTC)
    BidPlanSchedulePeriod.objects.filter(bid_plan=plan, heat_pump=hp1, start_at=start).update(
        reserve_kw={"mfrr_up": 1500.0, "afrr_down": 1000.0}
    )
    # when it is submitted
    with pytest.raises(ValidationError) as error:
        bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    # then
    assert error.value.reason == (
        "heat pump 'North HP1' at 2024-01-15T05:00:00Z: reserves afrr_down 1 MW, mfrr_up 1.5 MW "
        "need 2.5 MW of its 2 MW; a unit's capacity is offered once"
    )
    assert BidPlan.objects.get(pk=plan.pk).status == "draft"


def test_an_offer_larger_than_its_units_hold_is_refused(tenant, world, solve):
    # given a plan's first mFRR up offer raised 1 MW above the units' split
    plan = solve(world)
    offer = next(bid for bid in bid_plan_bids(plan) if bid.product.code == "mfrr_up")
    held = sum(
        period.reserve_kw.get("mfrr_up", 0.0)
        for period in BidPlanSchedulePeriod.objects.filter(
            bid_plan=plan, start_at=offer.delivery_start_at
        )
    )
    Bid.objects.filter(pk=offer.pk).update(capacity_mw=offer.capacity_mw + 1.0)
    # when / then
    with pytest.raises(ValidationError) as error:
        bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    start = offer.delivery_start_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert error.value.reason == (
        f"mfrr_up offer of {offer.capacity_mw + 1.0:g} MW at {start} exceeds the "
        f"{held / 1000:g} MW its heat pumps hold"
    )


def test_edits_and_retirement_leave_past_plans_and_dispatches_intact(
    tenant, world, solve, record, token_client
):
    # given a submitted, cleared and dispatched plan
    plan = solve(world)
    bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    prices = expected_prices(plan)
    first = record(plan, day_ahead_clearing_prices_eur_per_mwh=prices)
    assert first.job.status == "succeeded"
    before = state(plan)
    hp1, hp2 = world["heat_pumps"]
    # when HP1 is derated to 500 kW and the pit storage shrinks
    asset_update(
        tenant=tenant,
        model=HeatPump,
        asset_id=hp1.pk,
        data={"power_max_kw": 500.0, "power_min_kw": 150.0},
    )
    asset_update(
        tenant=tenant,
        model=ThermalStorage,
        asset_id=world["storage"].pk,
        data={"capacity_kwh": 1.0},
    )
    # then the plan and its dispatch are unchanged
    assert state(plan) == before
    # when HP1 is retired from the next local midnight
    heat_pump_retire(tenant=tenant, heat_pump_id=hp1.pk, retired_at=LOCAL_MIDNIGHT_AFTER_DAY)
    # then unchanged again; its membership ends then; edits are refused
    assert state(plan) == before
    assert PoolMembership.objects.get(heat_pump=hp1).valid_to_at == LOCAL_MIDNIGHT_AFTER_DAY
    with pytest.raises(ValidationError) as error:
        asset_update(tenant=tenant, model=HeatPump, asset_id=hp1.pk, data={"name": "X"})
    assert error.value.reason == (
        "heat pump 'North HP1' is retired since 2024-01-15T23:00:00Z; "
        "retired assets are kept as they were"
    )
    # when someone deletes HP1: refused, naming its history, nothing changed
    client = token_client(tenant)
    body = client.execute(DELETE, {"id": gid("HeatPump", hp1)})
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"], extensions["reason"]) == (
        "VALIDATION_ERROR",
        "id",
        "heat pump 'North HP1' has history (1 bid plan, 1 dispatch) and cannot be deleted; "
        "retire it instead (heatPumpRetire)",
    )
    assert HeatPump.objects.filter(pk=hp1.pk).exists()
    assert state(plan) == before
    # when the results are corrected: the re-dispatch runs on the plan's snapshot (HP1 at
    # 2 MW), not on today's 500 kW
    second = record(plan, day_ahead_clearing_prices_eur_per_mwh=[p + 5.0 for p in prices])
    assert second.job.status == "succeeded", second.job.error_message
    hp1_kw = PoolDispatchSetpoint.objects.filter(dispatch=second, heat_pump=hp1).values_list(
        "power_kw", flat=True
    )
    assert max(second.day_ahead_volume_mw) > 2.0  # more than the pool holds with HP1 derated
    assert max(hp1_kw) > 500.0 + 1.0
    # and a plan for the day after leaves the retired HP1 out
    load_around(world, DAY + dt.timedelta(days=1))
    later = solve(world, DAY + dt.timedelta(days=1))
    assert list(later.units.values_list("heat_pump_id", flat=True)) == [hp2.pk]


def test_a_heat_pump_without_history_is_deleted(tenant, world, token_client):
    hp2 = world["heat_pumps"][1]
    body = token_client(tenant).execute(DELETE, {"id": gid("HeatPump", hp2)})
    assert body["data"]["heatPumpDelete"]["deletedId"] == gid("HeatPump", hp2)
    assert not HeatPump.objects.filter(pk=hp2.pk).exists()
    assert not PoolMembership.objects.filter(heat_pump_id=hp2.pk).exists()


@pytest.mark.django_db(transaction=True)
def test_the_same_results_fired_concurrently_have_one_effect(make_tenant):
    """8 requests of ``bidPlanResultsRecord`` at once, over the whole stack (auth, GraphQL,
    service, row lock, constraints) and real commits on PostgreSQL: one version, one dispatch."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are PostgreSQL's")
    # given a submitted plan (transactional: each thread commits for real)
    tenant = make_tenant("gamma")
    world = build_pool(tenant)
    load_around(world, DAY)
    plan = bid_plan_request(
        tenant=tenant, pool_id=world["pool"].pk, delivery_day=DAY, mtu_minutes=60, scenario_count=4
    )
    assert Job.objects.get(pk=plan.job_id).status == "succeeded"
    bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    prices = expected_prices(plan)

    from django.test import Client

    from tenants.services import api_token_create

    _, secret = api_token_create(tenant=tenant, name="results feed", scopes=["read", "write"])
    mutation = """mutation($input: BidPlanResultsInput!) {
      bidPlanResultsRecord(input: $input) { id resultsVersion }
    }"""

    def fire(content: list[float], count: int = 8) -> list:
        """``bidPlanResultsRecord`` from ``count`` threads (own client and connection each)."""
        barrier = threading.Barrier(count)
        outcomes: list = []

        def call():
            client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
            variables = {
                "input": {
                    "bidPlanId": gid("BidPlan", plan),
                    "dayAheadClearingPricesEurPerMwh": content,
                }
            }
            try:
                barrier.wait()
                response = client.post(
                    "/graphql",
                    {"query": mutation, "variables": variables},
                    content_type="application/json",
                )
                body = response.json()
                outcomes.append(body.get("data", {}).get("bidPlanResultsRecord") or body)
            finally:
                connection.close()

        threads = [threading.Thread(target=call) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return outcomes

    # when 8 threads record the same results at once
    outcomes = fire(prices)
    # then one version, one dispatch (job), results once per bid; every caller got that dispatch
    dispatch = PoolDispatch.objects.get(bid_plan=plan)
    assert outcomes == [{"id": gid("PoolDispatch", dispatch), "resultsVersion": 1}] * 8
    assert list(BidPlanResults.objects.filter(bid_plan=plan).values_list("version", flat=True)) == [
        1
    ]
    assert Job.objects.filter(kind="pool_dispatch").count() == 1
    curves = [bid for bid in bid_plan_bids(plan) if bid.product.code == "day_ahead"]
    assert MarketResult.objects.filter(bid__in=plan.bids.all()).count() == len(curves) == 24
    # when 8 threads send the same correction at once: exactly one more version and dispatch
    outcomes = fire([price + 1.0 for price in prices])
    latest = PoolDispatch.objects.get(bid_plan=plan, results__version=2)
    assert outcomes == [{"id": gid("PoolDispatch", latest), "resultsVersion": 2}] * 8
    assert PoolDispatch.objects.filter(bid_plan=plan).count() == 2
    assert [e[0] for e in events(plan)].count("results_correct") == 1


def test_lifecycle_on_the_25_hour_day_in_quarter_hours(tenant, solve, record):
    # given a 15-min plan for 2024-10-27 (clocks go back: 100 quarter-hours), submitted
    world = build_pool(tenant)
    day = dt.date(2024, 10, 27)
    load_around(world, day)
    plan = solve(world, day, mtu_minutes=15)
    bid_plan_submit(tenant=tenant, bid_plan_id=plan.pk)
    # when 96 values come (a normal day's count): refused, named, nothing written
    with pytest.raises(ValidationError) as error:
        bid_plan_results_record(
            tenant=tenant, bid_plan_id=plan.pk, day_ahead_accepted_volumes_mw=[0.0] * 96
        )
    assert (error.value.field, error.value.reason) == (
        "day_ahead_accepted_volumes_mw",
        "expected 100 values (one per MTU of the day), got 96",
    )
    assert BidPlanResults.objects.count() == 0
    # when the day's 100 clearing prices are recorded, then corrected in the repeated hour
    prices = expected_prices(plan)
    first = record(plan, day_ahead_clearing_prices_eur_per_mwh=prices)
    corrected = list(prices)
    corrected[12:16] = [price + 50.0 for price in prices[12:16]]  # the second 02:00-03:00 (CET)
    second = record(plan, day_ahead_clearing_prices_eur_per_mwh=corrected)
    # then two versions of 100 MTUs, each dispatched over the same 100 UTC quarter-hours
    assert [len(first.day_ahead_volume_mw), len(second.day_ahead_volume_mw)] == [100, 100]
    assert (first.job.status, second.job.status) == ("succeeded", "succeeded")
    starts = sorted(
        set(PoolDispatchSetpoint.objects.filter(dispatch=second).values_list("start_at", flat=True))
    )
    assert (starts[0], starts[-1], len(starts)) == (
        dt.datetime(2024, 10, 26, 22, tzinfo=dt.UTC),
        dt.datetime(2024, 10, 27, 22, 45, tzinfo=dt.UTC),
        100,
    )
    curves = [bid for bid in bid_plan_bids(plan) if bid.product.code == "day_ahead"]
    assert curves[12].delivery_start_at == dt.datetime(2024, 10, 27, 1, tzinfo=dt.UTC)
    assert list(curves[12].results.values_list("version", "clearing_price_eur_per_mwh")) == [
        (1, prices[12]),
        (2, prices[12] + 50.0),
    ]
