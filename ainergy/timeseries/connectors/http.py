"""Shared HTTP helper for the connectors: one ``requests.Session``, time-outs, retries.

Plain Python + requests (no Django). Retries 429 and 5xx answers and network failures with
exponential back-off, honouring ``Retry-After``; raises ``TransientError`` once the attempts
are used up. Request headers are never logged (they carry bearer tokens).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from ainergy.common.errors import ApplicationError, AuthenticationError, TransientError

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "ainergy-connectors/0.1 (+https://ainergy.dk)"
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before trying a request again.

    The wait before attempt ``n + 1`` is ``min(backoff_max_s, backoff_initial_s * backoff_factor
    ** (n - 1))``, or the server's ``Retry-After`` when that is longer (capped at
    ``retry_after_max_s``).
    """

    max_attempts: int = 5
    backoff_initial_s: float = 1.0
    backoff_factor: float = 2.0
    backoff_max_s: float = 60.0
    retry_after_max_s: float = 300.0
    retry_statuses: frozenset[int] = field(default=RETRYABLE_STATUSES)

    def backoff_s(self, attempt: int) -> float:
        """Back-off after failed attempt number ``attempt`` (1-based) [s]."""
        return min(
            self.backoff_max_s, self.backoff_initial_s * self.backoff_factor ** (attempt - 1)
        )

    def is_retryable(self, status: int) -> bool:
        return status in self.retry_statuses or 500 <= status <= 599


def retry_after_s(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait according to a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    now = now or dt.datetime.now(dt.UTC)
    return max(0.0, (when - now).total_seconds())


class HttpClient:
    """A ``requests.Session`` with a user agent, time-outs and retry with back-off.

    Parameters
    ----------
    timeout_s
        ``(connect, read)`` time-outs [s] for every request.
    retry
        Retry policy for 429/5xx answers and network errors.
    sleep
        Injected for tests; defaults to ``time.sleep``.
    """

    def __init__(
        self,
        *,
        timeout_s: tuple[float, float] = (10.0, 60.0),
        retry: RetryPolicy | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.timeout_s = timeout_s
        self.retry = retry or RetryPolicy()
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent
        self.session.headers["Accept"] = "application/json"
        self._sleep = sleep

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        url: str,
        *,
        what: str,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Send a request, retrying transient failures; return the first non-retryable answer.

        ``what`` names the call in log lines and errors (e.g. ``"Elspotprices"``); it must not
        contain secrets. Raises ``TransientError`` when all attempts fail transiently.
        """
        policy = self.retry
        last_problem = ""
        for attempt in range(1, policy.max_attempts + 1):
            wait_s = policy.backoff_s(attempt)
            try:
                response = self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=dict(headers or {}),
                    timeout=self.timeout_s,
                )
                # Reading the body here lets a connection cut mid-body count as a network error.
                _ = response.content
            except (requests.ConnectionError, requests.Timeout) as exc:
                last_problem = f"network error ({type(exc).__name__})"
            except requests.exceptions.ChunkedEncodingError as exc:
                last_problem = f"truncated response ({type(exc).__name__})"
            else:
                if not policy.is_retryable(response.status_code):
                    return response
                last_problem = f"HTTP {response.status_code}"
                server_wait_s = retry_after_s(response.headers.get("Retry-After"))
                if server_wait_s is not None:
                    wait_s = max(wait_s, min(server_wait_s, policy.retry_after_max_s))
            if attempt < policy.max_attempts:
                logger.warning(
                    "%s: %s on attempt %d/%d; retrying in %.2f s",
                    what,
                    last_problem,
                    attempt,
                    policy.max_attempts,
                    wait_s,
                )
                self._sleep(wait_s)
        raise TransientError(
            f"{what}: {last_problem} after {policy.max_attempts} attempts",
            {"source": what, "attempts": policy.max_attempts, "last_problem": last_problem},
        )


def raise_for_status(response: requests.Response, what: str) -> None:
    """Turn a non-2xx answer that was not retried into a terminal error."""
    status = response.status_code
    if 200 <= status < 300:
        return
    extra = {"source": what, "status": status}
    if status in (401, 403):
        raise AuthenticationError(f"{what}: HTTP {status}, credentials refused", extra)
    raise ApplicationError(f"{what}: HTTP {status}", extra)
