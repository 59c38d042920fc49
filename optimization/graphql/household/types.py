from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.assets.graphql.types import SiteType
from ainergy.common.timegrid import LOCAL_TZ
from ainergy.graphql.context import scope_to_tenant
from ainergy.jobs.graphql.types import JobType
from optimization import models


@strawberry.type
class HouseholdDesign:
    heat_pump: str
    pv_kwp: float
    battery_energy_kwh: float
    battery_power_kw: float
    has_ev_charger: bool


@strawberry.type
class AnnualCost:
    """Annual cost split [EUR/yr]; ``capexByComponent`` is annualised investment + fixed O&M."""

    capex_total_eur: float
    capex_by_component_eur: JSON
    energy_eur: float
    tariffs_eur: float
    dso_tariff_eur: float
    energinet_tariff_eur: float
    taxes_eur: float
    electricity_tax_eur: float
    vat_eur: float
    export_revenue_eur: float
    ev_charging_elsewhere_eur: float
    unserved_heat_penalty_eur: float
    total_eur: float


@strawberry.type
class SizingParetoPoint:
    emissions_cap_kg_co2: float | None
    total_cost_eur_per_year: float
    emissions_kg_co2_per_year: float
    design: HouseholdDesign


@strawberry.type
class RepresentativeDay:
    local_day: dt.date
    weight_days: float


@strawberry.type
class ScheduleCost:
    """Bill of the delivery day [EUR]; ``total`` is net of export revenue."""

    energy_eur: float
    tariffs_eur: float
    taxes_eur: float
    export_revenue_eur: float
    total_eur: float


@strawberry.type
class SeriesReference:
    """A series a request named (read its values with ``seriesValues(seriesId: id)``)."""

    id: relay.GlobalID
    key: str
    kind: str
    unit: str
    resolution_minutes: int


def _series_field(name: str, optional: bool = False):
    """The series in ``name``, joined in the page query.

    Not a ``Series`` node: ``SeriesType.get_queryset`` calls ``visible_to``, which the
    optimizer's related querysets lack.
    """

    def resolve(root) -> SeriesReference | None:
        series = getattr(root, name)
        if series is None:
            return None
        return SeriesReference(
            id=relay.GlobalID("Series", str(series.pk)),
            key=series.key,
            kind=series.kind,
            unit=series.unit,
            resolution_minutes=series.resolution_minutes,
        )

    resolve.__annotations__["return"] = SeriesReference | None if optional else SeriesReference
    return strawberry_django.field(resolver=resolve, select_related=[name], only=[f"{name}_id"])


def _design(data: dict | None) -> HouseholdDesign | None:
    return None if data is None else HouseholdDesign(**data)


@strawberry_django.type(models.SizingStudy, name="SizingStudy")
class SizingStudyType(relay.Node):
    site: SiteType
    job: JobType
    year: auto
    temperature_series = _series_field("temperature_series")
    solar_irradiance_series = _series_field("solar_irradiance_series")
    price_series = _series_field("price_series")
    heat_demand_series = _series_field("heat_demand_series", optional=True)
    annual_heat_demand_kwh: auto
    household_electricity_kwh_per_year: auto
    tariff_table: JSON
    tariff_year: auto
    discount_rate_fraction: auto
    heat_storage_kwh: auto
    ev: JSON | None
    co2_intensity_g_per_kwh: auto
    co2_price_eur_per_tonne: auto
    unserved_heat_penalty_eur_per_kwh: auto
    representative_day_count: auto
    pareto_point_count: auto
    emissions_kg_co2_per_year: auto
    annual_energy_kwh: JSON | None
    assumptions: list[str]
    created_at: auto

    @strawberry_django.field(only=["design"])
    def design(self, root: models.SizingStudy) -> HouseholdDesign | None:
        """The chosen equipment (null until the job has succeeded)."""
        return _design(root.design)

    @strawberry_django.field(only=["annual_cost_eur"])
    def annual_cost(self, root: models.SizingStudy) -> AnnualCost | None:
        cost = root.annual_cost_eur
        if cost is None:
            return None
        capex = dict(cost["capex"])
        return AnnualCost(
            capex_total_eur=capex.pop("total"),
            capex_by_component_eur=capex,
            energy_eur=cost["energy"],
            tariffs_eur=cost["tariffs"],
            dso_tariff_eur=cost["dso_tariff"],
            energinet_tariff_eur=cost["energinet_tariff"],
            taxes_eur=cost["taxes"],
            electricity_tax_eur=cost["electricity_tax"],
            vat_eur=cost["vat"],
            export_revenue_eur=cost["export_revenue"],
            ev_charging_elsewhere_eur=cost["ev_charging_elsewhere"],
            unserved_heat_penalty_eur=cost["unserved_heat_penalty"],
            total_eur=cost["total"],
        )

    @strawberry_django.field(only=["pareto_front"])
    def pareto_front(self, root: models.SizingStudy) -> list[SizingParetoPoint]:
        """Cost vs emissions by ε-constraint, cheapest first."""
        return [
            SizingParetoPoint(
                emissions_cap_kg_co2=point["emissions_cap_kg_co2"],
                total_cost_eur_per_year=point["total_cost_eur_per_year"],
                emissions_kg_co2_per_year=point["emissions_kg_co2_per_year"],
                design=HouseholdDesign(**point["design"]),
            )
            for point in root.pareto_front
        ]

    @strawberry_django.field(only=["representative_days"])
    def representative_days(self, root: models.SizingStudy) -> list[RepresentativeDay]:
        return [
            RepresentativeDay(
                local_day=dt.date.fromisoformat(day["local_day"]), weight_days=day["weight_days"]
            )
            for day in root.representative_days
        ]

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.HouseholdSchedulePeriod, name="HouseholdSchedulePeriod")
class HouseholdSchedulePeriodType(relay.Node):
    start_at: auto
    heat_pump_power_kw: auto
    heat_pump_heat_kw: auto
    backup_heater_power_kw: auto
    pv_used_kw: auto
    battery_charge_kw: auto
    battery_discharge_kw: auto
    battery_energy_kwh: auto
    ev_charge_kw: auto
    grid_import_kw: auto
    grid_export_kw: auto
    tank_energy_kwh: auto
    indoor_temperature_c: auto
    unserved_heat_kw: auto
    import_price_eur_per_kwh: auto
    export_price_eur_per_kwh: auto
    cost_eur: auto

    @strawberry_django.field(only=["start_at"])
    def start_local(self, root: models.HouseholdSchedulePeriod) -> str:
        """Start on the Europe/Copenhagen clock, ISO 8601 with its UTC offset."""
        return root.start_at.astimezone(LOCAL_TZ).isoformat()

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.filter_type(models.HouseholdSchedule, lookups=False)
class HouseholdScheduleFilter:
    delivery_day: auto


@strawberry_django.type(
    models.HouseholdSchedule, name="HouseholdSchedule", filters=HouseholdScheduleFilter
)
class HouseholdScheduleType(relay.Node):
    site: SiteType
    job: JobType
    delivery_day: auto
    step_minutes: auto
    temperature_series = _series_field("temperature_series")
    solar_irradiance_series = _series_field("solar_irradiance_series")
    price_series = _series_field("price_series")
    heat_demand_series = _series_field("heat_demand_series", optional=True)
    annual_heat_demand_kwh: auto
    household_electricity_kwh_per_year: auto
    tariff_table: JSON
    tariff_year: auto
    building: JSON | None
    battery_initial_energy_kwh: auto
    heat_store_initial_energy_kwh: auto
    co2_intensity_g_per_kwh: auto
    co2_price_eur_per_tonne: auto
    unserved_heat_penalty_eur_per_kwh: auto
    period_count: auto
    total_cost_eur: auto
    emissions_kg_co2: auto
    unserved_heat_kwh: auto
    assumptions: list[str]
    created_at: auto
    periods: list[HouseholdSchedulePeriodType]

    @strawberry_django.field(only=["cost_eur"])
    def cost(self, root: models.HouseholdSchedule) -> ScheduleCost | None:
        cost = root.cost_eur
        if cost is None:
            return None
        return ScheduleCost(
            energy_eur=cost["energy"],
            tariffs_eur=cost["tariffs"],
            taxes_eur=cost["taxes"],
            export_revenue_eur=cost["export_revenue"],
            total_eur=cost["total"],
        )

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)
