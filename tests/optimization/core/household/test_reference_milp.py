"""Reference cases on real DK1 days, each solved again by an independent MILP written here.

The reference follows energy-py-linear's conventions: battery 5 kW / 10 kWh, round-trip
efficiency 0.9 taken on charge, starts and ends empty, never charges and discharges in the same
period; import and export both at the spot price. It is formulated from scratch with
``scipy.optimize.milp`` (HiGHS) — variables stacked per period, constraints as dense rows — and
shares no code with the scheduler. Days: both DST days of 2023 and 2024, five negative-price
days and an ordinary winter day.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from ainergy.common.timegrid import delivery_day_periods
from optimization.core.household.scheduling import (
    Battery,
    HeatPumpUnit,
    HotWaterTank,
    ScheduleProblem,
    schedule_household,
)
from tests.optimization.core.household.factories import flat_components

DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data"
SPOT_FILE = DATA / "spot_prices_dk1_dk2_hourly.csv.gz"

pytestmark = pytest.mark.skipif(not SPOT_FILE.is_file(), reason="shared data folder not present")

DST_DAYS = ["2023-03-26", "2023-10-29", "2024-03-31", "2024-10-27"]
NEGATIVE_DAYS = ["2023-05-28", "2023-07-02", "2023-07-16", "2024-04-14", "2024-08-11"]
ORDINARY_DAYS = ["2024-01-10"]
DAYS = DST_DAYS + NEGATIVE_DAYS + ORDINARY_DAYS

POWER_KW, CAPACITY_KWH, CHARGE_EFFICIENCY = 5.0, 10.0, 0.9
HP_ELECTRIC_KW, COP, TANK_KWH, TANK_START_KWH, HEAT_DEMAND_KW = 3.0, 3.0, 10.0, 5.0, 2.0


@pytest.fixture(scope="module")
def dk1_spot() -> pd.Series:
    frame = pd.read_csv(SPOT_FILE)
    frame = frame[frame["price_area"] == "DK1"]
    return pd.Series(
        frame["price_eur_per_mwh"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(pd.to_datetime(frame["time_utc"], utc=True)),
    ).sort_index()


def day_prices(spot: pd.Series, day: str) -> tuple[pd.DatetimeIndex, np.ndarray]:
    index = delivery_day_periods(dt.date.fromisoformat(day), 60)
    return index, spot.reindex(index).to_numpy() / 1000.0  # EUR/kWh


def reference_battery(price: np.ndarray, load_kw: float, allow_export: bool) -> float:
    """Independent MILP: min Σ p_t (imp_t − exp_t), hourly, battery must end empty.

    Variables per hour t (block of 6): imp, exp, ch, dis, soc, z (z = 1: may charge).
    """
    n, k = len(price), 6
    imp, exp_, ch, dis, soc, z = (np.arange(n) * k + j for j in range(k))
    size = n * k
    cost = np.zeros(size)
    cost[imp], cost[exp_] = price, -price
    rows, lower, upper = [], [], []

    def row(entries: dict[int, float], lo: float, hi: float) -> None:
        vector = np.zeros(size)
        for column, value in entries.items():
            vector[column] += value
        rows.append(vector)
        lower.append(lo)
        upper.append(hi)

    for t in range(n):
        row({imp[t]: 1, exp_[t]: -1, ch[t]: -1, dis[t]: 1}, load_kw, load_kw)
        previous = {soc[t - 1]: -1.0} if t else {}
        row({soc[t]: 1, ch[t]: -CHARGE_EFFICIENCY, dis[t]: 1.0, **previous}, 0.0, 0.0)
        row({ch[t]: 1, z[t]: -POWER_KW}, -np.inf, 0.0)
        row({dis[t]: 1, z[t]: POWER_KW}, -np.inf, POWER_KW)
    row({soc[n - 1]: 1}, 0.0, 0.0)
    low = np.zeros(size)
    high = np.full(size, np.inf)
    high[ch], high[dis], high[soc], high[z] = POWER_KW, POWER_KW, CAPACITY_KWH, 1
    if not allow_export:
        high[exp_] = 0.0
    integrality = np.zeros(size)
    integrality[z] = 1
    result = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        bounds=Bounds(low, high),
        integrality=integrality,
        options={"mip_rel_gap": 1e-9},
    )
    assert result.success, result.message
    return float(result.fun)


def reference_heat_pump(price: np.ndarray) -> float:
    """Independent LP: heat pump (COP 3, 3 kW electric) + 10 kWh tank, 2 kW heat demand,
    tank starts at 5 kWh and must end with at least that; variables per hour: hp, tank."""
    n = len(price)
    hp, tank = np.arange(n) * 2, np.arange(n) * 2 + 1
    cost = np.zeros(2 * n)
    cost[hp] = price
    rows, lower, upper = [], [], []
    for t in range(n):
        vector = np.zeros(2 * n)
        vector[tank[t]], vector[hp[t]] = 1.0, -COP
        rhs = -HEAT_DEMAND_KW + (TANK_START_KWH if t == 0 else 0.0)
        if t:
            vector[tank[t - 1]] = -1.0
        rows.append(vector)
        lower.append(rhs)
        upper.append(rhs)
    last = np.zeros(2 * n)
    last[tank[-1]] = 1.0
    rows.append(last)
    lower.append(TANK_START_KWH)
    upper.append(np.inf)
    high = np.empty(2 * n)
    high[hp], high[tank] = HP_ELECTRIC_KW, TANK_KWH
    result = milp(
        cost,
        constraints=LinearConstraint(np.array(rows), lower, upper),
        bounds=Bounds(np.zeros(2 * n), high),
    )
    assert result.success, result.message
    return float(result.fun)


def scheduler_problem(index, price, *, load_kw=0.0, allow_export=True, heat_pump=False):
    n = len(index)
    battery = (
        None
        if heat_pump
        else Battery(
            energy_kwh=CAPACITY_KWH,
            power_kw=POWER_KW,
            charge_efficiency=CHARGE_EFFICIENCY,
            discharge_efficiency=1.0,
            initial_energy_kwh=0.0,
            terminal_energy_kwh=0.0,
            terminal_energy_mode="exactly",
        )
    )
    return ScheduleProblem(
        period_start_utc=index,
        prices=flat_components(index, price, price),
        base_load_kw=np.full(n, load_kw),
        pv_power_kw=np.zeros(n),
        heat_pump=HeatPumpUnit(
            max_heat_kw=np.full(n, HP_ELECTRIC_KW * COP if heat_pump else 0.0),
            cop=np.full(n, COP),
            backup_heater_power_kw=0.0,
        ),
        heat_store=HotWaterTank(
            capacity_kwh=TANK_KWH if heat_pump else 0.0,
            initial_energy_kwh=TANK_START_KWH if heat_pump else 0.0,
            loss_fraction_per_h=0.0,
            heat_demand_kw=np.full(n, HEAT_DEMAND_KW if heat_pump else 0.0),
        ),
        battery=battery,
        grid_export_limit_kw=np.inf if allow_export else 0.0,
    )


def assert_matches(cost: float, reference: float) -> None:
    assert abs(cost - reference) <= max(1e-3 * abs(reference), 1e-4), (cost, reference)


def assert_never_overlaps(result) -> None:
    assert result.max_storage_overlap_kw == 0.0
    assert np.minimum(result.battery_charge_kw, result.battery_discharge_kw).max() == 0.0


CASES = [
    ("battery", 0.0, True),
    ("battery+load, export", 0.5, True),
    ("battery+load, no export", 0.5, False),
]


@pytest.mark.parametrize("day", DAYS)
@pytest.mark.parametrize(("case", "load_kw", "allow_export"), CASES)
def test_battery_cases_match_the_independent_milp(dk1_spot, day, case, load_kw, allow_export):
    # given a real DK1 day (23/24/25 hours) and the energy-py-linear battery
    index, price = day_prices(dk1_spot, day)
    problem = scheduler_problem(index, price, load_kw=load_kw, allow_export=allow_export)
    # when
    result = schedule_household(problem)
    # then the bill equals the reference optimum and charge/discharge never overlap
    assert len(result.period_start_utc) == len(index)
    assert_matches(result.bill.total_eur, reference_battery(price, load_kw, allow_export))
    assert_never_overlaps(result)
    assert result.battery_energy_kwh[-1] == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize("day", DAYS)
def test_heat_pump_case_matches_the_independent_lp(dk1_spot, day):
    # given a heat pump with COP 3 feeding a tank
    index, price = day_prices(dk1_spot, day)
    problem = scheduler_problem(index, price, heat_pump=True)
    # when
    result = schedule_household(problem)
    # then
    assert_matches(result.bill.total_eur, reference_heat_pump(price))
    assert result.heat_pump_heat_kw == pytest.approx(result.heat_pump_power_kw * COP)


@pytest.mark.parametrize("day", NEGATIVE_DAYS)
def test_binaries_sit_on_the_non_positive_price_hours_of_negative_days(dk1_spot, day):
    # given
    index, price = day_prices(dk1_spot, day)
    problem = scheduler_problem(index, price, load_kw=0.5, allow_export=False)
    # when
    result = schedule_household(problem)
    # then every hour priced ≤ 0 carries a binary; later hours get one too where the battery,
    # unable to export, would otherwise burn what it bought (the re-solve found them)
    assert result.formulation == "MILP"
    non_positive = set(np.flatnonzero(price <= 0).tolist())
    assert set(result.binary_periods) >= non_positive
    assert result.solve_count == (1 if set(result.binary_periods) == non_positive else 2)
    assert_never_overlaps(result)


def test_ordinary_day_is_solved_as_a_pure_lp(dk1_spot):
    # given a day without a non-positive price
    index, price = day_prices(dk1_spot, "2024-01-10")
    assert (price > 0).all()
    # when
    result = schedule_household(scheduler_problem(index, price, load_kw=0.5))
    # then
    assert (result.formulation, result.binary_periods, result.solve_count) == ("LP", (), 1)


def test_the_lp_relaxation_burns_energy_on_the_most_negative_day(dk1_spot):
    # given 2023-07-02 (down to −440 EUR/MWh) without export: the LP can profit from
    # charging and discharging at once, the exact model cannot
    index, price = day_prices(dk1_spot, "2023-07-02")
    relaxed = scheduler_problem(index, price, load_kw=0.5, allow_export=False)
    # when
    lp = schedule_household(ScheduleProblem(**{**relaxed.__dict__, "is_storage_exact": False}))
    exact = schedule_household(relaxed)
    # then the relaxation overlaps and reports a lower (unattainable) cost
    assert lp.max_storage_overlap_kw > 1.0
    assert lp.bill.total_eur < exact.bill.total_eur - 0.1
    assert exact.max_storage_overlap_kw == 0.0
