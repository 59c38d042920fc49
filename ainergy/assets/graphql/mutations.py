from functools import partial

import strawberry

from ainergy.assets import models, services
from ainergy.assets.graphql import inputs, types
from ainergy.graphql.context import Info
from ainergy.graphql.crud import crud_mutations, input_data
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

Mutation = strawberry.type(type("Mutation", (), {"__annotations__": {}, **_fields}))
