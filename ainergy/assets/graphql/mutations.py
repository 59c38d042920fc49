import datetime as dt
from functools import partial
from typing import Annotated

import strawberry

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
    return services.catalogue_entry_override(tenant=info.context.tenant, **input_data(input))


_fields["technology_catalogue_override"] = strawberry.mutation(
    resolver=technology_catalogue_override,
    extensions=[WRITE],
    description="Store the tenant's own figures for a catalogue option (overrides the default).",
)


def _arg(description: str):
    return strawberry.argument(description=description)


def heat_pump_retire(
    info: Info,
    id: Annotated[strawberry.ID, _arg("The heat pump.")],
    retired_at: Annotated[
        dt.datetime | None, _arg("Retire from this instant (UTC offset); null: now.")
    ] = None,
) -> types.HeatPumpType:
    return lifecycle.heat_pump_retire(
        tenant=info.context.tenant, heat_pump_id=decode_id(id, "HeatPump"), retired_at=retired_at
    )


def pool_retire(
    info: Info,
    id: Annotated[strawberry.ID, _arg("The pool.")],
    retired_at: Annotated[
        dt.datetime | None, _arg("Retire from this instant (UTC offset); null: now.")
    ] = None,
) -> types.PoolType:
    return lifecycle.pool_retire(
        tenant=info.context.tenant, pool_id=decode_id(id, "Pool"), retired_at=retired_at
    )


def pool_membership_create(
    info: Info, input: Annotated[inputs.PoolMembershipInput, _arg("Pool, heat pump, interval.")]
) -> types.PoolMembershipType:
    return lifecycle.pool_membership_create(tenant=info.context.tenant, **input_data(input))


def pool_membership_end(
    info: Info,
    id: Annotated[strawberry.ID, _arg("The membership.")],
    valid_to_at: Annotated[
        dt.datetime | None, _arg("End at this instant (UTC offset); null: now.")
    ] = None,
) -> types.PoolMembershipType:
    return lifecycle.pool_membership_end(
        tenant=info.context.tenant,
        membership_id=decode_id(id, "PoolMembership"),
        valid_to_at=valid_to_at,
    )


for _resolver, _description in (
    (
        heat_pump_retire,
        "Retire a heat pump: its memberships end then; it stays for the plans, dispatches and "
        "telemetry that refer to it (delete is refused for those).",
    ),
    (pool_retire, "Retire a pool: memberships end, no plans for later days."),
    (
        pool_membership_create,
        "Add a heat pump to a pool over a validity interval; one pool per heat pump at a time.",
    ),
    (
        pool_membership_end,
        "End a membership, not inside a day its unit is offered for.",
    ),
):
    _fields[_resolver.__name__] = strawberry.mutation(
        resolver=_resolver, extensions=[WRITE], description=_description
    )

Mutation = strawberry.type(type("Mutation", (), {"__annotations__": {}, **_fields}))
