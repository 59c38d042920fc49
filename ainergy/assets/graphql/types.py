from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Prefetch
from django.utils import timezone
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.assets import models
from ainergy.assets.selectors import memberships_covering
from ainergy.graphql.context import scope_to_tenant
from ainergy.markets.graphql.types import BiddingZoneType, MarketAccountType


class TenantScoped:
    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.Site, name="Site")
class SiteType(relay.Node):
    name: auto
    latitude_deg: auto
    longitude_deg: auto
    bidding_zone: BiddingZoneType
    grid_tariff_code: auto
    created_at: auto

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.HeatPump, name="HeatPump")
class HeatPumpType(relay.Node):
    site: SiteType
    name: auto
    kind: auto
    device_id: auto
    power_min_kw: auto
    power_max_kw: auto
    ramp_limit_kw_per_min: auto
    start_cost_eur: auto
    cop_model: auto
    carnot_quality_grade: auto
    cop_max: auto
    cop_table: JSON
    source_kind: auto
    source_temperature_mode: auto
    source_temperature_c: auto
    sink_temperature_mode: auto
    sink_temperature_c: auto
    retired_at: auto
    created_at: auto

    @strawberry_django.field(only=["power_min_kw", "power_max_kw"])
    def minimum_load_fraction(self, root: models.HeatPump) -> float:
        return root.minimum_load_fraction

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.ThermalStorage, name="ThermalStorage")
class ThermalStorageType(relay.Node):
    site: SiteType
    heat_pump: HeatPumpType | None
    name: auto
    capacity_kwh: auto
    loss_fraction_per_h: auto
    soc_min_fraction: auto
    soc_max_fraction: auto
    soc_initial_fraction: auto

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.PvSystem, name="PvSystem")
class PvSystemType(relay.Node):
    site: SiteType
    name: auto
    peak_power_kw: auto
    tilt_deg: auto
    azimuth_deg: auto
    system_loss_fraction: auto

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.Battery, name="Battery")
class BatteryType(relay.Node):
    site: SiteType
    name: auto
    energy_capacity_kwh: auto
    power_max_kw: auto
    charge_efficiency: auto
    discharge_efficiency: auto
    soc_min_fraction: auto
    soc_max_fraction: auto

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.EvCharger, name="EvCharger")
class EvChargerType(relay.Node):
    site: SiteType
    name: auto
    power_max_kw: auto
    efficiency: auto
    ev_arrival_local_time: auto
    ev_departure_local_time: auto
    ev_energy_need_kwh: auto

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.BackupHeater, name="BackupHeater")
class BackupHeaterType(relay.Node):
    site: SiteType
    name: auto
    heat_power_max_kw: auto
    heat_cost_eur_per_mwh: auto
    co2_intensity_kg_per_mwh_heat: auto

    get_queryset = TenantScoped.get_queryset


def _current_memberships(info) -> Prefetch:
    current = memberships_covering(models.PoolMembership.objects.all(), timezone.now())
    return Prefetch(
        "memberships",
        queryset=current.select_related("heat_pump").order_by("heat_pump_id"),
        to_attr="current_memberships",
    )


@strawberry_django.type(models.PoolMembership, name="PoolMembership")
class PoolMembershipType(relay.Node):
    """A heat pump in a pool over [validFromAt, validToAt) (UTC; null = unbounded)."""

    heat_pump: HeatPumpType
    valid_from_at: dt.datetime | None = strawberry_django.field(
        description="Member from this instant (UTC); null = since always"
    )
    valid_to_at: dt.datetime | None = strawberry_django.field(
        description="Member until this instant (UTC, excluded); null = open-ended"
    )
    created_at: auto

    @strawberry_django.field(only=["pool_id"])
    def pool_id(self, root: models.PoolMembership) -> relay.GlobalID:
        return relay.GlobalID("Pool", str(root.pool_id))

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.Pool, name="Pool")
class PoolType(relay.Node):
    name: auto
    bidding_zone: BiddingZoneType
    market_account: MarketAccountType
    retired_at: auto
    created_at: auto
    memberships: list[PoolMembershipType] = strawberry_django.field(
        description="Every membership, past, present and future, by heat pump and start"
    )

    @strawberry_django.field(only=["tenant_id"], prefetch_related=[_current_memberships])
    def heat_pumps(self, root: models.Pool) -> list[HeatPumpType]:
        """The pool's members now (past and future members: its memberships)."""
        memberships = getattr(root, "current_memberships", None)
        if memberships is None:
            memberships = _current_memberships(None).queryset.filter(pool=root)
        return [m.heat_pump for m in memberships if m.tenant_id == root.tenant_id]

    get_queryset = TenantScoped.get_queryset


@strawberry_django.type(models.TechnologyCatalogueEntry, name="TechnologyCatalogueEntry")
class TechnologyCatalogueEntryType:
    technology: auto
    name: auto
    parameters: JSON
    lifetime_years: auto
    source: auto

    @strawberry.field
    def is_tenant_override(self, root: models.TechnologyCatalogueEntry) -> bool:
        return root.tenant_id is not None
