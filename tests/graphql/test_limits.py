"""Query depth, aliases, document size and page size are limited with clear errors; list
fields run a fixed number of queries whatever the page size (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ainergy.jobs.models import Job


def make_jobs(tenant, count: int) -> None:
    Job.objects.bulk_create(
        Job(tenant=tenant, kind="diagnostic", queue="default", parameters={"steps": 1})
        for _ in range(count)
    )


def test_page_size_above_cap_is_rejected(tenant, token_client):
    body = token_client(tenant).execute("{ jobs(first: 101) { totalCount } }")
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Argument 'first' cannot be higher than 100."
    assert body["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


def test_unbounded_list_returns_at_most_the_cap(tenant, token_client):
    make_jobs(tenant, 105)
    body = token_client(tenant).execute("{ jobs { totalCount edges { node { id } } } }")
    assert body["data"]["jobs"]["totalCount"] == 105
    assert len(body["data"]["jobs"]["edges"]) == 100


def test_query_deeper_than_limit_is_rejected(tenant, token_client):
    # given a document nesting "tenant" 11 levels deep under "me" (limit: 10)
    deep = "query Deep { me " + "{ tenant " * 11 + "{ slug }" + " }" * 11 + " }"
    # when
    body = token_client(tenant).execute(deep)
    # then
    assert body["errors"][0]["message"].startswith("'Deep' exceeds maximum operation depth of 10")
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


def test_too_many_aliases_are_rejected(tenant, token_client):
    aliases = " ".join(f"a{i}: tenant {{ slug }}" for i in range(16))
    body = token_client(tenant).execute("{ " + aliases + " }")
    assert body["data"] is None
    assert "aliases found. Allowed: 15" in body["errors"][0]["message"]


def test_oversized_document_is_rejected(tenant, token_client):
    fields = " ".join("__typename" for _ in range(2100))
    body = token_client(tenant).execute("{ " + fields + " }")
    assert (
        body["errors"][0]["message"]
        == "Syntax Error: Document contains more than 2000 tokens. Parsing aborted."
    )


@pytest.mark.parametrize("count", [1, 30])
def test_jobs_list_query_count_does_not_grow_with_rows(tenant, token_client, count):
    # given
    make_jobs(tenant, count)
    client = token_client(tenant)
    query = "{ jobs(first: 50) { totalCount edges { node { id kind status durationS } } } }"
    # when
    with CaptureQueriesContext(connection) as queries:
        body = client.execute(query)
    # then: token lookup + last-used update + one page query (count folded in by a window)
    # + the audit log's record of the token's use
    assert len(body["data"]["jobs"]["edges"]) == count
    assert len(queries.captured_queries) == 4, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("count", [1, 20])
def test_memberships_list_query_count_is_constant(tenant, user_client, count):
    # given
    from tenants.services import membership_create

    for i in range(count):
        membership_create(tenant=tenant, email=f"member{i}@alpha.dk", role="viewer")
    client = user_client(tenant, "owner")
    # when
    with CaptureQueriesContext(connection) as queries:
        body = client.execute("{ memberships(first: 50) { edges { node { email role } } } }")
    # then: session + user + memberships of the user + one page query
    assert len(body["data"]["memberships"]["edges"]) == count + 1
    assert len(queries.captured_queries) == 4, "\n".join(
        q["sql"][:150] for q in queries.captured_queries
    )
