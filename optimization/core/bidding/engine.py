"""Entry point of the bidding core: ``solve_bidding(problem) -> BidResult``."""

from __future__ import annotations

import math
import time
from dataclasses import replace

import numpy as np
import pandas as pd

from ainergy.common.errors import InfeasibleError, ValidationError
from optimization.core.bidding.curves import make_curve
from optimization.core.bidding.model import (
    PoolBiddingModel,
    UnitArrays,
    build_units,
    cvar,
    uncertainty_box,
)
from optimization.core.bidding.problem import BiddingProblem
from optimization.core.bidding.result import BidResult, ReserveOffer
from optimization.core.bidding.scaling import (
    aggregate_units,
    cluster_units,
    derate_reserves,
    select_scenarios,
    subset_scenarios,
    subset_units,
)
from optimization.core.bidding.value import (
    CurveDiagnostics,
    alternative_heat_value,
    deliverable_points,
    explain_top,
    extension_points,
    must_consume,
    pool_gaps,
    unit_values,
)

FORMULATIONS = ("auto", "per_unit", "clustered")


def solve_bidding(
    problem: BiddingProblem,
    *,
    formulation: str = "auto",
    n_clusters: int = 6,
    time_limit_s: float | None = 120.0,
    method: str = "auto",
    per_unit_size_limit: int = 60_000,
    seed: int = 0,
    reserve_scenarios: int | None = 10,
    value_pricing: bool = True,
) -> BidResult:
    """Day-ahead purchase curves, reserve offers and expected schedule for one pool and day.

    Parameters
    ----------
    formulation
        ``"per_unit"``: the full extensive form with every heat pump and a per-scenario reserve
        allocation (exact; practical up to ~10 units x 96 x 30 scenarios). ``"clustered"``: the
        LP on ``n_clusters`` aggregated units for the curve and pool reserves, then a per-unit
        certificate that derates reserves to what the units deliver in every scenario.
        ``"auto"``: per_unit while units x scenarios x periods <= ``per_unit_size_limit``.
    time_limit_s
        Solver time limit [s] per LP; reaching it without a solution raises ``TransientError``.
    reserve_scenarios
        With more scenarios than this (and reserve products), decide in three steps: (1) the
        reserves and their split from the LP on ``reserve_scenarios`` representative scenarios
        (fast forward selection), (2) certify and derate them unit by unit in *every* scenario,
        (3) fix the certified split and optimise curve and schedule on all scenarios. The
        reserve rows are what make the joint LP slow (docs/bidding.md); this keeps the joint
        model's size for the curve only. ``None``: one joint extensive form.
    value_pricing
        Above the highest scenario price each curve steps down at the pool's marginal value of
        electricity (optimization/core/bidding/value.py) instead of extending the top
        scenario's volume to the price cap; ``False`` gives the plain scenario curve (compared
        in the benchmarks).

    Raises
    ------
    ValidationError, InfeasibleError, TransientError
    """
    if formulation not in FORMULATIONS:
        raise ValidationError("formulation", f"must be one of {FORMULATIONS}")
    problem.validate()
    started = time.perf_counter()
    units = build_units(problem)
    size = units.cop.size
    if formulation == "auto":
        formulation = "per_unit" if size <= per_unit_size_limit else "clustered"
    if formulation == "clustered" and units.n_units <= n_clusters:
        formulation = "per_unit"
    if formulation == "per_unit":
        labels = np.arange(units.n_units)
        model_units = units
    else:
        labels = cluster_units(units, n_clusters, seed)
        model_units = aggregate_units(units, labels)
    scenario_allocation = formulation == "per_unit"
    n_p, n_t = len(problem.products), problem.scenarios.n_periods
    n_s = problem.scenarios.n_scenarios
    timings = {"build_s": 0.0, "load_s": 0.0, "solve_s": 0.0, "derate_s": 0.0}
    build_s = time.perf_counter() - started
    pi = np.asarray(problem.scenarios.probabilities, float)

    def run(model: PoolBiddingModel, backend: str = "ortools"):
        solution = model.solve(time_limit_s=time_limit_s, method=method, backend=backend)
        timings["load_s"] += solution.load_time_s
        timings["solve_s"] += solution.solve_time_s
        return solution

    curve_backend = "ortools"
    box = uncertainty_box(problem) if problem.uncertainty_margin is not None and n_p else None
    reserve_stage = n_p > 0 and reserve_scenarios is not None and n_s > reserve_scenarios
    used_scenarios = n_s
    if reserve_stage:
        # 1. reserves (and their split) from the LP on K representative scenarios
        started = time.perf_counter()
        keep, keep_pi = select_scenarios(problem.scenarios, reserve_scenarios)
        sub_problem = replace(problem, scenarios=subset_scenarios(problem.scenarios, keep, keep_pi))
        first = PoolBiddingModel(
            sub_problem, subset_units(model_units, keep), scenario_allocation=scenario_allocation
        ).build()
        build_s += time.perf_counter() - started
        first_solution = run(first)
        first_values = first_solution.values
        stage_solve_s = first_solution.solve_time_s
        reserve = np.maximum(first_values[first.reserve], 0.0)
        base = _base_allocation(first_values[first.r], keep_pi)
        # 2. certified per unit in *all* scenarios, rounded to lots and minimum bids
        started = time.perf_counter()
        certified, unit_allocation = derate_reserves(
            units,
            labels,
            reserve,
            base,
            problem.products,
            first.block_of,
            problem.step_h,
            box=box,
        )
        offered, unit_allocation = _round_offers(
            problem, first.block_of, certified, unit_allocation
        )
        timings["derate_s"] += time.perf_counter() - started
        # 3. curve and schedule on all scenarios with the certified split fixed
        started = time.perf_counter()
        model = PoolBiddingModel(problem, model_units, scenario_allocation=False).build()
        member = np.zeros((model_units.n_units, units.n_units))
        member[labels, np.arange(units.n_units)] = 1.0
        model.program.fix(
            model.r_own[:, :, 0, :], np.einsum("ch,pht->pct", member, unit_allocation)
        )
        build_s += time.perf_counter() - started
        try:
            solution = run(model, curve_backend)
            used_scenarios = len(keep)
        except InfeasibleError:
            # the aggregated pseudo-units could not carry the certified split (COP averaging):
            # fall back to the joint extensive form below
            reserve_stage = False
    if not reserve_stage:
        started = time.perf_counter()
        model = PoolBiddingModel(
            problem, model_units, scenario_allocation=scenario_allocation
        ).build()
        build_s += time.perf_counter() - started
        solution = run(model, curve_backend)
        values = solution.values
        reserve = np.maximum(values[model.reserve], 0.0) if n_p else np.zeros((0, n_t))
        started = time.perf_counter()
        base = _base_allocation(values[model.r], pi) if n_p else np.zeros((0, units.n_units, n_t))
        # the LP relaxes on/off (and may allocate per scenario): certify a fixed allocation with
        # exact minimum load (p >= Pmin + up while holding reserve) and derate where needed
        certified, unit_allocation = derate_reserves(
            units,
            labels,
            reserve,
            base,
            problem.products,
            model.block_of,
            problem.step_h,
            box=box,
        )
        offered, unit_allocation = _round_offers(
            problem, model.block_of, certified, unit_allocation
        )
        timings["derate_s"] += time.perf_counter() - started
    values = solution.values
    timings["build_s"] = build_s
    derated_mw: dict[str, float] = {}
    for i, product in enumerate(problem.products):
        derated_mw[product.name] = float(np.max(reserve[i] - offered[i], initial=0.0))
    started = time.perf_counter()

    curves, diagnostics = _value_curves(
        problem, model, solution, labels, unit_allocation, value_pricing
    )
    day_ahead_volume = np.column_stack(
        [c.volume_at(model.day_ahead_price[:, t]) for t, c in enumerate(curves)]
    )
    scenario_cost, components = model.scenario_costs(values)
    lost_revenue = np.zeros(len(pi))
    for i, product in enumerate(problem.products if not reserve_stage else ()):
        price = np.asarray(problem.scenarios.capacity_price_eur_per_mw_h[product.name], float)
        lost_revenue += problem.step_h * (price * (reserve[i] - offered[i])[None, :]).sum(axis=1)
    scenario_cost = scenario_cost + lost_revenue
    if n_p:
        components["reserve_revenue"] = components.get("reserve_revenue", 0.0) + lost_revenue
    expected = _expected_schedule(values, model, units, labels, pi)
    timings["total_s"] = time.perf_counter() - started + sum(timings.values())
    if reserve_stage:
        timings["solve_reserve_stage_s"] = stage_solve_s
    return BidResult(
        index=problem.scenarios.index,
        heat_pump_ids=tuple(hp.heat_pump_id for hp in problem.pool.heat_pumps),
        curves=curves,
        reserve_offers=_offers(problem, model.block_of, offered),
        reserve_capacity_mw={p.name: offered[i] for i, p in enumerate(problem.products)},
        unit_reserve_mw={p.name: unit_allocation[i] for i, p in enumerate(problem.products)},
        expected_power_mw=expected[0],
        expected_storage_mwh=expected[1],
        expected_backup_heat_mw=expected[2],
        day_ahead_volume_mw=day_ahead_volume,
        objective_eur=float(solution.objective + float(pi @ lost_revenue)),
        expected_cost_eur=float(pi @ scenario_cost),
        cvar_eur=cvar(scenario_cost, pi, problem.risk.cvar_alpha),
        scenario_cost_eur=scenario_cost,
        expected_components_eur={k: float(pi @ v) for k, v in components.items()},
        formulation=(
            formulation if formulation == "per_unit" else f"clustered({model_units.n_units})"
        )
        + (f"+reserves({used_scenarios}/{n_s})" if reserve_stage else ""),
        status=solution.status,
        timings_s=timings,
        model_size={
            "variables": solution.n_variables,
            "constraints": solution.n_rows,
            "nonzeros": solution.n_nonzeros,
        },
        derated_mw=derated_mw,
        lp_objective_eur=float(solution.objective),
        diagnostics=diagnostics,
    )


def _value_curves(
    problem: BiddingProblem,
    model: PoolBiddingModel,
    solution,
    labels: np.ndarray,
    unit_allocation: np.ndarray,
    value_pricing: bool,
) -> tuple[tuple, tuple[CurveDiagnostics, ...]]:
    """Curves (LP points up to the top scenario price, value steps above) and their reasons."""
    rules = problem.day_ahead
    tick, cap = rules.tick_eur_per_mwh, rules.price_cap_eur_per_mwh
    units = model.units
    values = solution.values
    n_c, n_s, n_t = units.cop.shape
    power = values[model.p]
    storage = values[model.e]
    backup = values[model.b]
    must = must_consume(units, problem.step_h).max(axis=1)  # (C, T)
    up = [i for i, p in enumerate(problem.products) if p.provides_up]
    up_held = np.zeros((n_c, n_t))
    if up:
        np.add.at(up_held, labels, unit_allocation[up].sum(axis=0))
    if labels.max() + 1 == len(problem.pool.heat_pumps) and n_c == len(labels):
        names = [hp.heat_pump_id for hp in problem.pool.heat_pumps]
    else:
        names = [f"cluster {c}" for c in range(n_c)]
    lam = model.day_ahead_price
    hps = problem.pool.heat_pumps
    pmax_units = np.array([hp.power_max_mw for hp in hps])
    pmin_units = pmax_units * np.array([hp.min_load_fraction for hp in hps])
    gaps = pool_gaps(pmin_units, pmax_units)
    if up:  # units holding up-reserve must draw Pmin + up (exact, not the LP's relaxation)
        up_units = unit_allocation[up].sum(axis=0)  # (H, T)
        reserve_floor = np.where(up_units > 1e-9, pmin_units[:, None] + up_units, 0.0).sum(0)
    else:
        reserve_floor = np.zeros(n_t)
    curves, diagnostics = [], []
    backup_cost = problem.pool.backup_heat_cost_eur_per_mwh
    for t in range(n_t):
        here = model.grid.period == t
        grid = model.grid.prices[here]
        volumes = np.minimum.accumulate(np.maximum(values[model.x[here]], 0.0))
        top_scenario = int(np.argmax(lam[:, t]))
        top_price = float(grid[-1])
        unit_value = unit_values(
            t=t,
            unit_names=names,
            units=units,
            power=power,
            heat_value=alternative_heat_value(
                units, power, storage, backup, lam, top_scenario, t, backup_cost
            ),
            top_scenario=top_scenario,
            top_price=top_price,
            top_volume_mw=float(volumes[-1]),
            must=must,
            up_reserve_mw=up_held[:, t],
            price_cap_eur_per_mwh=cap,
        )
        index_t = problem.scenarios.index[t]
        curve = None
        # richest first; fall back when the point limit (DayAheadRules.max_curve_points) is hit
        for extend, exact in ((True, True), (True, False), (False, False)):
            if (extend or exact) and not value_pricing:
                continue
            prices_t, volumes_t = grid, volumes
            room = rules.max_curve_points - 2 - len(grid)
            if extend and top_price < cap - tick and room >= 2:
                ext_prices, ext_volumes = extension_points(
                    unit_value, top_price, cap, tick, max_steps=min(room // 2, 4)
                )
                prices_t = np.concatenate([grid, ext_prices])
                volumes_t = np.concatenate([volumes, np.minimum(ext_volumes, volumes[-1])])
            if exact:  # exact minimum load where it matters: reserve floor, no gap volumes
                prices_t, volumes_t = deliverable_points(
                    prices_t, volumes_t, gaps, reserve_floor[t], tick, rules.lot_mw
                )
            curve = make_curve(index_t, prices_t, volumes_t, rules)
            if len(curve.prices_eur_per_mwh) <= rules.max_curve_points:
                break
        curves.append(curve)
        diagnostics.append(
            _diagnose(
                curve,
                unit_value,
                top_price,
                t,
                lam,
                power,
                storage,
                backup,
                units,
                rules,
                backup_cost,
            )  # fmt: skip
        )
    return tuple(curves), tuple(diagnostics)


def _zero_reason(t, lam, power, storage, backup_heat, units, backup) -> tuple[str, str]:
    """Why an MTU buys nothing at any price, read in its cheapest scenario (the most tempting)."""
    low = int(np.argmin(lam[:, t]))
    level = storage[:, low, t]
    before = storage[:, low, t - 1] if t > 0 else units.storage_initial_mwh
    if (level >= units.storage_max_mwh - 1e-6).all():
        return "storage_full", "buys nothing: storage full even in the cheapest scenario"
    if (units.heat_demand_mw[:, low, t] <= 1e-9).all():
        return "no_heat_demand", "buys nothing: no heat demand and no room worth filling"
    worth = (
        alternative_heat_value(units, power, storage, backup_heat, lam, low, t, backup)
        * units.cop[:, low, t]
    )
    if (worth < lam[low, t] - 1e-6).all():
        return "heat_cheaper_elsewhere", (
            f"buys nothing: electricity here is worth at most {worth.max():.2f} EUR/MWh (heat "
            f"from storage or backup x COP), below the lowest scenario price {lam[low, t]:.2f}"
        )
    if (level < units.storage_retention_per_step * before - 1e-6).any():
        return "heat_from_storage", (
            "buys nothing: the storage, filled in cheaper periods, serves the heat here even in "
            "the cheapest scenario"
        )
    if (backup_heat[:, low, t] > 1e-6).any():
        return "backup_heat", "buys nothing: backup heat serves the demand here"
    return "scenario_plan", "buys nothing: no scenario's plan draws power at this MTU"


def _diagnose(
    curve, unit_value, top_price, t, lam, power, storage, backup_heat, units, rules, backup
):
    """Highest buy price and its reason; the reason an MTU buys nothing at any price."""
    p = np.asarray(curve.prices_eur_per_mwh)
    v = np.asarray(curve.volumes_mw)
    cap = rules.price_cap_eur_per_mwh
    positive = np.flatnonzero(v > 0)
    if len(positive) == 0:
        highest = None
    elif positive[-1] == len(v) - 1:
        highest = float(cap)
    else:
        highest = float(p[positive[-1] + 1])  # the volume reaches zero at the next point
    code, text = explain_top(unit_value, top_price, highest, cap, backup)
    zero = ""
    if highest is None:
        zero, text = _zero_reason(t, lam, power, storage, backup_heat, units, backup)
    return CurveDiagnostics(
        period_start_at=curve.period_start_at,
        highest_buy_price_eur_per_mwh=highest,
        highest_buy_reason=code,
        explanation=text,
        top_scenario_price_eur_per_mwh=top_price,
        must_buy_mw=float(sum(u.must_mw for u in unit_value)),
        zero_volume_reason=zero,
    )


def _base_allocation(allocation: np.ndarray, pi: np.ndarray) -> np.ndarray:
    """Scenario-independent split (P, H, T) from the LP's (P, H, S or 1, T) allocation.

    Clipped at 0: solver noise (-1e-12) must not reach the offers or the dispatch.
    """
    allocation = np.maximum(allocation, 0.0)
    if allocation.shape[2] > 1:
        return np.einsum("phst,s->pht", allocation, pi)
    return allocation[:, :, 0, :]


def _round_offers(
    problem: BiddingProblem,
    block_of: list[np.ndarray],
    reserve: np.ndarray,
    unit_allocation: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Round each block offer *down* to the lot, drop it below the minimum bid; scale allocation."""
    offered = np.zeros_like(reserve)
    for i, (product, blocks) in enumerate(zip(problem.products, block_of, strict=True)):
        block_value = np.full(blocks.max() + 1, np.inf)
        np.minimum.at(block_value, blocks, reserve[i])
        lots = np.floor(block_value / product.lot_mw + 1e-6)
        rounded = np.round(lots * product.lot_mw, 6)
        rounded[rounded < product.min_bid_mw - 1e-9] = 0.0
        offered[i] = rounded[blocks]
    ratio = np.where(reserve > 1e-9, offered / np.maximum(reserve, 1e-9), 0.0)
    return offered, unit_allocation * np.minimum(ratio, 1.0)[:, None, :]


def _offers(
    problem: BiddingProblem, block_of: list[np.ndarray], offered: np.ndarray
) -> tuple[ReserveOffer, ...]:
    index = problem.scenarios.index
    step = pd.Timedelta(minutes=problem.mtu_minutes)
    offers = []
    for i, (product, blocks) in enumerate(zip(problem.products, block_of, strict=True)):
        for j in range(blocks.max() + 1):
            periods = np.flatnonzero(blocks == j)
            capacity = float(offered[i, periods[0]])
            if capacity > 0:
                offers.append(
                    ReserveOffer(
                        product.name, index[periods[0]], index[periods[-1]] + step, capacity
                    )
                )
    return tuple(offers)


def _expected_schedule(
    values: np.ndarray,
    model: PoolBiddingModel,
    units: UnitArrays,
    labels: np.ndarray,
    pi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Probability-weighted power, storage, backup (H, T); cluster values split by capacity."""

    def expect(idx: np.ndarray) -> np.ndarray:
        return np.einsum("hst,s->ht", values[idx], pi)

    power, storage, backup = expect(model.p), expect(model.e), expect(model.b)
    if len(labels) == power.shape[0] and np.array_equal(labels, np.arange(len(labels))):
        return power, storage, backup

    def share(weights: np.ndarray) -> np.ndarray:
        totals = np.bincount(labels, weights=weights)
        return weights / np.where(totals[labels] > 0, totals[labels], 1.0)

    backup_weight = np.where(
        np.isfinite(units.backup_heat_max_mw), units.backup_heat_max_mw, units.power_max_mw
    )
    return (
        power[labels] * share(units.power_max_mw)[:, None],
        storage[labels] * share(units.storage_max_mwh)[:, None],
        backup[labels] * share(backup_weight)[:, None],
    )


def is_finite_number(value: float) -> bool:
    return isinstance(value, int | float) and math.isfinite(value)
