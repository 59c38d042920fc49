"""The market timeline as data: local clock times, DST, and the steps placed on it."""

from __future__ import annotations

import datetime as dt

import pytest

from ainergy.pipeline.timeline import household_plan, market_milestones, pool_plan

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "gate", "results", "start", "end"),
    [
        # winter (CET, UTC+1): 12:00 local on D-1 is 11:00 UTC
        (
            "2024-01-15",
            "2024-01-14T11:00",
            "2024-01-14T11:55",
            "2024-01-14T23:00",
            "2024-01-15T23:00",
        ),
        # summer (CEST, UTC+2)
        (
            "2024-07-15",
            "2024-07-14T10:00",
            "2024-07-14T10:55",
            "2024-07-14T22:00",
            "2024-07-15T22:00",
        ),
        # 23-hour day: the auction on D-1 is still in CET, delivery ends in CEST
        (
            "2024-03-31",
            "2024-03-30T11:00",
            "2024-03-30T11:55",
            "2024-03-30T23:00",
            "2024-03-31T22:00",
        ),
        # 25-hour day: the auction on D-1 is in CEST, delivery ends in CET
        (
            "2024-10-27",
            "2024-10-26T10:00",
            "2024-10-26T10:55",
            "2024-10-26T22:00",
            "2024-10-27T23:00",
        ),
        # the day after the spring switch: D-1 is the 23-hour day, already in CEST at noon
        (
            "2024-04-01",
            "2024-03-31T10:00",
            "2024-03-31T10:55",
            "2024-03-31T22:00",
            "2024-04-01T22:00",
        ),
    ],
)
def test_day_ahead_milestones_follow_local_time(day, gate, results, start, end):
    # when
    (milestone,) = market_milestones("DK1", dt.date.fromisoformat(day), ["day_ahead"])
    # then
    assert milestone.gate_closure_at == at(gate)
    assert milestone.results_published_at == at(results)
    assert (milestone.delivery_start_at, milestone.delivery_end_at) == (at(start), at(end))
    assert milestone.uncertain_fields == ()


def test_every_zone_and_product_has_a_rule_with_unverified_fields_flagged():
    # given / when
    dk1 = {m.product_code: m for m in market_milestones("DK1", dt.date(2024, 1, 15))}
    dk2 = {m.product_code: m for m in market_milestones("DK2", dt.date(2024, 1, 15))}
    # then
    assert set(dk1) == {"day_ahead", "fcr_dk1", "afrr_up", "afrr_down", "mfrr_up", "mfrr_down"}
    assert set(dk2) == {"day_ahead", "fcr_n", "fcr_d_up", "fcr_d_down", "afrr_up", "afrr_down",
                        "mfrr_up", "mfrr_down"}  # fmt: skip
    assert "gate_closure_local_time" in dk1["fcr_dk1"].uncertain_fields
    assert dk2["afrr_up"].gate_closure_at == at("2024-01-14T06:30")  # 07:30 CET [V]
    assert dk1["mfrr_up"].gate_closure_at < dk1["day_ahead"].gate_closure_at


def test_unknown_product_is_named():
    from ainergy.common.errors import ValidationError

    with pytest.raises(ValidationError) as error:
        market_milestones("DK1", dt.date(2024, 1, 15), ["day_ahead", "fcr_n"])
    assert (error.value.field, error.value.reason) == (
        "product_codes",
        "no market timeline rule for fcr_n in DK1",
    )


@pytest.fixture
def pool(tenant):
    from tests.optimization.app.bidding_world import build_pool

    return build_pool(tenant)["pool"]  # DK1: day-ahead and mFRR up enabled


def test_pool_plan_is_anchored_on_its_earliest_gate_and_latest_publication(pool):
    # when: day-ahead (12:00) and mFRR up (09:30 CET) -> first gate 08:30 UTC on D-1
    plan = {step.step: step for step in pool_plan(pool, dt.date(2024, 1, 15))}
    # then
    assert plan["market_data"].earliest_at == at("2024-01-14T05:30")
    assert plan["bid_plan"].deadline_at == at("2024-01-14T08:00")
    assert plan["submit"].deadline_at == at("2024-01-14T08:20")
    assert plan["results_import"].earliest_at == at("2024-01-14T12:00")  # 12:55 CET + 5 min
    assert plan["publish"].deadline_at == at("2024-01-14T15:00")
    assert plan["submit"].after == ("bid_plan",)
    # every deadline after its earliest start, and every step after what it waits for
    for step in plan.values():
        assert step.earliest_at < step.deadline_at
        for before in step.after:
            assert plan[before].deadline_at <= step.deadline_at


def test_day_ahead_only_pool_anchors_on_noon(pool):
    plan = {s.step: s for s in pool_plan(pool, dt.date(2024, 7, 15), ["day_ahead"])}
    assert plan["submit"].deadline_at == at("2024-07-14T09:50")  # 12:00 CEST - 10 min


def test_household_plan_starts_after_day_ahead_publication(tenant):
    from ainergy.assets import models as assets
    from ainergy.assets.services import asset_create

    site = asset_create(
        tenant=tenant,
        model=assets.Site,
        data={"name": "Villa", "latitude_deg": 55.7, "longitude_deg": 12.5, "bidding_zone": "DK2"},
    )
    plan = {s.step: s for s in household_plan(site, dt.date(2024, 10, 27))}
    assert plan["household_schedule"].earliest_at == at("2024-10-26T11:05")  # 12:55 CEST + 10
    assert plan["publish"].deadline_at == at("2024-10-26T13:00")
