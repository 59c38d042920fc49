"""Subscription events reach the Redis channel layer from any synchronous caller, including one
whose thread runs an event loop (CI saw the Playwright session's loop make every in-process
publication fail silently)."""

from __future__ import annotations

import asyncio
import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from ainergy.common.events import EVENT_TYPE, broadcast


@pytest.fixture
def redis_layer(settings):
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL (CI=true makes this an error)")
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [os.environ["REDIS_URL"]],
                "prefix": f"t{uuid.uuid4().hex[:8]}-asgi",
            },
        }
    }
    from channels.layers import get_channel_layer

    return get_channel_layer()


def in_fresh_thread(function):
    """Run ``function`` in a new thread: no event loop there until it starts one (the suite's
    main thread may run one, e.g. a browser session's)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function).result(timeout=60)


async def _receive_one(layer, group: str, send) -> dict:
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    send()  # a synchronous call while this thread's loop runs
    return await asyncio.wait_for(layer.receive(channel), timeout=10)


def test_broadcast_from_a_thread_whose_event_loop_is_running_is_delivered(redis_layer):
    group = f"tenant-{uuid.uuid4().hex[:6]}"
    message = in_fresh_thread(
        lambda: asyncio.run(
            _receive_one(redis_layer, group, lambda: broadcast([group], "test.event", {"n": 1}))
        )
    )
    assert message == {"type": EVENT_TYPE, "event": "test.event", "payload": {"n": 1}}


def test_broadcast_from_plain_synchronous_code_is_delivered(redis_layer):
    group = f"tenant-{uuid.uuid4().hex[:6]}"

    async def subscribe():
        channel = await redis_layer.new_channel()
        await redis_layer.group_add(group, channel)
        return channel

    async def receive(channel):
        return await asyncio.wait_for(redis_layer.receive(channel), timeout=10)

    channel = in_fresh_thread(lambda: asyncio.run(subscribe()))
    in_fresh_thread(lambda: broadcast([group], "test.event", {"n": 2}))  # no loop in that thread
    assert in_fresh_thread(lambda: asyncio.run(receive(channel)))["payload"] == {"n": 2}
