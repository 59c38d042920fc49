from __future__ import annotations

import datetime as dt

import strawberry
from strawberry.scalars import JSON


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
