"""Refusals answered in the event loop, before Django (``ainergy.common.edge.EdgeGuard``).

Issue 15 (findings 1, 2, 7 under load): every request Django sees waits for its one thread per
process, so floods of requests the server already knows it refuses slowed legitimate ones. The
ASGI application of the production server is driven here directly (the same object gunicorn's
uvicorn workers serve), with a counter between the guard and Django that shows whether Django
saw the request; answers must equal Django's own for the same request.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from asgiref.sync import async_to_sync, sync_to_async
from asgiref.testing import ApplicationCommunicator
from django.core.asgi import get_asgi_application
from django.db import connections

from ainergy.common.edge import EdgeGuard

ME = json.dumps({"query": "{ me { kind } }"}).encode()
REPEATED = "{" + "me{kind}" * 420 + "}"
NOW = dt.datetime(2026, 5, 4, 12, 0, 1, tzinfo=dt.UTC)  # one second into a 10-second window


class Counted:
    """Django's ASGI application, counting the requests that reach it."""

    def __init__(self) -> None:
        self.app = get_asgi_application()
        self.calls = 0

    async def __call__(self, scope, receive, send):
        self.calls += 1
        try:
            await self.app(scope, receive, send)
        finally:  # the handler's thread keeps its connection; the test database must drop
            await sync_to_async(connections.close_all, thread_sensitive=True)()


@pytest.fixture
def edge():
    django = Counted()
    return EdgeGuard(django), django


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def call(app, method: str, path: str, *, headers=(), query: bytes = b"", body: bytes | None = b"",
         client_address: str = "192.0.2.50") -> tuple[int, dict, dict | bytes]:  # fmt: skip
    """One request through ``app``; ``body=None`` sends none (a client still uploading)."""

    async def run():
        scope = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
            "query_string": query, "root_path": "",
            "headers": [(b"host", b"testserver"), *headers],
            "client": (client_address, 50000), "server": ("testserver", 80),
        }  # fmt: skip
        communicator = ApplicationCommunicator(app, scope)
        if body is not None:
            await communicator.send_input({"type": "http.request", "body": body})
        start = await communicator.receive_output(timeout=30)
        content = b""
        while True:
            message = await communicator.receive_output(timeout=30)
            content += message.get("body", b"")
            if not message.get("more_body"):
                break
        answer = {name.lower(): value for name, value in start["headers"]}
        is_json = b"json" in answer.get(b"content-type", b"")
        return start["status"], answer, json.loads(content) if is_json else content

    return async_to_sync(run)()


def json_headers(*extra) -> list:
    return [(b"content-type", b"application/json"), (b"content-length", str(len(ME)).encode()),
            *extra]  # fmt: skip


@pytest.mark.django_db
def test_anonymous_graphql_is_answered_401_without_reaching_django(edge, client):
    guard, django = edge
    # when an anonymous GET carries the 420-field document of finding 2
    status, headers, body = call(guard, "GET", "/graphql", query=f"query={REPEATED}".encode())
    # then 401 in the body Django itself gives, and Django never saw it
    expected = client.get("/graphql", {"query": REPEATED})
    assert (status, body) == (expected.status_code, expected.json()) == (401, body)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert headers[b"www-authenticate"] == b'Bearer realm="ainergy"'
    assert django.calls == 0


@pytest.mark.django_db(transaction=True)  # Django's handler thread has its own connection
def test_requests_with_a_token_or_a_session_cookie_reach_django(edge, tenant, token_client):
    guard, django = edge
    from tenants.services import api_token_create

    _, secret = api_token_create(tenant=tenant, name="edge", scopes=["read"])
    bearer = (b"authorization", f"Bearer {secret}".encode())
    status, _, body = call(guard, "POST", "/graphql", headers=json_headers(bearer), body=ME)
    assert (status, body["data"]["me"]["kind"]) == (200, "API_TOKEN")
    # a (stale) portal session cookie: Django decides, the edge does not guess
    cookie = (b"cookie", b"sessionid=stale")
    status, _, body = call(guard, "POST", "/graphql", headers=json_headers(cookie), body=ME)
    assert (status, body["errors"][0]["extensions"]["code"]) == (401, "UNAUTHENTICATED")
    assert django.calls == 2


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/telemetry", "/graphql"])
def test_declared_body_over_the_limit_is_413_before_the_body_is_read(edge, settings, path):
    guard, django = edge
    length = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
    headers = [(b"authorization", b"Bearer ain_x"), (b"content-type", b"application/json"),
               (b"content-length", str(length).encode())]  # fmt: skip
    # when a client declares a body over the limit and has not sent any of it yet
    status, _, body = call(guard, "POST", path, headers=headers, body=None)
    # then it is refused at once, in the endpoint's error shape, without Django reading it
    error = body["errors"][0]
    assert status == 413
    if path.startswith("/api/"):
        assert (error["code"], error["field"], error["limit"]) == (
            "PAYLOAD_TOO_LARGE", "body", settings.REST_MAX_BODY_BYTES,
        )  # fmt: skip
    else:
        assert error["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert django.calls == 0


@pytest.mark.django_db
def test_long_get_query_string_with_a_token_is_414_at_the_edge(edge, settings):
    guard, django = edge
    query = b"query=" + b"{me{kind}}" + b" " * settings.GRAPHQL_MAX_GET_BYTES
    status, _, body = call(guard, "GET", "/graphql", query=query,
                           headers=[(b"authorization", b"Bearer ain_x")])  # fmt: skip
    assert status == 414
    assert body["errors"][0]["extensions"] == {
        "code": "DOCUMENT_TOO_LARGE",
        "limit": settings.GRAPHQL_MAX_GET_BYTES,
    }
    assert django.calls == 0


@pytest.mark.django_db(transaction=True)
def test_a_throttled_token_is_answered_429_without_reaching_django(
    frozen, edge, tenant, token_client, settings
):
    guard, django = edge
    settings.RATE_LIMIT_PER_CALLER_PER_MINUTE = 6  # 1 per 10-second window
    api = token_client(tenant)
    bearer = (b"authorization", api.headers["HTTP_AUTHORIZATION"].encode())
    # given the token used its window's quota (through Django)
    assert call(guard, "POST", "/graphql", headers=json_headers(bearer), body=ME)[0] == 200
    assert django.calls == 1
    status, headers, body = call(guard, "POST", "/graphql", headers=json_headers(bearer), body=ME)
    assert status == 429  # Django answered this one and remembered the token is over
    assert django.calls == 2
    # when it keeps sending
    status, headers, body = call(guard, "POST", "/graphql", headers=json_headers(bearer), body=ME)
    # then the edge answers the same 429 and Django does not see the request
    assert (status, headers[b"retry-after"]) == (429, b"9")
    assert body["errors"][0]["extensions"] == {"code": "RATE_LIMITED", "retryAfterS": 9,
                                               "limit": 6}  # fmt: skip
    assert django.calls == 2
    # and another token of the tenant is still served
    other = (b"authorization", token_client(tenant).headers["HTTP_AUTHORIZATION"].encode())
    assert call(guard, "POST", "/graphql", headers=json_headers(other), body=ME)[0] == 200


@pytest.mark.django_db
def test_an_address_over_its_limit_is_answered_429_at_the_edge_others_are_not(
    frozen, edge, settings
):
    guard, django = edge
    settings.RATE_LIMIT_PER_IP_PER_MINUTE = 12  # 2 per window
    cookie = (b"cookie", b"sessionid=stale")  # anonymous but not refused by the edge itself
    statuses = [
        call(
            guard,
            "POST",
            "/graphql",
            headers=json_headers(cookie),
            body=ME,
            client_address="192.0.2.8",
        )[0]  # fmt: skip
        for _ in range(4)
    ]
    # the third is refused by Django (which remembers it), the fourth at the edge
    assert statuses == [401, 401, 429, 429]
    assert django.calls == 3
    assert call(guard, "POST", "/graphql", headers=json_headers(cookie), body=ME,
                client_address="192.0.2.9")[0] == 401  # fmt: skip
    assert django.calls == 4


@pytest.mark.django_db
def test_an_address_over_its_limit_is_refused_at_the_edge_on_portal_pages_too(
    frozen, edge, settings
):
    # given an address that used its window's quota on the login page (password guessing)
    guard, django = edge
    settings.RATE_LIMIT_PER_IP_PER_MINUTE = 6  # 1 per window
    address = "192.0.2.77"
    assert call(guard, "GET", "/login/", client_address=address)[0] == 200
    # when it keeps going: Django refuses the next one and remembers; the edge the rest
    statuses = [call(guard, "GET", "/login/", client_address=address)[0] for _ in range(3)]
    # then
    assert statuses == [429, 429, 429]
    assert django.calls == 2
