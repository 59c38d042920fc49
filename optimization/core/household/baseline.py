"""Heat-led, no-battery reference operation (what a household does without optimisation).

Used to report the savings of the optimal schedule against the same day run the usual way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from optimization.core.household.scheduling import (
    HotWaterTank,
    ScheduleProblem,
    ScheduleResult,
    _session_plan,
    validate_problem,
)
from optimization.core.household.tariffs import bill_by_period, compute_bill


def simulate_heat_led(problem: ScheduleProblem) -> ScheduleResult:
    """Simulate heat-led operation: no storage use, no battery, EV charged on arrival.

    Parameters
    ----------
    problem : ScheduleProblem
        A tank-mode problem (the building mode has no unique heat-led rule).

    Returns
    -------
    ScheduleResult
        With the bill of that operation; ``objective_eur`` is the bill.

    Notes
    -----
    Q_hp,t = min(D_t, Q̄_t); Q_backup,t = min(D_t − Q_hp,t, B); the rest is unserved.
    The tank stays at its initial energy; the battery (if any) is ignored.
    EV: full charger power from the first plugged-in period until the session's need is met.
    PV covers the load first; the surplus is exported. P_imp − P_exp = load − PV.
    """
    validate_problem(problem)
    if not isinstance(problem.heat_store, HotWaterTank):
        raise ValidationError("heat_store", "the heat-led baseline needs a tank-mode problem")
    n, step_h = problem.num_periods, problem.step_h
    demand = np.asarray(problem.heat_store.heat_demand_kw, dtype=float)
    max_heat = np.asarray(problem.heat_pump.max_heat_kw, dtype=float)
    cop = np.asarray(problem.heat_pump.cop, dtype=float)
    heat = np.minimum(demand, max_heat)
    backup = np.minimum(demand - heat, problem.heat_pump.backup_heater_power_kw)
    unserved = demand - heat - backup
    ev_charge = np.zeros(n)
    if problem.ev is not None:
        ev = problem.ev
        for session in ev.sessions:
            periods = _session_plan(problem, session).periods
            remaining = max(0.0, session.energy_need_kwh - session.charged_kwh)
            for p in periods:
                if remaining <= 1e-12:
                    break
                power = min(ev.charger_power_kw, remaining / (ev.charging_efficiency * step_h))
                ev_charge[p] = power
                remaining -= power * ev.charging_efficiency * step_h
    pv = np.maximum(np.asarray(problem.pv_power_kw, dtype=float), 0.0)
    load = np.asarray(problem.base_load_kw, dtype=float) + heat / cop + backup + ev_charge
    grid_import = np.maximum(load - pv, 0.0)
    grid_export = np.maximum(pv - load, 0.0)
    bill = compute_bill(problem.prices, grid_import * step_h, grid_export * step_h)
    intensity = (
        np.zeros(n)
        if problem.co2_intensity_g_per_kwh is None
        else np.asarray(problem.co2_intensity_g_per_kwh)
    )
    zeros = np.zeros(n)
    return ScheduleResult(
        period_start_utc=pd.DatetimeIndex(problem.period_start_utc),
        step_h=step_h,
        grid_import_kw=grid_import,
        grid_export_kw=grid_export,
        heat_pump_power_kw=heat / cop,
        heat_pump_heat_kw=heat,
        backup_heater_power_kw=backup,
        pv_used_kw=np.minimum(pv, load),
        pv_curtailed_kw=zeros,
        battery_charge_kw=zeros,
        battery_discharge_kw=zeros,
        battery_energy_kwh=zeros,
        ev_charge_kw=ev_charge,
        tank_energy_kwh=np.full(n, problem.heat_store.initial_energy_kwh),
        indoor_temperature_c=None,
        unserved_heat_kw=unserved,
        bill=bill,
        bill_periods=bill_by_period(problem.prices, grid_import * step_h, grid_export * step_h),
        emissions_kg_co2=float(intensity @ (grid_import * step_h) / 1000.0),
        penalties_eur=0.0,
        objective_eur=bill.total_eur,
        solve_time_s=0.0,
        status="SIMULATED",
    )
