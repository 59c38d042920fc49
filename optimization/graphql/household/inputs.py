from __future__ import annotations

import datetime as dt

import strawberry

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
