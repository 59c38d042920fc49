"""Thin create / update / delete mutations for tenant-owned models, generated per type.

Each mutation decodes global ids, drops unset fields, and calls one service; ids inside inputs
follow the naming rule ``<entity>_id`` / ``<entity>_ids`` → node type ``<Entity>``.
"""

import dataclasses
import enum
from collections.abc import Callable
from typing import Annotated, Any

import strawberry
from strawberry import UNSET
from strawberry.types.base import StrawberryList, StrawberryOptional

from ainergy.common.errors import Issues, join_path
from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id, encode_id
from ainergy.graphql.nodes import label
from ainergy.graphql.permissions import WRITE


def node_type_name(field: str) -> str:
    """``heat_pump_ids`` → ``HeatPump``; ``source_temperature_series_id`` → ``Series``."""
    stem = field.removesuffix("_ids").removesuffix("_id")
    if stem.endswith("series"):
        return "Series"
    return "".join(part.capitalize() for part in stem.split("_"))


def _is_id(type_: Any) -> bool:
    while isinstance(type_, StrawberryOptional | StrawberryList):
        type_ = type_.of_type
    return type_ is strawberry.ID


def _plain(value: Any, type_name: str | None, path: str, issues: Issues) -> Any:
    if value is None or value is UNSET:
        return value
    if isinstance(value, list):
        return [
            _plain(item, type_name, join_path(path, f"[{index}]"), issues)
            for index, item in enumerate(value)
        ]
    if type_name is not None:
        with issues.collect():
            return decode_id(value, type_name, path)
        return None
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value):
        return _input_dict(value, path, issues)
    return value


def _input_dict(value: Any, prefix: str, issues: Issues) -> dict[str, Any]:
    definition = getattr(type(value), "__strawberry_definition__", None)
    fields = (
        {field.python_name: field.type for field in definition.fields}
        if definition is not None
        else {}
    )
    data = {}
    for field in dataclasses.fields(value):
        item = getattr(value, field.name)
        if item is UNSET:
            continue
        type_name = node_type_name(field.name) if _is_id(fields.get(field.name)) else None
        data[field.name] = _plain(item, type_name, join_path(prefix, field.name), issues)
    return data


def input_data(value: Any) -> dict[str, Any]:
    """Plain field values of a strawberry input (nested inputs as dicts, enums as their values),
    global ids decoded to primary keys; every malformed id is reported at once."""
    issues = Issues()
    data = _input_dict(value, "", issues)
    issues.raise_if_any()
    return data


def partial_input(input_cls: type, name: str) -> type:
    """The same input with every field optional and unset by default (for updates)."""
    definition = input_cls.__strawberry_definition__
    annotations = {}
    namespace: dict[str, Any] = {}
    for field in definition.fields:
        field_type = field.type
        if not isinstance(field_type, StrawberryOptional):
            field_type = StrawberryOptional(field_type)
        annotations[field.python_name] = Any
        namespace[field.python_name] = strawberry.field(
            default=UNSET,
            description=field.description,
            name=field.graphql_name,
            graphql_type=field_type,
        )
    namespace["__annotations__"] = annotations
    namespace["__module__"] = input_cls.__module__
    return strawberry.input(
        type(name, (), namespace),
        description=f"Fields of {definition.name.removesuffix('Input')} to change; "
        "fields left out keep their value.",
    )


@strawberry.type(description="The result of a delete mutation.")
class DeletePayload:
    deleted_id: strawberry.ID = strawberry.field(description="Global id of the deleted object.")


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

    def update_resolver(
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=f"The {type_name}'s id.")],
        input: partial_cls,  # type: ignore[valid-type]
    ) -> node_type:  # type: ignore[valid-type]
        return update(
            tenant=info.context.tenant,
            asset_id=decode_id(id, type_name),
            data=input_data(input),
        )

    def delete_resolver(
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description=f"The {type_name}'s id.")],
    ) -> DeletePayload:
        pk = delete(tenant=info.context.tenant, asset_id=decode_id(id, type_name))
        return DeletePayload(deleted_id=encode_id(type_name, pk))

    prefix = type_name[0].lower() + type_name[1:]
    what = label(type_name).lower()
    return {
        f"{prefix}_create": strawberry.mutation(
            resolver=create_resolver,
            extensions=[WRITE],
            description=f"Create a {what}; every invalid field is reported at once.",
        ),
        f"{prefix}_update": strawberry.mutation(
            resolver=update_resolver,
            extensions=[WRITE],
            description=f"Change fields of a {what}; the result is validated as a whole.",
        ),
        f"{prefix}_delete": strawberry.mutation(
            resolver=delete_resolver,
            extensions=[WRITE],
            description=f"Delete a {what} (and what belongs to it).",
        ),
    }
