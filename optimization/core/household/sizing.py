"""Household investment sizing: heat pump (discrete), PV kWp, battery kWh/kW, EV charger.

One MILP over weighted day blocks (representative days, or the whole year for checking): the
same operational model as the day-ahead schedule at hourly steps (heat balance with a buffer,
battery, PV, EV energy per day), plus annualised investment from the catalogue. Objectives:
weighted cost + CO2 price × emissions, and a cost–emissions Pareto front by ε-constraint.

Built in named steps: :func:`build_sizing_model` (``add_<family>_constraints``),
:func:`set_sizing_objective`, solve, :func:`extract_sizing_result`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ainergy.common.errors import InfeasibleError, ValidationError
from ainergy.common.timegrid import LOCAL_TZ
from optimization.core.household._lp import LinearProgram, LpSolution, explain_infeasibility
from optimization.core.household.representative_days import (
    DayBlocks,
    cost_matched_representative_days,
    local_day_blocks,
    select_representative_days,
)
from optimization.core.household.tariffs import (
    BillBreakdown,
    PriceComponents,
    TariffTable,
    compute_bill,
    price_components,
)
from optimization.core.household.technology import (
    HeatingCurve,
    TechnologyCatalogue,
    annuity_factor,
    cop_series,
    flow_temperature_c,
    heat_capacity_factor,
)


@dataclass(frozen=True)
class HouseholdYear:
    """Hourly exogenous series of one year on a common tz-aware UTC index."""

    period_start_utc: pd.DatetimeIndex
    heat_demand_kw: np.ndarray
    base_load_kw: np.ndarray
    pv_yield_kw_per_kwp: np.ndarray
    outdoor_temperature_c: np.ndarray
    spot_price_eur_per_mwh: np.ndarray
    co2_intensity_g_per_kwh: np.ndarray


@dataclass(frozen=True)
class EvDemand:
    """Daily EV energy need; charged at home (if a charger is bought) or elsewhere at a price.

    The car is home from ``arrival_local_hour`` to ``departure_local_hour`` (local clock, across
    midnight); each local day's need is met within that day's home hours or bought elsewhere.
    """

    daily_energy_kwh: float
    arrival_local_hour: int
    departure_local_hour: int
    alternative_charging_price_eur_per_kwh: float
    alternative_co2_intensity_g_per_kwh: float


@dataclass(frozen=True)
class SizingProblem:
    """A sizing study. ``unserved_heat_penalty_eur_per_kwh = None`` makes heat demand hard."""

    year: HouseholdYear
    catalogue: TechnologyCatalogue
    tariff_table: TariffTable
    heating_curve: HeatingCurve
    discount_rate_fraction: float
    heat_storage_kwh: float = 0.0
    heat_storage_loss_fraction_per_h: float = 0.01
    ev: EvDemand | None = None
    tariff_year: int | None = None
    co2_price_eur_per_tonne: float = 0.0
    unserved_heat_penalty_eur_per_kwh: float | None = None
    representative_day_count: int = 16
    time_limit_s: float = 120.0


@dataclass(frozen=True)
class HouseholdDesign:
    """Chosen (or fixed) equipment."""

    heat_pump_name: str
    pv_kwp: float
    battery_energy_kwh: float
    battery_power_kw: float
    has_ev_charger: bool


@dataclass(frozen=True)
class DiscreteChoice:
    """The yes/no part of a design; sizes stay free (one LP per choice: the full-year sizing
    reference enumerates them)."""

    heat_pump_name: str
    has_pv: bool
    has_battery: bool
    has_ev_charger: bool


@dataclass(frozen=True)
class SizingResult:
    """Design, annual cost split [EUR/yr], emissions [kg CO2/yr] and solve facts."""

    design: HouseholdDesign
    capex_eur_per_year: dict[str, float]
    bill: BillBreakdown
    ev_alternative_charging_eur: float
    penalties_eur: float
    emissions_kg_co2: float
    heat_pump_heat_kwh: float
    backup_heat_kwh: float
    unserved_heat_kwh: float
    blocks: DayBlocks
    objective_eur: float
    solve_time_s: float
    status: str
    assumptions: tuple[str, ...] = field(default_factory=tuple)
    operating_cost_by_block_eur: np.ndarray | None = None

    @property
    def capex_total_eur(self) -> float:
        return float(sum(self.capex_eur_per_year.values()))

    @property
    def operating_cost_eur(self) -> float:
        return self.bill.total_eur + self.ev_alternative_charging_eur + self.penalties_eur

    @property
    def total_cost_eur(self) -> float:
        return self.capex_total_eur + self.operating_cost_eur


@dataclass(frozen=True)
class ParetoPoint:
    """One cost–emissions trade-off point (ε-constraint)."""

    emissions_cap_kg_co2: float | None
    result: SizingResult


@dataclass
class _SizingColumns:
    heat_pump_choice: np.ndarray
    pv_kwp: np.ndarray
    pv_installed: np.ndarray
    battery_energy: np.ndarray
    battery_power: np.ndarray
    battery_installed: np.ndarray
    ev_charger: np.ndarray
    grid_import: np.ndarray
    grid_export: np.ndarray
    heat_pump_heat: np.ndarray  # (options, periods)
    backup: np.ndarray
    pv_used: np.ndarray
    charge: np.ndarray
    discharge: np.ndarray
    battery_level: np.ndarray
    tank: np.ndarray
    ev_home: np.ndarray
    ev_elsewhere: np.ndarray  # one per (block, local day) group
    unserved: np.ndarray | None


@dataclass(frozen=True)
class _Data:
    """The year's series restricted to the blocks, with per-period weights and COP."""

    positions: np.ndarray
    period_start_utc: pd.DatetimeIndex
    weights: np.ndarray
    previous: np.ndarray
    prices: PriceComponents
    cop: np.ndarray  # (options, periods)
    capacity_factor: np.ndarray  # (options, periods)
    ev_plugged: np.ndarray
    ev_group: np.ndarray
    ev_group_weight: np.ndarray
    ev_group_hours: np.ndarray


def validate_sizing_problem(problem: SizingProblem) -> None:
    """Reject inconsistent inputs, naming the field."""
    year = problem.year
    n = len(year.period_start_utc)
    if year.period_start_utc.tz is None:
        raise ValidationError("year.period_start_utc", "naive timestamps; expected tz-aware UTC")
    if n > 1 and (np.diff(year.period_start_utc) != pd.Timedelta(hours=1)).any():
        raise ValidationError("year.period_start_utc", "sizing needs gap-free hourly periods")
    for name in (
        "heat_demand_kw",
        "base_load_kw",
        "pv_yield_kw_per_kwp",
        "outdoor_temperature_c",
        "spot_price_eur_per_mwh",
        "co2_intensity_g_per_kwh",
    ):
        values = np.asarray(getattr(year, name), dtype=float)
        if values.shape != (n,):
            raise ValidationError(f"year.{name}", f"expected {n} values, got {values.shape[0]}")
        if not np.isfinite(values).all():
            raise ValidationError(f"year.{name}", "contains missing or non-finite values")
    if not 0.0 <= problem.discount_rate_fraction < 1.0:
        raise ValidationError("discount_rate_fraction", "must be in [0, 1)")


def _prepare(problem: SizingProblem, blocks: DayBlocks) -> _Data:
    year = problem.year
    positions = blocks.period_index
    index = year.period_start_utc[positions]
    count = len(positions)
    block_starts = np.r_[0, np.cumsum(blocks.lengths)[:-1]]
    block_ends = np.cumsum(blocks.lengths) - 1
    previous = np.arange(count) - 1
    previous[block_starts] = block_ends
    prices = price_components(
        year.period_start_utc,
        year.spot_price_eur_per_mwh,
        problem.tariff_table,
        problem.tariff_year,
    ).take(positions)
    outdoor = np.asarray(year.outdoor_temperature_c, dtype=float)[positions]
    flow = flow_temperature_c(outdoor, problem.heating_curve)
    pumps = problem.catalogue.heat_pumps
    cop = np.array([cop_series(outdoor, flow, hp.carnot_efficiency, hp.max_cop) for hp in pumps])
    factor = np.array(
        [heat_capacity_factor(outdoor, hp.capacity_loss_fraction_per_k) for hp in pumps]
    )
    local = index.tz_convert(LOCAL_TZ)
    hours = np.asarray(local.hour)
    block_of_period = np.repeat(np.arange(len(blocks.starts)), blocks.lengths)
    if problem.ev is not None:
        ev = problem.ev
        plugged = (hours >= ev.arrival_local_hour) | (hours < ev.departure_local_hour)
    else:
        plugged = np.zeros(count, dtype=bool)
    # One EV group per (block, local day): a whole-year block still gets a daily need.
    keys = pd.MultiIndex.from_arrays([block_of_period, np.asarray(local.date)])
    group, unique_keys = pd.factorize(keys)
    group = np.asarray(group)
    group_weight = blocks.weights[np.asarray(unique_keys.get_level_values(0))]
    group_hours = np.bincount(group).astype(float)
    return _Data(
        positions=positions,
        period_start_utc=index,
        weights=blocks.period_weights,
        previous=previous,
        prices=prices,
        cop=cop,
        capacity_factor=factor,
        ev_plugged=plugged,
        ev_group=group,
        ev_group_weight=group_weight,
        ev_group_hours=group_hours,
    )


def add_design_variables(
    program: LinearProgram,
    problem: SizingProblem,
    fixed: HouseholdDesign | None,
    choice: DiscreteChoice | None = None,
) -> dict[str, np.ndarray]:
    """Investment decisions: one-of-n heat pump, PV kWp, battery kWh/kW, EV charger (binary).

    ``fixed`` fixes everything; ``choice`` fixes the binaries and leaves the sizes free.
    """
    catalogue = problem.catalogue
    m = len(catalogue.heat_pumps)
    names = [hp.name for hp in catalogue.heat_pumps]
    if choice is not None:
        if choice.heat_pump_name not in names:
            raise ValidationError(
                "choice.heat_pump_name", f"not in the catalogue: {choice.heat_pump_name!r}"
            )
        pick = (np.array(names) == choice.heat_pump_name).astype(float)
        pv, bat = float(choice.has_pv), float(choice.has_battery)
        ev = float(choice.has_ev_charger and problem.ev is not None)
        battery = catalogue.battery
        return {
            "heat_pump_choice": program.add_variables(m, pick, pick, is_integral=True),
            "pv_kwp": program.add_variables(1, 0.0, catalogue.pv.max_kwp * pv),
            "pv_installed": program.add_variables(1, pv, pv, is_integral=True),
            "battery_energy": program.add_variables(1, 0.0, battery.max_energy_kwh * bat),
            "battery_power": program.add_variables(1, 0.0, battery.max_power_kw * bat),
            "battery_installed": program.add_variables(1, bat, bat, is_integral=True),
            "ev_charger": program.add_variables(1, ev, ev, is_integral=True),
        }
    if fixed is not None:
        if fixed.heat_pump_name not in names:
            raise ValidationError(
                "design.heat_pump_name", f"not in the catalogue: {fixed.heat_pump_name!r}"
            )
        choice = (np.array(names) == fixed.heat_pump_name).astype(float)
        pv, kwh, kw = fixed.pv_kwp, fixed.battery_energy_kwh, fixed.battery_power_kw
        ev = float(fixed.has_ev_charger and problem.ev is not None)
        return {
            "heat_pump_choice": program.add_variables(m, choice, choice, is_integral=True),
            "pv_kwp": program.add_variables(1, pv, pv),
            "pv_installed": program.add_variables(
                1, float(pv > 0), float(pv > 0), is_integral=True
            ),
            "battery_energy": program.add_variables(1, kwh, kwh),
            "battery_power": program.add_variables(1, kw, kw),
            "battery_installed": program.add_variables(
                1, float(kwh > 0), float(kwh > 0), is_integral=True
            ),
            "ev_charger": program.add_variables(1, ev, ev, is_integral=True),
        }
    battery = catalogue.battery
    return {
        "heat_pump_choice": program.add_variables(m, 0.0, 1.0, is_integral=True),
        "pv_kwp": program.add_variables(1, 0.0, catalogue.pv.max_kwp),
        "pv_installed": program.add_variables(1, 0.0, 1.0, is_integral=True),
        "battery_energy": program.add_variables(1, 0.0, battery.max_energy_kwh),
        "battery_power": program.add_variables(1, 0.0, battery.max_power_kw),
        "battery_installed": program.add_variables(1, 0.0, 1.0, is_integral=True),
        "ev_charger": program.add_variables(
            1, 0.0, 1.0 if problem.ev is not None else 0.0, is_integral=True
        ),
    }


def add_investment_constraints(
    program: LinearProgram, problem: SizingProblem, c: _SizingColumns
) -> None:
    """Exactly one heat pump; PV and battery sizes only when installed; battery C-rate.

    Notes
    -----
    Σ_i y_i = 1;  kWp ≤ kWp_max·b_pv;  E ≤ E_max·b_bat;  P ≤ P_max·b_bat;  P ≤ c_max·E.
    """
    catalogue = problem.catalogue
    program.add_rows("investment", [(c.heat_pump_choice[None, :], 1.0)], 1.0, 1.0)
    program.add_rows(
        "investment", [(c.pv_kwp, 1.0), (c.pv_installed, -catalogue.pv.max_kwp)], -np.inf, 0.0
    )
    program.add_rows(
        "investment",
        [(c.battery_energy, 1.0), (c.battery_installed, -catalogue.battery.max_energy_kwh)],
        -np.inf,
        0.0,
    )
    program.add_rows(
        "investment",
        [(c.battery_power, 1.0), (c.battery_installed, -catalogue.battery.max_power_kw)],
        -np.inf,
        0.0,
    )
    program.add_rows(
        "investment",
        [(c.battery_power, 1.0), (c.battery_energy, -catalogue.battery.max_c_rate_per_h)],
        -np.inf,
        0.0,
    )


def add_operation_variables(
    program: LinearProgram, problem: SizingProblem, data: _Data, design: dict[str, np.ndarray]
) -> _SizingColumns:
    """Hourly operation in every block (bounds that do not depend on the design)."""
    count = len(data.positions)
    m = len(problem.catalogue.heat_pumps)
    ev_power = problem.catalogue.ev_charger.power_kw if problem.ev is not None else 0.0
    return _SizingColumns(
        **design,
        grid_import=program.add_variables(count),
        grid_export=program.add_variables(count),
        heat_pump_heat=program.add_variables(m * count).reshape(m, count),
        backup=program.add_variables(count),
        pv_used=program.add_variables(count),
        charge=program.add_variables(count),
        discharge=program.add_variables(count),
        battery_level=program.add_variables(count),
        tank=program.add_variables(count, 0.0, problem.heat_storage_kwh),
        ev_home=program.add_variables(count, 0.0, np.where(data.ev_plugged, ev_power, 0.0)),
        ev_elsewhere=program.add_variables(
            len(data.ev_group_hours) if problem.ev is not None else 0
        ),
        unserved=None
        if problem.unserved_heat_penalty_eur_per_kwh is None
        else program.add_variables(count),
    )


def add_capacity_constraints(
    program: LinearProgram, problem: SizingProblem, data: _Data, c: _SizingColumns
) -> None:
    """Operation within the chosen capacities.

    Notes
    -----
    Q_hp,i,t ≤ Q̄_i·f_i,t·y_i;  Q_backup,t ≤ Σ_i B_i·y_i;  P_pv,t ≤ g_t·kWp;
    P_ch,t, P_dis,t ≤ P_bat;  E_t ≤ E_bat;  P_ev,t ≤ P_ev·z.
    """
    count = len(data.positions)
    periods = np.arange(count)
    pumps = problem.catalogue.heat_pumps
    m = len(pumps)
    capacity = np.array([hp.heat_capacity_kw for hp in pumps])[:, None] * data.capacity_factor
    program.add_rows(
        "heat_pump_capacity",
        [
            (c.heat_pump_heat.ravel(), 1.0),
            (np.repeat(c.heat_pump_choice, count), -capacity.ravel()),
        ],
        -np.inf,
        0.0,
        np.tile(periods, m),
    )
    backup_kw = np.array([hp.backup_heater_power_kw for hp in pumps])
    program.add_rows(
        "backup_capacity",
        [(c.backup, 1.0), (np.tile(c.heat_pump_choice, (count, 1)), -backup_kw[None, :])],
        -np.inf,
        0.0,
        periods,
    )
    yield_kw = np.asarray(problem.year.pv_yield_kw_per_kwp, dtype=float)[data.positions]
    program.add_rows(
        "pv_capacity",
        [(c.pv_used, 1.0), (np.full(count, c.pv_kwp[0]), -yield_kw)],
        -np.inf,
        0.0,
        periods,
    )
    for family, column, limit in (
        ("battery_capacity", c.charge, c.battery_power),
        ("battery_capacity", c.discharge, c.battery_power),
        ("battery_capacity", c.battery_level, c.battery_energy),
    ):
        program.add_rows(
            family, [(column, 1.0), (np.full(count, limit[0]), -1.0)], -np.inf, 0.0, periods
        )
    plugged = np.flatnonzero(data.ev_plugged)
    if len(plugged):
        program.add_rows(
            "ev_capacity",
            [
                (c.ev_home[plugged], 1.0),
                (np.full(len(plugged), c.ev_charger[0]), -problem.catalogue.ev_charger.power_kw),
            ],
            -np.inf,
            0.0,
            plugged,
        )


def add_balance_constraints(
    program: LinearProgram, problem: SizingProblem, data: _Data, c: _SizingColumns
) -> None:
    """Electric balance, heat balance with the buffer, battery level (cyclic per block), EV.

    Notes
    -----
    P_imp − P_exp + P_pv + P_dis − P_ch − Σ_i Q_hp,i/COP_i − Q_backup − P_ev = P_base
    S_t = (1 − ℓ)·S_prev(t) + Σ_i Q_hp,i,t + Q_backup,t + Q_unserved,t − D_t
    E_t = E_prev(t) + η_ch·P_ch,t − P_dis,t/η_dis
    Σ_{t ∈ day} η_ev·P_ev,t + X_day = need·hours/24      (X: charged elsewhere)
    with prev(t) the previous hour in the same block, wrapping to the block's last hour.
    """
    year = problem.year
    count = len(data.positions)
    periods = np.arange(count)
    m = len(problem.catalogue.heat_pumps)
    base = np.asarray(year.base_load_kw, dtype=float)[data.positions]
    program.add_rows(
        "power_balance",
        [
            (c.grid_import, 1.0),
            (c.grid_export, -1.0),
            (c.pv_used, 1.0),
            (c.discharge, 1.0),
            (c.charge, -1.0),
            (c.heat_pump_heat.T, -1.0 / data.cop.T),
            (c.backup, -1.0),
            (c.ev_home, -1.0),
        ],
        base,
        base,
        periods,
    )
    demand = np.asarray(year.heat_demand_kw, dtype=float)[data.positions]
    keep = 1.0 - problem.heat_storage_loss_fraction_per_h
    heat_terms = [
        (c.tank, 1.0),
        (c.tank[data.previous], -keep),
        (c.heat_pump_heat.T, -np.ones((count, m))),
        (c.backup, -1.0),
    ]
    if c.unserved is not None:
        heat_terms.append((c.unserved, -1.0))
    program.add_rows("heat_demand", heat_terms, -demand, -demand, periods)
    battery = problem.catalogue.battery
    program.add_rows(
        "battery_dynamics",
        [
            (c.battery_level, 1.0),
            (c.battery_level[data.previous], -1.0),
            (c.charge, -battery.charge_efficiency),
            (c.discharge, 1.0 / battery.discharge_efficiency),
        ],
        0.0,
        0.0,
        periods,
    )
    if problem.ev is not None:
        groups = len(data.ev_group_hours)
        need = problem.ev.daily_energy_kwh * data.ev_group_hours / 24.0
        order = np.argsort(data.ev_group, kind="stable")
        members = np.split(c.ev_home[order], np.cumsum(data.ev_group_hours.astype(int))[:-1])
        efficiency = problem.catalogue.ev_charger.efficiency
        for g in range(groups):
            program.add_rows(
                "ev_energy",
                [(members[g][None, :], efficiency), (c.ev_elsewhere[g : g + 1], 1.0)],
                need[g],
                need[g],
            )


def _annualised(problem: SizingProblem) -> dict[str, float | np.ndarray]:
    catalogue = problem.catalogue
    r = problem.discount_rate_fraction
    pv, battery, charger = catalogue.pv, catalogue.battery, catalogue.ev_charger
    a_pv = annuity_factor(r, pv.lifetime_years)
    a_bat = annuity_factor(r, battery.lifetime_years)
    return {
        "heat_pump": np.array(
            [
                hp.investment_eur * annuity_factor(r, hp.lifetime_years) + hp.fixed_om_eur_per_year
                for hp in catalogue.heat_pumps
            ]
        ),
        "pv_fixed": pv.fixed_investment_eur * a_pv,
        "pv_per_kwp": pv.investment_eur_per_kwp * a_pv + pv.fixed_om_eur_per_kwp_year,
        "battery_fixed": battery.fixed_investment_eur * a_bat,
        "battery_per_kwh": battery.investment_eur_per_kwh * a_bat,
        "battery_per_kw": battery.investment_eur_per_kw * a_bat,
        "ev_charger": charger.investment_eur * annuity_factor(r, charger.lifetime_years),
    }


def _emission_terms(
    problem: SizingProblem, data: _Data, c: _SizingColumns
) -> list[tuple[np.ndarray, np.ndarray]]:
    gamma = np.asarray(problem.year.co2_intensity_g_per_kwh, dtype=float)[data.positions]
    terms = [(c.grid_import, data.weights * gamma / 1000.0)]
    if problem.ev is not None:
        terms.append(
            (
                c.ev_elsewhere,
                data.ev_group_weight * problem.ev.alternative_co2_intensity_g_per_kwh / 1000.0,
            )
        )
    return terms


def add_emissions_cap_constraints(
    program: LinearProgram, problem: SizingProblem, data: _Data, c: _SizingColumns, cap_kg: float
) -> None:
    """ε-constraint: annual emissions ≤ cap.

    Notes
    -----
    Σ_t w_t·γ_t·P_imp,t/1000 + Σ_d w_d·γ_alt·X_d/1000 ≤ ε   [kg CO2/yr]
    """
    terms = [(cols[None, :], coef) for cols, coef in _emission_terms(problem, data, c)]
    program.add_rows("emissions_cap", terms, -np.inf, cap_kg)


def set_sizing_objective(
    program: LinearProgram,
    problem: SizingProblem,
    data: _Data,
    c: _SizingColumns,
    cost_weight: float = 1.0,
    emissions_weight_eur_per_kg: float | None = None,
) -> None:
    """Annual cost (capex annuities + weighted operation) + CO2 price × emissions.

    Notes
    -----
    min α·[Σ_i a_i·I_i·y_i + a_pv·(F_pv·b_pv + c_pv·kWp) + a_bat·(F_bat·b_bat + c_E·E + c_P·P)
          + a_ev·I_ev·z + Σ_t w_t·(c_imp,t·P_imp,t − c_exp,t·P_exp,t + c_un·Q_un,t)
          + Σ_d w_d·c_alt·X_d] + β·emissions,
    with annuity a = r(1+r)^n/((1+r)^n − 1), weights w (days represented), β = p_CO2/1000.
    """
    beta = (
        problem.co2_price_eur_per_tonne / 1000.0
        if emissions_weight_eur_per_kg is None
        else emissions_weight_eur_per_kg
    )
    annual = _annualised(problem)
    program.add_cost(c.heat_pump_choice, cost_weight * annual["heat_pump"])
    program.add_cost(c.pv_installed, cost_weight * annual["pv_fixed"])
    program.add_cost(c.pv_kwp, cost_weight * annual["pv_per_kwp"])
    program.add_cost(c.battery_installed, cost_weight * annual["battery_fixed"])
    program.add_cost(c.battery_energy, cost_weight * annual["battery_per_kwh"])
    program.add_cost(c.battery_power, cost_weight * annual["battery_per_kw"])
    program.add_cost(c.ev_charger, cost_weight * annual["ev_charger"])
    program.add_cost(c.grid_import, cost_weight * data.weights * data.prices.import_eur_per_kwh)
    program.add_cost(c.grid_export, -cost_weight * data.weights * data.prices.export_eur_per_kwh)
    program.add_cost(c.charge, data.weights * 1e-6)
    if c.unserved is not None:
        program.add_cost(
            c.unserved, cost_weight * data.weights * problem.unserved_heat_penalty_eur_per_kwh
        )
    if problem.ev is not None:
        program.add_cost(
            c.ev_elsewhere,
            cost_weight * data.ev_group_weight * problem.ev.alternative_charging_price_eur_per_kwh,
        )
    if beta:
        for cols, coef in _emission_terms(problem, data, c):
            program.add_cost(cols, beta * coef)


def build_sizing_model(
    problem: SizingProblem,
    blocks: DayBlocks,
    fixed_design: HouseholdDesign | None = None,
    emissions_cap_kg: float | None = None,
    cost_weight: float = 1.0,
    emissions_weight_eur_per_kg: float | None = None,
    choice: DiscreteChoice | None = None,
) -> tuple[LinearProgram, _SizingColumns, _Data]:
    """Assemble the sizing MILP over ``blocks`` (see module docstring)."""
    validate_sizing_problem(problem)
    data = _prepare(problem, blocks)
    program = LinearProgram()
    design = add_design_variables(program, problem, fixed_design, choice)
    columns = add_operation_variables(program, problem, data, design)
    add_investment_constraints(program, problem, columns)
    add_capacity_constraints(program, problem, data, columns)
    add_balance_constraints(program, problem, data, columns)
    if emissions_cap_kg is not None:
        add_emissions_cap_constraints(program, problem, data, columns, emissions_cap_kg)
    set_sizing_objective(program, problem, data, columns, cost_weight, emissions_weight_eur_per_kg)
    return program, columns, data


def _raise_infeasible(program: LinearProgram, data: _Data) -> None:
    explanation = explain_infeasibility(program, ("heat_demand", "emissions_cap"))
    if explanation is None:
        raise InfeasibleError(
            "sizing problem is infeasible in its physical limits",
            {"constraint_family": "physical_limits", "periods": []},
        )
    periods = [data.period_start_utc[p].strftime("%Y-%m-%dT%H:%M:%SZ") for p in explanation.periods]
    if explanation.constraint_family == "emissions_cap":
        message = "infeasible: the emissions cap is below what any design in the catalogue reaches"
    else:
        message = (
            "infeasible: heat demand exceeds the largest heat pump plus its backup heater and the "
            f"buffer in {len(periods)} hours (first {periods[0]}); allow unserved heat with "
            "unserved_heat_penalty_eur_per_kwh or add a larger heat pump to the catalogue"
        )
    raise InfeasibleError(
        message,
        {
            "constraint_family": explanation.constraint_family,
            "periods": periods,
            "violation_by_family": explanation.violation_by_family,
        },
    )


def extract_sizing_result(
    problem: SizingProblem,
    blocks: DayBlocks,
    data: _Data,
    c: _SizingColumns,
    solution: LpSolution,
    assumptions: tuple[str, ...] = (),
) -> SizingResult:
    """Design and annual figures from the solution."""
    x = solution.values
    pumps = problem.catalogue.heat_pumps
    choice = int(np.argmax(x[c.heat_pump_choice]))
    pv_kwp = float(x[c.pv_kwp][0]) if x[c.pv_installed][0] > 0.5 else 0.0
    installed = x[c.battery_installed][0] > 0.5
    design = HouseholdDesign(
        heat_pump_name=pumps[choice].name,
        pv_kwp=round(pv_kwp, 6),
        battery_energy_kwh=round(float(x[c.battery_energy][0]), 6) if installed else 0.0,
        battery_power_kw=round(float(x[c.battery_power][0]), 6) if installed else 0.0,
        has_ev_charger=bool(x[c.ev_charger][0] > 0.5),
    )
    annual = _annualised(problem)
    capex = {
        "heat_pump": float(annual["heat_pump"][choice]),
        "pv": float(annual["pv_fixed"] * (pv_kwp > 0) + annual["pv_per_kwp"] * pv_kwp),
        "battery": float(
            installed
            * (
                annual["battery_fixed"]
                + annual["battery_per_kwh"] * design.battery_energy_kwh
                + annual["battery_per_kw"] * design.battery_power_kw
            )
        ),
        "ev_charger": float(annual["ev_charger"] * design.has_ev_charger),
    }
    w = data.weights
    grid_import = np.maximum(x[c.grid_import], 0.0)
    grid_export = np.maximum(x[c.grid_export], 0.0)
    bill = compute_bill(data.prices, grid_import * w, grid_export * w)
    elsewhere = np.maximum(x[c.ev_elsewhere], 0.0)
    ev_alternative = (
        float(data.ev_group_weight @ elsewhere * problem.ev.alternative_charging_price_eur_per_kwh)
        if problem.ev is not None
        else 0.0
    )
    unserved = np.zeros(len(w)) if c.unserved is None else np.maximum(x[c.unserved], 0.0)
    emissions = float(sum(coef @ x[cols] for cols, coef in _emission_terms(problem, data, c)))
    # Operating cost of each block, unweighted [EUR per block]: bill + penalties + EV elsewhere.
    period_cost = (
        data.prices.import_eur_per_kwh * grid_import
        - data.prices.export_eur_per_kwh * grid_export
        + (problem.unserved_heat_penalty_eur_per_kwh or 0.0) * unserved
    )
    block_of_period = np.repeat(np.arange(len(blocks.starts)), blocks.lengths)
    by_block = np.bincount(block_of_period, weights=period_cost, minlength=len(blocks.starts))
    if problem.ev is not None:
        group_block = np.zeros(len(elsewhere), dtype=int)
        group_block[data.ev_group] = block_of_period
        by_block += np.bincount(
            group_block,
            weights=elsewhere * problem.ev.alternative_charging_price_eur_per_kwh,
            minlength=len(blocks.starts),
        )
    return SizingResult(
        design=design,
        capex_eur_per_year=capex,
        bill=bill,
        ev_alternative_charging_eur=ev_alternative,
        penalties_eur=float((problem.unserved_heat_penalty_eur_per_kwh or 0.0) * (w @ unserved)),
        emissions_kg_co2=emissions,
        heat_pump_heat_kwh=float((x[c.heat_pump_heat] @ w).sum()),
        backup_heat_kwh=float(w @ np.maximum(x[c.backup], 0.0)),
        unserved_heat_kwh=float(w @ unserved),
        blocks=blocks,
        objective_eur=solution.objective,
        operating_cost_by_block_eur=by_block,
        solve_time_s=solution.wall_time_s,
        status=solution.status,
        assumptions=assumptions,
    )


def probe_designs(problem: SizingProblem) -> tuple[HouseholdDesign, ...]:
    """Designs spanning the catalogue, used to choose and weight representative days.

    The smallest and the largest heat pump without PV or battery; the largest with the most
    PV, with the largest battery, and with both (the charger whenever there is an EV).
    """
    catalogue = problem.catalogue
    pumps = sorted(catalogue.heat_pumps, key=lambda hp: hp.heat_capacity_kw)
    charger = problem.ev is not None
    battery = catalogue.battery
    kwh = battery.max_energy_kwh
    kw = min(battery.max_power_kw, battery.max_c_rate_per_h * kwh)
    pv = catalogue.pv.max_kwp
    large = pumps[-1].name
    designs = [
        HouseholdDesign(pumps[0].name, 0.0, 0.0, 0.0, charger),
        HouseholdDesign(large, 0.0, 0.0, 0.0, charger),
        HouseholdDesign(large, pv, 0.0, 0.0, charger),
        HouseholdDesign(large, 0.0, kwh, kw, charger),
        HouseholdDesign(large, pv, kwh, kw, charger),
    ]
    unique: list[HouseholdDesign] = []
    for design in designs:
        if design not in unique and (design.pv_kwp > 0 or pv > 0 or design == designs[0]):
            unique.append(design)
    return tuple(unique)


def representative_blocks(problem: SizingProblem, seed: int = 0) -> DayBlocks:
    """Representative days of the problem's year, chosen and weighted on the day costs of the
    :func:`probe_designs` (see :func:`cost_matched_representative_days`).

    Every probe is run over the whole year in daily-cyclic days with its design fixed (one LP
    each); a probe that cannot meet a hard heat demand is left out.
    """
    year = problem.year
    days = local_day_blocks(year.period_start_utc)
    costs = []
    for design in probe_designs(problem):
        try:
            result = solve_sizing(problem, days, fixed_design=design)
        except InfeasibleError:
            continue
        costs.append(result.operating_cost_by_block_eur)
    if not costs:
        raise InfeasibleError(
            "no probe design can meet the heat demand over the year",
            {"constraint_family": "heat_demand", "periods": []},
        )
    heat = np.asarray(year.heat_demand_kw, dtype=float)
    heat_per_day = np.add.reduceat(heat, days.starts)
    return cost_matched_representative_days(
        year.period_start_utc,
        np.column_stack(costs),
        problem.representative_day_count,
        peak_series=heat,
        extra_day_totals=heat_per_day[:, None],
        seed=seed,
    )


def profile_representative_blocks(problem: SizingProblem) -> DayBlocks:
    """Representative days clustered on hourly profiles (heat, spot, PV, temperature) and
    weighted by cluster size: the earlier method, kept for comparison."""
    year = problem.year
    return select_representative_days(
        year.period_start_utc,
        [
            year.heat_demand_kw,
            year.spot_price_eur_per_mwh,
            year.pv_yield_kw_per_kwp,
            year.outdoor_temperature_c,
        ],
        problem.representative_day_count,
        peak_series=np.asarray(year.heat_demand_kw, dtype=float),
    )


def solve_sizing(
    problem: SizingProblem,
    blocks: DayBlocks | None = None,
    fixed_design: HouseholdDesign | None = None,
    emissions_cap_kg: float | None = None,
    cost_weight: float = 1.0,
    emissions_weight_eur_per_kg: float | None = None,
    assumptions: tuple[str, ...] = (),
    choice: DiscreteChoice | None = None,
) -> SizingResult:
    """Size (or, with ``fixed_design``, evaluate) a household over weighted day blocks.

    Parameters
    ----------
    problem : SizingProblem
    blocks : DayBlocks, optional
        Day blocks with weights; default: :func:`representative_blocks`.
    fixed_design : HouseholdDesign, optional
        Evaluate this design instead of choosing one (operation is still optimal).
    emissions_cap_kg : float, optional
        ε-constraint on annual emissions [kg CO2/yr].
    cost_weight, emissions_weight_eur_per_kg : float
        Weighted objective α·cost + β·emissions; β defaults to the CO2 price / 1000.

    Raises
    ------
    InfeasibleError
        Heat demand cannot be met (``constraint_family = "heat_demand"``, hours listed) or the
        emissions cap is unreachable (``"emissions_cap"``).
    """
    blocks = representative_blocks(problem) if blocks is None else blocks
    program, columns, data = build_sizing_model(
        problem,
        blocks,
        fixed_design,
        emissions_cap_kg,
        cost_weight,
        emissions_weight_eur_per_kg,
        choice=choice,
    )
    solution = program.solve(problem.time_limit_s, relative_gap=1e-5)
    if not solution.is_feasible:
        _raise_infeasible(program, data)
    return extract_sizing_result(problem, blocks, data, columns, solution, assumptions)


def pareto_front(
    problem: SizingProblem,
    point_count: int = 5,
    blocks: DayBlocks | None = None,
    assumptions: tuple[str, ...] = (),
) -> tuple[ParetoPoint, ...]:
    """Cost–emissions Pareto front by the ε-constraint method.

    Notes
    -----
    1. min cost → (C*, E_max);  2. min emissions (+10⁻⁴·cost to break ties) → E_min;
    3. for ε_k evenly spaced in (E_min, E_max): min cost s.t. emissions ≤ ε_k.
    The CO2 price of the problem is ignored here (pure cost vs emissions).
    """
    if point_count < 2:
        raise ValidationError("pareto_points", "need at least 2 points")
    blocks = representative_blocks(problem) if blocks is None else blocks
    cheapest = solve_sizing(
        problem, blocks, emissions_weight_eur_per_kg=0.0, assumptions=assumptions
    )
    cleanest = solve_sizing(
        problem, blocks, cost_weight=1e-4, emissions_weight_eur_per_kg=1.0, assumptions=assumptions
    )
    e_max, e_min = cheapest.emissions_kg_co2, cleanest.emissions_kg_co2
    points = [ParetoPoint(None, cheapest)]
    for cap in np.linspace(e_max, e_min, point_count)[1:-1]:
        result = solve_sizing(
            problem,
            blocks,
            emissions_cap_kg=float(cap),
            emissions_weight_eur_per_kg=0.0,
            assumptions=assumptions,
        )
        points.append(ParetoPoint(float(cap), result))
    # Re-solve the cleanest point for its least cost at that emission level.
    tight = solve_sizing(
        problem,
        blocks,
        emissions_cap_kg=e_min + max(1e-6 * abs(e_min), 1e-3),
        emissions_weight_eur_per_kg=0.0,
        assumptions=assumptions,
    )
    points.append(ParetoPoint(float(e_min), tight))
    return tuple(points)
