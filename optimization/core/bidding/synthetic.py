"""Seeded synthetic pools and scenarios (for tests and ``benchmarks/bidding.py``).

Mirrors the instance of SOLVER_NOTES.md: Pmax 1-8 MW, 2-6 h of storage, 0.2 %/quarter-hour
loss, backup heat at 120 EUR/MWh_th, COP about 2.5-4, heat demand 40-80 % of 3.25 Pmax, a daily
price shape of 60-150 EUR/MWh with a scenario level factor (sigma 12 %) and AR(1) noise.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ainergy.common.timegrid import delivery_day_periods
from optimization.core.bidding.problem import (
    BiddingProblem,
    HeatPump,
    Pool,
    RiskConfig,
    Scenarios,
    product_rules,
)


def synthetic_problem(
    n_units: int,
    n_scenarios: int,
    *,
    day: dt.date = dt.date(2024, 1, 10),
    mtu_minutes: int = 15,
    products: tuple[str, ...] = ("fcr", "afrr_down", "mfrr_up"),
    min_load_fraction: float = 0.3,
    start_cost_eur: float = 50.0,
    ramp_fraction_per_h: float = 4.0,
    cvar_weight: float = 0.0,
    imbalance_penalty_eur_per_mwh: float = 5.0,
    seed: int = 0,
    scenario_seed: int | None = None,
) -> BiddingProblem:
    """A reproducible pool bidding problem for one delivery day.

    ``seed`` fixes the pool and the day (demand level, capacity price levels);
    ``scenario_seed`` (default: derived from ``seed``) the scenarios, so another scenario seed
    draws *fresh* scenarios of the same day from the same generator.
    """
    rng = np.random.default_rng(seed)
    scenario_rng = np.random.default_rng([seed, 1 if scenario_seed is None else 2 + scenario_seed])
    index = delivery_day_periods(day, mtu_minutes)
    n_t = len(index)
    step_h = mtu_minutes / 60
    pmax = rng.uniform(1.0, 8.0, n_units)
    hours = rng.uniform(2.0, 6.0, n_units)
    offsets = rng.uniform(-3.0, 3.0, n_units)
    heat_pumps = tuple(
        HeatPump(
            heat_pump_id=f"hp{h:03d}",
            power_max_mw=round(float(pmax[h]), 2),
            min_load_fraction=min_load_fraction,
            ramp_mw_per_h=round(float(pmax[h]) * ramp_fraction_per_h, 2),
            start_cost_eur=start_cost_eur,
            carnot_quality_grade=0.5,
            sink_temperature_c=75.0,
            source_temperature_offset_c=round(float(offsets[h]), 2),
            storage_capacity_mwh=round(float(hours[h] * 3.25 * pmax[h]), 2),
            storage_initial_soc_fraction=0.5,
            storage_loss_fraction_per_h=1 - (1 - 0.002) ** 4,
        )
        for h in range(n_units)
    )
    hour = np.arange(n_t) * step_h
    demand_level = rng.uniform(0.4, 0.8) * 3.25 * pmax.sum()
    capacity_level = {
        name: rng.uniform(5.0, 20.0) if "down" not in name else rng.uniform(3.0, 12.0)
        for name in products
    }
    rng = scenario_rng  # everything below varies by scenario
    shape = 105 + 45 * np.sin((hour - 8) / 24 * 2 * np.pi) * np.where(hour > 6, 1, 0.4)
    level = rng.lognormal(0.0, 0.12, (n_scenarios, 1))
    noise = np.zeros((n_scenarios, n_t))
    eps = rng.normal(0, 6.0, (n_scenarios, n_t))
    for t in range(1, n_t):
        noise[:, t] = 0.9 * noise[:, t - 1] + eps[:, t]
    price = shape[None] * level + noise
    imbalance = price + rng.normal(0, 3.0, (n_scenarios, n_t))
    demand = (
        demand_level
        * (1 + 0.15 * np.cos((hour - 7) / 24 * 2 * np.pi))[None]
        * rng.lognormal(0, 0.05, (n_scenarios, 1))
    )
    source = 5.0 + 2.0 * np.sin(hour / 24 * 2 * np.pi)[None] + rng.normal(0, 1.0, (n_scenarios, 1))
    capacity = {
        name: np.full((n_scenarios, n_t), capacity_level[name])
        * rng.lognormal(0, 0.1, (n_scenarios, 1))
        for name in products
    }
    scenarios = Scenarios(
        index=index,
        probabilities=np.full(n_scenarios, 1.0 / n_scenarios),
        day_ahead_price_eur_per_mwh=price,
        imbalance_price_eur_per_mwh=imbalance,
        heat_demand_mw=demand,
        source_temperature_c=source,
        capacity_price_eur_per_mw_h=capacity,
    )
    return BiddingProblem(
        pool=Pool("synthetic", heat_pumps, backup_heat_cost_eur_per_mwh=120.0),
        scenarios=scenarios,
        mtu_minutes=mtu_minutes,
        products=tuple(product_rules(name) for name in products),
        risk=RiskConfig(cvar_weight=cvar_weight),
        imbalance_penalty_eur_per_mwh=imbalance_penalty_eur_per_mwh,
    )
