from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Prefetch
from django.utils import timezone
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.assets import models
from ainergy.assets.graphql.enums import (
    CopModelEnum,
    HeatPumpKindEnum,
    HeatSourceKindEnum,
    TechnologyEnum,
    TemperatureModeEnum,
)
from ainergy.assets.selectors import memberships_covering
from ainergy.graphql.context import scope_to_tenant
from ainergy.markets.graphql.types import MarketAccountType, zone_field


class TenantScoped:
    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


def _f(description: str, **kwargs):
    return strawberry_django.field(description=description, **kwargs)


def _optional_text(name: str, description: str):
    """A text column where "" means none, read as null."""

    def resolve(root) -> str | None:
        return getattr(root, name) or None

    return strawberry_django.field(resolver=resolve, only=[name], description=description)


@strawberry_django.type(
    models.Site,
    name="Site",
    description="A location with a grid connection in one bidding zone.",
)
class SiteType(relay.Node):
    name: auto = _f("Name, unique in the tenant.")
    latitude_deg: auto = _f("Latitude [°].")
    longitude_deg: auto = _f("Longitude [°].")
    bidding_zone = zone_field(description="Bidding zone of the grid connection.")
    grid_tariff_code = _optional_text(
        "grid_tariff_code", "DSO tariff reference (GLN:charge code); null if unknown."
    )
    created_at: auto = _f("When it was created (UTC).")

    get_queryset = TenantScoped.get_queryset


@strawberry.type(description="One point of a COP table.")
class CopPoint:
    source_temperature_c: float = strawberry.field(description="Heat-source temperature [°C].")
    sink_temperature_c: float = strawberry.field(description="Sink (supply) temperature [°C].")
    cop: float = strawberry.field(description="Coefficient of performance [-].")


@strawberry_django.type(
    models.HeatPump,
    name="HeatPump",
    description="A heat pump (large or household) with its COP model and temperatures.",
)
class HeatPumpType(relay.Node):
    site: SiteType = _f("Site it stands on.")
    name: auto = _f("Name, unique on its site.")
    kind: HeatPumpKindEnum = _f("Size class.")  # type: ignore[valid-type]
    device_id = _optional_text(
        "device_id", "Identifier the IoT device reports telemetry with; null if none."
    )
    power_min_kw: auto = _f("Minimum electrical power when on [kW].")
    power_max_kw: auto = _f("Maximum electrical power [kW].")
    ramp_limit_kw_per_min: auto = _f("Largest power change per minute [kW/min]; null: no limit.")
    start_cost_eur: auto = _f("Cost of one start [EUR].")
    cop_model: CopModelEnum = _f("How COP follows the temperatures.")  # type: ignore[valid-type]
    carnot_quality_grade: auto = _f("Fraction of the Carnot COP reached (CARNOT model).")
    cop_max: auto = _f("Upper bound on the COP [-].")
    source_kind: HeatSourceKindEnum = _f("Heat source.")  # type: ignore[valid-type]
    source_temperature_mode: TemperatureModeEnum = _f(  # type: ignore[valid-type]
        "Where the source temperature comes from."
    )
    source_temperature_c: auto = _f("Fixed source temperature [°C] (FIXED mode).")
    sink_temperature_mode: TemperatureModeEnum = _f(  # type: ignore[valid-type]
        "Where the sink temperature comes from."
    )
    sink_temperature_c: auto = _f("Fixed sink temperature [°C] (FIXED mode).")
    retired_at: auto = _f("When it was retired (UTC); null while in service.")
    created_at: auto = _f("When it was created (UTC).")

    @strawberry_django.field(
        only=["cop_table"], description="COP points (TABLE model); else empty."
    )
    def cop_table(self, root: models.HeatPump) -> list[CopPoint]:
        return [
            CopPoint(
                source_temperature_c=point["source_temperature_c"],
                sink_temperature_c=point["sink_temperature_c"],
                cop=point["cop"],
            )
            for point in root.cop_table or []
        ]

    @strawberry_django.field(
        only=["power_min_kw", "power_max_kw"],
        description="powerMinKw / powerMaxKw [fraction]: the lowest load when running.",
    )
    def minimum_load_fraction(self, root: models.HeatPump) -> float:
        return root.minimum_load_fraction

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(
    models.ThermalStorage,
    name="ThermalStorage",
    description="A hot-water or district-heating storage tank.",
)
class ThermalStorageType(relay.Node):
    site: SiteType = _f("Site it stands on.")
    heat_pump: HeatPumpType | None = _f("Heat pump charging it; null if none.")
    name: auto = _f("Name, unique in the tenant.")
    capacity_kwh: auto = _f("Usable heat content [kWh_th].")
    loss_fraction_per_h: auto = _f("Standing loss per hour [fraction of content/h].")
    soc_min_fraction: auto = _f("Lowest state of charge [fraction].")
    soc_max_fraction: auto = _f("Highest state of charge [fraction].")
    soc_initial_fraction: auto = _f("State of charge at the start of a plan [fraction].")

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.PvSystem, name="PvSystem", description="A rooftop PV system.")
class PvSystemType(relay.Node):
    site: SiteType = _f("Site it stands on.")
    name: auto = _f("Name, unique in the tenant.")
    peak_power_kw: auto = _f("Rated DC power [kWp].")
    tilt_deg: auto = _f("Tilt from horizontal [°].")
    azimuth_deg: auto = _f("Azimuth [°], 180 = south.")
    system_loss_fraction: auto = _f("System losses [fraction].")

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.Battery, name="Battery", description="A home battery.")
class BatteryType(relay.Node):
    site: SiteType = _f("Site it stands on.")
    name: auto = _f("Name, unique in the tenant.")
    energy_capacity_kwh: auto = _f("Usable energy [kWh].")
    power_max_kw: auto = _f("Largest charge or discharge power [kW].")
    charge_efficiency: auto = _f("Charging efficiency [fraction].")
    discharge_efficiency: auto = _f("Discharging efficiency [fraction].")
    soc_min_fraction: auto = _f("Lowest state of charge [fraction].")
    soc_max_fraction: auto = _f("Highest state of charge [fraction].")

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(
    models.EvCharger, name="EvCharger", description="A home EV charger and the car's daily stay."
)
class EvChargerType(relay.Node):
    site: SiteType = _f("Site it stands on.")
    name: auto = _f("Name, unique in the tenant.")
    power_max_kw: auto = _f("Largest charging power [kW].")
    efficiency: auto = _f("Charging efficiency [fraction].")
    ev_arrival_local_time: auto = _f("Car arrives (Europe/Copenhagen clock).")
    ev_departure_local_time: auto = _f("Car leaves (Europe/Copenhagen clock).")
    ev_energy_need_kwh: auto = _f("Energy to add per stay [kWh].")

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(
    models.BackupHeater,
    name="BackupHeater",
    description="A backup heater (electric or fuel boiler) covering heat demand.",
)
class BackupHeaterType(relay.Node):
    site: SiteType = _f("Site it stands on.")
    name: auto = _f("Name, unique in the tenant.")
    heat_power_max_kw: auto = _f("Largest heat output [kW_th].")
    heat_cost_eur_per_mwh: auto = _f("Cost per heat delivered [EUR/MWh_th].")
    co2_intensity_kg_per_mwh_heat: auto = _f("Emissions per heat delivered [kg CO2/MWh_th].")

    get_queryset = TenantScoped.get_queryset


def _current_memberships(info) -> Prefetch:
    current = memberships_covering(models.PoolMembership.objects.all(), timezone.now())
    return Prefetch(
        "memberships",
        queryset=current.select_related("heat_pump").order_by("heat_pump_id"),
        to_attr="current_memberships",
    )


@strawberry_django.type(
    models.PoolMembership,
    name="PoolMembership",
    description="A heat pump in a pool over [validFromAt, validToAt) (UTC; null = unbounded).",
)
class PoolMembershipType(relay.Node):
    heat_pump: HeatPumpType = _f("The member.")
    valid_from_at: dt.datetime | None = _f("Member from this instant (UTC); null: since always.")
    valid_to_at: dt.datetime | None = _f(
        "Member until this instant (UTC, excluded); null: open-ended."
    )
    created_at: auto = _f("When it was recorded (UTC).")

    @strawberry_django.field(only=["pool_id"], description="The pool's id.")
    def pool_id(self, root: models.PoolMembership) -> relay.GlobalID:
        return relay.GlobalID("Pool", str(root.pool_id))

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(
    models.Pool,
    name="Pool",
    description="Large heat pumps bid together into the markets on one market account.",
)
class PoolType(relay.Node):
    name: auto = _f("Name, unique in the tenant.")
    bidding_zone = zone_field(description="Zone the pool bids in.")
    market_account: MarketAccountType = _f("Market account the pool bids on.")
    retired_at: auto = _f("When it was retired (UTC); null while in service.")
    created_at: auto = _f("When it was created (UTC).")
    memberships: list[PoolMembershipType] = _f(
        "Every membership, past, present and future, by heat pump and start."
    )

    @strawberry_django.field(
        only=["tenant_id"],
        prefetch_related=[_current_memberships],
        description="The pool's members now (past and future members: its memberships).",
    )
    def heat_pumps(self, root: models.Pool) -> list[HeatPumpType]:
        memberships = getattr(root, "current_memberships", None)
        if memberships is None:
            memberships = _current_memberships(None).queryset.filter(pool=root)
        return [m.heat_pump for m in memberships if m.tenant_id == root.tenant_id]

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(
    models.TechnologyCatalogueEntry,
    name="TechnologyCatalogueEntry",
    description="An equipment option for household sizing: platform default or tenant override.",
)
class TechnologyCatalogueEntryType:
    technology: TechnologyEnum = _f("Kind of equipment.")  # type: ignore[valid-type]
    name: auto = _f("Option name.")
    parameters: JSON = _f(
        "The option's fields as the optimization core reads them: an object with snake_case "
        "keys carrying units (capex_eur, fixed_om_eur_per_year, lifetime_years, power_kw, ...)."
    )
    lifetime_years: auto = _f("Economic lifetime [years].")
    source: auto = _f("Where the figures come from.")

    @strawberry.field(description="True when this is the tenant's own entry, not the default.")
    def is_tenant_override(self, root: models.TechnologyCatalogueEntry) -> bool:
        return root.tenant_id is not None
