from __future__ import annotations

import dataclasses
import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Q
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.assets.graphql.types import SiteType
from ainergy.common.ids import decode_id
from ainergy.common.timegrid import LOCAL_TZ
from ainergy.graphql.context import scope_to_tenant
from ainergy.graphql.vocabulary import describe
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


def _exchange_rate(tariff_table: dict | None) -> float | None:
    """The DKK/EUR rate a stored tariff table billed EUR spot prices with."""
    value = (tariff_table or {}).get("exchange_rate_dkk_per_eur")
    return float(value) if value is not None else None


@strawberry.type(description="The DKK/EUR rate household bills convert EUR spot prices with.")
class ExchangeRate:
    dkk_per_eur: float = strawberry.field(description="Danish kroner per euro [DKK/EUR].")
    source: str = strawberry.field(description="Where the rate comes from.")


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


@strawberry_django.type(
    models.SizingStudy,
    name="SizingStudy",
    description="Sizing of a household's heat pump, PV, battery and EV charger over a year.",
)
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

    @strawberry_django.field(
        only=["tariff_table"],
        description="DKK per EUR the bill converted EUR spot prices with [DKK/EUR]; null if the "
        "tariff table names none.",
    )
    def exchange_rate_dkk_per_eur(self, root: models.SizingStudy) -> float | None:
        return _exchange_rate(root.tariff_table)

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

    @strawberry_django.filter_field(description="Only schedules of this site.")
    def site_id(self, value: strawberry.ID, prefix: str) -> Q:
        return Q(**{f"{prefix}site_id": decode_id(value, "Site", "filters.site_id")})


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

    @strawberry_django.field(
        only=["tariff_table"],
        description="DKK per EUR the bill converted EUR spot prices with [DKK/EUR]; null if the "
        "tariff table names none.",
    )
    def exchange_rate_dkk_per_eur(self, root: models.HouseholdSchedule) -> float | None:
        return _exchange_rate(root.tariff_table)

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


# --- descriptions ------------------------------------------------------------------------------

COMMON = {
    "site": "The household's site.",
    "job": "The job computing it; follow its status.",
    "temperature_series": "Outdoor temperature series [°C].",
    "solar_irradiance_series": "Solar irradiance series [W/m²].",
    "price_series": "Day-ahead price series [EUR/MWh].",
    "heat_demand_series": "Heat demand series [kW_th]; null if annualHeatDemandKwh was given.",
    "annual_heat_demand_kwh": "Annual heat demand [kWh_th/yr] spread by a degree-day profile.",
    "household_electricity_kwh_per_year": "Other household electricity use [kWh/yr].",
    "tariff_table": "The tariff table used: DSO, Energinet and tax rates by period (free-form "
    "object as in docs/household.md: name, currency, valid-from rates, period_by_local_hour).",
    "tariff_year": "Year whose tariffs apply; null: the study's year.",
    "co2_intensity_g_per_kwh": "Constant grid emissions [g CO2/kWh]; null: the series.",
    "co2_price_eur_per_tonne": "Price on emissions [EUR/t CO2].",
    "unserved_heat_penalty_eur_per_kwh": "Cost of heat not delivered [EUR/kWh_th]; null: none "
    "allowed.",
    "assumptions": "Notes on data gaps filled and defaults used.",
    "created_at": "When it was requested (UTC).",
}

describe(
    AnnualCost,
    "Annual cost split of a household design [EUR/yr].",
    capex_total_eur="Annualised investment and fixed O&M [EUR/yr].",
    capex_by_component="The same by component.",
    energy_eur="Energy bought [EUR/yr].",
    tariffs_eur="Grid tariffs [EUR/yr] (DSO + Energinet).",
    dso_tariff_eur="DSO tariff [EUR/yr].",
    energinet_tariff_eur="Energinet tariffs [EUR/yr].",
    taxes_eur="Taxes [EUR/yr] (electricity tax + VAT).",
    electricity_tax_eur="Electricity tax [EUR/yr].",
    vat_eur="VAT [EUR/yr].",
    export_revenue_eur="Revenue from exported electricity [EUR/yr].",
    ev_charging_elsewhere_eur="Cost of charging the car elsewhere [EUR/yr].",
    unserved_heat_penalty_eur="Penalty for heat not delivered [EUR/yr].",
    total_eur="Total annual cost [EUR/yr], net of export revenue.",
)
describe(
    HouseholdDesign,
    "Equipment of a household design.",
    heat_pump="Heat-pump option chosen (catalogue name).",
    pv_kwp="PV size [kWp]; 0 for none.",
    battery_energy_kwh="Battery energy [kWh]; 0 for none.",
    battery_power_kw="Battery power [kW].",
    has_ev_charger="Whether a home EV charger is installed.",
)
describe(
    SizingParetoPoint,
    "One design on the cost-emissions front.",
    emissions_cap_kg_co2="Emissions cap of this point [kg CO2/yr]; null: uncapped.",
    total_cost_eur_per_year="Annual cost [EUR/yr].",
    emissions_kg_co2_per_year="Annual emissions [kg CO2/yr].",
    design="The design.",
)
describe(
    RepresentativeDay,
    "A day standing for several days of the year in the sizing.",
    local_day="The day (Europe/Copenhagen).",
    weight_days="Days of the year it stands for.",
)
describe(
    ScheduleCost,
    "Bill of the delivery day [EUR], net of export revenue.",
    energy_eur="Energy bought [EUR].",
    tariffs_eur="Grid tariffs [EUR].",
    taxes_eur="Taxes [EUR].",
    export_revenue_eur="Revenue from exports [EUR].",
    total_eur="Total [EUR].",
)
describe(SeriesReference, "A series a request named (values: `seriesValues(seriesId: id)`).")
describe(
    SizingStudyType,
    None,
    **COMMON,
    year="Weather and price year the sizing runs on.",
    discount_rate_fraction="Discount rate for annualising investment [fraction/yr].",
    heat_storage_kwh="Hot-water storage assumed [kWh_th].",
    representative_day_count="Representative days optimised.",
    pareto_point_count="Points asked for on the cost-emissions front.",
    emissions_kg_co2_per_year="Emissions of the chosen design [kg CO2/yr]; null until done.",
    design="The chosen equipment; null until the job has succeeded.",
    annual_cost="Annual cost split; null until the job has succeeded.",
    pareto_front="Cost vs emissions by ε-constraint, cheapest first.",
    representative_days="The representative days and their weights.",
)
describe(
    HouseholdSchedulePeriodType,
    "Setpoints and flows of one period of a household schedule.",
    start_at="Period start (UTC).",
    heat_pump_power_kw="Heat-pump electric power [kW].",
    heat_pump_heat_kw="Heat-pump heat output [kW_th].",
    backup_heater_power_kw="Backup heater power [kW].",
    pv_used_kw="PV power used or exported [kW].",
    battery_charge_kw="Battery charging [kW].",
    battery_discharge_kw="Battery discharging [kW].",
    battery_energy_kwh="Battery energy at the period end [kWh].",
    ev_charge_kw="EV charging [kW].",
    grid_import_kw="Power bought [kW].",
    grid_export_kw="Power sold [kW].",
    tank_energy_kwh="Hot-water tank energy at the period end [kWh_th].",
    indoor_temperature_c="Indoor temperature [°C] (building model).",
    unserved_heat_kw="Heat not delivered [kW_th].",
    import_price_eur_per_kwh="All-in import price [EUR/kWh].",
    export_price_eur_per_kwh="Export price [EUR/kWh].",
    cost_eur="Cost of the period [EUR].",
    start_local="Start on the Europe/Copenhagen clock, ISO 8601 with its UTC offset.",
)
describe(HouseholdScheduleFilter, "Narrow the schedules.", delivery_day="Only this local day.")
describe(
    HouseholdScheduleType,
    "A day-ahead schedule of a household's heat pump, PV, battery and EV charger.",
    **COMMON,
    delivery_day="Local (Europe/Copenhagen) delivery day.",
    step_minutes="Period length [min].",
    battery_initial_energy_kwh="Battery energy at the start [kWh].",
    heat_store_initial_energy_kwh="Hot-water tank energy at the start [kWh_th].",
    period_count="Periods of the day; null until done.",
    total_cost_eur="Cost of the day [EUR]; null until done.",
    emissions_kg_co2="Emissions of the day [kg CO2]; null until done.",
    unserved_heat_kwh="Heat not delivered [kWh_th]; null until done.",
    periods="The schedule, period by period.",
    cost="The bill of the day; null until done.",
)
