"""Objects by global id: ``node(id:)``, ``nodes(ids:)`` and one single-object query per type.

Every lookup goes through the node type's ``get_queryset`` (tenant scoping) and the query
optimizer. A malformed id is ``VALIDATION_ERROR`` naming the argument; a missing object and
another tenant's object both read ``NOT_FOUND`` with the same message.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Annotated, Any

import strawberry
from django.conf import settings
from strawberry import relay
from strawberry.types.cast import cast as strawberry_cast

from ainergy.common.errors import Issues, NotFoundError, ValidationError
from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id, parse_id
from ainergy.graphql.permissions import READ

ID_ARGUMENT = "Global id of the object, as handed out by this API (opaque)."


def label(type_name: str) -> str:
    """``HeatPump`` → ``Heat pump``; ``ApiToken`` → ``API token``."""
    words = re.findall(r"[A-Z][a-z0-9]*", type_name)
    text = " ".join(word.lower() for word in words).capitalize()
    return text.replace("Api ", "API ")


def not_found(type_name: str) -> NotFoundError:
    return NotFoundError(f"{label(type_name)} not found.")


@cache
def _node_types(schema) -> dict[str, type]:
    found = {}
    for definition in schema.schema_converter.type_map.values():
        origin = getattr(definition.definition, "origin", None)
        if isinstance(origin, type) and issubclass(origin, relay.Node) and origin is not relay.Node:
            found[definition.definition.name] = origin
    return found


def _node_type(info: Info, type_name: str, field: str) -> type:
    node_type = _node_types(info.schema).get(type_name)
    if node_type is None:
        raise ValidationError(field, f"not the id of an object of this API ({type_name})")
    return node_type


def resolve_one(info: Info, node_type: type, type_name: str, pk: int) -> Any:
    obj = node_type.resolve_node(str(pk), info=info, required=False)
    if obj is None:
        raise not_found(type_name)
    return strawberry_cast(node_type, obj)


def node_field(node_type: type, description: str):
    """A root field ``<type>(id: ID!): <Type>!`` reading one object of the tenant."""
    type_name = node_type.__strawberry_definition__.name

    def resolve(
        info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=ID_ARGUMENT)]
    ) -> Any:
        return resolve_one(info, node_type, type_name, decode_id(id, type_name))

    resolve.__annotations__["return"] = node_type
    return strawberry.field(resolver=resolve, extensions=[READ], description=description)


@strawberry.type
class Query:
    @strawberry.field(
        extensions=[READ],
        description="Any object of the tenant by its global id (use a fragment per type).",
    )
    def node(
        self, info: Info, id: Annotated[strawberry.ID, strawberry.argument(description=ID_ARGUMENT)]
    ) -> relay.Node:
        type_name, pk = parse_id(id, "id")
        return resolve_one(info, _node_type(info, type_name, "id"), type_name, pk)

    @strawberry.field(
        extensions=[READ],
        description="Objects by global ids, in the order asked; a missing or foreign id gives "
        "null at its position and a NOT_FOUND error with that position in its path.",
    )
    def nodes(
        self,
        info: Info,
        ids: Annotated[
            list[strawberry.ID],
            strawberry.argument(
                description=f"Global ids (at most {settings.GRAPHQL_MAX_PAGE_SIZE})."
            ),
        ],
    ) -> list[relay.Node | None]:
        if len(ids) > settings.GRAPHQL_MAX_PAGE_SIZE:
            raise ValidationError("ids", f"at most {settings.GRAPHQL_MAX_PAGE_SIZE} ids per query")
        issues = Issues()
        parsed: list[tuple[str, int] | None] = []
        for position, value in enumerate(ids):
            with issues.collect():
                type_name, pk = parse_id(value, f"ids[{position}]")
                _node_type(info, type_name, f"ids[{position}]")
                parsed.append((type_name, pk))
                continue
            parsed.append(None)
        issues.raise_if_any()
        by_type: dict[str, list[int]] = {}
        for type_name, pk in parsed:  # type: ignore[misc]
            by_type.setdefault(type_name, []).append(pk)
        found: dict[tuple[str, int], Any] = {}
        for type_name, pks in by_type.items():
            node_type = _node_types(info.schema)[type_name]
            unique = sorted(set(pks))
            objects = node_type.resolve_nodes(
                info=info, node_ids=[str(pk) for pk in unique], required=False
            )
            for pk, obj in zip(unique, objects, strict=True):
                if obj is not None:
                    found[(type_name, pk)] = strawberry_cast(node_type, obj)
        # An exception in a list is reported as that item's error (null in its place).
        return [found.get(key) or not_found(key[0]) for key in parsed]  # type: ignore[misc]
