"""Day-ahead household schedule: heat pump + tank or building, battery, EV, PV; MPC re-plans.

One (MI)LP per horizon (15-min or hourly steps, any number of periods, so 92/96/100
quarter-hours on DST days). Built in named steps: :func:`build_schedule_model` calls one
``add_<family>_constraints`` per constraint family, :func:`set_objective`, then
:func:`solve_schedule` solves and :func:`extract_schedule` reads the result back. Infeasible
requests raise :class:`~ainergy.common.errors.InfeasibleError` naming the constraint family and
the periods (UTC ISO) that conflict; physically impossible inputs raise
:class:`~ainergy.common.errors.ValidationError` naming the field.

Exact storage: a battery (or a bidirectional EV) can charge and discharge in the same period in
the LP relaxation whenever burning energy in conversion losses pays — at import prices ≤ 0,
export prices ≤ 0 or export above import — or when energy has to be disposed of (an
``exactly`` end level without an outlet). :func:`schedule_household` adds a binary per period
where the prices say it can bind, solves, and adds binaries wherever a solution still overlaps,
until none does; the result says which formulation was used and where.
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
from optimization.core.household.tariffs import (
    BillBreakdown,
    PeriodBill,
    PriceComponents,
    bill_by_period,
    compute_bill,
    first_non_finite,
)

SOFT_FAMILIES = ("comfort", "heat_demand", "ev_energy", "terminal_storage")
TERMINAL_MODES = ("at_least", "exactly")
STATE_ALIGNMENTS = ("refuse", "interpolate")
# Powers below this are solver noise [kW]; above it, simultaneous charge and discharge is real.
OVERLAP_TOLERANCE_KW = 1e-7
MAX_EXACTNESS_ROUNDS = 5
SCHEDULE_MIP_GAP = 1e-7
PHYSICAL_INDOOR_RANGE_C = (-40.0, 60.0)


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
    0 ≤ E_t ≤ E_max; at the end E_T ≥ E_terminal (``at_least``) or E_T = E_terminal
    (``exactly``), E_terminal = E_0 unless given.
    """

    capacity_kwh: float
    initial_energy_kwh: float
    loss_fraction_per_h: float
    heat_demand_kw: np.ndarray
    terminal_energy_kwh: float | None = None
    terminal_energy_mode: str = "at_least"


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
    """Home battery. Energies [kWh], powers [kW], efficiencies per direction (0, 1].

    ``terminal_energy_mode``: ``at_least`` (E_T ≥ E_terminal, the default) or ``exactly``
    (E_T = E_terminal); E_terminal = E_0 unless ``terminal_energy_kwh`` is given.
    """

    energy_kwh: float
    power_kw: float
    charge_efficiency: float
    discharge_efficiency: float
    initial_energy_kwh: float
    terminal_energy_kwh: float | None = None
    min_energy_kwh: float = 0.0
    terminal_energy_mode: str = "at_least"


@dataclass(frozen=True)
class EvSession:
    """The EV is plugged in from ``arrival_at`` to ``departure_at`` and needs energy by then.

    ``energy_need_kwh`` is the net energy into the car battery over the session;
    ``charged_kwh`` what it already got (telemetry, for re-planning; negative after
    discharging); ``dischargeable_kwh`` how far below its arrival level a bidirectional
    charger may take the car.
    """

    arrival_at: dt.datetime
    departure_at: dt.datetime
    energy_need_kwh: float
    charged_kwh: float = 0.0
    dischargeable_kwh: float = 0.0


@dataclass(frozen=True)
class ElectricVehicle:
    """Home charger and the plug-in sessions that touch the horizon.

    ``discharge_power_kw > 0`` makes the charger bidirectional (vehicle-to-home/grid).
    ``terminal_energy_mode`` applies to sessions departing inside the horizon: ``at_least``
    their need, or ``exactly`` it.
    """

    charger_power_kw: float
    charging_efficiency: float
    sessions: tuple[EvSession, ...]
    discharge_power_kw: float = 0.0
    discharge_efficiency: float = 1.0
    terminal_energy_mode: str = "at_least"

    @property
    def can_discharge(self) -> bool:
        return self.discharge_power_kw > 0


@dataclass(frozen=True)
class ScheduleProblem:
    """Everything one day-ahead (or MPC) household schedule needs.

    Arrays have one value per period of ``period_start_utc`` (tz-aware UTC, regular step).
    ``unserved_heat_penalty_eur_per_kwh = None`` makes comfort a hard constraint (infeasible
    requests raise); a number allows unserved heat at that price and reports it.
    ``is_storage_exact = False`` solves the LP relaxation only (for comparison).
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
    is_storage_exact: bool = True

    @property
    def step_h(self) -> float:
        return float((self.period_start_utc[1] - self.period_start_utc[0]) / pd.Timedelta(hours=1))

    @property
    def num_periods(self) -> int:
        return len(self.period_start_utc)


@dataclass(frozen=True)
class HouseholdState:
    """Telemetry at ``at`` (tz-aware): the start state of a re-plan.

    ``between_periods`` says what to do when ``at`` falls inside a period: ``refuse`` (a
    ``ValidationError`` on ``state.at``) or ``interpolate`` (carry the measurement to the next
    period start with the plan's powers for the rest of the period).
    """

    at: dt.datetime
    battery_energy_kwh: float | None = None
    tank_energy_kwh: float | None = None
    indoor_temperature_c: float | None = None
    ev_charged_kwh: tuple[float, ...] | None = None
    between_periods: str = "refuse"


@dataclass(frozen=True)
class ScheduleResult:
    """Optimal schedule: powers are averages over each period [kW], energies at period end.

    ``formulation`` is ``LP`` when no binary was needed, else ``MILP``; ``binary_periods``
    are the periods that carry a no-simultaneous charge/discharge (or import/export) binary.
    ``bill_periods`` splits each period's bill by item; ``bill`` is the horizon's total.
    """

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
    ev_discharge_kw: np.ndarray | None = None
    bill_periods: PeriodBill | None = None
    formulation: str = "LP"
    binary_periods: tuple[int, ...] = ()
    solve_count: int = 1
    state_alignment: str = ""

    @property
    def unserved_heat_kwh(self) -> float:
        return float(self.unserved_heat_kw.sum() * self.step_h)

    @property
    def max_storage_overlap_kw(self) -> float:
        """Largest min(charge, discharge) over periods and storages [kW] (0 when exact)."""
        overlaps = [np.minimum(self.battery_charge_kw, self.battery_discharge_kw)]
        if self.ev_discharge_kw is not None:
            overlaps.append(np.minimum(self.ev_charge_kw, self.ev_discharge_kw))
        return float(max(o.max(initial=0.0) for o in overlaps))


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
    ev_discharge: np.ndarray | None = None
    tank_energy: np.ndarray | None = None
    indoor_temperature: np.ndarray | None = None
    unserved: np.ndarray | None = None
    # Binaries, one per period of the masks they were built for.
    battery_mode: np.ndarray | None = None
    ev_mode: np.ndarray | None = None
    grid_mode: np.ndarray | None = None


# --- validation -------------------------------------------------------------------------------


def _array(
    value: np.ndarray | float, n: int, name: str, index: pd.DatetimeIndex | None = None
) -> np.ndarray:
    array = np.broadcast_to(np.asarray(value, dtype=float), (n,)) if np.ndim(value) == 0 else None
    if array is None:
        array = np.asarray(value, dtype=float)
        if array.shape != (n,):
            raise ValidationError(name, f"expected {n} values, got {array.shape[0]}")
    first_non_finite(array, index, name)
    return array


def _number(
    field_name: str,
    value: float,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    allow_inf: bool = False,
) -> float:
    """``value`` as a float within the bounds, else a ``ValidationError`` naming the field."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise ValidationError(field_name, f"expected a number, got {value!r}")
    number = float(value)
    if math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise ValidationError(field_name, f"must be a finite number, got {value!r}")
    if low is not None and (number <= low if low_open else number < low):
        bound = f"> {low:g}" if low_open else f"≥ {low:g}"
        raise ValidationError(field_name, f"must be {bound}, got {number:g}")
    if high is not None and number > high:
        raise ValidationError(field_name, f"must be ≤ {high:g}, got {number:g}")
    return number


def _efficiency(field_name: str, value: float) -> float:
    number = _number(field_name, value)
    if not 0.0 < number <= 1.0:
        raise ValidationError(field_name, f"must be in (0, 1], got {number:g}")
    return number


def _mode(field_name: str, value: str) -> None:
    if value not in TERMINAL_MODES:
        raise ValidationError(field_name, f"must be one of {', '.join(TERMINAL_MODES)}")


def _validate_battery(b: Battery) -> None:
    # Sizes first: a negative capacity is the capacity's fault, not the initial level's.
    _number("battery.energy_kwh", b.energy_kwh, low=0.0)
    _number("battery.power_kw", b.power_kw, low=0.0)
    _efficiency("battery.charge_efficiency", b.charge_efficiency)
    _efficiency("battery.discharge_efficiency", b.discharge_efficiency)
    _number("battery.min_energy_kwh", b.min_energy_kwh, low=0.0, high=b.energy_kwh)
    initial = _number("battery.initial_energy_kwh", b.initial_energy_kwh)
    if not b.min_energy_kwh - 1e-9 <= initial <= b.energy_kwh + 1e-9:
        raise ValidationError(
            "battery.initial_energy_kwh",
            f"{initial:g} kWh lies outside [min_energy_kwh, energy_kwh] = "
            f"[{b.min_energy_kwh:g}, {b.energy_kwh:g}] kWh",
        )
    _mode("battery.terminal_energy_mode", b.terminal_energy_mode)
    if b.terminal_energy_kwh is not None:
        _number(
            "battery.terminal_energy_kwh",
            b.terminal_energy_kwh,
            low=min(b.min_energy_kwh, initial),
            high=b.energy_kwh,
        )


def _validate_ev(problem: ScheduleProblem) -> None:
    ev = problem.ev
    assert ev is not None
    _number("ev.charger_power_kw", ev.charger_power_kw, low=0.0)
    _efficiency("ev.charging_efficiency", ev.charging_efficiency)
    _number("ev.discharge_power_kw", ev.discharge_power_kw, low=0.0)
    _efficiency("ev.discharge_efficiency", ev.discharge_efficiency)
    _mode("ev.terminal_energy_mode", ev.terminal_energy_mode)
    for i, session in enumerate(ev.sessions):
        prefix = f"ev.sessions[{i}]"
        _number(f"{prefix}.energy_need_kwh", session.energy_need_kwh, low=0.0)
        _number(f"{prefix}.dischargeable_kwh", session.dischargeable_kwh, low=0.0)
        charged = _number(f"{prefix}.charged_kwh", session.charged_kwh)
        if charged < -session.dischargeable_kwh - 1e-9:
            raise ValidationError(
                f"{prefix}.charged_kwh",
                f"{charged:g} kWh takes the car below its arrival level by more than "
                f"dischargeable_kwh ({session.dischargeable_kwh:g} kWh)",
            )


def validate_problem(problem: ScheduleProblem) -> None:
    """Refuse inputs that break physics or are inconsistent, naming the field."""
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
    base = _array(problem.base_load_kw, n, "base_load_kw", index)
    if (base < 0).any():
        raise ValidationError("base_load_kw", "must be ≥ 0 in every period")
    _array(problem.pv_power_kw, n, "pv_power_kw", index)
    hp = problem.heat_pump
    cop = _array(hp.cop, n, "heat_pump.cop", index)
    if (cop < 1.0).any():
        raise ValidationError("heat_pump.cop", "must be at least 1")
    if (_array(hp.max_heat_kw, n, "heat_pump.max_heat_kw", index) < 0).any():
        raise ValidationError("heat_pump.max_heat_kw", "must be ≥ 0 in every period")
    _number("heat_pump.backup_heater_power_kw", hp.backup_heater_power_kw, low=0.0)
    _number("heat_pump.backup_penalty_eur_per_kwh", hp.backup_penalty_eur_per_kwh, low=0.0)
    prices = problem.prices
    for name in (
        "energy_eur_per_kwh",
        "dso_tariff_eur_per_kwh",
        "energinet_tariff_eur_per_kwh",
        "electricity_tax_eur_per_kwh",
        "vat_eur_per_kwh",
        "export_eur_per_kwh",
    ):
        _array(getattr(prices, name), n, f"prices.{name}", index)
    _number("grid_import_limit_kw", problem.grid_import_limit_kw, low=0.0, allow_inf=True)
    _number("grid_export_limit_kw", problem.grid_export_limit_kw, low=0.0, allow_inf=True)
    _number("co2_price_eur_per_tonne", problem.co2_price_eur_per_tonne, low=0.0)
    if problem.unserved_heat_penalty_eur_per_kwh is not None:
        _number(
            "unserved_heat_penalty_eur_per_kwh", problem.unserved_heat_penalty_eur_per_kwh, low=0.0
        )
    store = problem.heat_store
    if isinstance(store, HotWaterTank):
        capacity = _number("heat_store.capacity_kwh", store.capacity_kwh, low=0.0)
        loss = _number("heat_store.loss_fraction_per_h", store.loss_fraction_per_h, low=0.0)
        if loss >= 1.0:
            raise ValidationError("heat_store.loss_fraction_per_h", f"must be < 1, got {loss:g}")
        if (_array(store.heat_demand_kw, n, "heat_store.heat_demand_kw", index) < 0).any():
            raise ValidationError("heat_store.heat_demand_kw", "must be ≥ 0 in every period")
        initial = _number("heat_store.initial_energy_kwh", store.initial_energy_kwh)
        if not 0 <= initial <= capacity + 1e-9:
            raise ValidationError(
                "heat_store.initial_energy_kwh",
                f"{initial:g} kWh lies outside [0, capacity_kwh] = [0, {capacity:g}] kWh",
            )
        _mode("heat_store.terminal_energy_mode", store.terminal_energy_mode)
        if store.terminal_energy_kwh is not None:
            _number(
                "heat_store.terminal_energy_kwh", store.terminal_energy_kwh, low=0.0, high=capacity
            )
    else:
        _number("heat_store.thermal_resistance_k_per_kw", store.thermal_resistance_k_per_kw)
        _number("heat_store.thermal_capacitance_kwh_per_k", store.thermal_capacitance_kwh_per_k)
        if store.thermal_resistance_k_per_kw <= 0:
            raise ValidationError("heat_store.thermal_resistance_k_per_kw", "must be > 0")
        if store.thermal_capacitance_kwh_per_k <= 0:
            raise ValidationError("heat_store.thermal_capacitance_kwh_per_k", "must be > 0")
        _number("heat_store.initial_indoor_temperature_c", store.initial_indoor_temperature_c)
        _array(store.outdoor_temperature_c, n, "heat_store.outdoor_temperature_c", index)
        _array(store.heat_gain_kw, n, "heat_store.heat_gain_kw", index)
        low = _array(store.comfort_min_c, n, "heat_store.comfort_min_c", index)
        high = _array(store.comfort_max_c, n, "heat_store.comfort_max_c", index)
        inverted = np.flatnonzero(low > high)
        if len(inverted):
            p = int(inverted[0])
            raise ValidationError(
                "heat_store.comfort_max_c",
                f"below comfort_min_c ({high[p]:g} < {low[p]:g} °C) in {len(inverted)} "
                f"period(s), first {index[p].strftime('%Y-%m-%dT%H:%M:%SZ')}",
            )
    if problem.battery is not None:
        _validate_battery(problem.battery)
    if problem.ev is not None:
        _validate_ev(problem)
    if problem.co2_intensity_g_per_kwh is not None:
        if (_array(problem.co2_intensity_g_per_kwh, n, "co2_intensity_g_per_kwh", index) < 0).any():
            raise ValidationError("co2_intensity_g_per_kwh", "must be ≥ 0 in every period")


# --- EV sessions ------------------------------------------------------------------------------


def _iso(index: pd.DatetimeIndex, periods: list[int] | tuple[int, ...]) -> list[str]:
    return [index[p].strftime("%Y-%m-%dT%H:%M:%SZ") for p in periods]


@dataclass(frozen=True)
class _SessionPlan:
    periods: np.ndarray
    required_kwh: float
    floor_kwh: float  # lower bound on the cumulative net energy since the horizon start
    departs_in_horizon: bool


def _session_plan(problem: ScheduleProblem, session: EvSession) -> _SessionPlan:
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
        return _SessionPlan(np.zeros(0, dtype=int), 0.0, 0.0, True)
    remaining = max(0.0, session.energy_need_kwh - session.charged_kwh)
    after_h = max(0.0, (departure - horizon_end) / pd.Timedelta(hours=1))
    ev = problem.ev
    assert ev is not None
    required = max(0.0, remaining - ev.charger_power_kw * ev.charging_efficiency * after_h)
    floor = -session.dischargeable_kwh - session.charged_kwh
    return _SessionPlan(inside, required, floor, departure <= horizon_end)


def check_ev_feasibility(problem: ScheduleProblem) -> None:
    """Raise InfeasibleError when an EV session needs more than charger power × plug-in time."""
    if problem.ev is None:
        return
    ev = problem.ev
    for number, session in enumerate(ev.sessions):
        plan = _session_plan(problem, session)
        deliverable = (
            ev.charger_power_kw * ev.charging_efficiency * problem.step_h * len(plan.periods)
        )
        if plan.required_kwh > deliverable + 1e-9:
            raise InfeasibleError(
                f"EV session {number}: needs {plan.required_kwh:.2f} kWh by departure but the "
                f"charger can deliver at most {deliverable:.2f} kWh while plugged in "
                f"({ev.charger_power_kw} kW × {ev.charging_efficiency} × "
                f"{len(plan.periods) * problem.step_h:g} h)",
                {
                    "constraint_family": "ev_energy",
                    "periods": _iso(problem.period_start_utc, list(plan.periods)),
                    "session": number,
                    "required_kwh": plan.required_kwh,
                    "deliverable_kwh": deliverable,
                },
            )


def _plugged_mask(problem: ScheduleProblem) -> np.ndarray:
    plugged = np.zeros(problem.num_periods, dtype=bool)
    if problem.ev is not None:
        for session in problem.ev.sessions:
            plugged[_session_plan(problem, session).periods] = True
    return plugged


# --- exactness --------------------------------------------------------------------------------


def effective_import_cost(problem: ScheduleProblem) -> np.ndarray:
    """Import cost per kWh the objective sees [EUR/kWh]: bill price + CO2 price."""
    cost = problem.prices.import_eur_per_kwh.copy()
    if problem.co2_intensity_g_per_kwh is not None and problem.co2_price_eur_per_tonne:
        cost += problem.co2_price_eur_per_tonne * np.asarray(problem.co2_intensity_g_per_kwh) / 1e6
    return cost


def binding_periods(problem: ScheduleProblem) -> tuple[np.ndarray, np.ndarray]:
    """Periods where the LP relaxation can profit from simultaneous storage charge/discharge,
    and those where it can profit from simultaneous import/export.

    Notes
    -----
    Storage: c_imp,t ≤ 0 or c_exp,t ≤ 0 or c_exp,t > c_imp,t (burning energy in losses pays
    or costs nothing). Grid: c_exp,t > c_imp,t (buying to sell at once pays).
    """
    imp = effective_import_cost(problem)
    exp = problem.prices.export_eur_per_kwh
    grid = exp > imp
    storage = (imp <= 0) | (exp <= 0) | grid
    has_storage = problem.battery is not None or (
        problem.ev is not None and problem.ev.can_discharge
    )
    return (storage if has_storage else np.zeros_like(storage)), grid


def _overlaps(
    problem: ScheduleProblem, columns: _Columns, x: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    n = problem.num_periods
    storage = np.zeros(n, dtype=bool)
    if columns.charge is not None:
        storage |= np.minimum(x[columns.charge], x[columns.discharge]) > OVERLAP_TOLERANCE_KW
    if columns.ev_discharge is not None:
        storage |= np.minimum(x[columns.ev_charge], x[columns.ev_discharge]) > OVERLAP_TOLERANCE_KW
    grid = np.minimum(x[columns.grid_import], x[columns.grid_export]) > OVERLAP_TOLERANCE_KW
    return storage, grid


# --- model ------------------------------------------------------------------------------------


def _grid_bounds_kw(problem: ScheduleProblem) -> tuple[np.ndarray, np.ndarray]:
    """Largest import and export any period can need [kW] (the big-M of the grid binary)."""
    hp = problem.heat_pump
    demand = (
        np.asarray(problem.base_load_kw, dtype=float)
        + np.asarray(hp.max_heat_kw) / np.asarray(hp.cop)
        + hp.backup_heater_power_kw
    )
    supply = np.maximum(np.asarray(problem.pv_power_kw, dtype=float), 0.0)
    if problem.battery is not None:
        demand = demand + problem.battery.power_kw
        supply = supply + problem.battery.power_kw
    if problem.ev is not None:
        demand = demand + problem.ev.charger_power_kw
        supply = supply + problem.ev.discharge_power_kw
    return (
        np.minimum(demand, problem.grid_import_limit_kw),
        np.minimum(supply, problem.grid_export_limit_kw),
    )


def add_variables(
    program: LinearProgram,
    problem: ScheduleProblem,
    storage_mask: np.ndarray | None = None,
    grid_mask: np.ndarray | None = None,
) -> _Columns:
    """Decision variables with their physical bounds (hard limits), binaries on the masks."""
    n = problem.num_periods
    hp = problem.heat_pump
    columns = _Columns(
        grid_import=program.add_variables(n, 0.0, problem.grid_import_limit_kw),
        grid_export=program.add_variables(n, 0.0, problem.grid_export_limit_kw),
        heat_pump=program.add_variables(n, 0.0, np.asarray(hp.max_heat_kw) / np.asarray(hp.cop)),
        backup=program.add_variables(n, 0.0, hp.backup_heater_power_kw),
        pv_used=program.add_variables(n, 0.0, np.maximum(np.asarray(problem.pv_power_kw), 0.0)),
    )
    storage_count = 0 if storage_mask is None else int(storage_mask.sum())
    if problem.battery is not None:
        b = problem.battery
        columns.charge = program.add_variables(n, 0.0, b.power_kw)
        columns.discharge = program.add_variables(n, 0.0, b.power_kw)
        columns.battery_energy = program.add_variables(n, b.min_energy_kwh, b.energy_kwh)
        if storage_count:
            columns.battery_mode = program.add_variables(storage_count, 0, 1, is_integral=True)
    if problem.ev is not None:
        ev = problem.ev
        plugged = _plugged_mask(problem)
        columns.ev_charge = program.add_variables(n, 0.0, np.where(plugged, ev.charger_power_kw, 0))
        if ev.can_discharge:
            columns.ev_discharge = program.add_variables(
                n, 0.0, np.where(plugged, ev.discharge_power_kw, 0.0)
            )
            if storage_count:
                columns.ev_mode = program.add_variables(storage_count, 0, 1, is_integral=True)
    if isinstance(problem.heat_store, HotWaterTank):
        columns.tank_energy = program.add_variables(n, 0.0, problem.heat_store.capacity_kwh)
    else:
        columns.indoor_temperature = program.add_variables(n, -np.inf, np.inf)
    if problem.unserved_heat_penalty_eur_per_kwh is not None:
        columns.unserved = program.add_variables(n, 0.0, np.inf)
    if grid_mask is not None and grid_mask.any():
        columns.grid_mode = program.add_variables(int(grid_mask.sum()), 0, 1, is_integral=True)
    return columns


def add_power_balance_constraints(
    program: LinearProgram, problem: ScheduleProblem, columns: _Columns
) -> None:
    """Electric balance at the meter per period.

    Notes
    -----
    P_import,t − P_export,t + P_pv,t + P_dis,t − P_ch,t − P_hp,t − P_backup,t − P_ev,t
    + P_ev,dis,t = P_base,t
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
    if columns.ev_discharge is not None:
        terms.append((columns.ev_discharge, 1.0))
    base = np.asarray(problem.base_load_kw, dtype=float)
    program.add_rows("power_balance", terms, base, base, periods)


def _terminal_bounds(target: float, mode: str) -> tuple[float, float]:
    return target, (target if mode == "exactly" else np.inf)


def add_battery_constraints(
    program: LinearProgram, problem: ScheduleProblem, columns: _Columns
) -> None:
    """Battery energy balance and terminal energy.

    Notes
    -----
    E_t = E_{t−1} + Δt·(η_ch·P_ch,t − P_dis,t/η_dis), E_{−1} = E_0;
    E_T ≥ E_terminal (``at_least``) or E_T = E_terminal (``exactly``), default E_terminal = E_0.
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
    target = b.initial_energy_kwh if b.terminal_energy_kwh is None else b.terminal_energy_kwh
    low, high = _terminal_bounds(target, b.terminal_energy_mode)
    program.add_rows(
        "terminal_storage", [(columns.battery_energy[-1:], 1.0)], low, high, periods[-1:]
    )


def add_exclusivity_constraints(
    program: LinearProgram,
    problem: ScheduleProblem,
    columns: _Columns,
    storage_mask: np.ndarray,
    grid_mask: np.ndarray,
) -> None:
    """No simultaneous charge and discharge (battery, bidirectional EV) or import and export,
    in the periods of the masks.

    Notes
    -----
    P_ch,t ≤ P_max·z_t, P_dis,t ≤ P_max·(1 − z_t), z_t ∈ {0, 1}; likewise
    P_imp,t ≤ M_imp,t·u_t, P_exp,t ≤ M_exp,t·(1 − u_t) with M the largest import/export the
    household's devices can cause in the period.
    """
    periods = np.flatnonzero(storage_mask)
    if columns.battery_mode is not None:
        power = problem.battery.power_kw
        z = columns.battery_mode
        program.add_rows(
            "storage_exclusivity",
            [(columns.charge[periods], 1.0), (z, -power)],
            upper=0.0,
            periods=periods,
        )
        program.add_rows(
            "storage_exclusivity",
            [(columns.discharge[periods], 1.0), (z, power)],
            upper=power,
            periods=periods,
        )
    if columns.ev_mode is not None:
        ev = problem.ev
        z = columns.ev_mode
        program.add_rows(
            "storage_exclusivity",
            [(columns.ev_charge[periods], 1.0), (z, -ev.charger_power_kw)],
            upper=0.0,
            periods=periods,
        )
        program.add_rows(
            "storage_exclusivity",
            [(columns.ev_discharge[periods], 1.0), (z, ev.discharge_power_kw)],
            upper=ev.discharge_power_kw,
            periods=periods,
        )
    if columns.grid_mode is not None:
        grid_periods = np.flatnonzero(grid_mask)
        big_import, big_export = _grid_bounds_kw(problem)
        u = columns.grid_mode
        program.add_rows(
            "grid_exclusivity",
            [(columns.grid_import[grid_periods], 1.0), (u, -big_import[grid_periods])],
            upper=0.0,
            periods=grid_periods,
        )
        program.add_rows(
            "grid_exclusivity",
            [(columns.grid_export[grid_periods], 1.0), (u, big_export[grid_periods])],
            upper=big_export[grid_periods],
            periods=grid_periods,
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
        target = (
            store.initial_energy_kwh
            if store.terminal_energy_kwh is None
            else store.terminal_energy_kwh
        )
        low, high = _terminal_bounds(target, store.terminal_energy_mode)
        program.add_rows(
            "terminal_storage", [(columns.tank_energy[-1:], 1.0)], low, high, periods[-1:]
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
    """Energy into the car by departure, per session; its level while a bidirectional
    charger discharges it.

    Notes
    -----
    Σ_{t ∈ session} Δt·(η_c·P_ev,t − P_ev,dis,t/η_d) ≥ E_need − E_charged (``= `` with
    ``exactly`` for sessions departing in the horizon; see :func:`_session_plan` for sessions
    ending after it). With discharge, every running sum over the session's periods stays
    ≥ −(E_dischargeable + E_charged). P_ev,t = 0 while unplugged (variable bound).
    """
    ev = problem.ev
    if ev is None:
        return
    step_h = problem.step_h
    for session in ev.sessions:
        plan = _session_plan(problem, session)
        periods = plan.periods
        if len(periods) == 0:
            continue
        charge = (columns.ev_charge[periods][None, :], step_h * ev.charging_efficiency)
        terms = [charge]
        if columns.ev_discharge is not None:
            terms.append(
                (columns.ev_discharge[periods][None, :], -step_h / ev.discharge_efficiency)
            )
        exact = ev.terminal_energy_mode == "exactly" and plan.departs_in_horizon
        program.add_rows(
            "ev_energy",
            terms,
            plan.required_kwh,
            plan.required_kwh if exact else np.inf,
            periods[-1:],
        )
        if columns.ev_discharge is not None:
            k = len(periods)
            lower_triangle = np.tril(np.ones((k, k), dtype=bool))
            idx_c = np.broadcast_to(columns.ev_charge[periods], (k, k))
            idx_d = np.broadcast_to(columns.ev_discharge[periods], (k, k))
            coef_c = np.where(lower_triangle, step_h * ev.charging_efficiency, 0.0)
            coef_d = np.where(lower_triangle, -step_h / ev.discharge_efficiency, 0.0)
            program.add_rows(
                "ev_state",
                [(idx_c, coef_c), (idx_d, coef_d)],
                plan.floor_kwh,
                np.inf,
                periods,
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
    program.add_cost(columns.grid_import, step_h * effective_import_cost(problem))
    program.add_cost(columns.grid_export, -step_h * problem.prices.export_eur_per_kwh)
    if problem.heat_pump.backup_penalty_eur_per_kwh:
        program.add_cost(columns.backup, step_h * problem.heat_pump.backup_penalty_eur_per_kwh)
    if columns.unserved is not None:
        program.add_cost(columns.unserved, step_h * problem.unserved_heat_penalty_eur_per_kwh)
    # A negligible throughput cost breaks ties against cycling storage for nothing.
    if columns.charge is not None:
        program.add_cost(columns.charge, step_h * 1e-6)
    if columns.ev_discharge is not None:
        program.add_cost(columns.ev_discharge, step_h * 1e-6)


def build_schedule_model(
    problem: ScheduleProblem,
    storage_mask: np.ndarray | None = None,
    grid_mask: np.ndarray | None = None,
) -> tuple[LinearProgram, _Columns]:
    """Validate and assemble the (MI)LP: variables, every constraint family, objective.

    ``storage_mask`` / ``grid_mask`` (booleans per period) say where the no-simultaneous
    binaries go; none by default (the LP).
    """
    validate_problem(problem)
    check_ev_feasibility(problem)
    n = problem.num_periods
    storage_mask = np.zeros(n, dtype=bool) if storage_mask is None else storage_mask
    grid_mask = np.zeros(n, dtype=bool) if grid_mask is None else grid_mask
    program = LinearProgram()
    columns = add_variables(program, problem, storage_mask, grid_mask)
    add_power_balance_constraints(program, problem, columns)
    add_battery_constraints(program, problem, columns)
    add_exclusivity_constraints(program, problem, columns, storage_mask, grid_mask)
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
    solution = program.solve(time_limit_s, relative_gap=SCHEDULE_MIP_GAP)
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
    problem: ScheduleProblem,
    columns: _Columns,
    solution: LpSolution,
    binary_periods: tuple[int, ...] = (),
) -> ScheduleResult:
    """Read the solution back into a :class:`ScheduleResult` with the bill and emissions."""
    x = solution.values
    n, step_h = problem.num_periods, problem.step_h
    zeros = np.zeros(n)

    def take(cols: np.ndarray | None) -> np.ndarray:
        if cols is None:
            return zeros.copy()
        values = np.maximum(x[cols], 0.0)
        return np.where(values < OVERLAP_TOLERANCE_KW, 0.0, values)

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
    assumptions = tuple(
        f"bill uses a rate not verified against its source: {source}"
        for source in problem.prices.unverified_sources
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
        battery_energy_kwh=zeros.copy()
        if columns.battery_energy is None
        else np.maximum(x[columns.battery_energy], 0.0),
        ev_charge_kw=take(columns.ev_charge),
        ev_discharge_kw=None if columns.ev_discharge is None else take(columns.ev_discharge),
        tank_energy_kwh=None if columns.tank_energy is None else x[columns.tank_energy],
        indoor_temperature_c=None
        if columns.indoor_temperature is None
        else x[columns.indoor_temperature],
        unserved_heat_kw=unserved,
        bill=bill,
        bill_periods=bill_by_period(problem.prices, grid_import * step_h, grid_export * step_h),
        emissions_kg_co2=emissions,
        penalties_eur=float(penalties),
        objective_eur=solution.objective,
        solve_time_s=solution.wall_time_s,
        status=solution.status,
        formulation="MILP" if binary_periods else "LP",
        binary_periods=binary_periods,
        assumptions=assumptions,
    )


def schedule_household(problem: ScheduleProblem, time_limit_s: float = 30.0) -> ScheduleResult:
    """Optimal day-ahead schedule minimising the bill (+ CO2 price, + penalties).

    Parameters
    ----------
    problem : ScheduleProblem
        Horizon, prices, devices and requirements.
    time_limit_s : float
        Solver wall-clock limit per solve [s].

    Returns
    -------
    ScheduleResult
        With ``formulation`` (LP or MILP) and the ``binary_periods`` used; charge and discharge
        never overlap unless ``problem.is_storage_exact`` is false.

    Raises
    ------
    InfeasibleError
        ``extra["constraint_family"]`` in {"comfort", "heat_demand", "ev_energy",
        "terminal_storage", "physical_limits"} and ``extra["periods"]`` (UTC ISO starts).
    ValidationError
        Physically impossible or inconsistent inputs, naming the field.

    Notes
    -----
    Binaries start on :func:`binding_periods`; any period whose solution still overlaps gets
    one too and the model is re-solved, until no period overlaps (at most
    ``MAX_EXACTNESS_ROUNDS`` solves).
    """
    validate_problem(problem)
    n = problem.num_periods
    if problem.is_storage_exact:
        storage_mask, grid_mask = binding_periods(problem)
    else:
        storage_mask, grid_mask = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    solve_time, solve_count = 0.0, 0
    while True:
        program, columns = build_schedule_model(problem, storage_mask, grid_mask)
        solution = solve_schedule(program, problem, time_limit_s)
        solve_time += solution.wall_time_s
        solve_count += 1
        if not problem.is_storage_exact:
            break
        storage_overlap, grid_overlap = _overlaps(problem, columns, solution.values)
        new_storage = storage_overlap & ~storage_mask
        new_grid = grid_overlap & ~grid_mask
        if (not new_storage.any() and not new_grid.any()) or solve_count >= MAX_EXACTNESS_ROUNDS:
            break
        storage_mask = storage_mask | storage_overlap
        grid_mask = grid_mask | grid_overlap
    binary = tuple(int(p) for p in np.flatnonzero(storage_mask | grid_mask))
    result = extract_schedule(problem, columns, solution, binary)
    return replace(result, solve_time_s=solve_time, solve_count=solve_count)


# --- MPC --------------------------------------------------------------------------------------


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


def validate_state(problem: ScheduleProblem, state: HouseholdState) -> None:
    """Refuse telemetry outside the devices' physical range, naming the state field."""
    if state.between_periods not in STATE_ALIGNMENTS:
        raise ValidationError(
            "state.between_periods", f"must be one of {', '.join(STATE_ALIGNMENTS)}"
        )
    if state.battery_energy_kwh is not None:
        if problem.battery is None:
            raise ValidationError("state.battery_energy_kwh", "the household has no battery")
        value = _number("state.battery_energy_kwh", state.battery_energy_kwh)
        capacity = problem.battery.energy_kwh
        if not 0.0 <= value <= capacity:
            raise ValidationError(
                "state.battery_energy_kwh",
                f"{value:g} kWh is outside the battery's physical range [0, {capacity:g}] kWh",
            )
    store = problem.heat_store
    if state.tank_energy_kwh is not None:
        if not isinstance(store, HotWaterTank):
            raise ValidationError("state.tank_energy_kwh", "the household has no tank")
        value = _number("state.tank_energy_kwh", state.tank_energy_kwh)
        if not 0.0 <= value <= store.capacity_kwh:
            raise ValidationError(
                "state.tank_energy_kwh",
                f"{value:g} kWh is outside the tank's physical range "
                f"[0, {store.capacity_kwh:g}] kWh",
            )
    if state.indoor_temperature_c is not None:
        if not isinstance(store, BuildingModel):
            raise ValidationError("state.indoor_temperature_c", "the household has no building")
        value = _number("state.indoor_temperature_c", state.indoor_temperature_c)
        low, high = PHYSICAL_INDOOR_RANGE_C
        if not low <= value <= high:
            raise ValidationError(
                "state.indoor_temperature_c",
                f"{value:g} °C is outside the plausible indoor range [{low:g}, {high:g}] °C",
            )
    if state.ev_charged_kwh is not None:
        ev = problem.ev
        if ev is None:
            raise ValidationError("state.ev_charged_kwh", "the household has no EV")
        if len(state.ev_charged_kwh) != len(ev.sessions):
            raise ValidationError("state.ev_charged_kwh", f"expected {len(ev.sessions)} values")
        for i, (session, charged) in enumerate(zip(ev.sessions, state.ev_charged_kwh, strict=True)):
            value = _number(f"state.ev_charged_kwh[{i}]", charged)
            if value < -session.dischargeable_kwh:
                raise ValidationError(
                    f"state.ev_charged_kwh[{i}]",
                    f"{value:g} kWh takes the car below its arrival level by more than "
                    f"dischargeable_kwh ({session.dischargeable_kwh:g} kWh)",
                )


def _project_state(
    problem: ScheduleProblem, state: HouseholdState, plan: ScheduleResult, position: int
) -> tuple[HouseholdState, float]:
    """Carry ``state`` from inside period ``position`` to its end with the plan's powers."""
    step_h = problem.step_h
    end = problem.period_start_utc[position] + pd.Timedelta(hours=step_h)
    remaining_h = (end - pd.Timestamp(state.at)) / pd.Timedelta(hours=1)
    changes: dict[str, object] = {"at": end.to_pydatetime()}
    if state.battery_energy_kwh is not None and problem.battery is not None:
        b = problem.battery
        changes["battery_energy_kwh"] = state.battery_energy_kwh + remaining_h * (
            b.charge_efficiency * plan.battery_charge_kw[position]
            - plan.battery_discharge_kw[position] / b.discharge_efficiency
        )
    store = problem.heat_store
    heat_in = plan.heat_pump_heat_kw[position] + plan.backup_heater_power_kw[position]
    heat_in += plan.unserved_heat_kw[position]
    if state.tank_energy_kwh is not None and isinstance(store, HotWaterTank):
        keep = (1.0 - store.loss_fraction_per_h) ** remaining_h
        demand = float(np.asarray(store.heat_demand_kw)[position])
        changes["tank_energy_kwh"] = keep * state.tank_energy_kwh + remaining_h * (heat_in - demand)
    if state.indoor_temperature_c is not None and isinstance(store, BuildingModel):
        r = store.thermal_resistance_k_per_kw
        a = math.exp(-remaining_h / (r * store.thermal_capacitance_kwh_per_k))
        t_out = float(np.asarray(store.outdoor_temperature_c)[position])
        gain = float(np.broadcast_to(np.asarray(store.heat_gain_kw, dtype=float), (1,))[0])
        if np.ndim(store.heat_gain_kw):
            gain = float(np.asarray(store.heat_gain_kw)[position])
        changes["indoor_temperature_c"] = a * state.indoor_temperature_c + (1 - a) * (
            t_out + r * (heat_in + gain)
        )
    if state.ev_charged_kwh is not None and problem.ev is not None:
        ev = problem.ev
        net = ev.charging_efficiency * plan.ev_charge_kw[position]
        if plan.ev_discharge_kw is not None:
            net -= plan.ev_discharge_kw[position] / ev.discharge_efficiency
        charged = []
        for session, value in zip(ev.sessions, state.ev_charged_kwh, strict=True):
            inside = position in set(_session_plan(problem, session).periods.tolist())
            charged.append(value + (remaining_h * net if inside else 0.0))
        changes["ev_charged_kwh"] = tuple(charged)
    return replace(state, **changes), remaining_h


def replan_from_state(
    problem: ScheduleProblem,
    state: HouseholdState,
    time_limit_s: float = 30.0,
    plan: ScheduleResult | None = None,
) -> ScheduleResult:
    """Re-plan the rest of the horizon from measured state (MPC step).

    The new horizon starts at ``state.at`` when that is a period start. Inside a period the
    measurement is refused (``between_periods="refuse"``, the default) or carried to the next
    period start with ``plan``'s powers (``"interpolate"``; ``plan`` defaults to the optimal
    schedule of ``problem``); ``result.state_alignment`` says which. Storages start from the
    measured values, EV sessions from the energy already charged. Telemetry outside the
    physical range is refused, never clamped.
    """
    moment = pd.Timestamp(require_aware(state.at, "state.at"))
    validate_problem(problem)
    validate_state(problem, state)
    index = problem.period_start_utc
    step = pd.Timedelta(hours=problem.step_h)
    alignment = f"state measured at a period start ({moment.strftime('%Y-%m-%dT%H:%M:%SZ')})"
    inside = np.flatnonzero((index < moment) & (index + step > moment))
    if len(inside):
        position = int(inside[0])
        start = index[position].strftime("%Y-%m-%dT%H:%M:%SZ")
        if state.between_periods == "refuse":
            raise ValidationError(
                "state.at",
                f"{moment.strftime('%Y-%m-%dT%H:%M:%SZ')} falls inside the period starting "
                f"{start}; give a period start or between_periods='interpolate'",
            )
        plan = schedule_household(problem, time_limit_s) if plan is None else plan
        state, remaining_h = _project_state(problem, state, plan, position)
        try:
            validate_state(problem, state)
        except ValidationError as error:
            raise ValidationError(
                error.field,
                f"carried to the next period start with the plan's powers: {error.reason}",
            ) from None
        alignment = (
            f"state measured at {moment.strftime('%Y-%m-%dT%H:%M:%SZ')} inside the period "
            f"starting {start}, interpolated to {pd.Timestamp(state.at):%Y-%m-%dT%H:%M:%SZ} "
            f"with the plan's powers for the remaining {remaining_h * 60:g} min"
        )
        moment = pd.Timestamp(state.at)
    keep = np.asarray(index >= moment)
    if keep.sum() < 2:
        raise ValidationError("state.at", "fewer than two periods left in the horizon")
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
            initial_energy_kwh=initial,
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
    notes: list[str] = []
    if battery is not None and state.battery_energy_kwh is not None:
        terminal_b = (
            battery.initial_energy_kwh
            if battery.terminal_energy_kwh is None
            else battery.terminal_energy_kwh
        )
        if state.battery_energy_kwh < battery.min_energy_kwh:
            notes.append(
                f"battery measured at {state.battery_energy_kwh:g} kWh, below its floor "
                f"{battery.min_energy_kwh:g} kWh: it may stay there but not sink further"
            )
        measured = float(state.battery_energy_kwh)
        battery = replace(
            battery,
            initial_energy_kwh=measured,
            min_energy_kwh=min(battery.min_energy_kwh, measured),
            terminal_energy_kwh=terminal_b,
        )
    ev = problem.ev
    if ev is not None and state.ev_charged_kwh is not None:
        ev = replace(
            ev,
            sessions=tuple(
                replace(s, charged_kwh=c)
                for s, c in zip(ev.sessions, state.ev_charged_kwh, strict=True)
            ),
        )
    new_problem = replace(
        problem,
        period_start_utc=index[keep],
        prices=problem.prices.take(keep),
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
    result = schedule_household(new_problem, time_limit_s)
    return replace(result, state_alignment=alignment, assumptions=(*result.assumptions, *notes))
