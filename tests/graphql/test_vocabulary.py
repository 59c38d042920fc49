"""One vocabulary: closed sets are enums in UPPER_SNAKE_CASE, ids are plain ``ID`` arguments."""

from __future__ import annotations

import re

import pytest
from graphql import GraphQLEnumType

from ainergy.schema import schema

GRAPHQL = schema._schema


def test_every_enum_value_is_upper_snake_case():
    bad = [
        f"{name}.{value}"
        for name, gql_type in GRAPHQL.type_map.items()
        if isinstance(gql_type, GraphQLEnumType) and not name.startswith("__")
        for value in gql_type.values
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", value)
    ]
    assert bad == []


def test_one_bidding_zone_enum_used_everywhere():
    zone_fields = sorted(
        f"{type_name}.{field_name}: {field.type}"
        for type_name, gql_type in GRAPHQL.type_map.items()
        if hasattr(gql_type, "fields") and not type_name.startswith("__")
        for field_name, field in gql_type.fields.items()
        if "biddingzone" in field_name.lower() or field_name == "zones"
    )
    assert all("BiddingZone" in entry for entry in zone_fields), zone_fields
    assert not any("BiddingZoneCode" in entry or "String" in entry for entry in zone_fields)


@pytest.mark.django_db
def test_market_product_codes_match_the_product_table():
    from ainergy.markets.graphql.enums import MarketProductCodeEnum
    from ainergy.markets.models import MarketProduct

    assert sorted(member.value for member in MarketProductCodeEnum) == sorted(
        MarketProduct.objects.values_list("code", flat=True)
    )


def test_job_kinds_match_the_registry():
    from ainergy.jobs.graphql.enums import JobKindEnum
    from ainergy.jobs.registry import job_kinds

    assert sorted(member.value for member in JobKindEnum) == [kind.name for kind in job_kinds()]


def test_series_kinds_match_the_kind_table():
    from ainergy.timeseries.graphql.enums import SeriesKindEnum
    from ainergy.timeseries.kinds import KINDS

    assert [member.value for member in SeriesKindEnum] == list(KINDS)


def test_error_codes_cover_every_domain_error():
    from ainergy.common import errors
    from ainergy.jobs.graphql.types import ErrorCodeEnum

    codes = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, errors.ApplicationError)
    }
    assert codes <= {member.value for member in ErrorCodeEnum}


def test_no_argument_is_parsed_as_a_strawberry_global_id():
    """Ids are ``strawberry.ID`` in Python and decoded by our code, so a malformed id is a
    VALIDATION_ERROR naming its path, never strawberry's unhandled parse error (INTERNAL)."""
    from strawberry import relay
    from strawberry.types.base import StrawberryList, StrawberryOptional

    def uses_global_id(type_, seen=frozenset()):
        while isinstance(type_, StrawberryOptional | StrawberryList):
            type_ = type_.of_type
        if type_ is relay.GlobalID:
            return True
        definition = getattr(type_, "__strawberry_definition__", None)
        if definition is None or not getattr(definition, "is_input", False):
            return False
        if definition.name in seen:
            return False
        return any(uses_global_id(f.type, seen | {definition.name}) for f in definition.fields)

    offending = []
    for root in ("Query", "Mutation"):
        for field in schema.get_type_by_name(root).fields:
            for argument in field.arguments:
                if uses_global_id(argument.type):
                    offending.append(f"{root}.{field.python_name}({argument.python_name})")
    assert offending == []
