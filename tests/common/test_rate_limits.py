"""Finding 2/10 of issue 15, rate limits: per API token (or portal user), per tenant and per
client address, answered 429 with ``Retry-After`` as JSON; counters in Redis (time frozen so
the 10-second windows do not roll over mid-test)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from ainergy.common import ratelimit

ME = "{ me { kind } }"
NOW = dt.datetime(2026, 5, 4, 12, 0, 1, tzinfo=dt.UTC)  # one second into a window


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _statuses(client, count: int, **extra) -> list[int]:
    return [
        client.client.post(
            "/graphql", {"query": ME}, content_type="application/json", **client.headers, **extra
        ).status_code
        for _ in range(count)
    ]


def test_token_over_its_limit_gets_429_with_retry_after(frozen, tenant, token_client, settings):
    settings.RATE_LIMIT_PER_CALLER_PER_MINUTE = 18  # 3 per 10-second window
    api = token_client(tenant)
    assert _statuses(api, 3) == [200, 200, 200]
    response = api.client.post("/graphql", {"query": ME}, content_type="application/json",
                               **api.headers)  # fmt: skip
    assert response.status_code == 429
    assert response["Retry-After"] == "9"  # the window ends 9 s after NOW
    error = response.json()["errors"][0]
    assert error["extensions"] == {"code": "RATE_LIMITED", "retryAfterS": 9, "limit": 18}
    # another token of the same tenant still has its own quota
    assert _statuses(token_client(tenant), 1) == [200]


def test_rest_429_uses_the_rest_error_shape(frozen, tenant, client, settings):
    from tenants.services import api_token_create

    settings.RATE_LIMIT_PER_CALLER_PER_MINUTE = 6  # 1 per window
    _, secret = api_token_create(tenant=tenant, name="device", scopes=["ingest"])
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.post("/api/v1/telemetry", "{}", content_type="application/json", **auth)
    response = client.post("/api/v1/telemetry", "{}", content_type="application/json", **auth)
    assert response.status_code == 429
    assert response.json()["errors"][0]["code"] == "RATE_LIMITED"


def test_all_tokens_of_a_tenant_share_the_tenant_limit(frozen, tenant, other_tenant, token_client,
                                                       settings):  # fmt: skip
    settings.RATE_LIMIT_PER_TENANT_PER_MINUTE = 24  # 4 per window
    tokens = [token_client(tenant) for _ in range(5)]
    assert [_statuses(api, 1)[0] for api in tokens] == [200, 200, 200, 200, 429]
    assert _statuses(token_client(other_tenant), 1) == [200]


def test_one_address_is_limited_before_authentication(frozen, client, settings):
    settings.RATE_LIMIT_PER_IP_PER_MINUTE = 12  # 2 per window
    statuses = [
        client.post(
            "/graphql", {"query": ME}, content_type="application/json", REMOTE_ADDR="192.0.2.8"
        ).status_code  # fmt: skip
        for _ in range(4)
    ]
    assert statuses == [401, 401, 429, 429]
    other = client.post("/graphql", {"query": ME}, content_type="application/json",
                        REMOTE_ADDR="192.0.2.9")  # fmt: skip
    assert other.status_code == 401


def test_forwarded_address_counts_only_behind_a_trusted_proxy(frozen, client, settings):
    settings.RATE_LIMIT_PER_IP_PER_MINUTE = 6  # 1 per window
    settings.RATE_LIMIT_TRUSTED_PROXY_COUNT = 1

    def post(forwarded: str) -> int:
        return client.post("/graphql", {"query": ME}, content_type="application/json",
                           HTTP_X_FORWARDED_FOR=forwarded).status_code  # fmt: skip

    # the proxy appends the real client; what the client itself put in front is ignored
    assert [post("1.1.1.1, 198.51.100.1"), post("2.2.2.2, 198.51.100.1")] == [401, 429]
    assert post("198.51.100.2") == 401


def test_limits_fail_open_when_redis_is_unreachable(tenant, token_client, settings, monkeypatch):
    from tests.jobs.processes import free_port

    monkeypatch.setattr(ratelimit, "_down_until", 0.0)
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    settings.RATE_LIMIT_PER_CALLER_PER_MINUTE = 6
    assert _statuses(token_client(tenant), 3) == [200, 200, 200]


def test_a_throttled_token_is_refused_before_it_is_looked_up(frozen, tenant, token_client,
                                                              settings):  # fmt: skip
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.RATE_LIMIT_PER_CALLER_PER_MINUTE = 6  # 1 per window
    api = token_client(tenant)
    assert _statuses(api, 2) == [200, 429]
    with CaptureQueriesContext(connection) as queries:
        assert _statuses(api, 3) == [429, 429, 429]
    assert len(queries.captured_queries) == 0
