from __future__ import annotations

import dataclasses
import datetime as dt

import strawberry
import strawberry_django
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.assets.graphql.types import SiteType
from ainergy.common.timegrid import LOCAL_TZ
from ainergy.graphql.context import scope_to_tenant
from ainergy.jobs.graphql.types import JobType
from ainergy.timeseries.graphql.enums import SeriesKindEnum
from optimization import models
from optimization.graphql.household.enums import StorageFormulationEnum, TerminalEnergyModeEnum


@strawberry.type
class HouseholdDesign:
    heat_pump: str
    pv_kwp: float
    battery_energy_kwh: float
    battery_power_kw: float
    has_ev_charger: bool


@strawberry.type(description="Annualised investment and fixed O&M of one component [EUR/yr].")
class ComponentCost:
    component: str = strawberry.field(
        description="Component as the sizing names it (heat_pump, pv, battery, ev_charger, ...)."
    )
    cost_eur_per_year: float = strawberry.field(description="Annual cost [EUR/yr].")


@strawberry.type(description="Energy flows of the chosen design over the year [kWh/yr].")
class AnnualEnergy:
    grid_import_kwh: float = strawberry.field(description="Electricity bought [kWh/yr].")
    grid_export_kwh: float = strawberry.field(description="Electricity sold [kWh/yr].")
    heat_pump_heat_kwh: float = strawberry.field(description="Heat from the heat pump [kWh/yr].")
    backup_heat_kwh: float = strawberry.field(description="Heat from backup heating [kWh/yr].")
    unserved_heat_kwh: float = strawberry.field(description="Heat demand not met [kWh/yr].")


@strawberry.type(description="The car's daily need as requested.")
class EvDemand:
    daily_energy_kwh: float = strawberry.field(description="Energy needed per day [kWh].")
    arrival_local_hour: int = strawberry.field(description="Arrives home (local hour, 0-23).")
    departure_local_hour: int = strawberry.field(description="Leaves (local hour, 0-23).")
    alternative_charging_price_eur_per_kwh: float = strawberry.field(
        description="Price of charging elsewhere [EUR/kWh]."
    )
    alternative_co2_intensity_g_per_kwh: float = strawberry.field(
        description="Emissions of charging elsewhere [g CO2/kWh]."
    )


@strawberry.type(description="First-order (1R1C) building with an indoor comfort band.")
class Building:
    thermal_resistance_k_per_kw: float = strawberry.field(
        description="Envelope thermal resistance [K/kW]."
    )
    thermal_capacitance_kwh_per_k: float = strawberry.field(
        description="Thermal capacitance [kWh/K]."
    )
    initial_indoor_temperature_c: float = strawberry.field(
        description="Indoor temperature at the start [°C]."
    )
    comfort_min_c: float = strawberry.field(description="Lowest indoor temperature [°C].")
    comfort_max_c: float = strawberry.field(description="Highest indoor temperature [°C].")
    heat_gain_kw: float = strawberry.field(description="Internal and solar gains [kW].")


def _typed(cls, data):
    if not data:
        return None
    names = {f.name for f in dataclasses.fields(cls)}
    return cls(**{key: value for key, value in data.items() if key in names})


@strawberry.type
class AnnualCost:
    """Annual cost split [EUR/yr]; ``capexByComponent`` is annualised investment + fixed O&M."""

    capex_total_eur: float
    capex_by_component: list[ComponentCost]
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


@strawberry.type(
    description="Who gets the money of a bill [DKK]: spot + supplier markup + DSO tariff + "
    "Energinet tariffs + elafgift + VAT − export revenue = total."
)
class BillSplitDkk:
    spot_dkk: float = strawberry.field(description="Day-ahead spot price of the energy [DKK].")
    supplier_markup_dkk: float = strawberry.field(description="Supplier's markup [DKK].")
    dso_tariff_dkk: float = strawberry.field(description="Grid company's tariff [DKK].")
    energinet_tariff_dkk: float = strawberry.field(
        description="Energinet transmission and system tariffs [DKK]."
    )
    electricity_tax_dkk: float = strawberry.field(description="Elafgift [DKK].")
    vat_dkk: float = strawberry.field(description="VAT (moms) [DKK].")
    export_revenue_dkk: float = strawberry.field(
        description="Paid to the household for sold surplus [DKK]."
    )
    total_dkk: float = strawberry.field(description="Net bill [DKK].")


def _bill_split(data: dict | None) -> BillSplitDkk | None:
    if not data:
        return None
    return BillSplitDkk(**{f"{key}_dkk": float(value) for key, value in data.items()})


@strawberry.type(description="Price-list codes of one charge and the dates they cover.")
class TariffCoverage:
    charge_type_code: str = strawberry.field(description="The charge's code.")
    valid_from: dt.date = strawberry.field(description="First local date with a stored price.")
    valid_to: dt.date | None = strawberry.field(
        description="First local date without one; null = open-ended."
    )
    is_verified: bool = strawberry.field(
        description="False when some stored price could not be checked against its source."
    )


@strawberry_django.type(
    models.GridCompany,
    name="GridCompany",
    description="A Danish grid company (DSO) whose household tariff is stored (public data).",
)
class GridCompanyType:
    code: str = strawberry.field(description="Short name to choose it by, e.g. n1.")
    name: str = strawberry.field(description="Company name.")
    gln_number: str = strawberry.field(description="Global Location Number.")
    price_area: str = strawberry.field(description="DK1 or DK2.")
    charge_type_codes: list[str] = strawberry.field(
        description="Price-list codes of its household (C) tariff."
    )
    supplement_charge_type_codes: list[str] = strawberry.field(
        description="Codes that add where they have entries (e.g. a rebate)."
    )
    source: str = strawberry.field(description="Where the GLN and the codes come from.")

    @strawberry_django.field(
        only=["gln_number", "charge_type_codes", "supplement_charge_type_codes"],
        description="Dates the stored prices cover, per charge code.",
    )
    def coverage(self, root: models.GridCompany) -> list[TariffCoverage]:
        codes = [*root.charge_type_codes, *root.supplement_charge_type_codes]
        entries = models.GridTariffPrice.objects.filter(
            gln_number=root.gln_number, charge_type="D03", charge_type_code__in=codes
        )
        result = []
        for code in codes:
            mine = [entry for entry in entries if entry.charge_type_code == code]
            if not mine:
                continue
            ends = [entry.valid_to_at for entry in mine]
            result.append(
                TariffCoverage(
                    charge_type_code=code,
                    valid_from=min(e.valid_from_at for e in mine).astimezone(LOCAL_TZ).date(),
                    valid_to=None
                    if any(end is None for end in ends)
                    else max(ends).astimezone(LOCAL_TZ).date(),
                    is_verified=all(entry.is_verified for entry in mine),
                )
            )
        return result


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

    id: relay.GlobalID = strawberry.field(description="The series' id.")
    key: str = strawberry.field(description="The series' key.")
    kind: SeriesKindEnum = strawberry.field(description="What it measures.")  # type: ignore[valid-type]
    unit: str = strawberry.field(description="Unit of its values.")
    resolution_minutes: int = strawberry.field(description="Time step [min].")


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
            kind=SeriesKindEnum(series.kind),
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
    grid_company: GridCompanyType | None = strawberry_django.field(
        description="Whose stored tariffs built the bill; null when a tariff table was given."
    )
    export_fee_dkk_per_kwh: float = strawberry_django.field(
        description="Supplier's fee on sold surplus [DKK/kWh]."
    )
    supplier_markup_dkk_per_kwh: float = strawberry_django.field(
        description="Supplier's markup on spot [DKK/kWh excl. VAT]."
    )

    @strawberry_django.field(only=["ev"], description="The car's need; null without a car.")
    def ev(self, root: models.SizingStudy) -> EvDemand | None:
        return _typed(EvDemand, root.ev)

    co2_intensity_g_per_kwh: auto
    co2_price_eur_per_tonne: auto
    unserved_heat_penalty_eur_per_kwh: auto
    representative_day_count: auto
    pareto_point_count: auto
    emissions_kg_co2_per_year: auto

    @strawberry_django.field(
        only=["annual_energy_kwh"], description="Energy flows; null until the job has succeeded."
    )
    def annual_energy(self, root: models.SizingStudy) -> AnnualEnergy | None:
        data = root.annual_energy_kwh
        if not data:
            return None
        return AnnualEnergy(
            **{
                field.name: float(data.get(field.name.removesuffix("_kwh")) or 0.0)
                for field in dataclasses.fields(AnnualEnergy)
            }
        )

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
            capex_by_component=[
                ComponentCost(component=name, cost_eur_per_year=value)
                for name, value in capex.items()
            ],
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

    @strawberry_django.field(
        only=[
            "spot_dkk",
            "supplier_markup_dkk",
            "dso_tariff_dkk",
            "energinet_tariff_dkk",
            "electricity_tax_dkk",
            "vat_dkk",
            "export_revenue_dkk",
            "cost_dkk",
        ],
        description="The period's bill by who gets the money [DKK].",
    )
    def bill_dkk(self, root: models.HouseholdSchedulePeriod) -> BillSplitDkk:
        return BillSplitDkk(
            spot_dkk=root.spot_dkk,
            supplier_markup_dkk=root.supplier_markup_dkk,
            dso_tariff_dkk=root.dso_tariff_dkk,
            energinet_tariff_dkk=root.energinet_tariff_dkk,
            electricity_tax_dkk=root.electricity_tax_dkk,
            vat_dkk=root.vat_dkk,
            export_revenue_dkk=root.export_revenue_dkk,
            total_dkk=root.cost_dkk,
        )

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

    @strawberry_django.field(only=["building"], description="The building model; null if none.")
    def building(self, root: models.HouseholdSchedule) -> Building | None:
        return _typed(Building, root.building)

    grid_company: GridCompanyType | None = strawberry_django.field(
        description="Whose stored tariffs built the bill; null when a tariff table was given."
    )
    export_fee_dkk_per_kwh: float = strawberry_django.field(
        description="Supplier's fee on sold surplus [DKK/kWh]."
    )
    supplier_markup_dkk_per_kwh: float = strawberry_django.field(
        description="Supplier's markup on spot [DKK/kWh excl. VAT]."
    )
    battery_initial_energy_kwh: auto
    battery_terminal_energy_kwh: float | None = strawberry_django.field(
        description="Battery energy targeted for the end of the day [kWh]; null = the initial."
    )

    @strawberry_django.field(
        only=["battery_terminal_energy_mode"], description="How the battery meets its target."
    )
    def battery_terminal_energy_mode(
        self, root: models.HouseholdSchedule
    ) -> TerminalEnergyModeEnum:  # type: ignore[valid-type]
        return TerminalEnergyModeEnum(root.battery_terminal_energy_mode)

    heat_store_initial_energy_kwh: auto
    heat_store_terminal_energy_kwh: float | None = strawberry_django.field(
        description="Tank energy targeted for the end of the day [kWh]; null = the initial."
    )

    @strawberry_django.field(
        only=["heat_store_terminal_energy_mode"], description="How the tank meets its target."
    )
    def heat_store_terminal_energy_mode(
        self, root: models.HouseholdSchedule
    ) -> TerminalEnergyModeEnum:  # type: ignore[valid-type]
        return TerminalEnergyModeEnum(root.heat_store_terminal_energy_mode)

    @strawberry_django.field(
        only=["storage_formulation"],
        description="LP, or MILP where binaries were needed; null until the job has succeeded.",
    )
    def storage_formulation(self, root: models.HouseholdSchedule) -> StorageFormulationEnum | None:  # type: ignore[valid-type]
        return (
            StorageFormulationEnum(root.storage_formulation) if root.storage_formulation else None
        )

    binary_period_count: int | None = strawberry_django.field(
        description="Periods that needed a no-simultaneous charge/discharge binary."
    )

    @strawberry_django.field(
        only=["cost_dkk"],
        description="The day's bill by who gets the money [DKK]; null until the job has succeeded.",
    )
    def bill_dkk(self, root: models.HouseholdSchedule) -> BillSplitDkk | None:
        return _bill_split(root.cost_dkk)

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
