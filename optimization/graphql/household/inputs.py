from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON

from ainergy.graphql.vocabulary import describe


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
    tariff_table: JSON
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
    representative_day_count: int = 12
    pareto_point_count: int = 5


@strawberry.input
class HouseholdScheduleInput:
    site_id: strawberry.ID
    delivery_day: dt.date
    temperature_series_id: strawberry.ID
    solar_irradiance_series_id: strawberry.ID
    tariff_table: JSON
    step_minutes: int = 15
    price_series_id: strawberry.ID | None = None
    heat_demand_series_id: strawberry.ID | None = None
    annual_heat_demand_kwh: float | None = None
    household_electricity_kwh_per_year: float = 4000.0
    tariff_year: int | None = None
    building: BuildingInput | None = None
    battery_initial_energy_kwh: float | None = None
    heat_store_initial_energy_kwh: float | None = None
    co2_intensity_g_per_kwh: float | None = None
    co2_price_eur_per_tonne: float = 0.0
    unserved_heat_penalty_eur_per_kwh: float | None = None


# --- descriptions ------------------------------------------------------------------------------

_COMMON = {
    "site_id": "The household's site (with a HOUSEHOLD heat pump).",
    "temperature_series_id": "Outdoor temperature series [°C] (OUTDOOR_TEMPERATURE).",
    "solar_irradiance_series_id": "Solar irradiance series [W/m²] (SOLAR_IRRADIANCE).",
    "tariff_table": "Tariff table: DSO, Energinet and tax rates by period, as a JSON object "
    "with snake_case keys (see docs/household.md and docs/examples/household_tariff_dk1.json).",
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
    representative_day_count="Representative days to optimise, 4 to 60.",
    pareto_point_count="Points on the cost-emissions front, 1 to 20.",
)
describe(
    HouseholdScheduleInput,
    "A day-ahead schedule of a household's heat pump, PV, battery and EV charger.",
    **_COMMON,
    delivery_day="Local (Europe/Copenhagen) delivery day.",
    step_minutes="Period length [min]: 15 or 60.",
    building="Building model for indoor comfort; null: heat demand from the series.",
    battery_initial_energy_kwh="Battery energy at the start [kWh]; null: the minimum.",
    heat_store_initial_energy_kwh="Hot-water tank energy at the start [kWh_th]; null: half.",
)
