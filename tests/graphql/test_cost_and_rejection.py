"""Findings 1 and 2 of issue 15: expensive queries inside the depth/alias/token limits, and
anonymous CPU burn before authentication.

Attacks reproduced: ``seriesValues`` x15 aliases over a 1-minute series, ``bidPlans(first:100)``
x15 with curves and periods, ``dailyValues`` over a million points (each pinned a worker until
the 30 s kill); ``GET /graphql?query={me{kind}...x420}`` without credentials (3.2 s of validation
CPU); introspection open to anonymous callers in production.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.conf import settings
from strawberry import relay

from ainergy.jobs.models import Job
from ainergy.timeseries.services import series_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def minute_series(tenant):
    return series_create(tenant=tenant, key="hp-power", kind="electric_power", resolution_minutes=1)


def _gid(series) -> str:
    return str(relay.GlobalID("Series", str(series.pk)))


def _only_error(body: dict) -> dict:
    assert body["data"] is None, body
    [error] = body["errors"]
    return error


def test_fifteen_aliases_of_a_year_of_minute_values_are_refused_before_running(
    tenant, token_client, minute_series
):
    aliases = " ".join(
        f'a{i}: seriesValues(seriesId: "{_gid(minute_series)}", '
        f'start: "2024-01-01T00:00:00Z", end: "2025-01-01T00:00:00Z") {{ time value }}'
        for i in range(15)
    )
    error = _only_error(token_client(tenant).execute("{ " + aliases + " }"))
    # 15 aliases x 20 000 points (the per-query cap of points) x 1 object each
    assert error["extensions"] == {"code": "COST_LIMIT", "cost": 300_000, "limit": 100_000}
    assert error["message"].startswith("Query cost 300000 exceeds the limit of 100000")


def test_one_alias_at_the_point_cap_is_allowed_and_reports_its_cost(
    tenant, token_client, minute_series
):
    body = (
        token_client(tenant)
        .post(
            'query($id: ID!) { seriesValues(seriesId: $id, start: "2024-01-01T00:00:00Z", '
            'end: "2024-01-01T06:00:00Z") { time value } }',
            {"id": _gid(minute_series)},
        )
        .json()
    )
    assert body["data"] == {"seriesValues": []}
    # 360 one-minute points in six hours
    assert body["extensions"]["cost"] == {
        "requestedQueryCost": 360,
        "maximumQueryCost": 100_000,
        "budgetPerMinute": settings.GRAPHQL_COST_BUDGET_PER_MINUTE,
        "budgetRemaining": settings.GRAPHQL_COST_BUDGET_PER_MINUTE - 360,
    }


def test_bid_plan_pages_with_curves_and_periods_are_refused(tenant, token_client):
    aliases = " ".join(
        f"a{i}: bidPlans(first: 100) {{ edges {{ node {{ id deliveryDay "
        "periods { startAt powerKw } dayAheadCurves { points { priceEurPerMwh volumeMw } } "
        "} } }"
        for i in range(15)
    )
    error = _only_error(token_client(tenant).execute("{ " + aliases + " }"))
    assert error["extensions"]["code"] == "COST_LIMIT"
    assert error["extensions"]["cost"] > 100_000 * 100


def test_daily_values_over_a_million_raw_points_are_refused(tenant, token_client, minute_series):
    query = (
        'query($id: ID!) { dailyValues(seriesId: $id, firstDay: "2022-01-01", '
        'lastDay: "2023-12-31") { localDay value } }'
    )
    error = _only_error(token_client(tenant).execute(query, {"id": _gid(minute_series)}))
    # 730 days returned + (730 days x 1500 one-minute values, counting 25-hour days) / 10
    assert error["extensions"] == {"code": "COST_LIMIT", "cost": 730 + 109_500, "limit": 100_000}


def test_daily_values_beyond_the_scan_cap_are_refused_when_executed(
    tenant, token_client, minute_series, settings
):
    # given a cost limit high enough to let the query through to the resolver
    settings.GRAPHQL_MAX_COST = 10_000_000
    query = (
        'query($id: ID!) { dailyValues(seriesId: $id, firstDay: "2022-01-01", '
        'lastDay: "2023-12-31") { localDay value } }'
    )
    body = token_client(tenant).execute(query, {"id": _gid(minute_series)})
    error = body["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_ERROR"
    assert error["extensions"]["field"] in ("last_day", "lastDay")
    assert error["extensions"]["reason"] == (
        "the range holds up to 1051200 values of this 1-minute series; "
        "at most 500000 per query (about 347 days)"
    )


def test_cost_of_a_page_is_counted_exactly(tenant, token_client):
    body = (
        token_client(tenant)
        .post("{ me { kind } jobs(first: 10) { totalCount edges { node { id kind } } } }")
        .json()
    )
    # me: 1; jobs: 1 + 10 edges x (edge 1 + node 1)
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1 + 1 + 10 * 2


def test_per_token_budget_answers_429_with_retry_after(tenant, token_client, settings):
    settings.GRAPHQL_COST_BUDGET_PER_MINUTE = 50
    client = token_client(tenant)
    query = "{ jobs(first: 10) { edges { node { id } } } }"  # 21 each
    first, second = client.post(query), client.post(query)
    assert (first.status_code, second.status_code) == (200, 200)
    third = client.post(query)
    assert third.status_code == 429
    assert 1 <= int(third["Retry-After"]) <= 60
    error = _only_error(third.json())
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["cost"] == 21 and error["extensions"]["budgetPerMinute"] == 50
    # another token of the same tenant has its own budget
    assert token_client(tenant).post(query).status_code == 200


REPEATED = "{" + "me{kind}" * 420 + "}"


def test_anonymous_get_is_refused_before_parsing(client):
    response = client.get("/graphql", {"query": REPEATED})
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def test_repeated_fields_are_refused_before_validation(tenant, token_client):
    error = _only_error(token_client(tenant).execute(REPEATED))
    assert error["extensions"] == {"code": "DOCUMENT_TOO_COMPLEX", "field": "me", "limit": 5}


def test_fragment_bomb_is_refused(tenant, token_client):
    # each fragment spreads the previous one twice: 2^20 fields once expanded
    fragments = ["fragment F0 on Me { kind }"] + [
        f"fragment F{n} on Me {{ ...F{n - 1} ...F{n - 1} }}" for n in range(1, 21)
    ]
    error = _only_error(token_client(tenant).execute("{ me { ...F20 } } " + " ".join(fragments)))
    assert error["extensions"]["code"] == "DOCUMENT_TOO_COMPLEX"


def test_long_get_query_strings_are_refused(tenant, token_client):
    client = token_client(tenant)
    response = client.client.get(
        "/graphql", {"query": "{ me { kind } }", "pad": "x" * 5000}, **client.headers
    )
    assert response.status_code == 414
    assert response.json()["errors"][0]["extensions"]["code"] == "DOCUMENT_TOO_LARGE"


def test_get_cannot_mutate(tenant, token_client):
    client = token_client(tenant)
    response = client.client.get(
        "/graphql",
        {"query": "mutation { diagnosticJobRequest(input: {steps: 1}) { id } }"},
        **client.headers,
    )
    assert response.status_code in (400, 405)
    assert response["Content-Type"] == "application/json"
    assert Job.objects.count() == 0


INTROSPECTION = "{ __schema { queryType { name } } }"


def test_introspection_is_refused_unless_enabled(tenant, token_client, client, settings):
    settings.GRAPHQL_INTROSPECTION = False
    body = token_client(tenant).execute(INTROSPECTION)
    assert "introspection" in body["errors"][0]["message"].lower()
    settings.GRAPHQL_INTROSPECTION = True
    body = token_client(tenant).execute(INTROSPECTION)
    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}
    # never for anonymous callers
    anonymous = client.post("/graphql", {"query": INTROSPECTION}, content_type="application/json")
    assert anonymous.status_code == 401


@pytest.mark.parametrize(("value", "expected"), [(None, "False"), ("1", "True")])
def test_introspection_is_off_in_production_unless_enabled(value, expected):
    from tests.deployment.conftest import production_env

    env = production_env()
    env.pop("GRAPHQL_INTROSPECTION", None)
    if value is not None:
        env["GRAPHQL_INTROSPECTION"] = value
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.GRAPHQL_INTROSPECTION)",
        ],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    assert out.stdout.strip() == expected
