"""Closed sets as GraphQL enums: UPPER_SNAKE_CASE names, the stored value behind each.

One enum per closed set, shared by inputs and outputs. The Python member's ``value`` is what
the database and the services use (``"large"``, ``"DK1"``); GraphQL shows the member's name
(``LARGE``). Every value carries a description.
"""

from __future__ import annotations

from enum import Enum

import strawberry


def graphql_enum(name: str, description: str, values: dict[str, tuple[str, str]]) -> type[Enum]:
    """An enum ``name`` with ``{GRAPHQL_NAME: (stored value, description)}``."""
    cls = Enum(  # type: ignore[misc]
        name,
        {
            key: strawberry.enum_value(value, description=value_description)
            for key, (value, value_description) in values.items()
        },
    )
    return strawberry.enum(cls, name=name, description=description)


def choices_enum(
    name: str, description: str, choices, descriptions: dict[str, str] | None = None
) -> type[Enum]:
    """An enum from Django ``TextChoices`` (labels as value descriptions unless given)."""
    descriptions = descriptions or {}
    return graphql_enum(
        name,
        description,
        {
            member.name: (member.value, descriptions.get(member.name, str(member.label)))
            for member in choices
        },
    )


FILTER_OPERATORS = {
    "AND": "All of these conditions must hold too.",
    "OR": "Or these conditions must hold.",
    "NOT": "These conditions must not hold.",
    "DISTINCT": "Drop duplicate rows.",
}


def describe(cls, description: str | None = None, /, **fields: str) -> type:
    """Describe a strawberry type and its fields (by Python name) where the declaration does
    not; an unknown field name fails at import. Filters get their logical operators described."""
    definition = cls.__strawberry_definition__
    if description:
        definition.description = description
    by_name = {field.python_name: field for field in definition.fields}
    for name, text in {**FILTER_OPERATORS, **fields}.items():
        if name in FILTER_OPERATORS and name not in by_name:
            continue
        by_name[name].description = text
    return cls


def describe_arguments(cls, field_name: str, **arguments: str) -> None:
    """Describe the arguments of one field of a strawberry type (by Python names)."""
    field = next(f for f in cls.__strawberry_definition__.fields if f.python_name == field_name)
    by_name = {argument.python_name: argument for argument in field.arguments}
    for name, text in arguments.items():
        by_name[name].description = text


def describe_root_arguments(*roots: type) -> None:
    """The ``input`` argument of a root field takes its input type's description; ``filters``
    of a connection says what it does (where the field does not describe them itself)."""
    for root in roots:
        for field in root.__strawberry_definition__.fields:
            for argument in field.arguments:
                if argument.description:
                    continue
                if argument.python_name == "filters":
                    argument.description = "Only objects meeting all these conditions."
                elif argument.python_name == "input":
                    definition = getattr(argument.type, "__strawberry_definition__", None)
                    if definition is None:
                        of_type = getattr(argument.type, "of_type", None)
                        definition = getattr(of_type, "__strawberry_definition__", None)
                    if definition is not None and definition.description:
                        argument.description = definition.description
