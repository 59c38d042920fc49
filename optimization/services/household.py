"""Household sizing studies and day-ahead schedules: validated requests become jobs; the jobs'
runners load the stored data, call the pure core and store the results.

Requests check ownership first (another tenant's site or series reads as missing), then every
value, and write nothing when anything is wrong.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from django.db import transaction

from ainergy.common.errors import ValidationError
from ainergy.common.ids import global_id
from ainergy.common.timegrid import delivery_day_periods
from ainergy.jobs.services import JobContext, job_enqueue
from ainergy.timeseries.models import Series
from ainergy.timeseries.selectors import series_get
from optimization.core.household import (
    pareto_front,
    price_components,
    representative_blocks,
    schedule_household,
    solve_sizing,
    tariff_table_from_dict,
)
from optimization.core.household.cli import sizing_summary
from optimization.core.household.profiles import local_year_index
from optimization.core.household.scheduling import TERMINAL_MODES
from optimization.models import HouseholdSchedule, HouseholdSchedulePeriod, SizingStudy
from optimization.selectors.household import site_get, zone_public_series
from optimization.services.household_data import (
    battery_bounds_kwh,
    schedule_problem,
    site_household_assets,
    sizing_problem,
)
from optimization.services.household_tariffs import grid_company_get, household_tariff_table

SIZING_JOB_KIND = "household_sizing"
SCHEDULE_JOB_KIND = "household_schedule"
SCHEDULE_STEP_MINUTES = (15, 60)
SERIES_KINDS = {
    "temperature_series_id": "outdoor_temperature",
    "solar_irradiance_series_id": "solar_irradiance",
    "price_series_id": "day_ahead_price",
    "heat_demand_series_id": "heat_demand",
}
EV_FIELDS = (
    "daily_energy_kwh",
    "arrival_local_hour",
    "departure_local_hour",
    "alternative_charging_price_eur_per_kwh",
    "alternative_co2_intensity_g_per_kwh",
)
BUILDING_FIELDS = (
    "thermal_resistance_k_per_kw",
    "thermal_capacitance_kwh_per_k",
    "initial_indoor_temperature_c",
    "comfort_min_c",
    "comfort_max_c",
    "heat_gain_kw",
)


def _check_range(field: str, value: float | None, low: float, high: float) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(field, f"expected a number, got {value!r}")
    if not low <= value <= high:
        raise ValidationError(field, f"must be between {low:g} and {high:g}, got {value:g}")


def _jsonable(value: Any) -> Any:
    """Plain JSON values (dates as ISO strings) of a nested input."""
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _series(tenant, field: str, series_id: int | None) -> Series | None:
    """A series visible to the tenant (own or public) of the kind ``field`` needs."""
    if series_id is None:
        return None
    series = series_get(tenant, series_id)
    expected = SERIES_KINDS[field]
    if series.kind != expected:
        raise ValidationError(field, f"expected a {expected} series, got {series.kind}")
    return series


def _common_inputs(
    *,
    tenant,
    site_id: int,
    temperature_series_id: int,
    solar_irradiance_series_id: int,
    price_series_id: int | None,
    heat_demand_series_id: int | None,
    annual_heat_demand_kwh: float | None,
    household_electricity_kwh_per_year: float,
    tariff_table: Any,
    grid_company: str | None,
    export_fee_dkk_per_kwh: float,
    supplier_markup_dkk_per_kwh: float,
    tariff_year: int | None,
    co2_intensity_g_per_kwh: float | None,
    co2_price_eur_per_tonne: float,
    unserved_heat_penalty_eur_per_kwh: float | None,
    heat_source_required: bool,
) -> dict[str, Any]:
    """Ownership first (all as NotFound), then the values every household request shares."""
    site = site_get(tenant, site_id)
    series = {
        field: _series(tenant, field, series_id)
        for field, series_id in (
            ("temperature_series_id", temperature_series_id),
            ("solar_irradiance_series_id", solar_irradiance_series_id),
            ("price_series_id", price_series_id),
            ("heat_demand_series_id", heat_demand_series_id),
        )
    }
    if series["price_series_id"] is None:
        series["price_series_id"] = zone_public_series(site.bidding_zone, "day_ahead_price")
        if series["price_series_id"] is None:
            raise ValidationError(
                "price_series_id",
                f"no public day-ahead price series for zone {site.bidding_zone.code}; give one",
            )
    if heat_demand_series_id is not None and annual_heat_demand_kwh is not None:
        raise ValidationError(
            "annual_heat_demand_kwh", "give either heat_demand_series_id or annual_heat_demand_kwh"
        )
    if heat_source_required and heat_demand_series_id is None and annual_heat_demand_kwh is None:
        raise ValidationError(
            "heat_demand_series_id", "missing; give heat_demand_series_id or annual_heat_demand_kwh"
        )
    _check_range("annual_heat_demand_kwh", annual_heat_demand_kwh, 100.0, 1_000_000.0)
    _check_range(
        "household_electricity_kwh_per_year", household_electricity_kwh_per_year, 0.0, 100_000.0
    )
    _check_range("tariff_year", tariff_year, 2000, 2100)
    _check_range("co2_intensity_g_per_kwh", co2_intensity_g_per_kwh, 0.0, 2000.0)
    _check_range("co2_price_eur_per_tonne", co2_price_eur_per_tonne, 0.0, 10_000.0)
    _check_range(
        "unserved_heat_penalty_eur_per_kwh", unserved_heat_penalty_eur_per_kwh, 0.0, 1000.0
    )
    _check_range("export_fee_dkk_per_kwh", export_fee_dkk_per_kwh, 0.0, 10.0)
    _check_range("supplier_markup_dkk_per_kwh", supplier_markup_dkk_per_kwh, 0.0, 10.0)
    company = None
    if tariff_table is not None:
        if grid_company is not None:
            raise ValidationError("grid_company", "give either grid_company or tariff_table")
        table = _jsonable(tariff_table)
        tariff_table_from_dict(table)  # names the bad path, e.g. tariff_table.vat
    else:
        named = grid_company if grid_company is not None else site.grid_tariff_code
        if not named:
            raise ValidationError(
                "grid_company",
                f"site {site.name!r} names no grid company; name one for the site, or give "
                "grid_company or tariff_table",
            )
        company = grid_company_get(named)
        table = household_tariff_table(
            company,
            export_fee_dkk_per_kwh=export_fee_dkk_per_kwh,
            supplier_markup_dkk_per_kwh=supplier_markup_dkk_per_kwh,
        )
    return {
        "tenant": tenant,
        "site": site,
        "temperature_series": series["temperature_series_id"],
        "solar_irradiance_series": series["solar_irradiance_series_id"],
        "price_series": series["price_series_id"],
        "heat_demand_series": series["heat_demand_series_id"],
        "annual_heat_demand_kwh": annual_heat_demand_kwh,
        "household_electricity_kwh_per_year": household_electricity_kwh_per_year,
        "tariff_table": table,
        "grid_company": company,
        "export_fee_dkk_per_kwh": export_fee_dkk_per_kwh,
        "supplier_markup_dkk_per_kwh": supplier_markup_dkk_per_kwh,
        "tariff_year": tariff_year,
        "co2_intensity_g_per_kwh": co2_intensity_g_per_kwh,
        "co2_price_eur_per_tonne": co2_price_eur_per_tonne,
        "unserved_heat_penalty_eur_per_kwh": unserved_heat_penalty_eur_per_kwh,
    }


def _check_tariff_covers(inputs: Mapping[str, Any], index) -> None:
    """Every local date of the period has a valid rate (else names the list and the date;
    for a grid company's stored tariffs, the grid company and the missing charge)."""
    try:
        price_components(
            index,
            np.zeros(len(index)),
            tariff_table_from_dict(inputs["tariff_table"]),
            inputs["tariff_year"],
        )
    except ValidationError as error:
        company = inputs["grid_company"]
        if company is None:
            raise
        charge = error.field.removeprefix("tariff_table.")
        raise ValidationError(
            "grid_company",
            f"the stored tariffs of {company.name} ({company.code}) do not cover the period: "
            f"{charge}: {error.reason}",
        ) from None


def _validated_ev(ev: Mapping[str, Any] | None) -> dict[str, float] | None:
    if ev is None:
        return None
    missing = [key for key in EV_FIELDS if ev.get(key) is None]
    if missing:
        raise ValidationError(f"ev.{missing[0]}", "missing")
    _check_range("ev.daily_energy_kwh", ev["daily_energy_kwh"], 0.0, 200.0)
    for key in ("arrival_local_hour", "departure_local_hour"):
        _check_range(f"ev.{key}", ev[key], 0, 23)
        if int(ev[key]) != ev[key]:
            raise ValidationError(f"ev.{key}", "expected a whole hour")
    _check_range(
        "ev.alternative_charging_price_eur_per_kwh",
        ev["alternative_charging_price_eur_per_kwh"],
        0.0,
        10.0,
    )
    _check_range(
        "ev.alternative_co2_intensity_g_per_kwh",
        ev["alternative_co2_intensity_g_per_kwh"],
        0.0,
        2000.0,
    )
    result = {key: float(ev[key]) for key in EV_FIELDS}
    result["arrival_local_hour"] = int(ev["arrival_local_hour"])
    result["departure_local_hour"] = int(ev["departure_local_hour"])
    return result


@transaction.atomic
def sizing_study_request(
    *,
    tenant,
    site_id: int,
    year: int,
    temperature_series_id: int,
    solar_irradiance_series_id: int,
    tariff_table: Mapping[str, Any] | None = None,
    grid_company: str | None = None,
    export_fee_dkk_per_kwh: float = 0.0,
    supplier_markup_dkk_per_kwh: float = 0.0,
    price_series_id: int | None = None,
    heat_demand_series_id: int | None = None,
    annual_heat_demand_kwh: float | None = None,
    household_electricity_kwh_per_year: float = 4000.0,
    tariff_year: int | None = None,
    discount_rate_fraction: float = 0.04,
    heat_storage_kwh: float = 0.0,
    ev: Mapping[str, Any] | None = None,
    co2_intensity_g_per_kwh: float | None = None,
    co2_price_eur_per_tonne: float = 0.0,
    unserved_heat_penalty_eur_per_kwh: float | None = None,
    representative_day_count: int = 16,
    pareto_point_count: int = 5,
    created_by=None,
) -> SizingStudy:
    """Validate a sizing study and enqueue its job (kind ``household_sizing``, queue sizing)."""
    inputs = _common_inputs(
        tenant=tenant,
        site_id=site_id,
        temperature_series_id=temperature_series_id,
        solar_irradiance_series_id=solar_irradiance_series_id,
        price_series_id=price_series_id,
        heat_demand_series_id=heat_demand_series_id,
        annual_heat_demand_kwh=annual_heat_demand_kwh,
        household_electricity_kwh_per_year=household_electricity_kwh_per_year,
        tariff_table=tariff_table,
        grid_company=grid_company,
        export_fee_dkk_per_kwh=export_fee_dkk_per_kwh,
        supplier_markup_dkk_per_kwh=supplier_markup_dkk_per_kwh,
        tariff_year=tariff_year,
        co2_intensity_g_per_kwh=co2_intensity_g_per_kwh,
        co2_price_eur_per_tonne=co2_price_eur_per_tonne,
        unserved_heat_penalty_eur_per_kwh=unserved_heat_penalty_eur_per_kwh,
        heat_source_required=True,
    )
    _check_range("year", year, 2000, 2100)
    _check_range("discount_rate_fraction", discount_rate_fraction, 0.0, 0.3)
    _check_range("heat_storage_kwh", heat_storage_kwh, 0.0, 1000.0)
    _check_range("representative_day_count", representative_day_count, 2, 60)
    if pareto_point_count == 1 or not 0 <= pareto_point_count <= 10:
        raise ValidationError("pareto_point_count", "must be 0 (no front) or between 2 and 10")
    ev_demand = _validated_ev(ev)
    _check_tariff_covers(inputs, local_year_index(year))
    job = job_enqueue(
        tenant=tenant,
        kind=SIZING_JOB_KIND,
        parameters={"site_id": inputs["site"].pk, "year": year},
        created_by=created_by,
    )
    return SizingStudy.objects.create(
        job=job,
        year=year,
        discount_rate_fraction=discount_rate_fraction,
        heat_storage_kwh=heat_storage_kwh,
        ev=ev_demand,
        representative_day_count=representative_day_count,
        pareto_point_count=pareto_point_count,
        **inputs,
    )


def _validated_building(building: Mapping[str, Any] | None) -> dict[str, float] | None:
    if building is None:
        return None
    result = {"heat_gain_kw": 0.0}
    for key in BUILDING_FIELDS:
        value = building.get(key)
        if value is None:
            if key == "heat_gain_kw":
                continue
            raise ValidationError(f"building.{key}", "missing")
        result[key] = value
    _check_range(
        "building.thermal_resistance_k_per_kw", result["thermal_resistance_k_per_kw"], 0.01, 100.0
    )
    _check_range(
        "building.thermal_capacitance_kwh_per_k",
        result["thermal_capacitance_kwh_per_k"],
        0.1,
        1000.0,
    )
    for key in ("initial_indoor_temperature_c", "comfort_min_c", "comfort_max_c"):
        _check_range(f"building.{key}", result[key], 0.0, 40.0)
    _check_range("building.heat_gain_kw", result["heat_gain_kw"], 0.0, 100.0)
    if result["comfort_min_c"] >= result["comfort_max_c"]:
        raise ValidationError("building.comfort_max_c", "must be above comfort_min_c")
    return {key: float(value) for key, value in result.items()}


@transaction.atomic
def household_schedule_request(
    *,
    tenant,
    site_id: int,
    delivery_day: dt.date,
    temperature_series_id: int,
    solar_irradiance_series_id: int,
    tariff_table: Mapping[str, Any] | None = None,
    grid_company: str | None = None,
    export_fee_dkk_per_kwh: float = 0.0,
    supplier_markup_dkk_per_kwh: float = 0.0,
    step_minutes: int = 15,
    price_series_id: int | None = None,
    heat_demand_series_id: int | None = None,
    annual_heat_demand_kwh: float | None = None,
    household_electricity_kwh_per_year: float = 4000.0,
    tariff_year: int | None = None,
    building: Mapping[str, Any] | None = None,
    battery_initial_energy_kwh: float | None = None,
    battery_terminal_energy_kwh: float | None = None,
    battery_terminal_energy_mode: str = "at_least",
    heat_store_initial_energy_kwh: float | None = None,
    heat_store_terminal_energy_kwh: float | None = None,
    heat_store_terminal_energy_mode: str = "at_least",
    co2_intensity_g_per_kwh: float | None = None,
    co2_price_eur_per_tonne: float = 0.0,
    unserved_heat_penalty_eur_per_kwh: float | None = None,
    created_by=None,
) -> HouseholdSchedule:
    """Validate a day-ahead schedule request for the site's assets and enqueue its job."""
    inputs = _common_inputs(
        tenant=tenant,
        site_id=site_id,
        temperature_series_id=temperature_series_id,
        solar_irradiance_series_id=solar_irradiance_series_id,
        price_series_id=price_series_id,
        heat_demand_series_id=heat_demand_series_id,
        annual_heat_demand_kwh=annual_heat_demand_kwh,
        household_electricity_kwh_per_year=household_electricity_kwh_per_year,
        tariff_table=tariff_table,
        grid_company=grid_company,
        export_fee_dkk_per_kwh=export_fee_dkk_per_kwh,
        supplier_markup_dkk_per_kwh=supplier_markup_dkk_per_kwh,
        tariff_year=tariff_year,
        co2_intensity_g_per_kwh=co2_intensity_g_per_kwh,
        co2_price_eur_per_tonne=co2_price_eur_per_tonne,
        unserved_heat_penalty_eur_per_kwh=unserved_heat_penalty_eur_per_kwh,
        heat_source_required=building is None,
    )
    if step_minutes not in SCHEDULE_STEP_MINUTES:
        raise ValidationError("step_minutes", f"must be one of {SCHEDULE_STEP_MINUTES}")
    if not dt.date(2000, 1, 1) <= delivery_day <= dt.date(2100, 1, 1):
        raise ValidationError("delivery_day", "must be between 2000-01-01 and 2100-01-01")
    assets = site_household_assets(inputs["site"])
    if assets["heat_pump"] is None:
        raise ValidationError("site_id", "the site has no household heat pump")
    building_model = _validated_building(building)
    if building_model is None and assets["thermal_storage"] is None:
        raise ValidationError(
            "building", "missing; the site has no thermal storage, so give a building model"
        )
    if building_model is not None and (
        heat_demand_series_id is not None or annual_heat_demand_kwh is not None
    ):
        raise ValidationError(
            "building", "a building model derives heat from temperatures; drop the heat demand"
        )
    for field, mode in (
        ("battery_terminal_energy_mode", battery_terminal_energy_mode),
        ("heat_store_terminal_energy_mode", heat_store_terminal_energy_mode),
    ):
        if mode not in TERMINAL_MODES:
            raise ValidationError(field, f"must be one of {', '.join(TERMINAL_MODES)}")
    for field, value in (
        ("battery_initial_energy_kwh", battery_initial_energy_kwh),
        ("battery_terminal_energy_kwh", battery_terminal_energy_kwh),
    ):
        if value is not None:
            if assets["battery"] is None:
                raise ValidationError(field, "the site has no battery")
            low, high = battery_bounds_kwh(assets["battery"])
            _check_range(field, value, low, high)
    for field, value in (
        ("heat_store_initial_energy_kwh", heat_store_initial_energy_kwh),
        ("heat_store_terminal_energy_kwh", heat_store_terminal_energy_kwh),
    ):
        if value is not None:
            if building_model is not None:
                raise ValidationError(
                    field,
                    "not used with a building model (give building.initial_indoor_temperature_c)",
                )
            capacity = assets["thermal_storage"].capacity_kwh
            _check_range(field, value, 0.0, capacity)
    _check_tariff_covers(inputs, delivery_day_periods(delivery_day, 60))
    job = job_enqueue(
        tenant=tenant,
        kind=SCHEDULE_JOB_KIND,
        parameters={"site_id": inputs["site"].pk, "delivery_day": delivery_day.isoformat()},
        created_by=created_by,
    )
    return HouseholdSchedule.objects.create(
        job=job,
        delivery_day=delivery_day,
        step_minutes=step_minutes,
        building=building_model,
        battery_initial_energy_kwh=battery_initial_energy_kwh,
        battery_terminal_energy_kwh=battery_terminal_energy_kwh,
        battery_terminal_energy_mode=battery_terminal_energy_mode,
        heat_store_initial_energy_kwh=heat_store_initial_energy_kwh,
        heat_store_terminal_energy_kwh=heat_store_terminal_energy_kwh,
        heat_store_terminal_energy_mode=heat_store_terminal_energy_mode,
        **inputs,
    )


def _round(value: float, digits: int = 4) -> float:
    return float(round(float(value), digits))


def sizing_study_run(context: JobContext) -> dict[str, Any]:
    """Runner of ``household_sizing`` jobs: data → representative days → MILP → Pareto front."""
    study = SizingStudy.objects.select_related(
        "site__bidding_zone",
        "tenant",
        "temperature_series",
        "solar_irradiance_series",
        "price_series",
        "heat_demand_series",
        "grid_company",
    ).get(job_id=context.job.pk, tenant_id=context.job.tenant_id)
    context.report_progress(0.05, "loading a year of weather, prices and heat data")
    problem, notes = sizing_problem(study)
    context.report_progress(0.2, "selecting representative days")
    blocks = representative_blocks(problem)
    context.report_progress(0.3, f"sizing on {len(blocks.dates)} representative days")
    notes.append(blocks.description)
    result = solve_sizing(problem, blocks, assumptions=tuple(notes))
    summary = sizing_summary(result)
    front = []
    if study.pareto_point_count >= 2:
        context.report_progress(0.5, f"Pareto front: {study.pareto_point_count} points")
        front = [
            {
                "emissions_cap_kg_co2": None
                if point.emissions_cap_kg_co2 is None
                else _round(point.emissions_cap_kg_co2, 1),
                "total_cost_eur_per_year": _round(point.result.total_cost_eur, 2),
                "emissions_kg_co2_per_year": _round(point.result.emissions_kg_co2, 1),
                "design": sizing_summary(point.result)["design"],
            }
            for point in pareto_front(problem, study.pareto_point_count, blocks)
        ]
    context.report_progress(0.95, "storing results")
    study.design = summary["design"]
    study.annual_cost_eur = summary["annual_cost_eur"]
    study.annual_energy_kwh = summary["annual_energy_kwh"]
    study.emissions_kg_co2_per_year = summary["emissions_kg_co2_per_year"]
    study.pareto_front = front
    study.representative_days = [
        {"local_day": day.isoformat(), "weight_days": float(weight)}
        for day, weight in zip(blocks.dates, blocks.weights, strict=True)
    ]
    study.assumptions = notes
    study.save(
        update_fields=[
            "design",
            "annual_cost_eur",
            "annual_energy_kwh",
            "emissions_kg_co2_per_year",
            "pareto_front",
            "representative_days",
            "assumptions",
        ]
    )
    return {
        "sizing_study_id": global_id(study),
        "heat_pump": summary["design"]["heat_pump"],
        "total_cost_eur_per_year": summary["annual_cost_eur"]["total"],
        "pareto_points": len(front),
    }


@transaction.atomic
def _store_schedule(schedule: HouseholdSchedule, problem, result, notes: list[str]) -> None:
    prices = problem.prices
    import_price = prices.import_eur_per_kwh
    export_price = prices.export_eur_per_kwh
    step_h = result.step_h
    bill_dkk = result.bill_periods.in_dkk()
    rows = []
    for i, start in enumerate(result.period_start_utc):
        rows.append(
            HouseholdSchedulePeriod(
                tenant_id=schedule.tenant_id,
                schedule=schedule,
                start_at=start.to_pydatetime(),
                heat_pump_power_kw=_round(result.heat_pump_power_kw[i]),
                heat_pump_heat_kw=_round(result.heat_pump_heat_kw[i]),
                backup_heater_power_kw=_round(result.backup_heater_power_kw[i]),
                pv_used_kw=_round(result.pv_used_kw[i]),
                battery_charge_kw=_round(result.battery_charge_kw[i]),
                battery_discharge_kw=_round(result.battery_discharge_kw[i]),
                battery_energy_kwh=_round(result.battery_energy_kwh[i]),
                ev_charge_kw=_round(result.ev_charge_kw[i]),
                grid_import_kw=_round(result.grid_import_kw[i]),
                grid_export_kw=_round(result.grid_export_kw[i]),
                tank_energy_kwh=None
                if result.tank_energy_kwh is None
                else _round(result.tank_energy_kwh[i]),
                indoor_temperature_c=None
                if result.indoor_temperature_c is None
                else _round(result.indoor_temperature_c[i]),
                unserved_heat_kw=_round(result.unserved_heat_kw[i]),
                import_price_eur_per_kwh=_round(import_price[i], 6),
                export_price_eur_per_kwh=_round(export_price[i], 6),
                cost_eur=_round(
                    step_h
                    * (
                        result.grid_import_kw[i] * import_price[i]
                        - result.grid_export_kw[i] * export_price[i]
                    ),
                    6,
                ),
                spot_dkk=_round(bill_dkk["spot"][i], 6),
                supplier_markup_dkk=_round(bill_dkk["supplier_markup"][i], 6),
                dso_tariff_dkk=_round(bill_dkk["dso_tariff"][i], 6),
                energinet_tariff_dkk=_round(bill_dkk["energinet_tariff"][i], 6),
                electricity_tax_dkk=_round(bill_dkk["electricity_tax"][i], 6),
                vat_dkk=_round(bill_dkk["vat"][i], 6),
                export_revenue_dkk=_round(bill_dkk["export_revenue"][i], 6),
                cost_dkk=_round(bill_dkk["total"][i], 6),
            )
        )
    # A re-run after a crashed worker replaces what the first attempt wrote.
    HouseholdSchedulePeriod.objects.filter(schedule=schedule).delete()
    HouseholdSchedulePeriod.objects.bulk_create(rows)
    bill = result.bill
    schedule.period_count = len(rows)
    schedule.cost_eur = {
        "energy": _round(bill.energy_eur),
        "tariffs": _round(bill.tariffs_eur),
        "taxes": _round(bill.taxes_eur),
        "export_revenue": _round(bill.export_revenue_eur),
        "total": _round(bill.total_eur),
    }
    schedule.cost_dkk = {key: _round(value) for key, value in bill.in_dkk().items()}
    schedule.total_cost_eur = _round(bill.total_eur)
    schedule.emissions_kg_co2 = _round(result.emissions_kg_co2, 3)
    schedule.unserved_heat_kwh = _round(result.unserved_heat_kwh)
    schedule.storage_formulation = result.formulation
    schedule.binary_period_count = len(result.binary_periods)
    schedule.assumptions = [*notes, *result.assumptions]
    schedule.save(
        update_fields=[
            "period_count",
            "cost_eur",
            "cost_dkk",
            "storage_formulation",
            "binary_period_count",
            "total_cost_eur",
            "emissions_kg_co2",
            "unserved_heat_kwh",
            "assumptions",
        ]
    )


def household_schedule_run(context: JobContext) -> dict[str, Any]:
    """Runner of ``household_schedule`` jobs: site assets + day data → LP → stored periods."""
    schedule = HouseholdSchedule.objects.select_related(
        "site__bidding_zone",
        "tenant",
        "temperature_series",
        "solar_irradiance_series",
        "price_series",
        "heat_demand_series",
        "grid_company",
    ).get(job_id=context.job.pk, tenant_id=context.job.tenant_id)
    context.report_progress(0.1, "loading the delivery day's data and the site's assets")
    problem, notes = schedule_problem(schedule)
    context.report_progress(0.4, f"optimising {len(problem.period_start_utc)} periods")
    result = schedule_household(problem)
    context.report_progress(0.9, "storing the schedule")
    _store_schedule(schedule, problem, result, notes)
    return {
        "household_schedule_id": global_id(schedule),
        "periods": schedule.period_count,
        "total_cost_eur": schedule.total_cost_eur,
    }
