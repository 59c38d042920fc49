"""Thin create / update / delete mutations for tenant-owned models, generated per type.

Each mutation decodes global ids, drops unset fields, and calls one service; ids inside inputs
follow the naming rule ``<entity>_id`` / ``<entity>_ids`` → node type ``<Entity>``.
"""

import dataclasses
from collections.abc import Callable
from typing import Any, Optional

import strawberry
from strawberry import UNSET, relay

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import WRITE


def _node_type_name(field: str) -> tuple[str, str]:
    """``heat_pump_ids`` → ("HeatPump", "Heat pump"); ``*_series_id`` → ("Series", "Series")."""
    stem = field.removesuffix("_ids").removesuffix("_id")
    if stem.endswith("series"):
        stem = "series"
    parts = stem.split("_")
    return "".join(part.capitalize() for part in parts), " ".join(parts).capitalize()


def input_data(value: Any) -> dict[str, Any]:
    """Plain field values of a strawberry input, global ids decoded to primary keys."""
    data = {}
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if item is UNSET:
            continue
        if isinstance(item, list) and item and all(isinstance(x, relay.GlobalID) for x in item):
            item = [decode_id(gid, *_node_type_name(field.name)) for gid in item]
        elif isinstance(item, relay.GlobalID):
            item = decode_id(item, *_node_type_name(field.name))
        elif hasattr(type(item), "__members__"):  # enums carry their value
            item = item.value
        elif dataclasses.is_dataclass(item):
            item = dataclasses.asdict(item)
        elif isinstance(item, list):
            item = [dataclasses.asdict(x) if dataclasses.is_dataclass(x) else x for x in item]
        data[field.name] = item
    return data


def partial_input(input_cls: type, name: str) -> type:
    """The same input with every field optional and unset by default (for updates)."""
    annotations = {
        field.name: Optional[field.type]  # noqa: UP045 - runtime type construction
        for field in dataclasses.fields(input_cls)
    }
    namespace = {"__annotations__": annotations, **{key: UNSET for key in annotations}}
    return strawberry.input(type(name, (), namespace))


@strawberry.type
class DeletePayload:
    deleted_id: relay.GlobalID


def crud_mutations(
    *,
    type_name: str,
    node_type: type,
    input_cls: type,
    partial_cls: type,
    create: Callable[..., Any],
    update: Callable[..., Any],
    delete: Callable[..., Any],
) -> dict[str, Any]:
    """``<x>Create``, ``<x>Update`` and ``<x>Delete`` fields calling the given services."""

    def create_resolver(info: Info, input: input_cls) -> node_type:  # type: ignore[valid-type]
        return create(tenant=info.context.tenant, data=input_data(input))

    def update_resolver(info: Info, id: relay.GlobalID, input: partial_cls) -> node_type:  # type: ignore[valid-type]
        return update(
            tenant=info.context.tenant,
            asset_id=decode_id(id, type_name, type_name),
            data=input_data(input),
        )

    def delete_resolver(info: Info, id: relay.GlobalID) -> DeletePayload:
        pk = delete(tenant=info.context.tenant, asset_id=decode_id(id, type_name, type_name))
        return DeletePayload(deleted_id=relay.GlobalID(type_name, str(pk)))

    prefix = type_name[0].lower() + type_name[1:]
    return {
        f"{prefix}_create": strawberry.mutation(resolver=create_resolver, extensions=[WRITE]),
        f"{prefix}_update": strawberry.mutation(resolver=update_resolver, extensions=[WRITE]),
        f"{prefix}_delete": strawberry.mutation(resolver=delete_resolver, extensions=[WRITE]),
    }
