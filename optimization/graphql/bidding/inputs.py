from __future__ import annotations

import datetime as dt

import strawberry

from ainergy.markets.graphql.enums import MarketProductCodeEnum


def _f(description: str, **kwargs):
    return strawberry.field(description=description, **kwargs)


@strawberry.input(
    description="A bid plan of a pool for one local delivery day; defaults come from the pool's "
    "assets, the sites' heat demand series and the zone's public price series."
)
class BidPlanInput:
    pool_id: strawberry.ID = _f("The pool to plan.")
    delivery_day: dt.date = _f("Local (Europe/Copenhagen) delivery day (23, 24 or 25 hours).")
    mtu_minutes: int = _f("Market time unit [min]: 15 or 60.", default=60)
    scenario_count: int = _f("Price and heat-demand scenarios, 1 to 50.", default=10)
    product_codes: list[MarketProductCodeEnum] | None = _f(  # type: ignore[valid-type]
        "Reserve products to offer; null: every reserve product enabled on the market account "
        "and traded in the pool's zone; empty: day-ahead only.",
        default=None,
    )
    cvar_weight: float = _f(
        "Weight of CVaR against expected cost, 0 to 1 (0: risk-neutral).", default=0.0
    )
    cvar_alpha: float = _f("CVaR confidence level in (0, 1), e.g. 0.95.", default=0.95)
    imbalance_penalty_eur_per_mwh: float = _f(
        "Penalty on deviations from the day-ahead volume [EUR/MWh], ≥ 0.", default=5.0
    )
    price_series_id: strawberry.ID | None = _f(
        "Day-ahead price series [EUR/MWh]; null: the zone's public one.", default=None
    )
    heat_demand_series_id: strawberry.ID | None = _f(
        "Pool heat-demand series [kW_th]; null: the sum of the sites' heat-demand series.",
        default=None,
    )
    seed: int = _f("Random seed of the scenario sampling (same seed, same plan).", default=0)


@strawberry.input(description="Capacity accepted for one of the plan's reserve offers.")
class ReserveAcceptanceInput:
    product_code: MarketProductCodeEnum = _f("Product of the offer.")  # type: ignore[valid-type]
    delivery_start_at: dt.datetime = _f("Start of the offer's block (with UTC offset).")
    capacity_mw: float = _f("Capacity accepted [MW], 0 to the capacity offered.")
    capacity_price_eur_per_mw_h: float | None = _f(
        "Capacity price paid [EUR/(MW·h)]; null if not known yet.", default=None
    )


@strawberry.input(
    description="What cleared: a clearing price or an accepted volume per MTU, and accepted "
    "reserves."
)
class BidPlanResultsInput:
    bid_plan_id: strawberry.ID = _f("The bid plan whose bids cleared.")
    day_ahead_clearing_prices_eur_per_mwh: list[float] | None = _f(
        "Clearing price per MTU of the day [EUR/MWh] (the volumes follow from the curves); "
        "give this or dayAheadAcceptedVolumesMw.",
        default=None,
    )
    day_ahead_accepted_volumes_mw: list[float] | None = _f(
        "Accepted volume per MTU of the day [MW]; give this or the clearing prices.",
        default=None,
    )
    reserves: list[ReserveAcceptanceInput] = _f(
        "Accepted reserve capacity per offer (offers left out: none accepted).",
        default_factory=list,
    )
