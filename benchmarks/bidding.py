"""Pool bidding benchmark: scalable (clustered + per-unit certificate) vs the full per-unit LP.

    python benchmarks/bidding.py [--sizes 10x10,10x30,50x10,50x30,200x10,200x30]
                                 [--full-cap-s 180] [--full-max-units 50] [--clusters 5]

For each size (heat pumps x scenarios, 96 quarter-hours, DA + FCR + aFRR down + mFRR up) it prints
the scalable formulation's build/solve/total time and build share, whether every offered reserve
MW is certified deliverable unit by unit in every scenario, and — where the full per-unit LP
finishes within the cap — its time, the ratio, and the cost of the scalable first stage
(rounded curves + certified offers) re-evaluated in the full per-unit model vs the full optimum.
Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ainergy.common.errors import TransientError  # noqa: E402
from optimization.core.bidding import solve_bidding  # noqa: E402
from optimization.core.bidding.model import PoolBiddingModel, build_units  # noqa: E402
from optimization.core.bidding.scaling import reserve_deliverability  # noqa: E402
from optimization.core.bidding.synthetic import synthetic_problem  # noqa: E402


def evaluate_first_stage(problem, result, cap_s: float) -> float:
    """Full per-unit LP with the curve volumes and reserve offers fixed; its objective [EUR]."""
    model = PoolBiddingModel(problem, scenario_allocation=True).build()
    volumes = np.array(
        [
            result.curves[t].volume_at(price)
            for t, price in zip(model.grid.period, model.grid.prices, strict=True)
        ]
    )
    model.program.fix(model.x, volumes)
    for i, (product, blocks) in enumerate(zip(problem.products, model.block_of, strict=True)):
        offered = result.reserve_capacity_mw[product.name]
        per_block = np.zeros(blocks.max() + 1)
        per_block[blocks] = offered
        model.program.fix(model.reserve_blocks[i], per_block)
    return model.solve(time_limit_s=cap_s, method="ipm").objective


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10x10,10x30,50x10,50x30,200x10,200x30")
    parser.add_argument("--full-cap-s", type=float, default=180.0)
    parser.add_argument("--full-max-units", type=int, default=50)
    parser.add_argument("--clusters", type=int, default=5)
    args = parser.parse_args()
    header = (
        f"{'HP':>4} {'S':>3} | {'build s':>7} {'solve s':>7} {'total s':>7} {'build %':>7} "
        f"{'deliv.':>6} {'derated MW':>10} | {'full s':>8} {'ratio':>6} {'full obj':>12} "
        f"{'scal. eval':>12} {'gap %':>6}"
    )
    print(header)
    print("-" * len(header))
    for size in args.sizes.split(","):
        n_units, n_scenarios = (int(v) for v in size.split("x"))
        problem = synthetic_problem(n_units, n_scenarios, mtu_minutes=15, seed=0)
        result = solve_bidding(
            problem, formulation="clustered", n_clusters=args.clusters, method="ipm"
        )
        t = result.timings_s
        allocation = np.array([result.unit_reserve_mw[p.name] for p in problem.products])
        certified = reserve_deliverability(
            build_units(problem), allocation, problem.products, problem.step_h
        ).all_feasible
        derated = sum(result.derated_mw.values())
        line = (
            f"{n_units:>4} {n_scenarios:>3} | {t['build_s']:>7.2f} {t['solve_s']:>7.2f} "
            f"{t['total_s']:>7.2f} {100 * t['build_s'] / t['total_s']:>7.2f} "
            f"{'yes' if certified else 'NO':>6} {derated:>10.1f} |"
        )
        if n_units > args.full_max_units or (n_units >= 50 and n_scenarios >= 30):
            print(line + "  full model not attempted (extrapolates far beyond the cap)", flush=True)
            continue
        started = time.perf_counter()
        try:
            full = PoolBiddingModel(problem, scenario_allocation=True).build()
            full_solution = full.solve(time_limit_s=args.full_cap_s, method="ipm")
        except TransientError:
            print(line + f"  full model: no solution within {args.full_cap_s:.0f} s", flush=True)
            continue
        full_s = time.perf_counter() - started
        try:
            evaluated = evaluate_first_stage(problem, result, args.full_cap_s)
            gap = 100 * (evaluated - full_solution.objective) / abs(full_solution.objective)
            evaluation = f"{evaluated:>12.1f} {gap:>6.2f}"
        except TransientError:
            evaluation = f"{'timeout':>12} {'-':>6}"
        print(
            line + f" {full_s:>8.1f} {full_s / t['total_s']:>6.1f} "
            f"{full_solution.objective:>12.1f} {evaluation}",
            flush=True,
        )


if __name__ == "__main__":
    main()
