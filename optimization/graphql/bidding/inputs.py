from __future__ import annotations

import datetime as dt

import strawberry
from strawberry import relay


@strawberry.input
class BidPlanInput:
    """A bid plan of a pool for one local delivery day; defaults come from the pool's assets,
    the sites' heat demand series and the zone's public price series."""

    pool_id: relay.GlobalID
    delivery_day: dt.date
    mtu_minutes: int = 60
    scenario_count: int = 10
    product_codes: list[str] | None = None
    cvar_weight: float = 0.0
    cvar_alpha: float = 0.95
    imbalance_penalty_eur_per_mwh: float = 5.0
    price_series_id: relay.GlobalID | None = None
    heat_demand_series_id: relay.GlobalID | None = None
    seed: int = 0


@strawberry.input
class ReserveAcceptanceInput:
    """Capacity accepted for the plan's offer of ``productCode`` starting at ``deliveryStartAt``."""

    product_code: str
    delivery_start_at: dt.datetime
    capacity_mw: float
    capacity_price_eur_per_mw_h: float | None = None


@strawberry.input
class BidPlanResultsInput:
    """What cleared: a clearing price or an accepted volume per MTU, and accepted reserves."""

    bid_plan_id: relay.GlobalID
    day_ahead_clearing_prices_eur_per_mwh: list[float] | None = None
    day_ahead_accepted_volumes_mw: list[float] | None = None
    reserves: list[ReserveAcceptanceInput] = strawberry.field(default_factory=list)
