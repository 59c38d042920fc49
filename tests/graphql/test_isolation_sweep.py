"""Tenant isolation sweep over the whole schema.

Every query and mutation is enumerated from the schema itself, so a new field is swept the day
it is added: fields that take an object id are called by tenant B with tenant A's ids and must
answer exactly like a missing id, leaving A's rows unchanged; fields that take no id must not
reveal any of A's ids or names.
"""

from __future__ import annotations

import importlib
import json
import pkgutil

import pytest
from django.apps import apps
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    Undefined,
    get_named_type,
)
from strawberry import relay

from ainergy.common.models import TenantScopedModel
from ainergy.schema import schema
from tests.graphql import sweep_objects

GRAPHQL = schema._schema
MISSING_OFFSET = 10_000_000


def tenant_scoped_models():
    return [model for model in apps.get_models() if issubclass(model, TenantScopedModel)]


def snapshot(tenant) -> dict:
    """Every row tenant A owns, as plain values, for before/after comparison."""
    from tenants.models import Tenant

    rows = {"Tenant": list(Tenant.objects.filter(pk=tenant.pk).values())}
    for model in tenant_scoped_models():
        rows[model.__name__] = list(model.objects.filter(tenant=tenant).order_by("pk").values())
    return json.loads(json.dumps(rows, default=str))


def node_type_names() -> list[str]:
    node_interface = GRAPHQL.type_map["Node"]
    return sorted(
        name
        for name, gql_type in GRAPHQL.type_map.items()
        if isinstance(gql_type, GraphQLObjectType) and node_interface in gql_type.interfaces
    )


def target_type(field_name: str) -> str | None:
    """The node type a field's ``id`` refers to: the longest type name its name starts with."""
    candidates = [name for name in node_type_names() if field_name.lower().startswith(name.lower())]
    return max(candidates, key=len) if candidates else None


def id_leaf_type(leaf_name: str, field_name: str) -> str:
    """``id`` → the mutation's entity; ``siteId`` / ``heatPumpIds`` → the type named before Id."""
    if leaf_name == "id":
        type_name = target_type(field_name)
    elif leaf_name == "objectId":  # jobs(filters: {objectId}): any object with jobs
        type_name = "BidPlan"
    else:
        stem = leaf_name.removesuffix("Ids").removesuffix("Id").lower()
        candidates = [name for name in node_type_names() if stem.endswith(name.lower())]
        type_name = max(candidates, key=len) if candidates else None
    assert type_name, f"{field_name}: cannot tell which node type {leaf_name!r} refers to"
    return type_name


def unwrap(gql_type):
    return gql_type.of_type if isinstance(gql_type, GraphQLNonNull) else gql_type


SAMPLES = {
    "String": "DK1",
    "Int": 1,
    "Float": 1.0,
    "Boolean": False,
    "DateTime": "2024-01-01T00:00:00+00:00",
    "Date": "2024-01-01",
    "Time": "08:00:00",
    "JSON": {},
}


def build_value(gql_type, leaf_name: str, field_name: str, pick_id, required_only: bool):
    """A value for an argument: ids from ``pick_id(type_name)``, plausible scalars elsewhere."""
    gql_type = unwrap(gql_type)
    if isinstance(gql_type, GraphQLList):
        return [build_value(gql_type.of_type, leaf_name, field_name, pick_id, required_only)]
    if isinstance(gql_type, GraphQLEnumType):
        return next(iter(gql_type.values))
    if isinstance(gql_type, GraphQLInputObjectType):
        return {
            name: build_value(field.type, name, field_name, pick_id, required_only)
            for name, field in gql_type.fields.items()
            if (isinstance(field.type, GraphQLNonNull) and field.default_value is Undefined)
            or (has_id(field.type, name) and name not in ("AND", "OR", "NOT"))
        }
    if gql_type.name in ("ID", "GlobalID"):
        return pick_id(id_leaf_type(leaf_name, field_name))
    return SAMPLES.get(gql_type.name, "x")


def has_id(gql_type, name: str = "", seen: frozenset = frozenset()) -> bool:
    """Whether an argument carries an object id anywhere inside it (recursive inputs once)."""
    named = get_named_type(gql_type)
    if isinstance(named, GraphQLScalarType):
        return named.name in ("ID", "GlobalID")
    if isinstance(named, GraphQLInputObjectType) and named.name not in seen:
        return any(
            has_id(field.type, key, seen | {named.name}) for key, field in named.fields.items()
        )
    return False


def selection(gql_type, depth: int = 0) -> str:
    gql_type = get_named_type(gql_type)
    if isinstance(gql_type, GraphQLUnionType):
        return "{ __typename }"
    if not isinstance(gql_type, GraphQLObjectType):
        return ""
    if depth >= 3:
        return "{ __typename }"
    parts = ["__typename"]
    for name, field in gql_type.fields.items():
        if any(isinstance(arg.type, GraphQLNonNull) for arg in field.args.values()):
            continue
        inner = selection(field.type, depth + 1)
        parts.append(f"{name} {inner}".strip())
    return "{ " + " ".join(parts) + " }"


def document(operation: str, field_name: str, field, arguments: dict) -> tuple[str, dict]:
    declarations, passing, variables = [], [], {}
    for name, value in arguments.items():
        declarations.append(f"${name}: {field.args[name].type}")
        passing.append(f"{name}: ${name}")
        variables[name] = value
    head = f"{operation} Sweep({', '.join(declarations)})" if declarations else operation
    call = f"{field_name}({', '.join(passing)})" if passing else field_name
    return f"{head} {{ {call} {selection(field.type)} }}", variables


# ``node`` / ``nodes`` take an id of any type: swept per node type below.
ANY_TYPE_FIELDS = {"node", "nodes"}


def all_fields():
    for operation, root in (("query", GRAPHQL.query_type), ("mutation", GRAPHQL.mutation_type)):
        for name in root.fields:
            if operation == "query" and name in ANY_TYPE_FIELDS:
                continue
            yield pytest.param(operation, name, id=f"{operation}.{name}")


def test_any_type_fields_exist():
    assert ANY_TYPE_FIELDS <= set(GRAPHQL.query_type.fields)


def gid(type_name: str, obj) -> str:
    return str(relay.GlobalID(type_name, str(obj.pk)))


@pytest.fixture(autouse=True)
def _no_cost_limits(settings):
    """The sweep selects every field of every type, nested objects included; query cost limits
    would refuse some of those documents before they reach tenancy (test_cost_and_rejection),
    and its hundreds of requests from one address would meet the request-rate limits."""
    settings.GRAPHQL_MAX_COST = 10**9
    settings.RATE_LIMIT_PER_IP_PER_MINUTE = 10**6
    settings.RATE_LIMIT_PER_CALLER_PER_MINUTE = 10**6
    settings.RATE_LIMIT_PER_TENANT_PER_MINUTE = 10**6
    settings.GRAPHQL_COST_BUDGET_PER_MINUTE = 10**12


@pytest.fixture
def world(tenant, other_tenant, user_client, token_client):
    """Tenant A with one object of every node type; tenant B's owner as the attacker."""
    from ainergy.jobs.services import job_enqueue
    from tenants.models import Membership
    from tenants.services import api_token_create, membership_create

    viewer = membership_create(tenant=tenant, email="viewer@alpha.dk", role="viewer")
    token, _ = api_token_create(tenant=tenant, name="alpha secret app", scopes=["read"])
    job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    owner = Membership.objects.get(tenant=tenant, role="owner")
    assets = {}
    names = sorted(module.name for module in pkgutil.iter_modules(sweep_objects.__path__))
    for name in ["platform", *(name for name in names if name != "platform")]:
        maker = importlib.import_module(f"{sweep_objects.__name__}.{name}").make
        assets.update(maker(tenant, assets))
    foreign_ids = {
        "Membership": [gid("Membership", m) for m in (viewer, owner)],
        "ApiToken": [gid("ApiToken", token)],
        "Job": [gid("Job", job)],
        **{type_name: [gid(type_name, obj)] for type_name, obj in assets.items()},
    }
    missing_ids = {
        name: [
            str(
                relay.GlobalID(
                    name, str(int(relay.GlobalID.from_id(ids[0]).node_id) + MISSING_OFFSET)
                )
            )
        ]
        for name, ids in foreign_ids.items()
    }
    return {
        "tenant": tenant,
        "attacker": user_client(other_tenant, "owner"),
        "foreign_ids": foreign_ids,
        "missing_ids": missing_ids,
        "secrets": [
            "alpha",
            "Alpha",
            "alpha secret app",
            "viewer@alpha.dk",
            "Secret Plant",
            "secret-heat",
        ],
    }


def test_every_node_type_has_a_foreign_object_in_the_fixture(world):
    assert sorted(world["foreign_ids"]) == node_type_names()


@pytest.mark.parametrize(("operation", "field_name"), list(all_fields()))
def test_tenant_b_cannot_touch_tenant_a(world, operation, field_name):
    # given
    root = GRAPHQL.query_type if operation == "query" else GRAPHQL.mutation_type
    field = root.fields[field_name]
    id_arguments = [name for name, arg in field.args.items() if has_id(arg.type, name)]
    before = snapshot(world["tenant"])

    if id_arguments:
        types_used = {
            id_leaf_type(name, field_name)
            for name in id_arguments
            if name == "id" or name.endswith(("Id", "Ids"))
        }
        variants = max(len(world["foreign_ids"][t]) for t in types_used) if types_used else 1
        for variant in range(variants):

            def foreign(type_name, variant=variant):
                ids = world["foreign_ids"][type_name]
                return ids[min(variant, len(ids) - 1)]

            def missing(type_name):
                return world["missing_ids"][type_name][0]

            def arguments(pick_id):
                return {
                    name: build_value(arg.type, name, field_name, pick_id, True)
                    for name, arg in field.args.items()
                    if isinstance(arg.type, GraphQLNonNull) or name in id_arguments
                }

            # when
            attacked = world["attacker"].execute(
                *document(operation, field_name, field, arguments(foreign))
            )
            baseline = world["attacker"].execute(
                *document(operation, field_name, field, arguments(missing))
            )
            # then: indistinguishable from a missing object (the cost estimate included; only
            # the caller's own remaining cost budget moves between the two), and an error (a
            # list filtered by another tenant's id is simply empty)
            for body in (attacked, baseline):
                body.get("extensions", {}).get("cost", {}).pop("budgetRemaining", None)
            assert attacked == baseline, (attacked, baseline)
            if get_named_type(field.type).name.endswith("Connection"):
                assert attacked["data"][field_name]["edges"] == [], attacked
            else:
                assert attacked["errors"][0]["extensions"]["code"] == "NOT_FOUND", attacked
    else:
        arguments = {
            name: build_value(arg.type, name, field_name, lambda _type: "unused", True)
            for name, arg in field.args.items()
            if isinstance(arg.type, GraphQLNonNull)
        }
        # when
        response = world["attacker"].post(*document(operation, field_name, field, arguments))
        # then: nothing of A shows up
        text = response.content.decode()
        leaked = [
            value
            for value in [*world["secrets"], *sum(world["foreign_ids"].values(), [])]
            if value in text
        ]
        assert not leaked, f"{field_name} leaked {leaked}: {text}"

    assert snapshot(world["tenant"]) == before


def test_every_tenant_scoped_type_filters_in_get_queryset():
    # given every strawberry-django type in the schema

    missing = []
    for definition in schema.schema_converter.type_map.values():
        if getattr(definition.definition, "is_input", True):
            continue
        origin = getattr(definition.definition, "origin", None)
        django_definition = getattr(origin, "__strawberry_django_definition__", None)
        if django_definition is None or not issubclass(django_definition.model, TenantScopedModel):
            continue
        if "get_queryset" not in vars(origin):
            missing.append(origin.__name__)
    # then
    assert missing == []


def test_sweep_covers_tenant_scoped_models_with_types():
    """A tenant-owned model exposed in GraphQL must be a Node (so ids exist to sweep)."""
    exposed = {
        definition.definition.origin.__strawberry_django_definition__.model.__name__
        for definition in schema.schema_converter.type_map.values()
        if hasattr(
            getattr(definition.definition, "origin", None), "__strawberry_django_definition__"
        )
        and issubclass(
            definition.definition.origin.__strawberry_django_definition__.model, TenantScopedModel
        )
    }
    assert exposed <= set(node_type_names())


NODE_QUERY = "query Sweep($id: ID!) { node(id: $id) { __typename id } }"
NODES_QUERY = "query Sweep($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }"


def test_node_reads_another_tenants_ids_as_not_found(world):
    # given every node type's foreign ids and ids of missing objects
    before = snapshot(world["tenant"])
    for type_name, ids in world["foreign_ids"].items():
        for foreign in ids:
            # when
            attacked = world["attacker"].execute(NODE_QUERY, {"id": foreign})
            baseline = world["attacker"].execute(
                NODE_QUERY, {"id": world["missing_ids"][type_name][0]}
            )
            # then
            assert attacked == baseline, (type_name, attacked, baseline)
            assert attacked["data"] is None
            assert attacked["errors"][0]["extensions"] == {"code": "NOT_FOUND"}, attacked
    assert snapshot(world["tenant"]) == before


def test_nodes_reads_another_tenants_ids_as_not_found(world):
    # given one foreign id of every node type, and the same number of missing ids
    types = sorted(world["foreign_ids"])
    foreign = [world["foreign_ids"][name][0] for name in types]
    missing = [world["missing_ids"][name][0] for name in types]
    # when
    attacked = world["attacker"].execute(NODES_QUERY, {"ids": foreign})
    baseline = world["attacker"].execute(NODES_QUERY, {"ids": missing})
    # then: null at every position, one NOT_FOUND per position, like missing objects
    assert attacked == baseline
    assert attacked["data"] == {"nodes": [None] * len(types)}
    assert sorted(error["path"][1] for error in attacked["errors"]) == list(range(len(types)))
    assert {error["extensions"]["code"] for error in attacked["errors"]} == {"NOT_FOUND"}
