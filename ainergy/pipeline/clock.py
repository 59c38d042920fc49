"""The pipeline's clock: wall time in production, a simulated instant in the simulated-day test.

Every pipeline decision (is a step due, was a deadline missed, when was it done) reads
``now()``. ``PIPELINE_SIMULATED_CLOCK_KEY`` (tests and demos only; production settings refuse
it) names a Redis key holding an ISO-8601 instant that the test moves forward; the web process,
the workers and beat all read the same key, so the whole system lives on the moved clock.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.conf import settings
from django.utils import timezone


@cache
def _redis(url: str):
    import redis

    return redis.Redis.from_url(url)


def simulated_key() -> str:
    return getattr(settings, "PIPELINE_SIMULATED_CLOCK_KEY", "") or ""


def now() -> dt.datetime:
    """The pipeline's current instant (UTC, tz-aware)."""
    key = simulated_key()
    if key and settings.REDIS_URL:
        value = _redis(settings.REDIS_URL).get(key)
        if value:
            return dt.datetime.fromisoformat(value.decode()).astimezone(dt.UTC)
    return timezone.now()


def simulate(at: dt.datetime) -> None:
    """Move the simulated clock to ``at`` (tz-aware) for every process reading the key."""
    key = simulated_key()
    if not key or not settings.REDIS_URL:
        raise RuntimeError("PIPELINE_SIMULATED_CLOCK_KEY and REDIS_URL must be set to simulate")
    if at.tzinfo is None:
        raise ValueError("naive datetime")
    _redis(settings.REDIS_URL).set(key, at.astimezone(dt.UTC).isoformat(), ex=24 * 3600)
