"""Day-ahead household schedule: heat pump + tank or building, battery, EV, PV; MPC re-plans.

One LP per horizon (15-min or hourly steps, any number of periods, so 92/96/100 quarter-hours
on DST days). Built in named steps: :func:`build_schedule_model` calls one
``add_<family>_constraints`` per constraint family, :func:`set_objective`, then
:func:`solve_schedule` solves and :func:`extract_schedule` reads the result back. Infeasible
requests raise :class:`~ainergy.common.errors.InfeasibleError` naming the constraint family and
the periods (UTC ISO) that conflict.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ainergy.common.errors import InfeasibleError, ValidationError
from ainergy.common.timegrid import require_aware
from optimization.core.household._lp import LinearProgram, LpSolution, explain_infeasibility
from optimization.core.household.tariffs import BillBreakdown, PriceComponents, compute_bill

SOFT_FAMILIES = ("comfort", "heat_demand", "ev_energy", "terminal_storage")


@dataclass(frozen=True)
class HeatPumpUnit:
    """Heat pump as operated: available heat and COP per period, plus its backup heater.

    ``max_heat_kw`` [kW_th] may vary per period (capacity falls with outdoor temperature); the
    backup heater converts electricity to heat 1:1 and may carry an extra penalty per kWh.
    """

    max_heat_kw: np.ndarray
    cop: np.ndarray
    backup_heater_power_kw: float
    backup_penalty_eur_per_kwh: float = 0.0


@dataclass(frozen=True)
class HotWaterTank:
    """Heat buffer feeding a given heat demand (space heating + hot water).

    Notes
    -----
    E_t = (1 − ℓ)^Δt · E_{t−1} + Δt·(Q_hp,t + Q_backup,t + Q_unserved,t − D_t),
    0 ≤ E_t ≤ E_max, E_T ≥ E_terminal (default: E_0).
    """

    capacity_kwh: float
    initial_energy_kwh: float
    loss_fraction_per_h: float
    heat_demand_kw: np.ndarray
    terminal_energy_kwh: float | None = None


@dataclass(frozen=True)
class BuildingModel:
    """First-order (1R1C) building with an indoor comfort band.

    Notes
    -----
    C·dT/dt = (T_out − T)/R + Q, discretised exactly over a step Δt with a = exp(−Δt/(RC)):
    T_t = a·T_{t−1} + (1 − a)·(T_out,t + R·(Q_hp,t + Q_backup,t + Q_unserved,t + Q_gain,t)),
    T_min,t ≤ T_t ≤ T_max,t at the end of every period.
    """

    thermal_resistance_k_per_kw: float
    thermal_capacitance_kwh_per_k: float
    initial_indoor_temperature_c: float
    outdoor_temperature_c: np.ndarray
    comfort_min_c: np.ndarray
    comfort_max_c: np.ndarray
    heat_gain_kw: np.ndarray | float = 0.0


@dataclass(frozen=True)
class Battery:
    """Home battery. Energies [kWh], powers [kW], efficiencies per direction [-]."""

    energy_kwh: float
    power_kw: float
    charge_efficiency: float
    discharge_efficiency: float
    initial_energy_kwh: float
    terminal_energy_kwh: float | None = None
    min_energy_kwh: float = 0.0


@dataclass(frozen=True)
class EvSession:
    """The EV is plugged in from ``arrival_at`` to ``departure_at`` and needs energy by then.

    ``energy_need_kwh`` is the energy into the car battery over the session;
    ``charged_kwh`` what it already got (telemetry, for re-planning).
    """

    arrival_at: dt.datetime
    departure_at: dt.datetime
    energy_need_kwh: float
    charged_kwh: float = 0.0


@dataclass(frozen=True)
class ElectricVehicle:
    """Home charger and the plug-in sessions that touch the horizon."""

    charger_power_kw: float
    charging_efficiency: float
    sessions: tuple[EvSession, ...]


@dataclass(frozen=True)
class ScheduleProblem:
    """Everything one day-ahead (or MPC) household schedule needs.

    Arrays have one value per period of ``period_start_utc`` (tz-aware UTC, regular step).
    ``unserved_heat_penalty_eur_per_kwh = None`` makes comfort a hard constraint (infeasible
    requests raise); a number allows unserved heat at that price and reports it.
    """

    period_start_utc: pd.DatetimeIndex
    prices: PriceComponents
    base_load_kw: np.ndarray
    pv_power_kw: np.ndarray
    heat_pump: HeatPumpUnit
    heat_store: HotWaterTank | BuildingModel
    battery: Battery | None = None
    ev: ElectricVehicle | None = None
    co2_intensity_g_per_kwh: np.ndarray | None = None
    co2_price_eur_per_tonne: float = 0.0
    unserved_heat_penalty_eur_per_kwh: float | None = None
    grid_import_limit_kw: float = math.inf
    grid_export_limit_kw: float = math.inf

    @property
    def step_h(self) -> float:
        return float((self.period_start_utc[1] - self.period_start_utc[0]) / pd.Timedelta(hours=1))

    @property
    def num_periods(self) -> int:
        return len(self.period_start_utc)


@dataclass(frozen=True)
class HouseholdState:
    """Telemetry at ``at`` (tz-aware): the start state of a re-plan."""

    at: dt.datetime
    battery_energy_kwh: float | None = None
    tank_energy_kwh: float | None = None
    indoor_temperature_c: float | None = None
    ev_charged_kwh: tuple[float, ...] | None = None


@dataclass(frozen=True)
class ScheduleResult:
    """Optimal schedule: powers are averages over each period [kW], energies at period end."""

    period_start_utc: pd.DatetimeIndex
    step_h: float
    grid_import_kw: np.ndarray
    grid_export_kw: np.ndarray
    heat_pump_power_kw: np.ndarray
    heat_pump_heat_kw: np.ndarray
    backup_heater_power_kw: np.ndarray
    pv_used_kw: np.ndarray
    pv_curtailed_kw: np.ndarray
    battery_charge_kw: np.ndarray
    battery_discharge_kw: np.ndarray
    battery_energy_kwh: np.ndarray
    ev_charge_kw: np.ndarray
    tank_energy_kwh: np.ndarray | None
    indoor_temperature_c: np.ndarray | None
    unserved_heat_kw: np.ndarray
    bill: BillBreakdown
    emissions_kg_co2: float
    penalties_eur: float
    objective_eur: float
    solve_time_s: float
    status: str
    assumptions: tuple[str, ...] = field(default_factory=tuple)

    @property
    def unserved_heat_kwh(self) -> float:
        return float(self.unserved_heat_kw.sum() * self.step_h)


@dataclass
class _Columns:
    """Column indices of each variable family (one entry per period unless noted)."""

    grid_import: np.ndarray
    grid_export: np.ndarray
    heat_pump: np.ndarray
    backup: np.ndarray
    pv_used: np.ndarray
    charge: np.ndarray | None = None
    discharge: np.ndarray | None = None
    battery_energy: np.ndarray | None = None
    ev_charge: np.ndarray | None = None
    tank_energy: np.ndarray | None = None
    indoor_temperature: np.ndarray | None = None
    unserved: np.ndarray | None = None


def _array(value: np.ndarray | float, n: int, name: str) -> np.ndarray:
    array = np.broadcast_to(np.asarray(value, dtype=float), (n,)) if np.ndim(value) == 0 else None
    if array is None:
        array = np.asarray(value, dtype=float)
        if array.shape != (n,):
            raise ValidationError(name, f"expected {n} values, got {array.shape[0]}")
    if not np.isfinite(array).all():
        raise ValidationError(name, "contains missing or non-finite values")
    return array


def validate_problem(problem: ScheduleProblem) -> None:
    """Reject inconsistent inputs early, naming the field."""
    index = problem.period_start_utc
    if index.tz is None:
        raise ValidationError("period_start_utc", "naive timestamps; expected tz-aware UTC")
    if len(index) < 2:
        raise ValidationError("period_start_utc", "need at least two periods")
    steps = np.diff(index.asi8)
    if (steps != steps[0]).any():
        raise ValidationError("period_start_utc", "periods must be equally spaced")
    if round(problem.step_h * 60) not in (15, 30, 60):
        raise ValidationError(
            "period_start_utc", f"step must be 15, 30 or 60 min, got {problem.step_h} h"
        )
    n = problem.num_periods
    _array(problem.base_load_kw, n, "base_load_kw")
    _array(problem.pv_power_kw, n, "pv_power_kw")
    _array(problem.heat_pump.cop, n, "heat_pump.cop")
    _array(problem.heat_pump.max_heat_kw, n, "heat_pump.max_heat_kw")
    if (np.asarray(problem.heat_pump.cop) < 1.0).any():
        raise ValidationError("heat_pump.cop", "must be at least 1")
    if len(problem.prices.energy_eur_per_kwh) != n:
        raise ValidationError("prices", f"expected {n} periods")
    store = problem.heat_store
    if isinstance(store, HotWaterTank):
        _array(store.heat_demand_kw, n, "heat_store.heat_demand_kw")
        if not 0 <= store.initial_energy_kwh <= store.capacity_kwh:
            raise ValidationError(
                "heat_store.initial_energy_kwh", "must lie within [0, capacity_kwh]"
            )
    else:
        _array(store.outdoor_temperature_c, n, "heat_store.outdoor_temperature_c")
        _array(store.comfort_min_c, n, "heat_store.comfort_min_c")
        _array(store.comfort_max_c, n, "heat_store.comfort_max_c")
        if store.thermal_resistance_k_per_kw <= 0 or store.thermal_capacitance_kwh_per_k <= 0:
            raise ValidationError(
                "heat_store", "thermal resistance and capacitance must be positive"
            )
    if problem.battery is not None:
        b = problem.battery
        if not b.min_energy_kwh <= b.initial_energy_kwh <= b.energy_kwh:
            raise ValidationError(
                "battery.initial_energy_kwh", "must lie within [min_energy_kwh, energy_kwh]"
            )
    if problem.co2_intensity_g_per_kwh is not None:
        _array(problem.co2_intensity_g_per_kwh, n, "co2_intensity_g_per_kwh")


def _iso(index: pd.DatetimeIndex, periods: list[int] | tuple[int, ...]) -> list[str]:
    return [index[p].strftime("%Y-%m-%dT%H:%M:%SZ") for p in periods]


def _session_periods(problem: ScheduleProblem, session: EvSession) -> tuple[np.ndarray, float]:
    """Periods fully inside the session and the energy [kWh] required within the horizon.

    Notes
    -----
    A session that departs after the horizon ends only needs, by the horizon end,
    max(0, need − charged − P·η·(t_departure − t_end)): what cannot be charged after the horizon.
    """
    index = problem.period_start_utc
    step = pd.Timedelta(hours=problem.step_h)
    arrival = pd.Timestamp(require_aware(session.arrival_at, "ev.sessions.arrival_at"))
    departure = pd.Timestamp(require_aware(session.departure_at, "ev.sessions.departure_at"))
    if departure <= arrival:
        raise ValidationError("ev.sessions.departure_at", "must be after arrival_at")
    inside = np.flatnonzero((index >= arrival) & (index + step <= departure))
    horizon_end = index[-1] + step
    if departure <= index[0]:
        # Departed before the horizon: history, nothing left to plan.
        return np.zeros(0, dtype=int), 0.0
    remaining = max(0.0, session.energy_need_kwh - session.charged_kwh)
    after_h = max(0.0, (departure - horizon_end) / pd.Timedelta(hours=1))
    ev = problem.ev
    assert ev is not None
    required = max(0.0, remaining - ev.charger_power_kw * ev.charging_efficiency * after_h)
    return inside, required


def check_ev_feasibility(problem: ScheduleProblem) -> None:
    """Raise InfeasibleError when an EV session needs more than charger power × plug-in time."""
    if problem.ev is None:
        return
    ev = problem.ev
    for number, session in enumerate(ev.sessions):
        periods, required = _session_periods(problem, session)
        deliverable = ev.charger_power_kw * ev.charging_efficiency * problem.step_h * len(periods)
        if required > deliverable + 1e-9:
            raise InfeasibleError(
                f"EV session {number}: needs {required:.2f} kWh by departure but the charger can "
                f"deliver at most {deliverable:.2f} kWh while plugged in "
                f"({ev.charger_power_kw} kW × {ev.charging_efficiency} × "
                f"{len(periods) * problem.step_h:g} h)",
                {
                    "constraint_family": "ev_energy",
                    "periods": _iso(problem.period_start_utc, list(periods)),
                    "session": number,
                    "required_kwh": required,
                    "deliverable_kwh": deliverable,
                },
            )


def add_variables(program: LinearProgram, problem: ScheduleProblem) -> _Columns:
    """Decision variables with their physical bounds (hard limits)."""
    n = problem.num_periods
    hp = problem.heat_pump
    columns = _Columns(
        grid_import=program.add_variables(n, 0.0, problem.grid_import_limit_kw),
        grid_export=program.add_variables(n, 0.0, problem.grid_export_limit_kw),
        heat_pump=program.add_variables(n, 0.0, np.asarray(hp.max_heat_kw) / np.asarray(hp.cop)),
        backup=program.add_variables(n, 0.0, hp.backup_heater_power_kw),
        pv_used=program.add_variables(n, 0.0, np.maximum(np.asarray(problem.pv_power_kw), 0.0)),
    )
    if problem.battery is not None:
        b = problem.battery
        columns.charge = program.add_variables(n, 0.0, b.power_kw)
        columns.discharge = program.add_variables(n, 0.0, b.power_kw)
        columns.battery_energy = program.add_variables(n, b.min_energy_kwh, b.energy_kwh)
    if problem.ev is not None:
        plugged = np.zeros(n, dtype=bool)
        for session in problem.ev.sessions:
            plugged[_session_periods(problem, session)[0]] = True
        columns.ev_charge = program.add_variables(
            n, 0.0, np.where(plugged, problem.ev.charger_power_kw, 0.0)
        )
    if isinstance(problem.heat_store, HotWaterTank):
        columns.tank_energy = program.add_variables(n, 0.0, problem.heat_store.capacity_kwh)
    else:
        columns.indoor_temperature = program.add_variables(n, -np.inf, np.inf)
    if problem.unserved_heat_penalty_eur_per_kwh is not None:
        columns.unserved = program.add_variables(n, 0.0, np.inf)
    return columns


def add_power_balance_constraints(
    program: LinearProgram, problem: ScheduleProblem, columns: _Columns
) -> None:
    """Electric balance at the meter per period.

    Notes
    -----
    P_import,t − P_export,t + P_pv,t + P_dis,t − P_ch,t − P_hp,t − P_backup,t − P_ev,t = P_base,t
    """
    periods = np.arange(problem.num_periods)
    terms = [
        (columns.grid_import, 1.0),
        (columns.grid_export, -1.0),
        (columns.pv_used, 1.0),
        (columns.heat_pump, -1.0),
        (columns.backup, -1.0),
    ]
    if columns.charge is not None:
        terms += [(columns.discharge, 1.0), (columns.charge, -1.0)]
    if columns.ev_charge is not None:
        terms.append((columns.ev_charge, -1.0))
    base = np.asarray(problem.base_load_kw, dtype=float)
    program.add_rows("power_balance", terms, base, base, periods)


def add_battery_constraints(
    program: LinearProgram, problem: ScheduleProblem, columns: _Columns
) -> None:
    """Battery energy balance and terminal energy.

    Notes
    -----
    E_t = E_{t−1} + Δt·(η_ch·P_ch,t − P_dis,t/η_dis), E_{−1} = E_0; E_T ≥ E_terminal (default E_0).
    """
    b = problem.battery
    if b is None:
        return
    n, step_h = problem.num_periods, problem.step_h
    periods = np.arange(n)
    rhs = np.zeros(n)
    rhs[0] = b.initial_energy_kwh
    rows = program.add_rows(
        "battery_dynamics",
        [
            (columns.battery_energy, 1.0),
            (columns.charge, -step_h * b.charge_efficiency),
            (columns.discharge, step_h / b.discharge_efficiency),
        ],
        rhs,
        rhs,
        periods,
    )
    program.add_terms(rows[1:], columns.battery_energy[:-1], -1.0)
    terminal = b.initial_energy_kwh if b.terminal_energy_kwh is None else b.terminal_energy_kwh
    program.add_rows(
        "terminal_storage", [(columns.battery_energy[-1:], 1.0)], terminal, np.inf, periods[-1:]
    )


def add_heat_constraints(
    program: LinearProgram, problem: ScheduleProblem, columns: _Columns
) -> None:
    """Tank balance with heat demand, or building temperature dynamics and the comfort band.

    Notes
    -----
    See :class:`HotWaterTank` and :class:`BuildingModel` for the equations.
    """
    n, step_h = problem.num_periods, problem.step_h
    periods = np.arange(n)
    cop = np.asarray(problem.heat_pump.cop, dtype=float)
    store = problem.heat_store
    if isinstance(store, HotWaterTank):
        keep = (1.0 - store.loss_fraction_per_h) ** step_h
        demand = _array(store.heat_demand_kw, n, "heat_store.heat_demand_kw")
        rhs = -step_h * demand
        rhs[0] += keep * store.initial_energy_kwh
        terms = [
            (columns.tank_energy, 1.0),
            (columns.heat_pump, -step_h * cop),
            (columns.backup, -step_h),
        ]
        if columns.unserved is not None:
            terms.append((columns.unserved, -step_h))
        rows = program.add_rows("heat_demand", terms, rhs, rhs, periods)
        program.add_terms(rows[1:], columns.tank_energy[:-1], -keep)
        terminal = (
            store.initial_energy_kwh
            if store.terminal_energy_kwh is None
            else store.terminal_energy_kwh
        )
        program.add_rows(
            "terminal_storage", [(columns.tank_energy[-1:], 1.0)], terminal, np.inf, periods[-1:]
        )
        return
    r = store.thermal_resistance_k_per_kw
    a = math.exp(-step_h / (r * store.thermal_capacitance_kwh_per_k))
    gain = _array(store.heat_gain_kw, n, "heat_store.heat_gain_kw")
    t_out = _array(store.outdoor_temperature_c, n, "heat_store.outdoor_temperature_c")
    rhs = (1.0 - a) * (t_out + r * gain)
    rhs[0] += a * store.initial_indoor_temperature_c
    terms = [
        (columns.indoor_temperature, 1.0),
        (columns.heat_pump, -(1.0 - a) * r * cop),
        (columns.backup, -(1.0 - a) * r),
    ]
    if columns.unserved is not None:
        terms.append((columns.unserved, -(1.0 - a) * r))
    rows = program.add_rows("building_dynamics", terms, rhs, rhs, periods)
    program.add_terms(rows[1:], columns.indoor_temperature[:-1], -a)
    program.add_rows(
        "comfort",
        [(columns.indoor_temperature, 1.0)],
        _array(store.comfort_min_c, n, "heat_store.comfort_min_c"),
        _array(store.comfort_max_c, n, "heat_store.comfort_max_c"),
        periods,
    )


def add_ev_constraints(program: LinearProgram, problem: ScheduleProblem, columns: _Columns) -> None:
    """Energy into the car by departure, per session.

    Notes
    -----
    Σ_{t ∈ session} Δt·η_ev·P_ev,t ≥ E_need − E_charged (see :func:`_session_periods` for
    sessions ending after the horizon). P_ev,t = 0 while unplugged (variable bound).
    """
    ev = problem.ev
    if ev is None:
        return
    for session in ev.sessions:
        periods, required = _session_periods(problem, session)
        if len(periods) == 0:
            continue
        program.add_rows(
            "ev_energy",
            [(columns.ev_charge[periods][None, :], problem.step_h * ev.charging_efficiency)],
            required,
            np.inf,
            periods[-1:],
        )


def set_objective(program: LinearProgram, problem: ScheduleProblem, columns: _Columns) -> None:
    """Minimise the bill plus CO2 cost and penalties [EUR].

    Notes
    -----
    min Σ_t Δt·[c_imp,t·P_imp,t − c_exp,t·P_exp,t + p_CO2·γ_t·P_imp,t/10⁶
                + c_backup·P_backup,t + c_unserved·Q_unserved,t]
    with γ [g/kWh] and p_CO2 [EUR/t].
    """
    step_h = problem.step_h
    prices = problem.prices
    import_cost = prices.import_eur_per_kwh.copy()
    if problem.co2_intensity_g_per_kwh is not None and problem.co2_price_eur_per_tonne:
        import_cost += (
            problem.co2_price_eur_per_tonne * np.asarray(problem.co2_intensity_g_per_kwh) / 1e6
        )
    program.add_cost(columns.grid_import, step_h * import_cost)
    program.add_cost(columns.grid_export, -step_h * prices.export_eur_per_kwh)
    if problem.heat_pump.backup_penalty_eur_per_kwh:
        program.add_cost(columns.backup, step_h * problem.heat_pump.backup_penalty_eur_per_kwh)
    if columns.unserved is not None:
        program.add_cost(columns.unserved, step_h * problem.unserved_heat_penalty_eur_per_kwh)
    if columns.charge is not None:
        # A negligible throughput cost breaks ties against cycling the battery for nothing.
        program.add_cost(columns.charge, step_h * 1e-6)


def build_schedule_model(problem: ScheduleProblem) -> tuple[LinearProgram, _Columns]:
    """Validate and assemble the LP (variables, every constraint family, objective)."""
    validate_problem(problem)
    check_ev_feasibility(problem)
    program = LinearProgram()
    columns = add_variables(program, problem)
    add_power_balance_constraints(program, problem, columns)
    add_battery_constraints(program, problem, columns)
    add_heat_constraints(program, problem, columns)
    add_ev_constraints(program, problem, columns)
    set_objective(program, problem, columns)
    return program, columns


_FAMILY_MESSAGES = {
    "comfort": "the indoor comfort band cannot be held even at full heat-pump and backup output",
    "heat_demand": "the heat demand cannot be met even at full heat-pump and backup output",
    "ev_energy": "the EV cannot get its energy by departure",
    "terminal_storage": "the storage cannot end the horizon at its required energy",
}


def solve_schedule(
    program: LinearProgram, problem: ScheduleProblem, time_limit_s: float = 30.0
) -> LpSolution:
    """Solve; on infeasibility, explain which family and periods conflict, then raise."""
    solution = program.solve(time_limit_s)
    if solution.is_feasible:
        return solution
    explanation = explain_infeasibility(program, SOFT_FAMILIES)
    if explanation is None:
        raise InfeasibleError(
            "household schedule is infeasible in its physical limits",
            {"constraint_family": "physical_limits", "periods": []},
        )
    periods = _iso(problem.period_start_utc, explanation.periods)
    where = f" in {len(periods)} periods from {periods[0]} to {periods[-1]}" if periods else ""
    raise InfeasibleError(
        f"infeasible: {_FAMILY_MESSAGES[explanation.constraint_family]}{where} "
        f"(shortfall {explanation.violation:.3g} in the family's units)",
        {
            "constraint_family": explanation.constraint_family,
            "periods": periods,
            "violation_by_family": explanation.violation_by_family,
        },
    )


def extract_schedule(
    problem: ScheduleProblem, columns: _Columns, solution: LpSolution
) -> ScheduleResult:
    """Read the solution back into a :class:`ScheduleResult` with the bill and emissions."""
    x = solution.values
    n, step_h = problem.num_periods, problem.step_h
    zeros = np.zeros(n)

    def take(cols: np.ndarray | None) -> np.ndarray:
        return zeros.copy() if cols is None else np.maximum(x[cols], 0.0) * 1.0

    grid_import = take(columns.grid_import)
    grid_export = take(columns.grid_export)
    heat_pump = take(columns.heat_pump)
    backup = take(columns.backup)
    unserved = take(columns.unserved)
    bill = compute_bill(problem.prices, grid_import * step_h, grid_export * step_h)
    intensity = (
        np.zeros(n)
        if problem.co2_intensity_g_per_kwh is None
        else np.asarray(problem.co2_intensity_g_per_kwh)
    )
    emissions = float(intensity @ (grid_import * step_h) / 1000.0)
    penalties = step_h * (
        problem.heat_pump.backup_penalty_eur_per_kwh * backup.sum()
        + (problem.unserved_heat_penalty_eur_per_kwh or 0.0) * unserved.sum()
    )
    return ScheduleResult(
        period_start_utc=problem.period_start_utc,
        step_h=step_h,
        grid_import_kw=grid_import,
        grid_export_kw=grid_export,
        heat_pump_power_kw=heat_pump,
        heat_pump_heat_kw=heat_pump * np.asarray(problem.heat_pump.cop),
        backup_heater_power_kw=backup,
        pv_used_kw=take(columns.pv_used),
        pv_curtailed_kw=np.maximum(np.asarray(problem.pv_power_kw) - take(columns.pv_used), 0.0),
        battery_charge_kw=take(columns.charge),
        battery_discharge_kw=take(columns.discharge),
        battery_energy_kwh=take(columns.battery_energy),
        ev_charge_kw=take(columns.ev_charge),
        tank_energy_kwh=None if columns.tank_energy is None else x[columns.tank_energy],
        indoor_temperature_c=None
        if columns.indoor_temperature is None
        else x[columns.indoor_temperature],
        unserved_heat_kw=unserved,
        bill=bill,
        emissions_kg_co2=emissions,
        penalties_eur=float(penalties),
        objective_eur=solution.objective,
        solve_time_s=solution.wall_time_s,
        status=solution.status,
    )


def schedule_household(problem: ScheduleProblem, time_limit_s: float = 30.0) -> ScheduleResult:
    """Optimal day-ahead schedule minimising the bill (+ CO2 price, + penalties).

    Parameters
    ----------
    problem : ScheduleProblem
        Horizon, prices, devices and requirements.
    time_limit_s : float
        Solver wall-clock limit [s].

    Returns
    -------
    ScheduleResult

    Raises
    ------
    InfeasibleError
        ``extra["constraint_family"]`` in {"comfort", "heat_demand", "ev_energy",
        "terminal_storage", "physical_limits"} and ``extra["periods"]`` (UTC ISO starts).
    ValidationError
        Inconsistent inputs, naming the field.
    """
    program, columns = build_schedule_model(problem)
    solution = solve_schedule(program, problem, time_limit_s)
    return extract_schedule(problem, columns, solution)


def planned_state_at(result: ScheduleResult, at: dt.datetime) -> dict[str, float]:
    """Planned storage states at instant ``at`` (start of a period, or the horizon end)."""
    moment = pd.Timestamp(require_aware(at, "at"))
    ends = result.period_start_utc + pd.Timedelta(hours=result.step_h)
    position = int(np.searchsorted(ends, moment, side="right")) - 1
    state: dict[str, float] = {}
    if position < 0:
        return state
    state["battery_energy_kwh"] = float(result.battery_energy_kwh[position])
    if result.tank_energy_kwh is not None:
        state["tank_energy_kwh"] = float(result.tank_energy_kwh[position])
    if result.indoor_temperature_c is not None:
        state["indoor_temperature_c"] = float(result.indoor_temperature_c[position])
    return state


def needs_replan(
    result: ScheduleResult,
    state: HouseholdState,
    energy_tolerance_kwh: float = 0.5,
    temperature_tolerance_k: float = 0.5,
) -> bool:
    """True when telemetry drifted from the plan beyond the tolerances."""
    planned = planned_state_at(result, state.at)
    checks = [
        ("battery_energy_kwh", state.battery_energy_kwh, energy_tolerance_kwh),
        ("tank_energy_kwh", state.tank_energy_kwh, energy_tolerance_kwh),
        ("indoor_temperature_c", state.indoor_temperature_c, temperature_tolerance_k),
    ]
    return any(
        measured is not None and name in planned and abs(measured - planned[name]) > tolerance
        for name, measured, tolerance in checks
    )


def _slice(value, keep: np.ndarray):
    if isinstance(value, np.ndarray) and value.ndim == 1:
        return value[keep]
    return value


def replan_from_state(
    problem: ScheduleProblem, state: HouseholdState, time_limit_s: float = 30.0
) -> ScheduleResult:
    """Re-plan the rest of the horizon from measured state (MPC step).

    The new horizon starts at the first period starting at or after ``state.at``; storages
    start from the measured values, EV sessions from the energy already charged.
    """
    moment = pd.Timestamp(require_aware(state.at, "state.at"))
    keep = np.asarray(problem.period_start_utc >= moment)
    if keep.sum() < 2:
        raise ValidationError("state.at", "fewer than two periods left in the horizon")
    new_prices = problem.prices.take(keep)
    hp = problem.heat_pump
    heat_pump = replace(
        hp,
        max_heat_kw=_slice(np.asarray(hp.max_heat_kw), keep),
        cop=_slice(np.asarray(hp.cop), keep),
    )
    store = problem.heat_store
    if isinstance(store, HotWaterTank):
        initial = (
            store.initial_energy_kwh if state.tank_energy_kwh is None else state.tank_energy_kwh
        )
        terminal = (
            store.initial_energy_kwh
            if store.terminal_energy_kwh is None
            else store.terminal_energy_kwh
        )
        store = replace(
            store,
            heat_demand_kw=_slice(np.asarray(store.heat_demand_kw), keep),
            initial_energy_kwh=min(max(initial, 0.0), store.capacity_kwh),
            terminal_energy_kwh=terminal,
        )
    else:
        initial_c = (
            store.initial_indoor_temperature_c
            if state.indoor_temperature_c is None
            else state.indoor_temperature_c
        )
        store = replace(
            store,
            initial_indoor_temperature_c=initial_c,
            outdoor_temperature_c=_slice(np.asarray(store.outdoor_temperature_c), keep),
            comfort_min_c=_slice(np.asarray(store.comfort_min_c, dtype=float), keep),
            comfort_max_c=_slice(np.asarray(store.comfort_max_c, dtype=float), keep),
            heat_gain_kw=_slice(np.asarray(store.heat_gain_kw, dtype=float), keep),
        )
    battery = problem.battery
    if battery is not None and state.battery_energy_kwh is not None:
        terminal_b = (
            battery.initial_energy_kwh
            if battery.terminal_energy_kwh is None
            else battery.terminal_energy_kwh
        )
        measured = min(max(state.battery_energy_kwh, battery.min_energy_kwh), battery.energy_kwh)
        battery = replace(battery, initial_energy_kwh=measured, terminal_energy_kwh=terminal_b)
    ev = problem.ev
    if ev is not None and state.ev_charged_kwh is not None:
        if len(state.ev_charged_kwh) != len(ev.sessions):
            raise ValidationError("state.ev_charged_kwh", f"expected {len(ev.sessions)} values")
        ev = replace(
            ev,
            sessions=tuple(
                replace(s, charged_kwh=c)
                for s, c in zip(ev.sessions, state.ev_charged_kwh, strict=True)
            ),
        )
    new_problem = replace(
        problem,
        period_start_utc=problem.period_start_utc[keep],
        prices=new_prices,
        base_load_kw=np.asarray(problem.base_load_kw)[keep],
        pv_power_kw=np.asarray(problem.pv_power_kw)[keep],
        heat_pump=heat_pump,
        heat_store=store,
        battery=battery,
        ev=ev,
        co2_intensity_g_per_kwh=None
        if problem.co2_intensity_g_per_kwh is None
        else np.asarray(problem.co2_intensity_g_per_kwh)[keep],
    )
    return schedule_household(new_problem, time_limit_s)
