"""Fixed-window counters in Redis for rate limits, cost budgets and login throttling.

One round trip per check (``INCRBY`` + ``EXPIRE NX`` in a pipeline). Without ``REDIS_URL`` (demo,
local runs) the counters live in process memory. If Redis is unreachable the limiter fails open
for ``RATE_LIMIT_REDIS_RETRY_S`` (logged): an outage of the counter store must not take the API
down with it; PostgreSQL timeouts and the per-request limits still hold.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from dataclasses import dataclass

import redis
from django.conf import settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    used: int  # in the current window, after this hit
    limit: int
    retry_after_s: int  # until the window resets

    @property
    def remaining(self) -> int:
        return max(self.limit - self.used, 0)


class _MemoryStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, float]] = {}

    def _live(self, key: str, now: float) -> tuple[int, float]:
        count, expires = self._counts.get(key, (0, 0.0))
        return (count, expires) if expires > now else (0, 0.0)

    def incr(self, key: str, amount: int, ttl_s: int) -> int:
        now = time.monotonic()
        with self._lock:
            count, expires = self._live(key, now)
            self._counts[key] = (count + amount, expires or now + ttl_s)
            if len(self._counts) > 100_000:  # drop expired keys now and then
                self._counts = {k: v for k, v in self._counts.items() if v[1] > now}
            return count + amount

    def get(self, key: str) -> int:
        return self._live(key, time.monotonic())[0]

    def ttl(self, key: str) -> int:
        now = time.monotonic()
        count, expires = self._live(key, now)
        return math.ceil(expires - now) if count else 0

    def delete(self, key: str) -> None:
        with self._lock:
            self._counts.pop(key, None)


class _RedisStore:
    def __init__(self, url: str) -> None:
        self._client = redis.Redis.from_url(
            url,
            socket_connect_timeout=settings.RATE_LIMIT_REDIS_TIMEOUT_S,
            socket_timeout=settings.RATE_LIMIT_REDIS_TIMEOUT_S,
        )

    def incr(self, key: str, amount: int, ttl_s: int) -> int:
        pipeline = self._client.pipeline(transaction=False)
        pipeline.incrby(key, amount)
        pipeline.expire(key, ttl_s, nx=True)
        count, _ = pipeline.execute()
        return int(count)

    def get(self, key: str) -> int:
        return int(self._client.get(key) or 0)

    def ttl(self, key: str) -> int:
        return max(int(self._client.ttl(key)), 0)

    def delete(self, key: str) -> None:
        self._client.delete(key)


_stores: dict[str, _MemoryStore | _RedisStore] = {}
_down_until = 0.0


def _store() -> _MemoryStore | _RedisStore:
    url = settings.REDIS_URL
    if url not in _stores:
        _stores[url] = _RedisStore(url) if url else _MemoryStore()
    return _stores[url]


def _call(operation, default):
    """Run a store operation; fail open (``default``) while Redis is unreachable."""
    global _down_until
    if time.monotonic() < _down_until:
        return default
    try:
        return operation(_store())
    except redis.RedisError as error:
        _down_until = time.monotonic() + settings.RATE_LIMIT_REDIS_RETRY_S
        logger.warning("rate limits: Redis unreachable (%s); failing open", error)
        return default


def _full(key: str) -> str:
    return f"{settings.RATE_LIMIT_KEY_PREFIX}{key}"


def incr(key: str, *, ttl_s: int, amount: int = 1) -> int:
    """Add to a counter that expires ``ttl_s`` after its first increment; returns the count."""
    return _call(lambda store: store.incr(_full(key), amount, ttl_s), 0)


def count(key: str) -> int:
    return _call(lambda store: store.get(_full(key)), 0)


def ttl_s(key: str) -> int:
    """Seconds until the counter expires (0 when it does not exist)."""
    return _call(lambda store: store.ttl(_full(key)), 0)


def clear(key: str) -> None:
    _call(lambda store: store.delete(_full(key)), None)


# Keys already over their limit in the current window, with the window's end (time.time()):
# a client that keeps hammering after its 429 is answered from memory, without a round trip.
_exhausted: dict[str, float] = {}


def mark_exhausted(name: str, ident: str, until: float) -> None:
    """Remember in this process that ``name:ident`` is over its limit until ``until``."""
    _exhausted[_full(f"{name}:{ident}")] = until


def exhausted_for_s(name: str, ident: str) -> int:
    """Seconds ``name:ident`` is still known to be over its limit in this process (0: not)."""
    left = _exhausted.get(_full(f"{name}:{ident}"), 0.0) - time.time()
    return math.ceil(left) if left > 0 else 0


def window_exhausted_for_s(name: str, ident: str, *, window_s: int) -> int:
    """Seconds left in the current window of ``hit(name, ident, window_s=…)`` if this process
    already saw it go over its limit (0: not known to be over). Memory only, no round trip."""
    now = time.time()
    window = int(now // window_s)
    left = _exhausted.get(_full(f"{name}:{ident}:{window}"), 0.0) - now
    return math.ceil(left) if left > 0 else 0


def hit(name: str, ident: str, *, limit: int, window_s: int, amount: int = 1) -> Decision:
    """Count ``amount`` against ``limit`` per fixed window of ``window_s`` for ``ident``."""
    now = time.time()
    window = int(now // window_s)
    window_end = (window + 1) * window_s
    retry_after = max(math.ceil(window_end - now), 1)
    key = f"{name}:{ident}:{window}"
    memo = _full(key)
    if _exhausted.get(memo, 0.0) > now:
        return Decision(False, limit + 1, limit, retry_after)
    used = incr(key, ttl_s=window_s + 1, amount=amount)
    if used > limit:
        if len(_exhausted) > 10_000:
            for stale in [k for k, end in _exhausted.items() if end <= now]:
                del _exhausted[stale]
        _exhausted[memo] = window_end
    return Decision(used <= limit, used, limit, retry_after)
