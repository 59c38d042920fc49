import datetime as dt
from functools import partial

import strawberry
from strawberry import relay

from ainergy.assets import lifecycle, models, services
from ainergy.assets.graphql import inputs, types
from ainergy.graphql.context import Info
from ainergy.graphql.crud import crud_mutations, input_data
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import WRITE

ASSETS = [
    ("Site", models.Site, types.SiteType, inputs.SiteInput, inputs.SitePartial),
    ("HeatPump", models.HeatPump, types.HeatPumpType, inputs.HeatPumpInput, inputs.HeatPumpPartial),
    (
        "ThermalStorage",
        models.ThermalStorage,
        types.ThermalStorageType,
        inputs.ThermalStorageInput,
        inputs.ThermalStoragePartial,
    ),
    ("PvSystem", models.PvSystem, types.PvSystemType, inputs.PvSystemInput, inputs.PvSystemPartial),
    ("Battery", models.Battery, types.BatteryType, inputs.BatteryInput, inputs.BatteryPartial),
    (
        "EvCharger",
        models.EvCharger,
        types.EvChargerType,
        inputs.EvChargerInput,
        inputs.EvChargerPartial,
    ),
    (
        "BackupHeater",
        models.BackupHeater,
        types.BackupHeaterType,
        inputs.BackupHeaterInput,
        inputs.BackupHeaterPartial,
    ),
    ("Pool", models.Pool, types.PoolType, inputs.PoolInput, inputs.PoolPartial),
]

_fields = {}
for type_name, model, node_type, input_cls, partial_cls in ASSETS:
    _fields.update(
        crud_mutations(
            type_name=type_name,
            node_type=node_type,
            input_cls=input_cls,
            partial_cls=partial_cls,
            create=partial(services.asset_create, model=model),
            update=partial(services.asset_update, model=model),
            delete=partial(services.asset_delete, model=model),
        )
    )


def technology_catalogue_override(
    info: Info, input: inputs.CatalogueEntryInput
) -> types.TechnologyCatalogueEntryType:
    return services.catalogue_entry_override(tenant=info.context.tenant, **strawberry.asdict(input))


_fields["technology_catalogue_override"] = strawberry.mutation(
    resolver=technology_catalogue_override, extensions=[WRITE]
)


def heat_pump_retire(
    info: Info, id: relay.GlobalID, retired_at: dt.datetime | None = None
) -> types.HeatPumpType:
    """Retire a heat pump from retiredAt (default now): its memberships end then; it stays for
    the plans, dispatches and telemetry that refer to it (delete is refused for those)."""
    return lifecycle.heat_pump_retire(
        tenant=info.context.tenant,
        heat_pump_id=decode_id(id, "HeatPump", "Heat pump"),
        retired_at=retired_at,
    )


def pool_retire(
    info: Info, id: relay.GlobalID, retired_at: dt.datetime | None = None
) -> types.PoolType:
    """Retire a pool from retiredAt (default now): memberships end, no plans for later days."""
    return lifecycle.pool_retire(
        tenant=info.context.tenant,
        pool_id=decode_id(id, "Pool", "Pool"),
        retired_at=retired_at,
    )


def pool_membership_create(
    info: Info, input: inputs.PoolMembershipInput
) -> types.PoolMembershipType:
    """Add a heat pump to a pool over a validity interval; one pool per heat pump at a time."""
    return lifecycle.pool_membership_create(tenant=info.context.tenant, **input_data(input))


def pool_membership_end(
    info: Info, id: relay.GlobalID, valid_to_at: dt.datetime | None = None
) -> types.PoolMembershipType:
    """End a membership at validToAt (default now), not inside a day its unit is offered for."""
    return lifecycle.pool_membership_end(
        tenant=info.context.tenant,
        membership_id=decode_id(id, "PoolMembership", "Pool membership"),
        valid_to_at=valid_to_at,
    )


for _resolver in (heat_pump_retire, pool_retire, pool_membership_create, pool_membership_end):
    _fields[_resolver.__name__] = strawberry.mutation(resolver=_resolver, extensions=[WRITE])

Mutation = strawberry.type(type("Mutation", (), {"__annotations__": {}, **_fields}))
