"""Refusals answered in the event loop, before a request reaches Django.

Under ASGI, Django runs its (synchronous) middleware and views one request at a time per process,
in one thread; every request it sees waits for that thread. Requests this process already knows
it will refuse are answered here, from memory, with no I/O and without reading the body:

- a bearer token or a client address already over its rate limit in the current window (the
  Django middleware remembered the 429 in ``ratelimit``) → 429 with ``Retry-After``, on every
  path (the portal's login page included);
- ``/graphql`` with neither an ``Authorization`` header nor a session cookie → 401
  ``UNAUTHENTICATED`` (nothing in the schema is public);
- a declared ``Content-Length`` over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` on an API path → 413
  ``PAYLOAD_TOO_LARGE`` (Django would read the whole body first);
- a ``/graphql`` query string over ``GRAPHQL_MAX_GET_BYTES`` → 414 ``DOCUMENT_TOO_LARGE``.

The answers are the ones Django's middleware and views give for the same requests (same status,
body and headers); everything else is passed on untouched.
"""

from __future__ import annotations

import json

from django.conf import settings

from ainergy.common import ratelimit

API_PREFIXES = ("/api/", "/graphql")
EXEMPT_PATHS = ("/healthz", "/static/")
UNAUTHENTICATED_MESSAGE = (
    "Authentication required: send 'Authorization: Bearer <token>' or log in to the portal."
)


def client_ip_from(remote_addr: str, forwarded_for: str) -> str:
    """The caller's address: ``remote_addr``, or the entry that the Nth trusted proxy appended to
    X-Forwarded-For (``RATE_LIMIT_TRUSTED_PROXY_COUNT``; 0 trusts no header)."""
    trusted = settings.RATE_LIMIT_TRUSTED_PROXY_COUNT
    if trusted > 0:
        forwarded = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if len(forwarded) >= trusted:
            return forwarded[-trusted][:64]
    return remote_addr[:64] or "unknown"


def _graphql_body(message: str, code: str, **extensions) -> dict:
    return {
        "data": None,
        "errors": [{"message": message, "extensions": {"code": code, **extensions}}],
    }


def _too_large(path: str) -> dict:
    """What Django answers for a body over the limit: REST names the field and the limit."""
    if path.startswith("/api/"):
        limit = settings.REST_MAX_BODY_BYTES
        error = {
            "message": f"body: larger than the limit of {limit} bytes; send smaller batches",
            "code": "PAYLOAD_TOO_LARGE",
            "field": "body",
            "reason": f"larger than {limit} bytes",
            "limit": limit,
        }
        return {"errors": [error]}
    return {
        "errors": [
            {"message": "Request body too large.", "extensions": {"code": "PAYLOAD_TOO_LARGE"}}
        ]
    }


def _rest_or_graphql(path: str, message: str, code: str, **extra) -> dict:
    if path.startswith("/api/"):
        return {"errors": [{"message": message, "code": code, **extra}]}
    return {"errors": [{"message": message, "extensions": {"code": code, **extra}}]}


class EdgeGuard:
    """ASGI middleware in front of Django's ASGI handler (``ainergy.asgi``)."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            refusal = self.refusal(scope)
            if refusal is not None:
                status, body, headers = refusal
                await _answer(send, status, body, headers)
                return
        await self.app(scope, receive, send)

    def refusal(self, scope) -> tuple[int, dict, list[tuple[bytes, bytes]]] | None:
        """(status, JSON body, extra headers) of a request refused here, else None."""
        path: str = scope.get("path", "")
        if path.startswith(EXEMPT_PATHS):
            return None
        headers = dict(scope.get("headers") or [])  # names are lower-case bytes in ASGI
        authorization = headers.get(b"authorization")
        if settings.RATE_LIMIT_ENABLED:  # every path, as ClientIpRateLimitMiddleware
            throttled = self._throttled(scope, path, headers, authorization)
            if throttled is not None:
                return throttled
        if not path.startswith(API_PREFIXES):
            return None
        is_graphql = path.rstrip("/") == "/graphql"
        if is_graphql and authorization is None and not settings.DEBUG:
            cookies = headers.get(b"cookie", b"").decode("latin-1")
            if f"{settings.SESSION_COOKIE_NAME}=" not in cookies:
                return (
                    401,
                    _graphql_body(UNAUTHENTICATED_MESSAGE, "UNAUTHENTICATED"),
                    [(b"www-authenticate", b'Bearer realm="ainergy"')],
                )
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return 413, _too_large(path), []
        limit = settings.GRAPHQL_MAX_GET_BYTES
        if is_graphql and authorization is not None and len(scope.get("query_string", b"")) > limit:
            return (
                414,
                _graphql_body(
                    f"Query string over {limit} bytes; use POST.", "DOCUMENT_TOO_LARGE", limit=limit
                ),
                [],
            )
        return None

    def _throttled(self, scope, path, headers, authorization):
        from ainergy.common.middleware import WINDOW_S, bearer_key_of, per_window

        bearer = bearer_key_of(authorization.decode("latin-1")) if authorization else None
        if bearer is not None and (left := ratelimit.exhausted_for_s("bearer", bearer)):
            message = f"Too many requests for this token or its tenant; retry after {left} s."
            limit = settings.RATE_LIMIT_PER_CALLER_PER_MINUTE
        else:
            client = scope.get("client") or ("", 0)
            address = client_ip_from(
                client[0] or "", headers.get(b"x-forwarded-for", b"").decode("latin-1")
            )
            left = ratelimit.window_exhausted_for_s("ip", address, window_s=WINDOW_S)
            if not left:
                return None
            limit = settings.RATE_LIMIT_PER_IP_PER_MINUTE
            message = (
                f"Too many requests from this address: {limit} per minute "
                f"({per_window(limit)} per {WINDOW_S} s); retry after {left} s."
            )
        body = _rest_or_graphql(path, message, "RATE_LIMITED", retryAfterS=left, limit=limit)
        return 429, body, [(b"retry-after", str(left).encode())]


async def _answer(send, status: int, body: dict, headers: list[tuple[bytes, bytes]]) -> None:
    content = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": content})
