"""Every type, field, argument and enum value of the schema has a description.

Relay boilerplate is excepted (``Node``, ``PageInfo``, ``*Connection``/``*Edge`` types and their
fields, the connection arguments, ``id`` of node types): strawberry describes those itself or
the Relay specification does. The test walks the executable schema (what is printed into
schema.graphql), so nothing added later escapes it.
"""

from __future__ import annotations

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from ainergy.schema import schema

GRAPHQL = schema._schema
RELAY_TYPES = {"Node", "PageInfo"}
CONNECTION_ARGUMENTS = {"first", "last", "before", "after", "offset"}
BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def is_relay_boilerplate(type_name: str) -> bool:
    return type_name in RELAY_TYPES or type_name.endswith(("Connection", "Edge"))


def missing_descriptions() -> list[str]:
    missing = []
    for name, gql_type in sorted(GRAPHQL.type_map.items()):
        if name.startswith("__") or name in BUILT_IN_SCALARS or is_relay_boilerplate(name):
            continue
        if not (gql_type.description or "").strip():
            missing.append(name)
        if isinstance(gql_type, GraphQLEnumType):
            missing += [
                f"{name}.{value_name}"
                for value_name, value in gql_type.values.items()
                if not (value.description or "").strip()
            ]
        if isinstance(gql_type, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in gql_type.fields.items():
                if field_name == "id" and not isinstance(gql_type, GraphQLInputObjectType):
                    continue  # Node.id
                if not (field.description or "").strip():
                    missing.append(f"{name}.{field_name}")
                for argument_name, argument in getattr(field, "args", {}).items():
                    if argument_name in CONNECTION_ARGUMENTS:
                        continue
                    if not (argument.description or "").strip():
                        missing.append(f"{name}.{field_name}({argument_name})")
    return missing


def test_every_type_field_argument_and_enum_value_is_described():
    assert missing_descriptions() == []


def test_the_walk_covers_all_kinds_of_schema_element():
    types = [t for n, t in GRAPHQL.type_map.items() if not n.startswith("__")]
    for kind in (
        GraphQLEnumType,
        GraphQLInputObjectType,
        GraphQLObjectType,
        GraphQLScalarType,
        GraphQLUnionType,
    ):
        assert any(isinstance(t, kind) for t in types), kind
