from __future__ import annotations

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

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
from ainergy.graphql.context import Info
from ainergy.graphql.permissions import READ


@strawberry.type
class Query:
    sites: DjangoListConnection[SiteType] = strawberry_django.connection(extensions=[READ])
    heat_pumps: DjangoListConnection[HeatPumpType] = strawberry_django.connection(extensions=[READ])
    thermal_storages: DjangoListConnection[ThermalStorageType] = strawberry_django.connection(
        extensions=[READ]
    )
    pv_systems: DjangoListConnection[PvSystemType] = strawberry_django.connection(extensions=[READ])
    batteries: DjangoListConnection[BatteryType] = strawberry_django.connection(extensions=[READ])
    ev_chargers: DjangoListConnection[EvChargerType] = strawberry_django.connection(
        extensions=[READ]
    )
    backup_heaters: DjangoListConnection[BackupHeaterType] = strawberry_django.connection(
        extensions=[READ]
    )
    pools: DjangoListConnection[PoolType] = strawberry_django.connection(extensions=[READ])

    @strawberry.field(extensions=[READ])
    def technology_catalogue(self, info: Info) -> list[TechnologyCatalogueEntryType]:
        """Platform defaults, each replaced by the tenant's own row where it has one."""
        return catalogue_entries(info.context.tenant)
