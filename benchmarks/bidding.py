"""Pool bidding benchmark: scalable formulation vs the full per-unit LP, in the same run.

    python benchmarks/bidding.py [--sizes 10x10,10x30,50x10,50x30,200x10,200x30]
                                 [--cap-s 120] [--full-cap-s 300] [--full-max-size 30000]
                                 [--clusters 5] [--reserve-scenarios 10] [--dispatch-check 2]

Synthetic pool of SOLVER_NOTES' kind, 96 quarter-hours, DA curve + FCR + aFRR down + mFRR up.
Per size (heat pumps x scenarios) it prints:

* the scalable solve (``solve_bidding(formulation="clustered")``): build, load, solve (of which
  the reserve stage), certificate time, total and build share; every solve is wrapped, a
  time-out gives a "time limit" row instead of ending the run;
* ``deliverable``: every offered MW certified by ``reserve_deliverability`` unit by unit in
  every scenario (ignores ramps), and ``dispatch``: the dispatch MILP (exact on/off, min load,
  ramps, starts) for each unit holding its certified share, in ``--dispatch-check`` scenarios
  (unit-scenario pairs with a schedule holding the whole share / pairs; a feasibility MILP:
  reserves soft, all other costs zero, 30 s per MILP; the 200-unit pool MILP itself found no schedule in 60 s,
  so units are checked one by one — they only interact through the pool balance);
* where units x scenarios <= ``--full-max-size``: the full per-unit LP (reserve split per
  scenario) capped at ``--full-cap-s``, and the scalable first stage (rounded curves, certified
  offers and their fixed per-unit split) re-evaluated in the full per-unit model: gap in %.

Wall times on a shared 2-core box are noisy: run it when the machine is quiet, or repeat.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ainergy.common.errors import ApplicationError, InfeasibleError  # noqa: E402
from optimization.core.bidding import solve_bidding  # noqa: E402
from optimization.core.bidding.dispatch import DispatchProblem, dispatch_pool  # noqa: E402
from optimization.core.bidding.model import PoolBiddingModel, build_units  # noqa: E402
from optimization.core.bidding.scaling import reserve_deliverability  # noqa: E402
from optimization.core.bidding.synthetic import synthetic_problem  # noqa: E402


def evaluate_first_stage(problem, result, cap_s: float) -> float:
    """Full per-unit LP with curve volumes, reserve offers and their per-unit split fixed [EUR].

    Fixing the split (instead of letting the full model re-split per scenario) can only raise
    the cost, so the gap reported is an upper bound on the scalable formulation's loss.
    """
    model = PoolBiddingModel(problem, scenario_allocation=False).build()
    volumes = np.array(
        [
            result.curves[t].volume_at(price)
            for t, price in zip(model.grid.period, model.grid.prices, strict=True)
        ]
    )
    model.program.fix(model.x, volumes)
    split = np.array([result.unit_reserve_mw[p.name] for p in problem.products])
    model.program.fix(model.r_own[:, :, 0, :], split)
    return model.solve(time_limit_s=cap_s, method="ipm").objective


def dispatch_check(problem, result, n_checks: int) -> str:
    """Unit-by-unit dispatch MILP (exact on/off, min load, ramps, starts, storage) per scenario.

    With the certified split fixed, units only interact through the pool balance, which the
    dispatch may miss at the imbalance price: so the offer is deliverable in a scenario iff
    every unit's own single-unit dispatch holding its share is feasible. Returns
    "feasible pairs / unit-scenario pairs checked".
    """
    if n_checks <= 0:
        return "-"
    s_all = problem.scenarios
    shares = problem.pool.heat_demand_shares()
    chosen = np.unique(np.linspace(0, s_all.n_scenarios - 1, n_checks).round().astype(int))
    ok = total = 0
    # A pure feasibility problem: reserves soft, every other cost zero, so the MILP minimises
    # the shortfall only (HiGHS always finds schedules then; with the reserves hard it often
    # found none within 60 s). Zero shortfall proves the share deliverable; a positive one at
    # optimality disproves it; a positive one at the time limit counts as not shown.
    free = replace(problem.pool, backup_heat_cost_eur_per_mwh=0.0)
    for s in chosen:
        for h, hp in enumerate(problem.pool.heat_pumps):
            total += 1
            try:
                plan = dispatch_pool(
                    DispatchProblem(
                        pool=replace(
                            free,
                            heat_pumps=(replace(hp, heat_demand_share=1.0, start_cost_eur=0.0),),
                        ),
                        index=s_all.index,
                        mtu_minutes=problem.mtu_minutes,
                        day_ahead_volume_mw=np.zeros(s_all.n_periods),
                        heat_demand_mw=shares[h] * s_all.heat_demand_mw[s],
                        source_temperature_c=s_all.source_temperature_c[s],
                        day_ahead_price_eur_per_mwh=np.zeros(s_all.n_periods),
                        products=problem.products,
                        reserve_capacity_mw={
                            p.name: result.unit_reserve_mw[p.name][h] for p in problem.products
                        },
                        # feasibility of the reserves alone: energy deviations nearly free,
                        # a reserve MW not held 10^4 times worse
                        deviation_penalty_eur_per_mwh=1e-3,
                        reserve_priority=1e4,
                    ),
                    time_limit_s=30.0,
                    mip_gap=1e-4,
                )
                shortfall = sum(float(v.sum()) for v in plan.reserve_shortfall_mw.values())
                ok += shortfall <= 1e-6
            except InfeasibleError:
                pass
            except ApplicationError:  # time limit without a schedule: not proven either way
                pass
    return f"{ok}/{total}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10x10,10x30,50x10,50x30,200x10,200x30")
    parser.add_argument("--cap-s", type=float, default=120.0)
    parser.add_argument("--full-cap-s", type=float, default=300.0)
    parser.add_argument("--full-max-size", type=int, default=500)
    parser.add_argument("--clusters", type=int, default=5)
    parser.add_argument("--reserve-scenarios", type=int, default=10)
    parser.add_argument("--dispatch-check", type=int, default=2)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()}", flush=True)
    header = (
        "| HP | S | build s | load s | solve s (reserve stage) | certificate s | total s | "
        "build % | derated MW | deliverable (certificate) | dispatch MILP feasible | "
        "full per-unit s | full objective EUR | scalable re-evaluated EUR | gap % |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for size in args.sizes.split(","):
        n_units, n_scenarios = (int(v) for v in size.split("x"))
        problem = synthetic_problem(n_units, n_scenarios, mtu_minutes=15, seed=0)
        units = build_units(problem)
        ramp_ratio = float(np.min(units.ramp_mw_per_h * problem.step_h / units.power_max_mw))
        try:
            result = solve_bidding(
                problem,
                formulation="clustered",
                n_clusters=args.clusters,
                method="ipm",
                time_limit_s=args.cap_s,
                reserve_scenarios=args.reserve_scenarios,
            )
        except ApplicationError as error:
            print(f"| {n_units} | {n_scenarios} | time limit / {error.code}: {error.message} |")
            continue
        t = result.timings_s
        allocation = np.array([result.unit_reserve_mw[p.name] for p in problem.products])
        certified = reserve_deliverability(
            units, allocation, problem.products, problem.step_h
        ).all_feasible
        dispatch = dispatch_check(problem, result, args.dispatch_check)
        derated = sum(result.derated_mw.values())
        stage = t.get("solve_reserve_stage_s")
        line = (
            f"| {n_units} | {n_scenarios} | {t['build_s']:.2f} | {t['load_s']:.2f} | "
            f"{t['solve_s']:.2f}" + (f" ({stage:.2f})" if stage is not None else "") + " | "
            f"{t['derate_s']:.2f} | {t['total_s']:.2f} | {100 * t['build_s'] / t['total_s']:.2f} | "
            f"{derated:.1f} | {'yes' if certified else 'NO'} | {dispatch} |"
        )
        if n_units * n_scenarios > args.full_max_size:
            print(
                line + " not attempted | | | |", f"(min ramp*dt/Pmax {ramp_ratio:.3f})", flush=True
            )
            continue
        started = time.perf_counter()
        try:  # the full per-unit LP (reserve split per scenario) and its certified first stage
            full = solve_bidding(
                problem,
                formulation="per_unit",
                method="ipm",
                time_limit_s=args.full_cap_s,
                reserve_scenarios=None,
            )
        except ApplicationError:
            print(line + f" time limit ({args.full_cap_s:.0f} s) | | | |", flush=True)
            continue
        full_s = time.perf_counter() - started
        try:
            evaluated = evaluate_first_stage(problem, result, args.full_cap_s)
            reference = evaluate_first_stage(problem, full, args.full_cap_s)
            gap = 100 * (evaluated - full.lp_objective_eur) / abs(full.lp_objective_eur)
            gap_certified = 100 * (evaluated - reference) / abs(reference)
            evaluation = (
                f"{evaluated:,.1f} | {gap:+.2f} (vs certified full: {reference:,.1f}, "
                f"{gap_certified:+.2f}) |"
            )
        except ApplicationError as error:
            evaluation = f"{error.code} | - |"
        print(
            line + f" {full_s:.1f} | {full.lp_objective_eur:,.1f} | {evaluation}",
            flush=True,
        )
    print(f"load average at end: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
