from __future__ import annotations

import strawberry
import strawberry_django

from ainergy.assets.graphql.types import (
    BackupHeaterType,
    BatteryType,
    EvChargerType,
    HeatPumpType,
    PoolType,
    PvSystemType,
    SiteType,
    TechnologyCatalogueEntryType,
    ThermalStorageType,
)
from ainergy.assets.selectors import catalogue_entries
from ainergy.graphql.connection import Connection
from ainergy.graphql.context import Info
from ainergy.graphql.nodes import node_field
from ainergy.graphql.permissions import READ


def _connection(what: str):
    return strawberry_django.connection(
        extensions=[READ], description=f"The tenant's {what}, oldest first."
    )


@strawberry.type
class Query:
    sites: Connection[SiteType] = _connection("sites")
    heat_pumps: Connection[HeatPumpType] = _connection("heat pumps")
    thermal_storages: Connection[ThermalStorageType] = _connection("thermal storages")
    pv_systems: Connection[PvSystemType] = _connection("PV systems")
    batteries: Connection[BatteryType] = _connection("batteries")
    ev_chargers: Connection[EvChargerType] = _connection("EV chargers")
    backup_heaters: Connection[BackupHeaterType] = _connection("backup heaters")
    pools: Connection[PoolType] = _connection("pools")

    site: SiteType = node_field(SiteType, "One site by id.")
    heat_pump: HeatPumpType = node_field(HeatPumpType, "One heat pump by id.")
    thermal_storage: ThermalStorageType = node_field(ThermalStorageType, "One storage by id.")
    pv_system: PvSystemType = node_field(PvSystemType, "One PV system by id.")
    battery: BatteryType = node_field(BatteryType, "One battery by id.")
    ev_charger: EvChargerType = node_field(EvChargerType, "One EV charger by id.")
    backup_heater: BackupHeaterType = node_field(BackupHeaterType, "One backup heater by id.")
    pool: PoolType = node_field(PoolType, "One pool by id.")

    @strawberry.field(
        extensions=[READ],
        description="Equipment options for household sizing: platform defaults, each replaced "
        "by the tenant's own entry where it has one.",
    )
    def technology_catalogue(self, info: Info) -> list[TechnologyCatalogueEntryType]:
        return catalogue_entries(info.context.tenant)
