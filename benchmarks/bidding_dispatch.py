"""Dispatch robustness benchmark: real post-clearing dispatch problems, solver paths compared.

    # 1. collect: bid every day of a case's period (stochastic, deterministic, perfect foresight),
    #    clear at the realised price, store the dispatch problems (resumable, one file per day)
    python benchmarks/bidding_dispatch.py collect CASE.json --start 2024-01-01 --end 2024-11-06 \
        [--out var/dispatch_cases/dk1_2024]
    # 2. compare: solve every stored problem with each path; dropped = no schedule returned
    python benchmarks/bidding_dispatch.py compare var/dispatch_cases/dk1_2024 \
        [--paths default,ortools_plain,scipy] [--time-limit-s 60] [--limit N]

Paths: ``default`` = ``dispatch_pool`` as shipped (heuristic incumbents, MILP warm-started,
best of both); ``ortools_plain`` = the MILP alone through OR-Tools/HiGHS (no incumbent, the
behaviour before issue 16); ``scipy`` = the MILP alone through ``scipy.optimize.milp`` (HiGHS
bundled with SciPy). Prints per path: problems, answered, dropped, optimal, median/p95/max
wall s, mean objective gap to the best answer of the same problem, and time ratio to
``ortools_plain``. Figures only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import pickle
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ainergy.common.errors import ApplicationError  # noqa: E402
from optimization.core.bidding.backtest import (  # noqa: E402
    bid_for_strategy,
    day_scenarios,
    load_case_data,
)
from optimization.core.bidding.case import load_case, parse_day  # noqa: E402
from optimization.core.bidding.dispatch import DispatchProblem, dispatch_pool  # noqa: E402

STRATEGIES = ("stochastic", "deterministic", "perfect_foresight")


def collect(args) -> None:
    case = load_case(args.case)
    data = load_case_data(case)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    day, end = parse_day(args.start, "start"), parse_day(args.end, "end")
    while day <= end:
        target = out / f"{day}.pkl"
        if not target.exists():
            try:
                forecast, realised = day_scenarios(case, data, day)
            except ApplicationError as error:
                print(json.dumps({"day": str(day), "skipped": str(error)}), flush=True)
                day += dt.timedelta(days=1)
                continue
            problems = {}
            for strategy in STRATEGIES:
                started = time.perf_counter()
                try:
                    bid, products = bid_for_strategy(case, strategy, forecast, realised)
                except ApplicationError as error:
                    print(json.dumps({"day": str(day), strategy: str(error)}), flush=True)
                    continue
                real = realised.scenario
                price = real.day_ahead_price_eur_per_mwh[0]
                volume = np.array([c.volume_at(p) for c, p in zip(bid.curves, price, strict=True)])
                # plain arrays (not DispatchProblem): the stored files outlive class changes
                problems[strategy] = {
                    "problem": {
                        "pool": case.pool,
                        "index": real.index,
                        "mtu_minutes": case.mtu_minutes,
                        "day_ahead_volume_mw": volume,
                        "heat_demand_mw": real.heat_demand_mw[0],
                        "source_temperature_c": real.source_temperature_c[0],
                        "day_ahead_price_eur_per_mwh": price,
                        "products": products,
                        "reserve_capacity_mw": bid.reserve_capacity_mw,
                    },
                    "hint_power_mw": bid.expected_power_mw,
                    "bid_s": time.perf_counter() - started,
                }
            tmp = target.with_suffix(".tmp")
            tmp.write_bytes(pickle.dumps(problems))
            tmp.rename(target)
            print(json.dumps({"day": str(day), "stored": sorted(problems)}), flush=True)
        day += dt.timedelta(days=1)


def _solve(path: str, item: dict, time_limit_s: float):
    problem = DispatchProblem(**item["problem"])
    if path == "default":
        return dispatch_pool(
            replace(problem, hint_power_mw=item.get("hint_power_mw")), time_limit_s=time_limit_s
        )
    if path == "ortools_plain":
        return dispatch_pool(problem, time_limit_s=time_limit_s, heuristics=False)
    if path == "scipy":
        return dispatch_pool(problem, time_limit_s=time_limit_s, heuristics=False, backend="scipy")
    raise SystemExit(f"unknown path {path!r}")


def compare(args) -> None:
    files = sorted(Path(args.cases).glob("*.pkl"))
    if args.limit:
        files = files[: args.limit]
    paths = args.paths.split(",")
    rows = {p: {"n": 0, "answered": 0, "optimal": 0, "times": [], "objectives": []} for p in paths}
    for file in files:
        problems = pickle.loads(file.read_bytes())
        for strategy, item in sorted(problems.items()):
            objectives = {}
            for path in paths:
                row = rows[path]
                row["n"] += 1
                started = time.perf_counter()
                try:
                    result = _solve(path, item, args.time_limit_s)
                except ApplicationError as error:
                    elapsed = time.perf_counter() - started
                    row["times"].append(elapsed)
                    print(json.dumps({"file": file.stem, "strategy": strategy, "path": path,
                                      "dropped": type(error).__name__, "s": round(elapsed, 2)}),
                          flush=True)  # fmt: skip
                    continue
                elapsed = time.perf_counter() - started
                row["times"].append(elapsed)
                row["answered"] += 1
                row["optimal"] += result.status == "optimal"
                objectives[path] = result.objective_eur
                if elapsed > 5 or result.status != "optimal":
                    print(json.dumps({"file": file.stem, "strategy": strategy, "path": path,
                                      "status": result.status, "s": round(elapsed, 2)}),
                          flush=True)  # fmt: skip
            if objectives:
                best = min(objectives.values())
                for path, value in objectives.items():
                    rows[path]["objectives"].append((value - best) / max(abs(best), 1.0))
    base = np.median(rows[paths[-1]]["times"]) if "ortools_plain" not in rows else None
    base = np.sum(rows["ortools_plain"]["times"]) if "ortools_plain" in rows else base
    print("| path | problems | answered | dropped | optimal | median s | p95 s | max s | "
          "total s | total s / ortools_plain | mean gap to best % |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for path, row in rows.items():
        times = np.array(row["times"]) if row["times"] else np.zeros(1)
        gap = 100 * np.mean(row["objectives"]) if row["objectives"] else float("nan")
        ratio = times.sum() / base if base else float("nan")
        print(
            f"| {path} | {row['n']} | {row['answered']} | {row['n'] - row['answered']} | "
            f"{row['optimal']} | {np.median(times):.2f} | {np.percentile(times, 95):.2f} | "
            f"{times.max():.2f} | {times.sum():.1f} | {ratio:.2f} | {gap:.3f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    c = sub.add_parser("collect")
    c.add_argument("case")
    c.add_argument("--start", required=True)
    c.add_argument("--end", required=True)
    c.add_argument("--out", default="var/dispatch_cases/case")
    m = sub.add_parser("compare")
    m.add_argument("cases")
    m.add_argument("--paths", default="default,ortools_plain,scipy")
    m.add_argument("--time-limit-s", type=float, default=60.0)
    m.add_argument("--limit", type=int, default=0)
    args = parser.parse_args()
    (collect if args.command == "collect" else compare)(args)


if __name__ == "__main__":
    main()
