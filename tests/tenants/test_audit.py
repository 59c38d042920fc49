"""The audit log records every mutation (any caller), every operation of an API token and every
REST call, with the ids, outcome and client address, in the caller's tenant only."""

from __future__ import annotations

import pytest
from strawberry import relay

from ainergy.jobs.models import Job
from tenants.models import AuditEvent

REQUEST = "mutation($input: DiagnosticJobInput!) { diagnosticJobRequest(input: $input) { id } }"
CANCEL = "mutation($id: ID!) { jobCancel(id: $id) { id status } }"


def _gid(job: Job) -> str:
    return str(relay.GlobalID("Job", str(job.pk)))


def _events(tenant) -> list[tuple]:
    return [
        (event.actor_kind, event.actor_label, event.operation, event.object_ids, event.outcome)
        for event in AuditEvent.objects.filter(tenant=tenant).order_by("id")
    ]


def test_token_mutations_and_reads_are_logged_with_ids_and_outcome(
    tenant, other_tenant, token_client, client
):
    api = token_client(tenant, scopes=("read", "write"))
    # when a token creates a job, reads jobs, and cancels the job twice (the second fails)
    created = api.execute(REQUEST, {"input": {"steps": 1}})["data"]["diagnosticJobRequest"]["id"]
    api.execute("query Recent { jobs(first: 1) { totalCount } me { kind } }")
    api.execute(CANCEL, {"id": created})
    failed = api.execute(CANCEL, {"id": created})
    assert failed["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"
    # then each is in the tenant's log, in order, with the ids involved
    events = _events(tenant)
    token_label = events[0][1]
    assert token_label.startswith("test (ain_")
    assert events == [
        ("api_token", token_label, "mutation diagnosticJobRequest", [created], "OK"),
        ("api_token", token_label, "query jobs me", [], "OK"),
        ("api_token", token_label, "mutation jobCancel", [created], "OK"),
        ("api_token", token_label, "mutation jobCancel", [created], "VALIDATION_ERROR"),
    ]
    assert set(AuditEvent.objects.values_list("client_ip", flat=True)) == {"127.0.0.1"}
    assert _events(other_tenant) == []


def test_portal_user_mutations_are_logged_but_not_reads(tenant, user_client):
    owner = user_client(tenant, "owner")
    owner.execute("{ jobs(first: 1) { totalCount } }")
    created = owner.execute(REQUEST, {"input": {"steps": 1}})["data"]["diagnosticJobRequest"]
    assert _events(tenant) == [
        ("user", "owner@alpha.dk", "mutation diagnosticJobRequest", [created["id"]], "OK")
    ]


def test_denied_mutation_is_logged_with_its_code_and_wrote_nothing(tenant, token_client):
    reader = token_client(tenant, scopes=("read",))
    body = reader.execute(REQUEST, {"input": {"steps": 1}})
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    assert [event[2:] for event in _events(tenant)] == [
        ("mutation diagnosticJobRequest", [], "PERMISSION_DENIED")
    ]
    assert Job.objects.count() == 0


@pytest.mark.parametrize("day", ["2024-01-15", "not-a-day"])
def test_rest_calls_are_logged(tenant, client, day):
    from tenants.services import api_token_create

    _, secret = api_token_create(tenant=tenant, name="house", scopes=["read"])
    client.get(
        f"/api/v1/households/12345/schedule?day={day}", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    [event] = _events(tenant)
    assert event[2:] == ("GET /api/v1/households/12345/schedule", ["12345"], "NOT_FOUND")


AUDIT = """query($filters: AuditEventFilter) {
  auditEvents(first: 10, filters: $filters) {
    totalCount
    edges { node { actorKind actorLabel operation objectIds outcome clientIp apiTokenId } }
  }
}"""


def test_owners_read_the_audit_log_newest_first_and_filter_it(tenant, token_client, user_client):
    api = token_client(tenant, scopes=("read", "write"))
    created = api.execute(REQUEST, {"input": {"steps": 1}})["data"]["diagnosticJobRequest"]["id"]
    api.execute(CANCEL, {"id": created})
    owner = user_client(tenant, "owner")
    body = owner.execute(AUDIT, {"filters": {"operation": "mutation jobCancel"}})
    assert body["data"]["auditEvents"]["totalCount"] == 1
    [edge] = body["data"]["auditEvents"]["edges"]
    token = AuditEvent.objects.filter(tenant=tenant).first().api_token
    assert edge["node"] == {
        "actorKind": "API_TOKEN",
        "actorLabel": f"test ({token.display_prefix}…{token.last_four})",
        "operation": "mutation jobCancel",
        "objectIds": [created],
        "outcome": "OK",
        "clientIp": "127.0.0.1",
        "apiTokenId": str(relay.GlobalID("ApiToken", str(token.pk))),
    }
    everything = owner.execute(AUDIT)["data"]["auditEvents"]["edges"]
    assert [edge["node"]["operation"] for edge in everything] == [
        "mutation jobCancel",
        "mutation diagnosticJobRequest",
    ]


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_only_owners_read_the_audit_log(tenant, user_client, token_client, role):
    body = user_client(tenant, role).execute(AUDIT)
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
    body = token_client(tenant, scopes=("read", "write", "ingest")).execute(AUDIT)
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def test_owners_see_only_their_tenants_events(tenant, other_tenant, token_client, user_client):
    token_client(other_tenant).execute("{ me { kind } }")
    body = user_client(tenant, "owner").execute(AUDIT)
    assert body["data"]["auditEvents"]["totalCount"] == 0
