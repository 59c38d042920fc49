"""Finding 8 of issue 15: a write-only token read its tenant's pools, heat pumps, sites and BRP
ids through mutation payloads (``poolUpdate(id, input: {}) { heatPumps { ... } marketAccount {
... } }``). Without ``read``, a mutation now returns ids only; asking for more refuses it whole."""

from __future__ import annotations

import pytest
from strawberry import relay

from ainergy.assets.models import Pool
from tenants.models import AuditEvent
from tests.optimization.app.bidding_world import build_pool

UPDATE = """mutation($id: ID!, $input: PoolPartialInput!) {
  poolUpdate(id: $id, input: $input) { %s }
}"""
LEAKY = (
    "id name heatPumps { name deviceId site { name } } marketAccount { balanceResponsiblePartyId }"
)


@pytest.fixture
def pool(tenant):
    return build_pool(tenant)["pool"]


def _gid(pool) -> str:
    return str(relay.GlobalID("Pool", str(pool.pk)))


def test_write_only_token_cannot_read_through_a_mutation_payload(tenant, token_client, pool):
    writer = token_client(tenant, scopes=("write",))
    # when it renames the pool and asks for the pool's heat pumps and BRP id
    body = writer.execute(UPDATE % LEAKY, {"id": _gid(pool), "input": {"name": "Renamed"}})
    # then nothing of the tenant's data comes back, and nothing was changed
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {
        "code": "PERMISSION_DENIED",
        "required": "read",
        "field": "poolUpdate.name",
    }
    assert Pool.objects.get(pk=pool.pk).name == pool.name
    event = AuditEvent.objects.get(tenant=tenant, operation="mutation poolUpdate")
    assert event.outcome == "PERMISSION_DENIED"


def test_write_only_token_gets_ids_back(tenant, token_client, pool):
    writer = token_client(tenant, scopes=("write",))
    body = writer.execute(
        UPDATE % "id heatPumps { id } marketAccount { id } __typename",
        {"id": _gid(pool), "input": {"name": "Renamed"}},
    )
    assert "errors" not in body, body
    payload = body["data"]["poolUpdate"]
    assert payload["id"] == _gid(pool)
    assert len(payload["heatPumps"]) == pool.heat_pumps.count()
    assert set(payload["marketAccount"]) == {"id"}
    assert Pool.objects.get(pk=pool.pk).name == "Renamed"


def test_fragments_do_not_smuggle_fields_past_the_check(tenant, token_client, pool):
    writer = token_client(tenant, scopes=("write",))
    document = (
        "fragment P on Pool { id ... on Pool { heatPumps { ...H } } } "
        "fragment H on HeatPump { id powerMaxKw } "
        "mutation($id: ID!) { poolUpdate(id: $id, input: {}) { ...P } }"
    )
    body = writer.execute(document, {"id": _gid(pool)})
    assert body["errors"][0]["extensions"]["field"] == "poolUpdate.heatPumps.powerMaxKw"


def test_token_with_read_gets_the_full_payload(tenant, token_client, pool):
    body = token_client(tenant, scopes=("read", "write")).execute(
        UPDATE % LEAKY, {"id": _gid(pool), "input": {}}
    )
    assert "errors" not in body, body
    assert body["data"]["poolUpdate"]["name"] == pool.name
