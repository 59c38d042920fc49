"""Findings 6 and 7 of issue 15, GraphQL side: unbounded inputs and failures that surfaced as
INTERNAL. Every list and string is bounded, every bad value is a named error (VALIDATION_ERROR
or BAD_USER_INPUT with ``extensions.field`` = the input path), before any work, nothing written.

Attacks reproduced: 200 000 product codes, 5 000 heat-pump ids, 10 000 empty ingest batches
(workers tied up 23-31 s); ``latitudeDeg: "abc"``, a missing required field, ``$id: 5``, date
``2024-13-45``; NaN / Infinity / 1e400 / "5" in ingestion; a 201-character site name and a
2 MB description; malformed and huge cursors; years 9999 and 0001; a ``source`` of ``\\N`` or
with ``\\r`` on the COPY path.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from strawberry import relay

from ainergy.assets.models import Pool, Site
from ainergy.timeseries.models import Observation, Series
from optimization.models import BidPlan
from tests.optimization.app.bidding_world import build_pool

SITE = "mutation($input: SiteInput!) { siteCreate(input: $input) { id } }"
INGEST = "mutation($input: ObservationsIngestInput!) { observationsIngest(input: $input) { pointsWritten } }"
VALID_SITE = {"name": "Plant", "latitudeDeg": 56.2, "longitudeDeg": 10.5, "biddingZone": "DK1"}


def _errors(body: dict) -> list[dict]:
    assert body.get("data") in (None, {}), body
    return [error["extensions"] for error in body["errors"]]


@pytest.fixture
def api(tenant, token_client):
    return token_client(tenant)


@pytest.fixture
def series(tenant):
    from ainergy.timeseries.services import series_create

    return series_create(tenant=tenant, key="heat", kind="heat_demand", resolution_minutes=60)


def _gid(type_name: str, pk: int) -> str:
    return str(relay.GlobalID(type_name, str(pk)))


def test_200000_product_codes_are_refused_before_any_work(tenant, api):
    world = build_pool(tenant)
    body = api.execute(
        "mutation($input: BidPlanInput!) { bidPlanRequest(input: $input) { id } }",
        {
            "input": {
                "poolId": _gid("Pool", world["pool"].pk),
                "deliveryDay": "2024-01-15",
                "productCodes": ["FCR_D_UP"] * 200_000,
            }
        },
    )
    assert _errors(body) == [
        {
            "code": "VALIDATION_ERROR",
            "field": "input.productCodes",
            "reason": "200000 items; at most 20",
        }
    ]
    assert BidPlan.objects.count() == 0


def test_5000_heat_pump_ids_are_refused(tenant, api):
    world = build_pool(tenant)
    body = api.execute(
        "mutation($input: PoolInput!) { poolCreate(input: $input) { id } }",
        {
            "input": {
                "name": "Huge",
                "biddingZone": "DK1",
                "marketAccountId": _gid("MarketAccount", world["pool"].market_account_id),
                "heatPumpIds": [_gid("HeatPump", 1)] * 5000,
            }
        },
    )
    assert _errors(body) == [
        {
            "code": "VALIDATION_ERROR",
            "field": "input.heatPumpIds",
            "reason": "5000 items; at most 200",
        }
    ]
    assert Pool.objects.count() == 1


def test_10000_empty_ingest_batches_are_refused(api, series):
    batches = [{"seriesId": _gid("Series", series.pk), "points": []}] * 10_000
    body = api.execute(INGEST, {"input": {"batches": batches}})
    assert _errors(body) == [
        {"code": "VALIDATION_ERROR", "field": "input.batches", "reason": "10000 items; at most 100"}
    ]


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        (
            {"latitudeDeg": "abc"},
            "input.latitudeDeg",
            "Float cannot represent non numeric value: 'abc'",
        ),
        (
            {"latitudeDeg": "5"},
            "input.latitudeDeg",
            "Float cannot represent non numeric value: '5'",
        ),
        (
            {"name": None},
            "input.name",
            "Expected value of non-null type 'String!' not to be None.",
        ),
    ],
)
def test_variables_that_do_not_coerce_are_bad_user_input_naming_the_path(
    api, changes, field, reason
):
    body = api.execute(SITE, {"input": {**VALID_SITE, **changes}})
    [error] = _errors(body)
    assert error == {"code": "BAD_USER_INPUT", "field": field, "reason": reason}
    assert Site.objects.count() == 0


def test_missing_required_field_names_it(api):
    site = {key: value for key, value in VALID_SITE.items() if key != "name"}
    [error] = _errors(api.execute(SITE, {"input": site}))
    assert (error["code"], error["field"]) == ("BAD_USER_INPUT", "input.name")


def test_bad_date_and_integer_id_are_named(api):
    body = api.execute(
        "query($day: Date!) { bidPlans(first: 1, filters: {deliveryDay: $day}) { totalCount } }",
        {"day": "2024-13-45"},
    )
    assert [error["extensions"] for error in body["errors"]] == [
        {
            "code": "BAD_USER_INPUT",
            "field": "day",
            "reason": 'Value cannot represent a Date: "2024-13-45". month must be in 1..12',
        }
    ]
    body = api.execute("query($id: ID!) { job(id: $id) { id } }", {"id": 5})
    assert [error["extensions"] for error in body["errors"]] == [
        {
            "code": "VALIDATION_ERROR",
            "field": "id",
            "reason": "not a valid id (ids are opaque strings handed out by this API)",
        }
    ]


@pytest.mark.parametrize(
    "value", [float("nan"), float("inf"), float("-inf"), "1e400", "5", None, [1.0]]
)
def test_non_finite_or_non_numeric_ingest_values_are_bad_user_input(api, series, value):
    point = {"time": "2024-01-01T00:00:00Z", "value": value}
    batches = [{"seriesId": _gid("Series", series.pk), "points": [point]}]
    body = json.dumps({"query": INGEST, "variables": {"input": {"batches": batches}}})
    if value == "1e400":  # a JSON number literal Python reads as inf
        body = body.replace('"1e400"', "1e400")
    response = api.client.post("/graphql", body, content_type="application/json", **api.headers)
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert error["extensions"]["field"] == "input.batches[0].points[0].value"
    assert Observation.objects.count() == 0


def test_strings_over_the_column_length_are_named(api, tenant):
    cap = Site._meta.get_field("name").max_length
    body = api.execute(SITE, {"input": {**VALID_SITE, "name": "x" * 201}})
    assert _errors(body) == [
        {
            "code": "VALIDATION_ERROR",
            "field": "input.name",
            "reason": f"201 characters; at most {cap}",
        }
    ]
    body = api.execute(
        "mutation($input: SeriesInput!) { seriesCreate(input: $input) { id } }",
        {
            "input": {
                "key": "k",
                "kind": "HEAT_DEMAND",
                "resolutionMinutes": 60,
                "description": "d" * 2_000_000,
            }
        },
    )
    assert _errors(body) == [
        {
            "code": "VALIDATION_ERROR",
            "field": "input.description",
            "reason": f"2000000 characters; at most {Series._meta.get_field('description').max_length}",
        }
    ]
    assert Site.objects.count() == 0
    assert Series.objects.count() == 0


@pytest.mark.parametrize(
    ("cursor", "reason"),
    [
        ("not-a-cursor", "not a cursor this API handed out"),
        ("YXJyYXljb25uZWN0aW9uOjk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5", "cursor offset over 1000000"),
        ("YXJyYXljb25uZWN0aW9uOi0x", "not a cursor this API handed out"),  # offset -1
    ],
)
def test_bad_cursors_are_validation_errors(api, cursor, reason):
    body = api.execute(
        "query($after: String) { jobs(first: 5, after: $after) { totalCount } }", {"after": cursor}
    )
    assert _errors(body) == [{"code": "VALIDATION_ERROR", "field": "after", "reason": reason}]


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("9999-01-01T00:00:00Z", "9999-01-02T00:00:00Z"),
        ("0001-01-01T00:00:00Z", "0001-01-02T00:00:00Z"),
    ],
)
def test_years_9999_and_0001_are_validation_errors(api, series, start, end):
    body = api.execute(
        "query($id: ID!, $start: DateTime!, $end: DateTime!) "
        "{ seriesValues(seriesId: $id, start: $start, end: $end) { value } }",
        {"id": _gid("Series", series.pk), "start": start, "end": end},
    )
    errors = _errors(body)
    assert [(e["code"], e["field"]) for e in errors] == [
        ("VALIDATION_ERROR", "start"),
        ("VALIDATION_ERROR", "end"),
    ]
    assert errors[0]["reason"].endswith("is outside the supported range [1900-01-01, 2200-01-01)")


def test_year_9999_points_are_refused_by_name(api, series):
    point = {"time": "9999-01-01T00:00:00Z", "value": 1.0}
    batches = [{"seriesId": _gid("Series", series.pk), "points": [point]}]
    [error] = _errors(api.execute(INGEST, {"input": {"batches": batches}}))
    assert (error["code"], error["field"]) == (
        "VALIDATION_ERROR",
        "input.batches[0].points[0].time",
    )
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("source", ["line\rbreak", "tab\there", "", "s" * 121])
def test_source_that_would_break_copy_is_refused(api, series, source):
    point = {"time": "2024-01-01T00:00:00Z", "value": 1.0}
    batches = [{"seriesId": _gid("Series", series.pk), "points": [point]}]
    body = api.execute(INGEST, {"input": {"batches": batches, "source": source}})
    [error] = _errors(body)
    assert error["code"] == "VALIDATION_ERROR" and error["field"] == "input.source", error
    assert Observation.objects.count() == 0


@pytest.mark.parametrize("source", ['meter "A", row 2', "\\N"])
def test_printable_sources_are_stored_verbatim_on_the_copy_path(api, series, source):
    # the COPY path quotes text: \N stays text (unquoted it would be NULL), quotes stay quotes
    point = {"time": "2024-01-01T00:00:00Z", "value": 1.0}
    batches = [{"seriesId": _gid("Series", series.pk), "points": [point]}]
    body = api.execute(INGEST, {"input": {"batches": batches, "source": source}})
    assert "errors" not in body, body
    assert Observation.objects.get().source == source
    assert Observation.objects.get().time == dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


# --- every list input, derived from the schema (a new list argument is covered automatically) --

MINIMAL = {
    "ID": "U2l0ZTox",
    "GlobalID": "U2l0ZTox",
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "Date": "2024-01-15",
    "DateTime": "2024-01-15T00:00:00+00:00",
    "Time": "00:00:00",
    "JSON": {},
}


def _list_positions() -> list[tuple[str, str, str, str, list[str]]]:
    """(operation, root field, argument, cap key, path below the argument) of every list."""
    from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull

    from ainergy.schema import schema

    graphql = schema._schema
    found = []

    def walk(type_, steps, key, seen, where):
        while isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        if isinstance(type_, GraphQLList):
            found.append((*where, key, steps))
            walk(type_.of_type, [*steps, "[0]"], key, seen, where)
        elif isinstance(type_, GraphQLInputObjectType) and type_.name not in seen:
            for name, field in type_.fields.items():
                walk(field.type, [*steps, name], f"{type_.name}.{name}", seen | {type_.name}, where)

    for operation, root in (("query", graphql.query_type), ("mutation", graphql.mutation_type)):
        for field_name, field in sorted(root.fields.items()):
            for argument, definition in field.args.items():
                where = (operation, field_name, argument)
                walk(
                    definition.type, [], f"{root.name}.{field_name}({argument})", frozenset(), where
                )
    return found


def _item(type_):
    from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull

    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        return [_item(type_.of_type)]
    if isinstance(type_, GraphQLEnumType):
        return sorted(type_.values)[0]
    if isinstance(type_, GraphQLInputObjectType):
        return {}
    return MINIMAL[type_.name]


def _nest(type_, steps: list[str], over: int):
    """A value of ``type_`` whose list at ``steps`` has ``over`` items (one item elsewhere)."""
    from graphql import GraphQLInputObjectType, GraphQLList, GraphQLNonNull

    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        if not steps:
            return [_item(type_.of_type)] * over
        return [_nest(type_.of_type, steps[1:], over)]  # steps[0] == "[0]"
    assert isinstance(type_, GraphQLInputObjectType), (type_, steps)
    return {steps[0]: _nest(type_.fields[steps[0]].type, steps[1:], over)}


LIST_POSITIONS = _list_positions()


@pytest.mark.parametrize(
    ("operation", "field", "argument", "key", "steps"),
    LIST_POSITIONS,
    ids=[
        f"{o}.{f}.{a}{''.join('.' + s if s != '[0]' else s for s in p)}"
        for o, f, a, _, p in LIST_POSITIONS
    ],  # fmt: skip
)
def test_every_list_input_is_capped_by_name_before_any_work(
    api, operation, field, argument, key, steps
):
    from ainergy.graphql.input_bounds import DEFAULT_LIST_CAP, list_caps
    from ainergy.schema import schema
    from tests.graphql.test_fuzz_api import document, row_counts

    # given one list one item over its cap, anywhere in the arguments of any root field
    definition = (
        (schema._schema.query_type if operation == "query" else schema._schema.mutation_type)
        .fields[field]
        .args[argument]
    )
    cap = list_caps().get(key, DEFAULT_LIST_CAP)
    variables = {argument: _nest(definition.type, steps, cap + 1)}
    path = argument + "".join(step if step == "[0]" else f".{step}" for step in steps)
    before = row_counts()
    # when
    body = api.execute(document(operation, field), variables)
    # then exactly one error, naming the list and its cap, and nothing written
    assert [error["extensions"] for error in body["errors"]] == [
        {"code": "VALIDATION_ERROR", "field": path, "reason": f"{cap + 1} items; at most {cap}"}
    ], body
    assert row_counts() == before


def test_explicit_null_for_a_required_column_is_named_and_changes_nothing(api, tenant):
    """Found by the fuzz: ``siteUpdate(input: {latitudeDeg: null})`` was INTERNAL (a NOT NULL
    violation); a partial update's explicit null of a required field is now named."""
    world = build_pool(tenant)
    site = world["site"]
    pump = world["pool"].heat_pumps.first()
    body = api.execute(
        "mutation($id: ID!, $input: SitePartialInput!) { siteUpdate(id: $id, input: $input) { id } }",
        {"id": _gid("Site", site.pk), "input": {"latitudeDeg": None}},
    )
    assert _errors(body) == [
        {
            "code": "VALIDATION_ERROR",
            "field": "input.latitudeDeg",
            "reason": "must not be null (leave it out to keep the current value)",
        }
    ]
    site.refresh_from_db()
    assert site.latitude_deg is not None
    body = api.execute(
        "mutation($id: ID!, $input: HeatPumpPartialInput!) "
        "{ heatPumpUpdate(id: $id, input: $input) { id } }",
        {"id": _gid("HeatPump", pump.pk), "input": {"siteId": None}},
    )
    assert [(e["code"], e["field"]) for e in _errors(body)] == [
        ("VALIDATION_ERROR", "input.siteId")
    ]
    pump.refresh_from_db()
    assert pump.site_id == site.pk


@pytest.mark.parametrize(
    "points",
    [
        [{}] * 50_001,  # over the cap, every item invalid (was 100 000 errors built in the audit)
        [{"time": "2024-01-01T00:00:00Z", "value": 1.0}] * 50_001,  # over the cap, valid items
    ],
    ids=["invalid-items", "valid-items"],
)
def test_a_refused_list_is_never_coerced_not_even_for_the_audit(api, series, monkeypatch, points):
    """Found profiling the list-bounds sweep: the audit of a refused mutation coerced its
    variables again, without an error cap, so a 150 KB body of 50 001 empty points cost
    100 000 GraphQL errors (seconds of the request thread). Coercion calls are counted in
    graphql-core, where the request's variables are coerced."""
    from graphql.execution import values

    calls = []
    coerce = values.coerce_input_value
    monkeypatch.setattr(
        values, "coerce_input_value", lambda *args: calls.append(1) or coerce(*args)
    )
    batches = [{"seriesId": _gid("Series", series.pk), "points": points}]
    body = api.execute(INGEST, {"input": {"batches": batches}})
    assert _errors(body) == [
        {
            "code": "VALIDATION_ERROR",
            "field": "input.batches[0].points",
            "reason": "50001 items; at most 50000",
        }
    ]
    assert calls == []
    assert Observation.objects.count() == 0
