import datetime as dt

import strawberry
from strawberry.scalars import JSON

from ainergy.assets.graphql.enums import (
    CopModelEnum,
    HeatPumpKindEnum,
    HeatSourceKindEnum,
    TechnologyEnum,
    TemperatureModeEnum,
)
from ainergy.graphql.crud import partial_input
from ainergy.markets.graphql.enums import BiddingZoneEnum


def _f(description: str, **kwargs):
    return strawberry.field(description=description, **kwargs)


@strawberry.input(description="A site: a location with a grid connection in one bidding zone.")
class SiteInput:
    name: str = _f("Name, unique in the tenant.")
    latitude_deg: float = _f("Latitude [°], -90 to 90.")
    longitude_deg: float = _f("Longitude [°], -180 to 180.")
    bidding_zone: BiddingZoneEnum = _f("Bidding zone of the grid connection.")  # type: ignore[valid-type]
    grid_tariff_code: str | None = _f(
        "DSO tariff reference (GLN:charge code); null if unknown.", default=None
    )


@strawberry.input(description="One point of a COP table.")
class CopPointInput:
    source_temperature_c: float = _f("Heat-source temperature [°C].")
    sink_temperature_c: float = _f("Sink (supply) temperature [°C].")
    cop: float = _f("Coefficient of performance at these temperatures [-], 1 to 20.")


@strawberry.input(description="A heat pump on a site, with its COP model and temperatures.")
class HeatPumpInput:
    site_id: strawberry.ID = _f("Site the heat pump stands on.")
    name: str = _f("Name, unique on its site.")
    kind: HeatPumpKindEnum = _f("Size class: LARGE (pool bidding) or HOUSEHOLD.")  # type: ignore[valid-type]
    power_min_kw: float = _f("Minimum electrical power when on [kW], ≥ 0 and ≤ powerMaxKw.")
    power_max_kw: float = _f("Maximum electrical power [kW], > 0.")
    device_id: str | None = _f(
        "Identifier the IoT device reports telemetry with; null if none.", default=None
    )
    ramp_limit_kw_per_min: float | None = _f(
        "Largest power change per minute [kW/min], > 0; null for no limit.", default=None
    )
    start_cost_eur: float = _f("Cost of one start [EUR], ≥ 0.", default=0.0)
    cop_model: CopModelEnum = _f(  # type: ignore[valid-type]
        "How COP follows the temperatures.", default=CopModelEnum.CARNOT
    )
    carnot_quality_grade: float | None = _f(
        "Fraction of the Carnot COP reached, in (0, 1]; required for the CARNOT model.",
        default=None,
    )
    cop_max: float = _f("Upper bound on the COP [-], 1 to 20.", default=8.0)
    cop_table: list[CopPointInput] | None = _f(
        "COP points; required for the TABLE model.", default=None
    )
    source_kind: HeatSourceKindEnum = _f(  # type: ignore[valid-type]
        "Heat source.", default=HeatSourceKindEnum.OUTDOOR_AIR
    )
    source_temperature_mode: TemperatureModeEnum = _f(  # type: ignore[valid-type]
        "Where the source temperature comes from.", default=TemperatureModeEnum.FIXED
    )
    source_temperature_c: float | None = _f(
        "Fixed source temperature [°C], -40 to 150; required when the mode is FIXED.",
        default=None,
    )
    source_temperature_series_id: strawberry.ID | None = _f(
        "Source temperature series [°C]; required when the mode is SERIES.", default=None
    )
    sink_temperature_mode: TemperatureModeEnum = _f(  # type: ignore[valid-type]
        "Where the sink temperature comes from.", default=TemperatureModeEnum.FIXED
    )
    sink_temperature_c: float | None = _f(
        "Fixed sink temperature [°C], 0 to 200, above the source; required when FIXED.",
        default=None,
    )
    sink_temperature_series_id: strawberry.ID | None = _f(
        "Sink temperature series [°C]; required when the mode is SERIES.", default=None
    )


@strawberry.input(description="A hot-water or district-heating storage tank.")
class ThermalStorageInput:
    site_id: strawberry.ID = _f("Site the storage stands on.")
    name: str = _f("Name, unique in the tenant.")
    capacity_kwh: float = _f("Usable heat content [kWh_th], > 0.")
    heat_pump_id: strawberry.ID | None = _f(
        "Heat pump charging it (on the same site); null if none.", default=None
    )
    loss_fraction_per_h: float = _f(
        "Standing loss per hour [fraction of content/h].", default=0.005
    )
    soc_min_fraction: float = _f("Lowest state of charge [fraction], 0 to 1.", default=0.0)
    soc_max_fraction: float = _f("Highest state of charge [fraction], 0 to 1.", default=1.0)
    soc_initial_fraction: float = _f(
        "State of charge at the start of a plan [fraction], between min and max.", default=0.5
    )


@strawberry.input(description="A rooftop PV system.")
class PvSystemInput:
    site_id: strawberry.ID = _f("Site the PV system stands on.")
    name: str = _f("Name, unique in the tenant.")
    peak_power_kw: float = _f("Rated DC power [kWp], > 0.")
    tilt_deg: float = _f("Tilt from horizontal [°], 0 to 90.", default=35.0)
    azimuth_deg: float = _f("Azimuth [°], 0 to 360, 180 = south.", default=180.0)
    system_loss_fraction: float = _f("System losses [fraction], 0 to 0.9.", default=0.14)


@strawberry.input(description="A home battery.")
class BatteryInput:
    site_id: strawberry.ID = _f("Site the battery stands on.")
    name: str = _f("Name, unique in the tenant.")
    energy_capacity_kwh: float = _f("Usable energy [kWh], > 0.")
    power_max_kw: float = _f("Largest charge or discharge power [kW], > 0.")
    charge_efficiency: float = _f("Charging efficiency [fraction], in (0, 1].", default=0.95)
    discharge_efficiency: float = _f("Discharging efficiency [fraction], in (0, 1].", default=0.95)
    soc_min_fraction: float = _f("Lowest state of charge [fraction].", default=0.1)
    soc_max_fraction: float = _f("Highest state of charge [fraction].", default=0.95)


@strawberry.input(description="A home EV charger and the car's daily stay.")
class EvChargerInput:
    site_id: strawberry.ID = _f("Site the charger stands on.")
    name: str = _f("Name, unique in the tenant.")
    power_max_kw: float = _f("Largest charging power [kW], > 0.")
    ev_arrival_local_time: dt.time = _f("Car arrives (Europe/Copenhagen clock).")
    ev_departure_local_time: dt.time = _f("Car leaves (Europe/Copenhagen clock).")
    ev_energy_need_kwh: float = _f("Energy to add per stay [kWh], ≥ 0 and chargeable in the stay.")
    efficiency: float = _f("Charging efficiency [fraction], in (0, 1].", default=0.92)


@strawberry.input(description="A backup heater (electric or fuel boiler) covering heat demand.")
class BackupHeaterInput:
    site_id: strawberry.ID = _f("Site the heater stands on.")
    name: str = _f("Name, unique in the tenant.")
    heat_power_max_kw: float = _f("Largest heat output [kW_th], ≥ 0.")
    heat_cost_eur_per_mwh: float = _f("Cost per heat delivered [EUR/MWh_th], ≥ 0.")
    co2_intensity_kg_per_mwh_heat: float = _f(
        "Emissions per heat delivered [kg CO2/MWh_th], ≥ 0.", default=0.0
    )


@strawberry.input(description="A pool of large heat pumps bid together on one market account.")
class PoolInput:
    name: str = _f("Name, unique in the tenant.")
    bidding_zone: BiddingZoneEnum = _f(  # type: ignore[valid-type]
        "Zone the pool bids in (the market account's zone)."
    )
    market_account_id: strawberry.ID = _f("Market account the pool bids on.")
    heat_pump_ids: list[strawberry.ID] = _f(
        "Heat pumps in the pool (LARGE, in the pool's zone).", default_factory=list
    )


@strawberry.input(
    description="A heat pump in a pool over [validFromAt, validToAt) (UTC offset required)."
)
class PoolMembershipInput:
    pool_id: strawberry.ID = _f("The pool.")
    heat_pump_id: strawberry.ID = _f("The heat pump (LARGE, in the pool's zone).")
    valid_from_at: dt.datetime | None = _f(
        "Member from this instant; null: since always.", default=None
    )
    valid_to_at: dt.datetime | None = _f(
        "Member until this instant (excluded); null: open-ended.", default=None
    )


@strawberry.input(description="A tenant's own technology catalogue entry (overrides a default).")
class CatalogueEntryInput:
    technology: TechnologyEnum = _f("Kind of equipment.")  # type: ignore[valid-type]
    name: str = _f("Option name; the same name as a default replaces it for this tenant.")
    parameters: JSON = _f(
        "The option's fields as the optimization core expects them (snake_case keys with units, "
        'e.g. {"capex_eur": 9000, "lifetime_years": 15, ...}); see docs/household.md.'
    )
    source: str = _f("Where the figures come from (citation).")


SitePartial = partial_input(SiteInput, "SitePartialInput")
HeatPumpPartial = partial_input(HeatPumpInput, "HeatPumpPartialInput")
ThermalStoragePartial = partial_input(ThermalStorageInput, "ThermalStoragePartialInput")
PvSystemPartial = partial_input(PvSystemInput, "PvSystemPartialInput")
BatteryPartial = partial_input(BatteryInput, "BatteryPartialInput")
EvChargerPartial = partial_input(EvChargerInput, "EvChargerPartialInput")
BackupHeaterPartial = partial_input(BackupHeaterInput, "BackupHeaterPartialInput")
PoolPartial = partial_input(PoolInput, "PoolPartialInput")
