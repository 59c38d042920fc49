import datetime as dt

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from ainergy.graphql.crud import partial_input


@strawberry.input
class SiteInput:
    name: str
    latitude_deg: float
    longitude_deg: float
    bidding_zone: str
    grid_tariff_code: str = ""


@strawberry.input
class HeatPumpInput:
    site_id: relay.GlobalID
    name: str
    kind: str
    power_min_kw: float
    power_max_kw: float
    device_id: str = ""
    ramp_limit_kw_per_min: float | None = None
    start_cost_eur: float = 0.0
    cop_model: str = "carnot"
    carnot_quality_grade: float | None = None
    cop_max: float = 8.0
    cop_table: JSON | None = None
    source_kind: str = "outdoor_air"
    source_temperature_mode: str = "fixed"
    source_temperature_c: float | None = None
    source_temperature_series_id: relay.GlobalID | None = None
    sink_temperature_mode: str = "fixed"
    sink_temperature_c: float | None = None
    sink_temperature_series_id: relay.GlobalID | None = None


@strawberry.input
class ThermalStorageInput:
    site_id: relay.GlobalID
    name: str
    capacity_kwh: float
    heat_pump_id: relay.GlobalID | None = None
    loss_fraction_per_h: float = 0.005
    soc_min_fraction: float = 0.0
    soc_max_fraction: float = 1.0
    soc_initial_fraction: float = 0.5


@strawberry.input
class PvSystemInput:
    site_id: relay.GlobalID
    name: str
    peak_power_kw: float
    tilt_deg: float = 35.0
    azimuth_deg: float = 180.0
    system_loss_fraction: float = 0.14


@strawberry.input
class BatteryInput:
    site_id: relay.GlobalID
    name: str
    energy_capacity_kwh: float
    power_max_kw: float
    charge_efficiency: float = 0.95
    discharge_efficiency: float = 0.95
    soc_min_fraction: float = 0.1
    soc_max_fraction: float = 0.95


@strawberry.input
class EvChargerInput:
    site_id: relay.GlobalID
    name: str
    power_max_kw: float
    ev_arrival_local_time: dt.time
    ev_departure_local_time: dt.time
    ev_energy_need_kwh: float
    efficiency: float = 0.92


@strawberry.input
class BackupHeaterInput:
    site_id: relay.GlobalID
    name: str
    heat_power_max_kw: float
    heat_cost_eur_per_mwh: float
    co2_intensity_kg_per_mwh_heat: float = 0.0


@strawberry.input
class PoolInput:
    name: str
    bidding_zone: str
    market_account_id: relay.GlobalID
    heat_pump_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)


@strawberry.input
class PoolMembershipInput:
    """A heat pump in a pool over [validFromAt, validToAt) (UTC offset required; null = unbounded)."""

    pool_id: relay.GlobalID
    heat_pump_id: relay.GlobalID
    valid_from_at: dt.datetime | None = None
    valid_to_at: dt.datetime | None = None


@strawberry.input
class CatalogueEntryInput:
    technology: str
    name: str
    parameters: JSON
    source: str


SitePartial = partial_input(SiteInput, "SitePartialInput")
HeatPumpPartial = partial_input(HeatPumpInput, "HeatPumpPartialInput")
ThermalStoragePartial = partial_input(ThermalStorageInput, "ThermalStoragePartialInput")
PvSystemPartial = partial_input(PvSystemInput, "PvSystemPartialInput")
BatteryPartial = partial_input(BatteryInput, "BatteryPartialInput")
EvChargerPartial = partial_input(EvChargerInput, "EvChargerPartialInput")
BackupHeaterPartial = partial_input(BackupHeaterInput, "BackupHeaterPartialInput")
PoolPartial = partial_input(PoolInput, "PoolPartialInput")
