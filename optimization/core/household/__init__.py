"""Household core (pure: no Django, no Celery): Danish bill, day-ahead/MPC schedule, sizing.

Public API (what the Django app calls):

* tariffs: :class:`TariffTable`, :func:`tariff_table_from_dict`, :func:`price_components`,
  :func:`compute_bill`, :class:`BillBreakdown`
* scheduling: :class:`ScheduleProblem` (+ :class:`HeatPumpUnit`, :class:`HotWaterTank`,
  :class:`BuildingModel`, :class:`Battery`, :class:`ElectricVehicle`, :class:`EvSession`),
  :func:`schedule_household`, :func:`replan_from_state`, :func:`needs_replan`,
  :class:`HouseholdState`, :class:`ScheduleResult`, :func:`simulate_heat_led`
* sizing: :class:`SizingProblem` (+ :class:`HouseholdYear`, :class:`EvDemand`),
  :class:`TechnologyCatalogue` (+ options), :func:`catalogue_from_dict`, :func:`solve_sizing`,
  :func:`pareto_front`, :func:`representative_blocks`, :class:`SizingResult`
* case files: :func:`sizing_case_from_dict`, :func:`schedule_case_from_dict`, :func:`load_series`
"""

from optimization.core.household.baseline import simulate_heat_led
from optimization.core.household.cases import (
    load_series,
    read_case,
    schedule_case_from_dict,
    sizing_case_from_dict,
)
from optimization.core.household.representative_days import (
    DayBlocks,
    local_day_blocks,
    select_representative_days,
    whole_horizon_block,
)
from optimization.core.household.scheduling import (
    Battery,
    BuildingModel,
    ElectricVehicle,
    EvSession,
    HeatPumpUnit,
    HotWaterTank,
    HouseholdState,
    ScheduleProblem,
    ScheduleResult,
    needs_replan,
    replan_from_state,
    schedule_household,
)
from optimization.core.household.sizing import (
    EvDemand,
    HouseholdDesign,
    HouseholdYear,
    ParetoPoint,
    SizingProblem,
    SizingResult,
    pareto_front,
    representative_blocks,
    solve_sizing,
)
from optimization.core.household.tariffs import (
    BillBreakdown,
    PriceComponents,
    TariffTable,
    compute_bill,
    price_components,
    tariff_table_from_dict,
)
from optimization.core.household.technology import (
    BatteryOption,
    EvChargerOption,
    HeatingCurve,
    HeatPumpOption,
    PvOption,
    TechnologyCatalogue,
    annuity_factor,
    catalogue_from_dict,
)

__all__ = [
    "Battery",
    "BatteryOption",
    "BillBreakdown",
    "BuildingModel",
    "DayBlocks",
    "ElectricVehicle",
    "EvChargerOption",
    "EvDemand",
    "EvSession",
    "HeatPumpOption",
    "HeatPumpUnit",
    "HeatingCurve",
    "HotWaterTank",
    "HouseholdDesign",
    "HouseholdState",
    "HouseholdYear",
    "ParetoPoint",
    "PriceComponents",
    "PvOption",
    "ScheduleProblem",
    "ScheduleResult",
    "SizingProblem",
    "SizingResult",
    "TariffTable",
    "TechnologyCatalogue",
    "annuity_factor",
    "catalogue_from_dict",
    "compute_bill",
    "load_series",
    "local_day_blocks",
    "needs_replan",
    "pareto_front",
    "price_components",
    "read_case",
    "replan_from_state",
    "representative_blocks",
    "schedule_case_from_dict",
    "schedule_household",
    "select_representative_days",
    "simulate_heat_led",
    "sizing_case_from_dict",
    "solve_sizing",
    "tariff_table_from_dict",
    "whole_horizon_block",
]
