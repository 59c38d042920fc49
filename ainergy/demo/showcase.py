"""A populated demo: one bid plan through its lifecycle, and a household's day.

`make demo` runs this after seeding, so the portal opens on a plan with curves and reserve
offers, its recorded market results and the dispatch that follows them, and a household
schedule with its DKK bill, instead of empty pages. Everything goes through the same services
as the API (request → job → submit → results → dispatch), and the results are the *recorded*
clearing prices of the sample day, so the dispatch shows what the platform does with a real
position.

Tasks run in-process in the demo (no ``REDIS_URL``): each job has finished when its request
returns. Re-running changes nothing: a step whose result exists is reused.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from ainergy.assets.models import Pool, Site
from ainergy.common.timegrid import delivery_day_periods
from ainergy.demo.seed import AGGREGATOR_SLUG, DEMO_PRODUCT_DAYS, HOUSEHOLD_SLUG
from ainergy.jobs.models import JobStatus
from ainergy.pipeline.steps import site_weather_series
from optimization.models import BidPlan, HouseholdSchedule
from optimization.selectors.bidding import bid_plan_bids
from optimization.services.bidding import bid_plan_request, public_prices_on_mtu
from optimization.services.bidding_lifecycle import bid_plan_results_record, bid_plan_submit
from optimization.services.household import household_schedule_request
from tenants.models import Tenant

logger = logging.getLogger(__name__)

# The DK1 mFRR sample day (ainergy.demo.seed.DEMO_PRODUCT_DAYS): the day-ahead curve + mFRR up.
POOL_NAME = "Aarhus heat pumps"
POOL_DAY = DEMO_PRODUCT_DAYS[POOL_NAME]["mfrr_up"]
POOL_PRODUCTS = ("mfrr_up",)  # reserve products; the day-ahead curve is always bid
# A winter weekday of the committed 2024 weather and price sample, billed by grid company N1.
HOUSEHOLD_DAY = dt.date(2024, 1, 17)
HOUSEHOLD_GRID_COMPANY = "n1"
HOUSEHOLD_ANNUAL_HEAT_KWH = 15_000.0


@dataclass(frozen=True)
class Showcase:
    bid_plan: BidPlan | None
    household_schedule: HouseholdSchedule | None
    notes: tuple[str, ...]


def _recorded_prices(plan: BidPlan) -> list[float]:
    """The sample's published day-ahead price on each of the plan's MTUs (what the dispatch
    reads where no clearing price is recorded)."""
    index = delivery_day_periods(plan.delivery_day, plan.mtu_minutes)
    prices = public_prices_on_mtu(
        plan.pool.bidding_zone, "day_ahead_price", index, plan.mtu_minutes
    )
    return [float(value) for value in prices]


def showcase_bid_plan(aggregator: Tenant, notes: list[str]) -> BidPlan | None:
    pool = Pool.objects.get(tenant=aggregator, name=POOL_NAME)
    plan = BidPlan.objects.filter(pool=pool, delivery_day=POOL_DAY).order_by("pk").first()
    if plan is None:
        plan = bid_plan_request(
            tenant=aggregator,
            pool_id=pool.pk,
            delivery_day=POOL_DAY,
            mtu_minutes=60,
            scenario_count=5,
            product_codes=list(POOL_PRODUCTS),
        )
    plan.refresh_from_db()
    plan.job.refresh_from_db()
    if plan.job.status != JobStatus.SUCCEEDED:
        notes.append(f"bid plan {POOL_DAY}: job {plan.job.status} ({plan.job.error_message})")
        return plan
    if plan.status == "draft":
        plan = bid_plan_submit(tenant=aggregator, bid_plan_id=plan.pk)
    if not plan.results.exists():
        offers = [bid for bid in bid_plan_bids(plan) if bid.product.code != "day_ahead"]
        bid_plan_results_record(
            tenant=aggregator,
            bid_plan_id=plan.pk,
            day_ahead_clearing_prices_eur_per_mwh=_recorded_prices(plan),
            reserves=[
                {
                    "product_code": offer.product.code,
                    "delivery_start_at": offer.delivery_start_at,
                    "capacity_mw": offer.capacity_mw,
                }
                for offer in offers
                if (offer.capacity_mw or 0.0) > 0
            ],
        )
    plan.refresh_from_db()
    notes.append(f"bid plan {POOL_DAY} ({POOL_NAME}): {plan.status}")
    return plan


def showcase_household(household: Tenant, notes: list[str]) -> HouseholdSchedule | None:
    site = Site.objects.get(tenant=household, name="Villa in Aarhus")
    schedule = (
        HouseholdSchedule.objects.filter(site=site, delivery_day=HOUSEHOLD_DAY)
        .order_by("pk")
        .first()
    )
    if schedule is None:
        weather = site_weather_series(site)  # seeded with the sample by seed_demo
        schedule = household_schedule_request(
            tenant=household,
            site_id=site.pk,
            delivery_day=HOUSEHOLD_DAY,
            temperature_series_id=weather["outdoor_temperature"].pk,
            solar_irradiance_series_id=weather["solar_irradiance"].pk,
            grid_company=HOUSEHOLD_GRID_COMPANY,
            annual_heat_demand_kwh=HOUSEHOLD_ANNUAL_HEAT_KWH,
        )
    schedule.refresh_from_db()
    schedule.job.refresh_from_db()
    notes.append(f"household schedule {HOUSEHOLD_DAY}: job {schedule.job.status}")
    return schedule


def showcase_run() -> Showcase:
    """Run the showcase steps outside any transaction (each job must commit and run before the
    next step reads it). A failing step is reported, never fatal to the demo."""
    notes: list[str] = []
    aggregator = Tenant.objects.get(slug=AGGREGATOR_SLUG)
    household = Tenant.objects.get(slug=HOUSEHOLD_SLUG)
    plan = schedule = None
    try:
        plan = showcase_bid_plan(aggregator, notes)
    except Exception as error:  # the demo still starts; the note says what failed
        logger.exception("demo showcase: bid plan")
        notes.append(f"bid plan {POOL_DAY}: {error}")
    try:
        schedule = showcase_household(household, notes)
    except Exception as error:
        logger.exception("demo showcase: household schedule")
        notes.append(f"household schedule {HOUSEHOLD_DAY}: {error}")
    return Showcase(plan, schedule, tuple(notes))
