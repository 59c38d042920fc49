"""``python -m optimization {size,schedule} CASE.json``: print the result as JSON.

Errors print ``{"error": code, "message": ..., "extra": {...}}`` to stderr and exit with 2
(bad case: validation) or 3 (infeasible or other domain failure).
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import TYPE_CHECKING, Any

from ainergy.common.errors import ApplicationError, ValidationError

if TYPE_CHECKING:  # the heavy modules load only for the command that needs them
    from optimization.core.household.scheduling import ScheduleResult
    from optimization.core.household.sizing import SizingResult

USAGE = "usage: python -m optimization {size,schedule} CASE.json"


def _round(value: float, digits: int = 4) -> float:
    return float(round(float(value), digits))


def sizing_summary(result: SizingResult) -> dict[str, Any]:
    """JSON-ready design, annual cost split [EUR/yr] and emissions [kg CO2/yr]."""
    bill = result.bill
    capex = {key: _round(value, 2) for key, value in result.capex_eur_per_year.items()}
    capex["total"] = _round(result.capex_total_eur, 2)
    return {
        "design": {
            "heat_pump": result.design.heat_pump_name,
            "pv_kwp": _round(result.design.pv_kwp, 3),
            "battery_energy_kwh": _round(result.design.battery_energy_kwh, 3),
            "battery_power_kw": _round(result.design.battery_power_kw, 3),
            "has_ev_charger": result.design.has_ev_charger,
        },
        "annual_cost_eur": {
            "capex": capex,
            "energy": _round(bill.energy_eur, 2),
            "tariffs": _round(bill.tariffs_eur, 2),
            "dso_tariff": _round(bill.dso_tariff_eur, 2),
            "energinet_tariff": _round(bill.energinet_tariff_eur, 2),
            "taxes": _round(bill.taxes_eur, 2),
            "electricity_tax": _round(bill.electricity_tax_eur, 2),
            "vat": _round(bill.vat_eur, 2),
            "export_revenue": _round(bill.export_revenue_eur, 2),
            "ev_charging_elsewhere": _round(result.ev_alternative_charging_eur, 2),
            "unserved_heat_penalty": _round(result.penalties_eur, 2),
            "total": _round(result.total_cost_eur, 2),
        },
        "annual_energy_kwh": {
            "grid_import": _round(bill.import_energy_kwh, 1),
            "grid_export": _round(bill.export_energy_kwh, 1),
            "heat_pump_heat": _round(result.heat_pump_heat_kwh, 1),
            "backup_heat": _round(result.backup_heat_kwh, 1),
            "unserved_heat": _round(result.unserved_heat_kwh, 1),
        },
        "emissions_kg_co2_per_year": _round(result.emissions_kg_co2, 1),
        "solve_time_s": _round(result.solve_time_s, 3),
    }


def run_size(case_path: str) -> dict[str, Any]:
    from optimization.core.household.cases import read_case, sizing_case_from_dict
    from optimization.core.household.sizing import pareto_front, representative_blocks, solve_sizing

    data, base_dir = read_case(case_path)
    started = time.perf_counter()
    case = sizing_case_from_dict(data, base_dir)
    prepared = time.perf_counter()
    blocks = representative_blocks(case.problem)
    result = solve_sizing(case.problem, blocks, assumptions=case.assumptions)
    front = (
        pareto_front(case.problem, case.pareto_point_count, blocks)
        if case.pareto_point_count >= 2
        else ()
    )
    finished = time.perf_counter()
    output = {"command": "size", **sizing_summary(result)}
    output["co2_price_eur_per_tonne"] = case.problem.co2_price_eur_per_tonne
    output["pareto_front"] = [
        {
            "emissions_cap_kg_co2": None
            if p.emissions_cap_kg_co2 is None
            else _round(p.emissions_cap_kg_co2, 1),
            "total_cost_eur_per_year": _round(p.result.total_cost_eur, 2),
            "emissions_kg_co2_per_year": _round(p.result.emissions_kg_co2, 1),
            "design": sizing_summary(p.result)["design"],
        }
        for p in front
    ]
    output["representative_days"] = [
        {"local_day": day.isoformat(), "weight_days": float(weight)}
        for day, weight in zip(blocks.dates, blocks.weights, strict=True)
    ]
    output["timing_s"] = {
        "data": _round(prepared - started, 3),
        "optimisation": _round(finished - prepared, 3),
    }
    output["assumptions"] = [*case.assumptions, blocks.description]
    return output


def _bill_dkk(items: dict[str, float], digits: int = 4) -> dict[str, float]:
    return {key: _round(value, digits) for key, value in items.items()}


def schedule_summary(result: ScheduleResult) -> dict[str, Any]:
    """JSON-ready cost split [EUR and DKK], the formulation used and the per-period schedule."""
    period_dkk = (
        result.bill_periods.in_dkk()
        if result.bill_periods is not None and result.bill.exchange_rate_dkk_per_eur
        else None
    )
    rows = []
    for i, start in enumerate(result.period_start_utc):
        row = {
            "start_utc": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "grid_import_kw": _round(result.grid_import_kw[i]),
            "grid_export_kw": _round(result.grid_export_kw[i]),
            "heat_pump_power_kw": _round(result.heat_pump_power_kw[i]),
            "heat_pump_heat_kw": _round(result.heat_pump_heat_kw[i]),
            "backup_heater_power_kw": _round(result.backup_heater_power_kw[i]),
            "pv_used_kw": _round(result.pv_used_kw[i]),
            "battery_charge_kw": _round(result.battery_charge_kw[i]),
            "battery_discharge_kw": _round(result.battery_discharge_kw[i]),
            "battery_energy_kwh": _round(result.battery_energy_kwh[i]),
            "ev_charge_kw": _round(result.ev_charge_kw[i]),
        }
        if result.ev_discharge_kw is not None:
            row["ev_discharge_kw"] = _round(result.ev_discharge_kw[i])
        if result.tank_energy_kwh is not None:
            row["tank_energy_kwh"] = _round(result.tank_energy_kwh[i])
        if result.indoor_temperature_c is not None:
            row["indoor_temperature_c"] = _round(result.indoor_temperature_c[i])
        if result.unserved_heat_kw.any():
            row["unserved_heat_kw"] = _round(result.unserved_heat_kw[i])
        if period_dkk is not None:
            row["bill_dkk"] = {key: _round(values[i], 6) for key, values in period_dkk.items()}
        rows.append(row)
    bill = result.bill
    summary = {
        "periods": len(rows),
        "step_h": result.step_h,
        "cost_eur": {
            "energy": _round(bill.energy_eur),
            "tariffs": _round(bill.tariffs_eur),
            "taxes": _round(bill.taxes_eur),
            "export_revenue": _round(bill.export_revenue_eur),
            "total": _round(bill.total_eur),
        },
    }
    if bill.exchange_rate_dkk_per_eur:
        summary["cost_dkk"] = _bill_dkk(bill.in_dkk())
        summary["exchange_rate_dkk_per_eur"] = bill.exchange_rate_dkk_per_eur
    summary.update(
        {
            "penalties_eur": _round(result.penalties_eur),
            "unserved_heat_kwh": _round(result.unserved_heat_kwh),
            "emissions_kg_co2": _round(result.emissions_kg_co2, 3),
            "grid_import_kwh": _round(bill.import_energy_kwh, 3),
            "storage": {
                "formulation": result.formulation,
                "binary_period_count": len(result.binary_periods),
                "binary_periods_utc": [
                    result.period_start_utc[p].strftime("%Y-%m-%dT%H:%M:%SZ")
                    for p in result.binary_periods
                ],
                "solve_count": result.solve_count,
                "max_charge_discharge_overlap_kw": _round(result.max_storage_overlap_kw, 9),
            },
            "solve_time_s": _round(result.solve_time_s, 3),
            "schedule": rows,
        }
    )
    if result.state_alignment:
        summary["state_alignment"] = result.state_alignment
    return summary


def run_schedule(case_path: str) -> dict[str, Any]:
    from optimization.core.household.cases import read_case, schedule_case_from_dict
    from optimization.core.household.scheduling import replan_from_state, schedule_household

    data, base_dir = read_case(case_path)
    case = schedule_case_from_dict(data, base_dir)
    if case.state is None:
        result = schedule_household(case.problem)
    else:
        result = replan_from_state(case.problem, case.state)
    return {
        "command": "schedule",
        "is_replan": case.state is not None,
        **schedule_summary(result),
        "assumptions": [*case.assumptions, *result.assumptions],
    }


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _fail(code: str, message: str, extra: dict[str, Any]) -> None:
    payload = {"error": code, "message": message, "extra": extra}
    print(json.dumps(payload, default=_json_default, ensure_ascii=False), file=sys.stderr)


def main(argv: list[str]) -> int:
    """Entry point; ``argv[0]`` is the subcommand, ``argv[1]`` the case file.

    Exit codes: 0 ok, 2 bad case (``VALIDATION_ERROR`` naming the JSON path), 3 infeasible or
    another domain failure, 1 an unexpected error (still a JSON line, no traceback unless
    ``AINERGY_DEBUG`` is set).
    """
    if len(argv) != 2 or argv[0] not in ("size", "schedule"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        output = run_size(argv[1]) if argv[0] == "size" else run_schedule(argv[1])
    except ApplicationError as error:
        _fail(error.code, error.message, error.extra)
        return 2 if isinstance(error, ValidationError) else 3
    except Exception as error:  # noqa: BLE001 — the CLI never prints a traceback to users
        if os.environ.get("AINERGY_DEBUG"):
            raise
        _fail("INTERNAL_ERROR", f"{type(error).__name__}: {error}", {})
        return 1
    print(json.dumps(output, indent=2, default=_json_default, ensure_ascii=False))
    return 0
