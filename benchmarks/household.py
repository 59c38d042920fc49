"""Household sizing and scheduling benchmark: solve times, representative-day error, savings.

Run (from the repository root):  python -m benchmarks.household [--full-year-sizing]
Prints measured figures; ratios are against baselines measured in the same run. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from ainergy.common.errors import TransientError
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
from optimization.core.household.sizing import HouseholdDesign, representative_blocks, solve_sizing
from optimization.core.household.tariffs import price_components
from optimization.core.household.technology import (
    cop_series,
    flow_temperature_c,
    heat_capacity_factor,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "docs" / "examples"


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    value = function(*args, **kwargs)
    return value, time.perf_counter() - started


def sizing_section(full_year_sizing: bool) -> tuple:
    print("## Sizing (docs/examples/household_size.json)")
    data, base_dir = read_case(EXAMPLES / "household_size.json")
    case, data_s = timed(sizing_case_from_dict, data, base_dir)
    problem = case.problem
    blocks, select_s = timed(representative_blocks, problem)
    result, size_s = timed(solve_sizing, problem, blocks)
    print(f"data preparation (CSV, heat model, pvlib): {data_s:.2f} s")
    print(f"representative-day selection ({len(blocks.starts)} days): {select_s:.2f} s")
    print(
        f"sizing MILP on representative days: {size_s:.2f} s wall (solver {result.solve_time_s:.2f} s)"
    )
    print(f"design: {result.design}")
    print(
        f"annual cost {result.total_cost_eur:.2f} EUR (capex {result.capex_total_eur:.2f}, "
        f"operation {result.operating_cost_eur:.2f}), emissions {result.emissions_kg_co2:.1f} kg"
    )
    index = problem.year.period_start_utc
    designs = {
        "chosen": result.design,
        "heat pump only": HouseholdDesign(result.design.heat_pump_name, 0.0, 0.0, 0.0, True),
        "PV 6 kWp, battery 10 kWh/5 kW": HouseholdDesign(
            result.design.heat_pump_name, 6.0, 10.0, 5.0, True
        ),
    }
    print("\nrepresentative-day error on annual cost (same design, operation re-optimised):")
    print(
        "| design | rep. days EUR/yr | full year, daily-cyclic EUR/yr | full year, chained EUR/yr | "
        "error vs chained (total) | error vs chained (operation) | full-year LP s |"
    )
    print("|---|---|---|---|---|---|---|")
    daily_cost = {}
    for name, design in designs.items():
        rep = solve_sizing(problem, blocks, fixed_design=design)
        daily, _ = timed(solve_sizing, problem, local_day_blocks(index), fixed_design=design)
        daily_cost[name] = daily.total_cost_eur
        chained, chained_s = timed(
            solve_sizing, problem, whole_horizon_block(index), fixed_design=design
        )
        total_error = (rep.total_cost_eur - chained.total_cost_eur) / chained.total_cost_eur
        operation_error = (rep.operating_cost_eur - chained.operating_cost_eur) / abs(
            chained.operating_cost_eur
        )
        print(
            f"| {name} | {rep.total_cost_eur:.2f} | {daily.total_cost_eur:.2f} | {chained.total_cost_eur:.2f} "
            f"| {100 * total_error:+.2f} % | {100 * operation_error:+.2f} % | {chained_s:.1f} |"
        )
    if full_year_sizing:
        limit_s = 300.0
        try:
            full, full_s = timed(
                solve_sizing, replace(problem, time_limit_s=limit_s), local_day_blocks(index)
            )
        except TransientError as error:
            print(f"\nfull-year sizing MILP (365 daily-cyclic days): {error.message}")
        else:
            print(
                f"\nfull-year sizing MILP (365 daily-cyclic days): {full_s:.1f} s, design "
                f"{full.design}, annual cost {full.total_cost_eur:.2f} EUR; rep-day sizing is "
                f"{full_s / size_s:.1f}x faster"
            )
            regret = (daily_cost["chosen"] - full.total_cost_eur) / full.total_cost_eur
            print(
                f"regret of the rep-day design on the full (daily-cyclic) year: {100 * regret:+.4f} %"
            )
    return problem, result


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
        "--full-year-sizing", action="store_true", help="also solve the 8760-h sizing MILP"
    )
    arguments = parser.parse_args()
    problem, result = sizing_section(arguments.full_year_sizing)
    schedule_timing_section()
    savings_section(problem, result)


if __name__ == "__main__":
    main()
