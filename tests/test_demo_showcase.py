"""`make demo` opens on a populated portal: the showcase takes a DK1 bid plan through request →
submit → recorded results → dispatch, and schedules the demo household's day, all through the
same services as the API; a second run adds nothing."""

from __future__ import annotations

import pytest

from ainergy.common.timegrid import delivery_day_periods
from ainergy.demo.seed import read_sample, seed_demo
from ainergy.demo.showcase import POOL_DAY, showcase_run


@pytest.mark.django_db(transaction=True)  # each step's job must commit and run before the next
def test_showcase_takes_a_plan_to_dispatch_and_schedules_the_household():
    from ainergy.jobs.models import JobStatus
    from optimization.models import BidPlan, BidPlanResults, HouseholdSchedule, PoolDispatch

    # given the seeded demo
    seed_demo(email="demo@example.dk", password="pw-123456")
    # when the showcase runs
    showcase = showcase_run()
    # then the plan went the whole way on the sample day's recorded clearing prices
    plan = showcase.bid_plan
    assert plan is not None and plan.delivery_day == POOL_DAY, showcase.notes
    assert plan.status == "dispatched", showcase.notes
    results = BidPlanResults.objects.get(bid_plan=plan)
    spot = read_sample("spot_prices_dk1_dk2_2024.csv.gz")
    dk1 = spot[spot["price_area"] == "DK1"].set_index("time")["price_eur_per_mwh"]
    hours = delivery_day_periods(POOL_DAY, 60)
    assert results.day_ahead_clearing_price_eur_per_mwh == dk1.reindex(hours).tolist()
    dispatch = PoolDispatch.objects.get(results=results)
    assert dispatch.job.status == JobStatus.SUCCEEDED
    # and the household's day is scheduled with a bill
    schedule = showcase.household_schedule
    assert schedule is not None and schedule.job.status == JobStatus.SUCCEEDED, showcase.notes
    # when it runs again, nothing is added
    counts = (
        BidPlan.objects.count(),
        PoolDispatch.objects.count(),
        HouseholdSchedule.objects.count(),
    )
    again = showcase_run()
    assert again.bid_plan.pk == plan.pk and again.household_schedule.pk == schedule.pk
    assert (
        BidPlan.objects.count(), PoolDispatch.objects.count(), HouseholdSchedule.objects.count()
    ) == counts  # fmt: skip
