"""Tenant A's bid plan (units, results version, event), expected-schedule period, pool dispatch
and setpoint, and pool membership, for the sweep."""


def make(tenant, made: dict) -> dict:
    from ainergy.markets.models import BiddingZone
    from ainergy.timeseries.services import public_series_get_or_create
    from tests.optimization.app.bidding_world import PRICE_KEY, make_plan

    public_series_get_or_create(
        key=PRICE_KEY,
        kind="day_ahead_price",
        resolution_minutes=60,
        bidding_zone=BiddingZone.objects.get(code="DK1"),
    )
    world = {
        "pool": made["Pool"],
        "account": made["MarketAccount"],
        "heat_pumps": [made["HeatPump"]],
        "heat": made["Series"],
    }
    stored = make_plan(tenant, world, name_prefix="Secret Plant ")
    from ainergy.assets.models import PoolMembership

    return {
        "PoolMembership": PoolMembership.objects.get(pool=made["Pool"]),
        "BidPlanUnit": stored["unit"],
        "BidPlanResults": stored["results"],
        "BidPlanEvent": stored["event"],
        "BidPlan": stored["plan"],
        "BidPlanSchedulePeriod": stored["period"],
        "PoolDispatch": stored["dispatch"],
        "PoolDispatchSetpoint": stored["setpoints"][0],
    }
