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

Names load lazily (PEP 562): importing the package costs nothing until a name is used, so
``python -m optimization schedule`` does not pay for pvlib or the sizing model.
"""

from __future__ import annotations

import importlib
from typing import Any

_MODULE_OF = {
    "Battery": "scheduling",
    "BatteryOption": "technology",
    "BillBreakdown": "tariffs",
    "BuildingModel": "scheduling",
    "DayBlocks": "representative_days",
    "ElectricVehicle": "scheduling",
    "EvChargerOption": "technology",
    "EvDemand": "sizing",
    "EvSession": "scheduling",
    "HeatPumpOption": "technology",
    "HeatPumpUnit": "scheduling",
    "HeatingCurve": "technology",
    "HotWaterTank": "scheduling",
    "HourlyRate": "tariffs",
    "HouseholdDesign": "sizing",
    "HouseholdState": "scheduling",
    "HouseholdYear": "sizing",
    "ParetoPoint": "sizing",
    "PeriodBill": "tariffs",
    "PriceComponents": "tariffs",
    "PvOption": "technology",
    "ScheduleProblem": "scheduling",
    "ScheduleResult": "scheduling",
    "SizingProblem": "sizing",
    "SizingResult": "sizing",
    "TariffTable": "tariffs",
    "TechnologyCatalogue": "technology",
    "annuity_factor": "technology",
    "bill_by_period": "tariffs",
    "binding_periods": "scheduling",
    "catalogue_from_dict": "technology",
    "compute_bill": "tariffs",
    "load_series": "cases",
    "local_day_blocks": "representative_days",
    "needs_replan": "scheduling",
    "pareto_front": "sizing",
    "price_components": "tariffs",
    "read_case": "cases",
    "replan_from_state": "scheduling",
    "representative_blocks": "sizing",
    "schedule_case_from_dict": "cases",
    "schedule_household": "scheduling",
    "select_representative_days": "representative_days",
    "simulate_heat_led": "baseline",
    "sizing_case_from_dict": "cases",
    "solve_sizing": "sizing",
    "tariff_table_from_dict": "tariffs",
    "whole_horizon_block": "representative_days",
}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
