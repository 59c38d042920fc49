"""Household sizing and scheduling benchmark: solve times, representative-day error, savings.

Run (from the repository root):  python -m benchmarks.household [--full-year-sizing] [--only ...]
Prints measured figures; ratios are against baselines measured in the same run. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from ainergy.common.errors import InfeasibleError
from ainergy.common.timegrid import delivery_day_periods
from optimization.core.household.baseline import simulate_heat_led
from optimization.core.household.cases import (
    read_case,
    schedule_case_from_dict,
    sizing_case_from_dict,
)
from optimization.core.household.representative_days import local_day_blocks, whole_horizon_block
from optimization.core.household.scheduling import (
    Battery,
    ElectricVehicle,
    EvSession,
    HeatPumpUnit,
    HotWaterTank,
    ScheduleProblem,
    schedule_household,
)
from optimization.core.household.sizing import (
    DiscreteChoice,
    HouseholdDesign,
    profile_representative_blocks,
    representative_blocks,
    solve_sizing,
)
from optimization.core.household.tariffs import PriceComponents, price_components
from optimization.core.household.technology import (
    cop_series,
    flow_temperature_c,
    heat_capacity_factor,
)

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "docs" / "examples"
SHARED = ROOT.parent / "shared" / "data"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def _error(value: float, reference: float) -> str:
    return f"{100 * (value - reference) / reference:+.2f} %"


def sizing_section(full_year_sizing: bool) -> tuple:
    print("## Sizing (docs/examples/household_size.json)")
    data, base_dir = read_case(EXAMPLES / "household_size.json")
    case, data_s = timed(sizing_case_from_dict, data, base_dir)
    problem = case.problem
    blocks, select_s = timed(representative_blocks, problem)
    result, size_s = timed(solve_sizing, problem, blocks)
    print(f"data preparation (CSV, heat model, pvlib): {data_s:.2f} s")
    print(f"representative days (5 probe LPs over the year + selection): {select_s:.1f} s")
    print(f"  {blocks.description}")
    print(
        f"sizing MILP on representative days: {size_s:.2f} s wall (solver {result.solve_time_s:.2f} s)"
    )
    print(f"design: {result.design}")
    print(
        f"annual cost {result.total_cost_eur:.2f} EUR (capex {result.capex_total_eur:.2f}, "
        f"operation {result.operating_cost_eur:.2f}), emissions {result.emissions_kg_co2:.1f} kg"
    )
    index = problem.year.period_start_utc
    hp = result.design.heat_pump_name
    designs = {
        "chosen": result.design,
        "heat pump only": HouseholdDesign(hp, 0.0, 0.0, 0.0, True),
        "PV 6 kWp, battery 10 kWh/5 kW": HouseholdDesign(hp, 6.0, 10.0, 5.0, True),
        "PV 3 kWp, battery 5 kWh/2.5 kW": HouseholdDesign(hp, 3.0, 5.0, 2.5, True),
        "PV 10 kWp, no battery, no charger": HouseholdDesign(hp, 10.0, 0.0, 0.0, False),
    }
    profile_blocks = profile_representative_blocks(problem)
    print(
        f"\nrepresentative-day error on annual total cost, same design, operation re-optimised; "
        f"reference: the full year chained (8760 h, one cyclic year). Cost-matched = this "
        f"method ({len(blocks.starts)} days); profile = clustering on hourly profiles with "
        f"cluster-size weights ({len(profile_blocks.starts)} days, the earlier method):"
    )
    print(
        "| design | full year, chained EUR/yr | cost-matched days | error | profile days | error "
        "| full year, daily-cyclic | error | full-year LP s |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, design in designs.items():
        chained, chained_s = timed(
            solve_sizing, problem, whole_horizon_block(index), fixed_design=design
        )
        reference = chained.total_cost_eur
        rep = solve_sizing(problem, blocks, fixed_design=design).total_cost_eur
        profile = solve_sizing(problem, profile_blocks, fixed_design=design).total_cost_eur
        daily = solve_sizing(problem, local_day_blocks(index), fixed_design=design).total_cost_eur
        print(
            f"| {name} | {reference:.2f} | {rep:.2f} | {_error(rep, reference)} | {profile:.2f} "
            f"| {_error(profile, reference)} | {daily:.2f} | {_error(daily, reference)} "
            f"| {chained_s:.1f} |"
        )
    if full_year_sizing:
        full_year_reference(problem, result, size_s + select_s)
    return problem, result


def full_year_reference(problem, rep_result, rep_s: float) -> None:
    """The full-year sizing optimum by enumerating the design's yes/no choices (heat pump,
    PV, battery, charger: one LP over 365 daily-cyclic days each), started from the
    representative-day design as the incumbent, with a progress line per choice."""
    index = problem.year.period_start_utc
    days = local_day_blocks(index)
    started = time.perf_counter()
    incumbent = solve_sizing(problem, days, fixed_design=rep_result.design)
    best = incumbent
    print(
        f"\n## Full-year sizing reference (365 daily-cyclic days, 8760 h): incumbent = the "
        f"representative-day design on the full year, {incumbent.total_cost_eur:.2f} EUR/yr"
    )
    pumps = [hp.name for hp in problem.catalogue.heat_pumps]
    choices = [
        DiscreteChoice(hp, pv, battery, charger)
        for hp in pumps
        for pv in (True, False)
        for battery in (True, False)
        for charger in ((True, False) if problem.ev is not None else (False,))
    ]
    for number, choice in enumerate(choices, start=1):
        try:
            candidate = solve_sizing(problem, days, choice=choice)
        except InfeasibleError:
            print(f"[{number}/{len(choices)}] {choice}: infeasible")
            continue
        if candidate.total_cost_eur < best.total_cost_eur - 1e-6:
            best = candidate
        print(
            f"[{number}/{len(choices)}] {time.perf_counter() - started:6.0f} s "
            f"{choice.heat_pump_name}, PV {choice.has_pv}, battery {choice.has_battery}, "
            f"charger {choice.has_ev_charger}: {candidate.total_cost_eur:.2f} EUR/yr "
            f"(best {best.total_cost_eur:.2f})"
        )
    elapsed = time.perf_counter() - started
    regret = (incumbent.total_cost_eur - best.total_cost_eur) / best.total_cost_eur
    print(
        f"full-year optimum {best.total_cost_eur:.2f} EUR/yr, design {best.design}; "
        f"{len(choices)} LPs in {elapsed:.0f} s ({elapsed / rep_s:.0f}x the representative-day "
        f"sizing); regret of the representative-day design: {100 * regret:+.3f} %"
    )


def milp_timing_section() -> None:
    """Solve times of the exact (MILP) storage model against its LP relaxation on every DK1 day
    of 2023 and 2024 (to 2024-11-06): battery 5 kW / 10 kWh, 0.5 kW load, no export, spot
    prices only, start and end empty."""
    print("\n## Exact storage: MILP vs LP relaxation, every local DK1 day 2023-01-01..2024-11-06")
    frame = pd.read_csv(SHARED / "spot_prices_dk1_dk2_hourly.csv.gz")
    frame = frame[frame["price_area"] == "DK1"]
    spot = pd.Series(
        frame["price_eur_per_mwh"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(pd.to_datetime(frame["time_utc"], utc=True)),
    ).sort_index()
    exact_times, relaxed_times, milp_days, binaries, overlaps = [], [], 0, [], []
    milp_only: list[float] = []
    day = dt.date(2023, 1, 1)
    while day <= dt.date(2024, 11, 6):
        index = delivery_day_periods(day, 60)
        price = spot.reindex(index).to_numpy() / 1000.0
        day += dt.timedelta(days=1)
        if np.isnan(price).any():
            continue
        n = len(index)
        problem = ScheduleProblem(
            period_start_utc=index,
            prices=PriceComponents(
                period_start_utc=index,
                energy_eur_per_kwh=price,
                dso_tariff_eur_per_kwh=np.zeros(n),
                energinet_tariff_eur_per_kwh=np.zeros(n),
                electricity_tax_eur_per_kwh=np.zeros(n),
                vat_eur_per_kwh=np.zeros(n),
                export_eur_per_kwh=price,
                time_of_use_period=np.full(n, "", dtype=object),
            ),
            base_load_kw=np.full(n, 0.5),
            pv_power_kw=np.zeros(n),
            heat_pump=HeatPumpUnit(np.zeros(n), np.full(n, 3.0), 0.0),
            heat_store=HotWaterTank(0.0, 0.0, 0.0, np.zeros(n)),
            battery=Battery(10.0, 5.0, 0.9, 1.0, 0.0, 0.0, terminal_energy_mode="exactly"),
            grid_export_limit_kw=0.0,
        )
        exact, exact_s = timed(schedule_household, problem)
        relaxed, relaxed_s = timed(schedule_household, replace(problem, is_storage_exact=False))
        exact_times.append(exact_s)
        relaxed_times.append(relaxed_s)
        overlaps.append(relaxed.max_storage_overlap_kw)
        if exact.formulation == "MILP":
            milp_days += 1
            binaries.append(len(exact.binary_periods))
            milp_only.append(exact_s)
    milp = exact_times
    print(
        f"{len(exact_times)} days; {milp_days} needed binaries (median {statistics.median(binaries or [0])} "
        f"binary hours, max {max(binaries or [0])}); the LP relaxation overlapped charge and "
        f"discharge on {sum(o > 1e-7 for o in overlaps)} days (max {max(overlaps):.2f} kW)"
    )
    print(
        f"build + solve, exact: median {statistics.median(milp) * 1000:.1f} ms, max "
        f"{max(milp) * 1000:.1f} ms; LP relaxation: median "
        f"{statistics.median(relaxed_times) * 1000:.1f} ms, max {max(relaxed_times) * 1000:.1f} ms"
    )
    if milp_only:
        print(
            f"days that needed binaries: build + solve (all solves) median "
            f"{statistics.median(milp_only) * 1000:.1f} ms, max {max(milp_only) * 1000:.1f} ms"
        )


def _child_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli_run(checkout: Path, case: Path) -> tuple[float, float, float]:
    """Wall time [s], CPU time (user + system) [s] and the solver time it reports [s]."""
    cpu_before = _child_cpu_s()
    completed, wall = timed(
        subprocess.run,
        [sys.executable, "-m", "optimization", "schedule", str(case)],
        capture_output=True,
        check=True,
        cwd=checkout,
    )
    return wall, _child_cpu_s() - cpu_before, json.loads(completed.stdout)["solve_time_s"]


def cli_overhead_section(before: Path | None = None, rounds: int = 7) -> None:
    """Wall time of ``python -m optimization schedule`` minus the solver time it reports, and
    of a bare interpreter (median of ``rounds``). With ``before`` (another checkout, e.g. a
    worktree of the commit before lazy imports) its own tank example runs interleaved with
    ours, so both see the same machine load."""
    print("\n## CLI start-up overhead (python -m optimization schedule)")
    data, _ = read_case(EXAMPLES / "household_schedule_tank.json")
    without_pv = {key: value for key, value in data.items() if key != "pv"}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "no_pv.json"
        for spec in [*without_pv["weather"].values(), without_pv["spot_price"]]:
            spec["file"] = str((EXAMPLES / spec["file"]).resolve())
        for key in ("heat_demand", "co2_intensity"):
            spec = without_pv[key]["series"]
            spec["file"] = str((EXAMPLES / spec["file"]).resolve())
        without_pv["tariff_table"] = str(EXAMPLES / without_pv["tariff_table"])
        path.write_text(json.dumps(without_pv))
        runs: dict[str, tuple[Path, Path]] = {
            "now: tank example (PV)": (ROOT, EXAMPLES / "household_schedule_tank.json"),
            "now: same case without PV": (ROOT, path),
        }
        if before is not None:
            runs["before: tank example"] = (
                before,
                before / "docs" / "examples" / "household_schedule_tank.json",
            )
        measured: dict[str, list[tuple[float, float, float]]] = {name: [] for name in runs}
        # floor: the interpreter with numpy, pandas and OR-Tools, which any schedule needs
        baselines = {
            "bare interpreter": "pass",
            "floor: import numpy, pandas, OR-Tools model_builder": (
                "import numpy, pandas; from ortools.linear_solver.python import model_builder"
            ),
        }
        baseline_runs: dict[str, list[tuple[float, float]]] = {name: [] for name in baselines}
        for _ in range(rounds):
            for name, code in baselines.items():
                cpu_before = _child_cpu_s()
                wall = timed(subprocess.run, [sys.executable, "-c", code], check=True)[1]
                baseline_runs[name].append((wall, _child_cpu_s() - cpu_before))
            for name, (checkout, case) in runs.items():
                measured[name].append(_cli_run(checkout, case))
        for name, values in baseline_runs.items():
            print(
                f"{name}: wall median {statistics.median(w for w, _ in values):.2f} s, "
                f"CPU median {statistics.median(c for _, c in values):.2f} s"
            )
        before_cpu = (
            statistics.median(cpu - solve for _, cpu, solve in measured["before: tank example"])
            if "before: tank example" in measured
            else None
        )
        print(
            "| run | wall median s | CPU (user+sys) median s | solver ms "
            "| overhead = wall − solver s | overhead in CPU s | CPU overhead / before |"
        )
        print("|---|---|---|---|---|---|---|")
        for name, values in measured.items():
            walls = [wall for wall, _, _ in values]
            cpus = [cpu for _, cpu, _ in values]
            solves = [solve for _, _, solve in values]
            cpu_overhead = statistics.median(c - s for c, s in zip(cpus, solves, strict=True))
            ratio = f"{cpu_overhead / before_cpu:.2f}" if before_cpu else "—"
            print(
                f"| {name} | {statistics.median(walls):.2f} | {statistics.median(cpus):.2f} "
                f"| {statistics.median(solves) * 1000:.0f} "
                f"| {statistics.median(w - s for w, s in zip(walls, solves, strict=True)):.2f} "
                f"(min {min(w - s for w, s in zip(walls, solves, strict=True)):.2f}) "
                f"| {cpu_overhead:.2f} | {ratio} |"
            )


def schedule_timing_section() -> None:
    print(
        "\n## Day-ahead schedule solve time (docs/examples/household_schedule_tank.json, 2024-10-27)"
    )
    data, base_dir = read_case(EXAMPLES / "household_schedule_tank.json")
    for mtu in (15, 60):
        case = schedule_case_from_dict({**data, "mtu_minutes": mtu}, base_dir)
        times = [timed(schedule_household, case.problem)[1] for _ in range(7)]
        result = schedule_household(case.problem)
        print(
            f"{mtu} min, {case.problem.num_periods} periods: build+solve median {statistics.median(times) * 1000:.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}), solver {result.solve_time_s * 1000:.1f} ms, "
            f"bill {result.bill.total_eur:.3f} EUR"
        )


def day_problem(problem, result, prices, day_slice, battery: bool) -> ScheduleProblem:
    year = problem.year
    index = year.period_start_utc[day_slice]
    hp = next(h for h in problem.catalogue.heat_pumps if h.name == result.design.heat_pump_name)
    outdoor = year.outdoor_temperature_c[day_slice]
    cop = cop_series(
        outdoor,
        flow_temperature_c(outdoor, problem.heating_curve),
        hp.carnot_efficiency,
        hp.max_cop,
    )
    start = index[0].to_pydatetime()
    hours = dt.timedelta(hours=1)
    end = (index[-1] + hours).to_pydatetime()
    ev = ElectricVehicle(
        problem.catalogue.ev_charger.power_kw,
        problem.catalogue.ev_charger.efficiency,
        (
            EvSession(start, start + 7 * hours, problem.ev.daily_energy_kwh / 2),
            EvSession(end - 7 * hours, end, problem.ev.daily_energy_kwh / 2),
        ),
    )
    storage = problem.heat_storage_kwh
    design = result.design
    return ScheduleProblem(
        period_start_utc=index,
        prices=prices.take(np.arange(day_slice.start, day_slice.stop)),
        base_load_kw=year.base_load_kw[day_slice],
        pv_power_kw=design.pv_kwp * year.pv_yield_kw_per_kwp[day_slice],
        heat_pump=HeatPumpUnit(
            max_heat_kw=hp.heat_capacity_kw
            * heat_capacity_factor(outdoor, hp.capacity_loss_fraction_per_k),
            cop=cop,
            backup_heater_power_kw=hp.backup_heater_power_kw,
        ),
        heat_store=HotWaterTank(
            storage,
            storage / 2,
            problem.heat_storage_loss_fraction_per_h,
            year.heat_demand_kw[day_slice],
        ),
        battery=Battery(
            design.battery_energy_kwh,
            design.battery_power_kw,
            0.95,
            0.95,
            design.battery_energy_kwh / 2,
        )
        if battery and design.battery_energy_kwh > 0
        else None,
        ev=ev,
        co2_intensity_g_per_kwh=year.co2_intensity_g_per_kwh[day_slice],
    )


def savings_section(problem, result) -> None:
    year = problem.year
    print(
        f"\n## Savings vs heat-led, no-battery baseline: every local day of {year.period_start_utc[0].year + 1 if year.period_start_utc[0].month == 12 else year.period_start_utc[0].year}, "
        "DK1 spot, hourly steps, design from the sizing run"
    )
    prices = price_components(
        year.period_start_utc,
        year.spot_price_eur_per_mwh,
        problem.tariff_table,
        problem.tariff_year,
    )
    days = local_day_blocks(year.period_start_utc)
    totals = {"baseline": 0.0, "optimal, no battery": 0.0, "optimal with battery": 0.0}
    emissions = dict.fromkeys(totals, 0.0)
    solve_times = []
    started = time.perf_counter()
    for start, length in zip(days.starts, days.lengths, strict=True):
        day_slice = slice(int(start), int(start + length))
        with_battery = day_problem(problem, result, prices, day_slice, battery=True)
        without_battery = replace(with_battery, battery=None)
        base = simulate_heat_led(without_battery)
        flexible = schedule_household(without_battery)
        full = schedule_household(with_battery)
        solve_times.append(full.solve_time_s)
        for key, value in (
            ("baseline", base),
            ("optimal, no battery", flexible),
            ("optimal with battery", full),
        ):
            totals[key] += value.bill.total_eur
            emissions[key] += value.emissions_kg_co2
    elapsed = time.perf_counter() - started
    baseline = totals["baseline"]
    print("| operation | annual bill EUR | saving vs baseline | emissions kg CO2 |")
    print("|---|---|---|---|")
    for key, value in totals.items():
        print(
            f"| {key} | {value:.2f} | {100 * (baseline - value) / baseline:.1f} % ({baseline - value:.2f} EUR) "
            f"| {emissions[key]:.1f} |"
        )
    print(
        f"{len(days.starts)} days x 3 runs in {elapsed:.1f} s; median solver time per day "
        f"{statistics.median(solve_times) * 1000:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--full-year-sizing",
        action="store_true",
        help="also find the full-year sizing optimum (one full-year LP per yes/no choice)",
    )
    parser.add_argument(
        "--only", choices=("cli", "milp", "schedule", "sizing"), help="run one section"
    )
    parser.add_argument(
        "--before", type=Path, help="another checkout whose CLI start-up to compare with"
    )
    arguments = parser.parse_args()
    if arguments.only in (None, "cli"):
        cli_overhead_section(arguments.before)
    if arguments.only in (None, "milp"):
        milp_timing_section()
    if arguments.only in (None, "schedule"):
        schedule_timing_section()
    if arguments.only in (None, "sizing"):
        problem, result = sizing_section(arguments.full_year_sizing)
        savings_section(problem, result)


if __name__ == "__main__":
    main()
