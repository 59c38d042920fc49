"""Finding 7 of issue 15, in general: hypothesis fuzzes every argument of every GraphQL query and
mutation, and of every field below the root that takes arguments (reached through ``node(id:)``),
all generated from the schema, not a hand list, so a new argument is fuzzed without touching this
file; and every field of the REST endpoints. It asserts that no answer is INTERNAL or a 500 and
that a refused mutation wrote no row.

Values mix the plausible (ids of the tenant's and another tenant's objects, enum values, dates
around DST days) with the hostile (wrong types, NaN and infinities, huge numbers, long strings,
years 1 and 9999, garbled ids and cursors). Jobs are not run (the test transaction never
commits), so the fuzz stays fast; example counts are bounded for CI.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.apps import apps
from django.db import connection
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strawberry import relay

from ainergy.schema import schema
from tests.optimization.app.bidding_world import build_pool, make_plan, public_series

EXAMPLES_PER_FIELD = 8
REST_EXAMPLES = 60
GRAPHQL = schema._schema
ROOT_FIELDS = [
    (operation, name)
    for operation, root in (("query", GRAPHQL.query_type), ("mutation", GRAPHQL.mutation_type))
    for name in sorted(root.fields)
]
# rows the request itself writes whatever its outcome (the audit trail)
ALWAYS_WRITTEN = {"tenants_auditevent"}

HOSTILE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(["", "x" * 5000, "\\N", "a\rb", "9999-12-31T23:59:59Z", "0001-01-01", "null"]),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
)


def _plausible(name: str, ids: list[str]):
    """Well-formed values of a scalar, close to what a real client sends."""
    return {
        "ID": st.sampled_from(ids),
        "GlobalID": st.sampled_from(ids),
        "String": st.text(alphabet="abcdefghij-_ 0123456789", min_size=1, max_size=12),
        "Int": st.integers(min_value=0, max_value=100),
        "Float": st.floats(min_value=0, max_value=1000),
        "Boolean": st.booleans(),
        "Date": st.dates(dt.date(2023, 1, 1), dt.date(2025, 12, 31)).map(dt.date.isoformat),
        "DateTime": st.datetimes(dt.datetime(2023, 1, 1), dt.datetime(2025, 12, 31))
        .map(lambda moment: moment.replace(minute=0, second=0, microsecond=0, tzinfo=dt.UTC))
        .map(dt.datetime.isoformat),
        "Time": st.times().map(lambda t: t.replace(microsecond=0).isoformat()),
        "JSON": st.dictionaries(st.text(max_size=8), st.integers(), max_size=3),
    }.get(name, HOSTILE)


def _scalar(name: str, ids: list[str]):
    """Any value of a scalar's JSON type, edge cases included."""
    if name in ("ID", "GlobalID"):
        return st.one_of(
            st.sampled_from(ids),
            st.text(max_size=30),
            st.just("U2l0ZTo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk="),  # Site:<huge pk>
        )
    if name == "String":
        return st.one_of(
            st.text(max_size=30),
            st.sampled_from(["YXJyYXljb25uZWN0aW9uOjk5OTk5OTk5OTk5OTk5OTk5OQ==", "x" * 300]),
        )
    if name == "Int":
        return st.one_of(
            st.integers(min_value=-5, max_value=200),
            st.integers(min_value=-(2**31), max_value=2**31 - 1),
        )
    if name == "Float":
        return st.one_of(
            st.floats(min_value=-1e3, max_value=1e4, allow_nan=False),
            st.floats(allow_nan=True, allow_infinity=True),
        )
    if name == "Boolean":
        return st.booleans()
    if name == "Date":
        return st.one_of(
            st.dates().map(lambda d: d.isoformat()),
            st.sampled_from(["2024-10-27", "2024-03-31", "2024-13-45", "9999-12-31", "0001-01-01"]),
        )
    if name == "DateTime":
        return st.one_of(
            st.datetimes(timezones=st.just(dt.UTC)).map(lambda d: d.isoformat()),
            st.sampled_from(
                ["2024-10-27T00:30:00+02:00", "2024-01-01T00:00:00", "9999-01-01T00:00:00Z"]
            ),
        )
    if name == "Time":
        return st.one_of(st.times().map(lambda t: t.isoformat()), st.just("25:61"))
    if name == "JSON":
        return st.recursive(
            st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
            lambda inner: st.one_of(
                st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
            ),
            max_leaves=8,
        )
    return HOSTILE


def value_strategy(type_, ids: list[str], depth: int = 0, hostile: bool = True):
    """Values for a GraphQL input type: of the type, and (``hostile``) sometimes anything."""
    nullable = not isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if not nullable else type_
    if isinstance(inner, GraphQLList):
        typed = st.lists(value_strategy(inner.of_type, ids, depth + 1, hostile), max_size=3)
    elif isinstance(inner, GraphQLInputObjectType):
        if depth > 3:
            typed = st.just({})
        else:
            required = {
                name: value_strategy(field.type, ids, depth + 1, hostile)
                for name, field in inner.fields.items()
                if isinstance(field.type, GraphQLNonNull) and field.default_value is None
            }
            optional = {
                name: value_strategy(field.type, ids, depth + 1, hostile)
                for name, field in inner.fields.items()
                if name not in required
            }
            typed = st.fixed_dictionaries(required, optional=optional)
    elif isinstance(inner, GraphQLEnumType):
        values = st.sampled_from(sorted(inner.values))
        typed = st.one_of(values, st.text(max_size=8)) if hostile else values
    elif isinstance(inner, GraphQLScalarType):
        typed = _scalar(inner.name, ids) if hostile else _plausible(inner.name, ids)
    else:
        typed = HOSTILE
    options = [typed, typed, typed, HOSTILE] if hostile else [typed]
    if nullable:
        options.append(st.none())
    return st.one_of(*options)


def document(operation: str, name: str) -> str:
    root = GRAPHQL.query_type if operation == "query" else GRAPHQL.mutation_type
    field = root.fields[name]
    definitions = ", ".join(f"${arg}: {field.args[arg].type}" for arg in field.args)
    arguments = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    named = field.type
    while isinstance(named, GraphQLNonNull | GraphQLList):
        named = named.of_type
    selection = "" if isinstance(named, GraphQLScalarType | GraphQLEnumType) else "{ __typename }"
    head = f"{operation} Fuzz({definitions})" if definitions else f"{operation} Fuzz"
    call = f"{name}({arguments})" if arguments else name
    return f"{head} {{ {call} {selection} }}"


def row_counts() -> dict[str, int]:
    tables = sorted(
        model._meta.db_table
        for model in apps.get_models()
        if model._meta.managed and model._meta.db_table not in ALWAYS_WRITTEN
    )
    sql = " UNION ALL ".join(f"SELECT '{table}', COUNT(*) FROM {table}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(cursor.fetchall())


@pytest.fixture
def fuzz_world(tenant, other_tenant, token_client, settings):
    settings.RATE_LIMIT_PER_CALLER_PER_MINUTE = 10**6
    settings.RATE_LIMIT_PER_IP_PER_MINUTE = 10**6
    settings.RATE_LIMIT_PER_TENANT_PER_MINUTE = 10**6
    settings.GRAPHQL_COST_BUDGET_PER_MINUTE = 10**12
    ours, theirs = build_pool(tenant), build_pool(other_tenant, name="Foreign")
    ids = []
    for world in (ours, theirs):
        pool = world["pool"]
        ids += [
            str(relay.GlobalID("Pool", str(pool.pk))),
            str(relay.GlobalID("MarketAccount", str(pool.market_account_id))),
        ]
        ids += [
            str(relay.GlobalID("HeatPump", str(pk)))
            for pk in pool.heat_pumps.values_list("pk", flat=True)
        ]
        ids += [
            str(relay.GlobalID("Site", str(pump.site_id))) for pump in pool.heat_pumps.all()[:1]
        ]
    from ainergy.timeseries.models import Series

    public_series()
    plan = make_plan(tenant, ours)["plan"]  # a stored plan (no solver): its nested fields run
    ids.append(str(relay.GlobalID("BidPlan", str(plan.pk))))
    ids += [
        str(relay.GlobalID("Series", str(pk)))
        for pk in Series.objects.values_list("pk", flat=True)[:6]
    ]
    return token_client(tenant, scopes=("read", "write", "ingest")), ids


def _arguments(operation: str, name: str):
    root = GRAPHQL.query_type if operation == "query" else GRAPHQL.mutation_type
    return root.fields[name].args


@pytest.mark.slow
@pytest.mark.parametrize(
    ("operation", "name"), ROOT_FIELDS, ids=[f"{o}.{n}" for o, n in ROOT_FIELDS]
)
def test_no_argument_value_makes_a_graphql_field_fail_internally(fuzz_world, operation, name):
    client, ids = fuzz_world
    query = document(operation, name)
    arguments = _arguments(operation, name)
    # half the examples well-typed (they reach resolvers and services), half with anything
    variables = st.one_of(
        *(
            st.fixed_dictionaries(
                {
                    arg: (
                        st.none()  # a plausible client pages from the start
                        if not hostile and arg in ("after", "before")
                        else value_strategy(definition.type, ids, hostile=hostile)
                    )
                    for arg, definition in arguments.items()
                }
            )
            for hostile in (False, True)
        )
    )

    @settings(
        max_examples=EXAMPLES_PER_FIELD if arguments else 1,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(variables=variables)
    def check(variables):
        before = row_counts() if operation == "mutation" else None
        body = json.dumps({"query": query, "variables": variables})
        response = client.client.post(
            "/graphql", body, content_type="application/json", **client.headers
        )
        assert response.status_code in (200, 400, 413, 414, 429), (
            response.status_code,
            response.content[:500],
        )
        assert response["Content-Type"].startswith("application/json")
        payload = response.json()
        codes = [error.get("extensions", {}).get("code") for error in payload.get("errors", [])]
        assert "INTERNAL" not in codes and None not in codes, (variables, payload)
        if before is not None and payload.get("errors"):
            assert row_counts() == before, (variables, payload)

    check()


def _nested_fields() -> list[tuple[str, list[str], str]]:
    """(Node type, fields from it, field with arguments) for every field with arguments that is
    not a root field, reached through ``node(id:)`` by the shortest path of fields without
    required arguments; a field with arguments that no Node type reaches is listed with an
    empty Node type (and the test below fails for it)."""
    from collections import deque

    from graphql import GraphQLInterfaceType, GraphQLObjectType, get_named_type

    roots = {GRAPHQL.query_type, GRAPHQL.mutation_type, GRAPHQL.subscription_type}
    node = GRAPHQL.type_map["Node"]
    targets = [
        (type_.name, name)
        for type_ in GRAPHQL.type_map.values()
        if isinstance(type_, GraphQLObjectType)
        and type_ not in roots
        and not type_.name.startswith("__")
        for name, field in type_.fields.items()
        if field.args
    ]
    found = []
    for owner, name in sorted(targets):
        queue = deque(
            (type_.name, type_.name, [])
            for type_ in GRAPHQL.type_map.values()
            if isinstance(type_, GraphQLObjectType) and node in type_.interfaces
        )
        seen = set()
        route = None
        while queue:
            start, current, path = queue.popleft()
            if current == owner:
                route = (start, path)
                break
            if current in seen or len(path) > 4:
                continue
            seen.add(current)
            type_ = GRAPHQL.type_map[current]
            if not isinstance(type_, GraphQLObjectType | GraphQLInterfaceType):
                continue
            for field_name, field in type_.fields.items():
                child = get_named_type(field.type)
                required = any(isinstance(a.type, GraphQLNonNull) and a.default_value is None
                               for a in field.args.values())  # fmt: skip
                if isinstance(child, GraphQLObjectType) and not required:
                    queue.append((start, child.name, [*path, field_name]))
        found.append((*(route or ("", [])), f"{owner}.{name}"))
    return found


NESTED_FIELDS = _nested_fields()


def nested_document(node_type: str, path: list[str], target: str) -> str:
    owner, name = target.split(".")
    field = GRAPHQL.type_map[owner].fields[name]
    definitions = "".join(f", $a_{arg}: {field.args[arg].type}" for arg in field.args)
    arguments = ", ".join(f"{arg}: $a_{arg}" for arg in field.args)
    named = field.type
    while isinstance(named, GraphQLNonNull | GraphQLList):
        named = named.of_type
    inner = "" if isinstance(named, GraphQLScalarType | GraphQLEnumType) else "{ __typename }"
    selection = f"{name}({arguments}) {inner}"
    for step in reversed(path):
        selection = f"{step} {{ {selection} }}"
    return f"query Fuzz($id: ID!{definitions}) {{ node(id: $id) {{ ... on {node_type} {{ {selection} }} }} }}"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("node_type", "path", "target"), NESTED_FIELDS, ids=[t for _, _, t in NESTED_FIELDS]
)
def test_no_argument_value_makes_a_nested_field_fail_internally(
    fuzz_world, node_type, path, target
):
    """Arguments of fields below the root (``BidPlan.nordPoolExport.downloadUrl(format)``),
    reached through ``node(id:)`` on an object of the tenant, so their resolvers run."""
    client, ids = fuzz_world
    assert node_type, f"{target} has arguments but no Node type reaches it; extend the route"
    owner, name = target.split(".")
    arguments = GRAPHQL.type_map[owner].fields[name].args
    own = [i for i in ids if relay.GlobalID.from_id(i).type_name == node_type]
    assert own, f"the fuzz world has no {node_type}; add one so the resolver runs"
    query = nested_document(node_type, path, target)
    variables = st.fixed_dictionaries(
        {
            "id": st.sampled_from(own),
            **{
                f"a_{arg}": st.one_of(
                    value_strategy(definition.type, ids, hostile=False),
                    value_strategy(definition.type, ids, hostile=True),
                )
                for arg, definition in arguments.items()
            },
        }
    )

    @settings(
        max_examples=EXAMPLES_PER_FIELD,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(variables=variables)
    def check(variables):
        body = json.dumps({"query": query, "variables": variables})
        response = client.client.post(
            "/graphql", body, content_type="application/json", **client.headers
        )
        assert response.status_code in (200, 400), (response.status_code, response.content[:500])
        payload = response.json()
        codes = [error.get("extensions", {}).get("code") for error in payload.get("errors", [])]
        assert "INTERNAL" not in codes and None not in codes, (variables, payload)

    check()


REST = st.fixed_dictionaries(
    {
        "device_id": st.one_of(st.just("hp-1"), HOSTILE),
        "time": st.one_of(_scalar("DateTime", []), HOSTILE),
        "electric_power_kw": st.one_of(st.floats(), HOSTILE),
        "is_on": st.one_of(st.booleans(), HOSTILE),
        "supply_temperature_c": st.one_of(st.floats(-50, 250), HOSTILE),
        "storage_soc_fraction": st.one_of(st.floats(-1, 2), HOSTILE),
    },
    optional={"unknown_field": HOSTILE},
)


@pytest.mark.slow
def test_no_rest_field_value_makes_an_endpoint_fail(fuzz_world, client, tenant):
    from ainergy.timeseries.models import Observation
    from tenants.services import api_token_create

    _, secret = api_token_create(tenant=tenant, name="device", scopes=["ingest", "read"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    _, ids = fuzz_world

    @settings(
        max_examples=REST_EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        readings=st.one_of(st.lists(REST, max_size=3), HOSTILE),
        wrap=st.booleans(),
        path_id=st.one_of(st.sampled_from(ids), st.text(max_size=40), st.integers().map(str)),
        day=st.one_of(_scalar("Date", []), st.text(max_size=12)),
        export_format=st.one_of(st.sampled_from(["csv", "json", "xml"]), st.text(max_size=5)),
    )
    def check(readings, wrap, path_id, day, export_format):
        before = Observation.objects.count()
        body = json.dumps({"readings": readings} if wrap else readings)
        response = client.post("/api/v1/telemetry", body, content_type="application/json", **auth)
        assert response.status_code in (200, 400, 404, 413), (
            response.status_code,
            response.content[:300],
        )
        assert response["Content-Type"] == "application/json"
        if response.status_code != 200:
            assert Observation.objects.count() == before
        segment = quote(path_id, safe="")
        for url, query in (
            (f"/api/v1/households/{segment}/schedule", {"day": day}),
            (f"/api/v1/heat-pumps/{segment}/schedule", {"day": day}),
            (f"/api/v1/bid-plans/{segment}/curves", {"format": export_format}),
        ):
            answer = client.get(url, query, **auth)
            assert answer.status_code in (200, 400, 404), (
                url,
                answer.status_code,
                answer.content[:300],
            )

    check()
