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
