"""GraphQL subscriptions over a real WebSocket: the ASGI application (Django Channels) served by
uvicorn on an ephemeral port, events from a real Celery worker through the Redis channel layer."""

from __future__ import annotations

import contextlib
import json
import threading
import time

import pytest
from strawberry import relay

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

JOB_PROGRESS = """
subscription Progress($id: ID!) {
  jobProgress(id: $id) { jobId kind status progressFraction progressMessage isFinished }
}
"""


@contextlib.contextmanager
def asgi_server():
    import uvicorn

    from ainergy.asgi import application

    server = uvicorn.Server(
        uvicorn.Config(application, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "ASGI server did not start"
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def connect(url: str, token: str | None):
    from websockets.sync.client import connect as ws_connect

    socket = ws_connect(url, subprotocols=["graphql-transport-ws"], open_timeout=10)
    payload = {"authorization": f"Bearer {token}"} if token else {}
    socket.send(json.dumps({"type": "connection_init", "payload": payload}))
    return socket


def messages_until_complete(socket, timeout_s: float = 60) -> list[dict]:
    out = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        message = json.loads(socket.recv(timeout=timeout_s))
        if message["type"] == "ping":
            socket.send(json.dumps({"type": "pong"}))
            continue
        out.append(message)
        if message["type"] in ("complete", "error"):
            return out
    raise AssertionError(f"no complete message; got {out}")


def test_job_progress_arrives_over_a_real_websocket(tenant, other_tenant, processes_factory):
    from ainergy.jobs.services import job_enqueue
    from tenants.services import api_token_create

    processes_factory(beat=False)
    _, token = api_token_create(tenant=tenant, name="ws", scopes=["read"])
    _, foreign = api_token_create(tenant=other_tenant, name="ws", scopes=["read"])
    with asgi_server() as url:
        # given: a subscriber on a job that a real worker runs in 4 steps
        socket = connect(url, token)
        assert json.loads(socket.recv(timeout=10))["type"] == "connection_ack"
        job = job_enqueue(tenant=tenant, kind="diagnostic",
                          parameters={"steps": 4, "step_delay_s": 0.4})  # fmt: skip
        job_id = str(relay.GlobalID("Job", str(job.pk)))
        socket.send(json.dumps({"id": "1", "type": "subscribe",
                                "payload": {"query": JOB_PROGRESS, "variables": {"id": job_id}}}))  # fmt: skip
        # when
        messages = messages_until_complete(socket)
        socket.close()
        # then: the current state first, progress while running, the final state last
        events = [m["payload"]["data"]["jobProgress"] for m in messages if m["type"] == "next"]
        assert messages[-1] == {"id": "1", "type": "complete"}
        assert {e["jobId"] for e in events} == {job_id}
        fractions = [e["progressFraction"] for e in events]
        assert fractions == sorted(fractions)
        assert any(e["status"] == "RUNNING" and 0 < e["progressFraction"] < 1 for e in events)
        assert (events[-1]["status"], events[-1]["isFinished"]) == ("SUCCEEDED", True)
        assert [e["isFinished"] for e in events[:-1]] == [False] * (len(events) - 1)

        # another tenant's token sees the job as missing; no token is refused at connection
        intruder = connect(url, foreign)
        assert json.loads(intruder.recv(timeout=10))["type"] == "connection_ack"
        intruder.send(json.dumps({"id": "2", "type": "subscribe",
                                  "payload": {"query": JOB_PROGRESS, "variables": {"id": job_id}}}))  # fmt: skip
        (refused,) = messages_until_complete(intruder)[:1]
        assert refused["type"] in ("error", "next")
        errors = refused["payload"] if refused["type"] == "error" else refused["payload"]["errors"]
        assert errors[0]["message"] == "Job not found."
        intruder.close()
        anonymous = connect(url, None)
        from websockets.exceptions import ConnectionClosed

        with pytest.raises(ConnectionClosed) as closed:
            anonymous.recv(timeout=10)
        assert closed.value.rcvd.code == 4403
