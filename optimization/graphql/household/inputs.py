from __future__ import annotations

import datetime as dt

import strawberry

from ainergy.graphql.vocabulary import describe
from optimization.graphql.household.enums import TerminalEnergyModeEnum


def _f(description: str, **kwargs):
    return strawberry.field(description=description, **kwargs)


@strawberry.input(description="A flat rate valid on local dates validFrom ≤ day < validTo.")
class DatedRateInput:
    valid_from: dt.date = _f("First local (Europe/Copenhagen) date the rate applies.")
    valid_to: dt.date | None = _f(
        "First local date it no longer applies; null = open.", default=None
    )
    value: float = _f("The rate, in the unit its list names (DKK/kWh excl. VAT, or a fraction).")
    source: str = _f("Where the value comes from.", default="")
    is_verified: bool = _f("False when the value could not be checked.", default=True)


@strawberry.input(description="One price-list entry of a DSO tariff (a DatahubPricelist record).")
class HourlyPriceListInput:
    valid_from: dt.date = _f("First local date the entry applies.")
    valid_to: dt.date | None = _f(
        "First local date it no longer applies; null = open.", default=None
    )
    prices_by_local_hour: list[float] = _f(
        "24 prices [DKK/kWh excl. VAT] for local clock hours 00–01 … 23–24."
    )
    charge_type_code: str = _f("The charge's code (entries of different codes add up).", default="")
    is_supplement: bool = _f(
        "A supplement (e.g. a rebate) adds where it has an entry; a main code must cover every "
        "day billed.",
        default=False,
    )
    source: str = _f("Where the values come from.", default="")
    is_verified: bool = _f("False when the values could not be checked.", default=True)


@strawberry.input(
    description="A household tariff table given by the caller instead of a grid company's stored "
    "tariffs: every per-kWh charge with validity dates (docs/household.md §1)."
)
class TariffTableInput:
    name: str = _f("Name of the table.", default="")
    exchange_rate_dkk_per_eur: float = _f("DKK per EUR used to bill EUR spot prices [DKK/EUR].")
    dso_tariff_dkk_per_kwh: list[HourlyPriceListInput] = _f("The DSO's tariff price list.")
    energinet_transmission_dkk_per_kwh: list[DatedRateInput] = _f(
        "Energinet transmission tariff [DKK/kWh excl. VAT]."
    )
    energinet_system_dkk_per_kwh: list[DatedRateInput] = _f(
        "Energinet system tariff [DKK/kWh excl. VAT]."
    )
    electricity_tax_dkk_per_kwh: list[DatedRateInput] = _f("Elafgift [DKK/kWh excl. VAT].")
    vat_fraction: list[DatedRateInput] = _f("VAT as a fraction (0.25 = 25 %).")
    export_fee_dkk_per_kwh: list[DatedRateInput] = _f("Supplier's fee on sold surplus [DKK/kWh].")
    supplier_markup_dkk_per_kwh: list[DatedRateInput] = _f(
        "Supplier's markup on spot [DKK/kWh excl. VAT].", default_factory=list
    )
    source: str = _f("Where the table comes from.", default="")


_TARIFF = (
    "Tariffs: the site's grid company (or gridCompany) builds them from the stored price list; "
    "tariffTable replaces them with the caller's own table."
)


@strawberry.input
class EvDemandInput:
    """The car's daily need; without a home charger it is charged elsewhere at a price."""

    daily_energy_kwh: float
    arrival_local_hour: int
    departure_local_hour: int
    alternative_charging_price_eur_per_kwh: float = 0.45
    alternative_co2_intensity_g_per_kwh: float = 120.0


@strawberry.input
class BuildingInput:
    """First-order (1R1C) building with an indoor comfort band."""

    thermal_resistance_k_per_kw: float
    thermal_capacitance_kwh_per_k: float
    initial_indoor_temperature_c: float
    comfort_min_c: float
    comfort_max_c: float
    heat_gain_kw: float = 0.0


@strawberry.input
class SizingStudyInput:
    site_id: strawberry.ID
    year: int
    temperature_series_id: strawberry.ID
    solar_irradiance_series_id: strawberry.ID
    tariff_table: TariffTableInput | None = _f(
        _TARIFF + " Null = the grid company's.", default=None
    )
    grid_company: str | None = _f(
        "Code of a grid company (see gridCompanies, e.g. n1); null = the site's.", default=None
    )
    export_fee_dkk_per_kwh: float = _f(
        "Supplier's fee on sold surplus [DKK/kWh], 0 to 10.", default=0.0
    )
    supplier_markup_dkk_per_kwh: float = _f(
        "Supplier's markup on spot [DKK/kWh excl. VAT], 0 to 10.", default=0.0
    )
    price_series_id: strawberry.ID | None = None
    heat_demand_series_id: strawberry.ID | None = None
    annual_heat_demand_kwh: float | None = None
    household_electricity_kwh_per_year: float = 4000.0
    tariff_year: int | None = None
    discount_rate_fraction: float = 0.04
    heat_storage_kwh: float = 0.0
    ev: EvDemandInput | None = None
    co2_intensity_g_per_kwh: float | None = None
    co2_price_eur_per_tonne: float = 0.0
    unserved_heat_penalty_eur_per_kwh: float | None = None
    representative_day_count: int = 16
    pareto_point_count: int = 5


@strawberry.input
class HouseholdScheduleInput:
    site_id: strawberry.ID
    delivery_day: dt.date
    temperature_series_id: strawberry.ID
    solar_irradiance_series_id: strawberry.ID
    tariff_table: TariffTableInput | None = _f(
        _TARIFF + " Null = the grid company's.", default=None
    )
    grid_company: str | None = _f(
        "Code of a grid company (see gridCompanies, e.g. n1); null = the site's.", default=None
    )
    export_fee_dkk_per_kwh: float = _f(
        "Supplier's fee on sold surplus [DKK/kWh], 0 to 10.", default=0.0
    )
    supplier_markup_dkk_per_kwh: float = _f(
        "Supplier's markup on spot [DKK/kWh excl. VAT], 0 to 10.", default=0.0
    )
    step_minutes: int = 15
    price_series_id: strawberry.ID | None = None
    heat_demand_series_id: strawberry.ID | None = None
    annual_heat_demand_kwh: float | None = None
    household_electricity_kwh_per_year: float = 4000.0
    tariff_year: int | None = None
    building: BuildingInput | None = None
    battery_initial_energy_kwh: float | None = None
    battery_terminal_energy_kwh: float | None = _f(
        "Battery energy at the end of the day [kWh] within its SoC limits; null = its initial "
        "energy.",
        default=None,
    )
    battery_terminal_energy_mode: TerminalEnergyModeEnum = _f(  # type: ignore[valid-type]
        "Whether the battery ends with at least or exactly that energy.",
        default=TerminalEnergyModeEnum.AT_LEAST,
    )
    heat_store_initial_energy_kwh: float | None = None
    heat_store_terminal_energy_kwh: float | None = _f(
        "Tank energy at the end of the day [kWh] within [0, capacity]; null = its initial energy.",
        default=None,
    )
    heat_store_terminal_energy_mode: TerminalEnergyModeEnum = _f(  # type: ignore[valid-type]
        "Whether the tank ends with at least or exactly that energy.",
        default=TerminalEnergyModeEnum.AT_LEAST,
    )
    co2_intensity_g_per_kwh: float | None = None
    co2_price_eur_per_tonne: float = 0.0
    unserved_heat_penalty_eur_per_kwh: float | None = None


@strawberry.input(description="A site and the grid company it is connected to.")
class SiteGridCompanyInput:
    site_id: strawberry.ID = _f("The site.")
    grid_company: str = _f("Code (e.g. n1) or GLN of a grid company from gridCompanies.")


# --- descriptions ------------------------------------------------------------------------------

_COMMON = {
    "site_id": "The household's site (with a HOUSEHOLD heat pump).",
    "temperature_series_id": "Outdoor temperature series [°C] (OUTDOOR_TEMPERATURE).",
    "solar_irradiance_series_id": "Solar irradiance series [W/m²] (SOLAR_IRRADIANCE).",
    "tariff_table": "The caller's own tariff table (docs/household.md §1); null: the stored "
    "tariffs of the site's grid company (or gridCompany).",
    "price_series_id": "Day-ahead price series [EUR/MWh]; null: the zone's public one.",
    "heat_demand_series_id": "Heat demand series [kW_th]; give this or annualHeatDemandKwh.",
    "annual_heat_demand_kwh": "Annual heat demand [kWh_th/yr], 100 to 1e6; spread by degree days.",
    "household_electricity_kwh_per_year": "Other household electricity use [kWh/yr].",
    "tariff_year": "Year whose tariffs apply; null: the year of the day or study.",
    "co2_intensity_g_per_kwh": "Constant grid emissions [g CO2/kWh]; null: the CO2 series.",
    "co2_price_eur_per_tonne": "Price on emissions [EUR/t CO2], ≥ 0.",
    "unserved_heat_penalty_eur_per_kwh": "Allow unserved heat at this cost [EUR/kWh_th]; null: "
    "heat must be met.",
}

describe(
    EvDemandInput,
    "The car's daily need; without a home charger it is charged elsewhere at a price.",
    daily_energy_kwh="Energy needed per day [kWh], ≥ 0.",
    arrival_local_hour="Arrives home (local hour, 0-23).",
    departure_local_hour="Leaves (local hour, 0-23).",
    alternative_charging_price_eur_per_kwh="Price of charging elsewhere [EUR/kWh].",
    alternative_co2_intensity_g_per_kwh="Emissions of charging elsewhere [g CO2/kWh].",
)
describe(
    BuildingInput,
    "First-order (1R1C) building with an indoor comfort band.",
    thermal_resistance_k_per_kw="Envelope thermal resistance [K/kW], > 0.",
    thermal_capacitance_kwh_per_k="Thermal capacitance [kWh/K], > 0.",
    initial_indoor_temperature_c="Indoor temperature at the start [°C].",
    comfort_min_c="Lowest indoor temperature [°C].",
    comfort_max_c="Highest indoor temperature [°C], above comfortMinC.",
    heat_gain_kw="Internal and solar gains [kW].",
)
describe(
    SizingStudyInput,
    "A household sizing study over one year of weather and prices.",
    **_COMMON,
    year="Weather and price year.",
    discount_rate_fraction="Discount rate for annualising investment [fraction/yr].",
    heat_storage_kwh="Hot-water storage assumed [kWh_th], ≥ 0.",
    ev="The car's daily need; null without a car.",
    representative_day_count="Representative days to optimise, 2 to 60 (one is the peak-heat "
    "day); fewer are used when a matched weight is 0.",
    pareto_point_count="Points on the cost-emissions front: 0 (none) or 2 to 10.",
)
describe(
    HouseholdScheduleInput,
    "A day-ahead schedule of a household's heat pump, PV, battery and EV charger.",
    **_COMMON,
    delivery_day="Local (Europe/Copenhagen) delivery day.",
    step_minutes="Period length [min]: 15 or 60.",
    building="Building model for indoor comfort; null: heat demand from the series.",
    battery_initial_energy_kwh="Battery energy at the start [kWh]; null: half-way between its "
    "SoC limits.",
    heat_store_initial_energy_kwh="Hot-water tank energy at the start [kWh_th]; null: half.",
)
