"""Request-rate limits: per client IP before anything else, per caller (token or portal user)
and per tenant once the caller is known. Over the limit: HTTP 429 with ``Retry-After``, as JSON.

Limits are set per minute and enforced in windows of ``WINDOW_S`` seconds (a sixth of the
minute's quota each), so a client cannot spend a minute's quota in one burst; a client that
keeps sending after its 429 is answered from memory (``ratelimit.hit``)."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import JsonResponse

from ainergy.common import ratelimit
from ainergy.common.edge import client_ip_from
from tenants.tokens import hash_token

WINDOW_S = 10  # [s]
WINDOWS_PER_MINUTE = 60 // WINDOW_S
EXEMPT_PATHS = ("/healthz", "/static/")


def client_ip(request) -> str:
    """The caller's address: REMOTE_ADDR, or the entry that the Nth trusted proxy appended to
    X-Forwarded-For (``RATE_LIMIT_TRUSTED_PROXY_COUNT``; 0 trusts no header)."""
    return client_ip_from(
        request.META.get("REMOTE_ADDR", ""), request.META.get("HTTP_X_FORWARDED_FOR", "")
    )


def rate_limited_response(request, message: str, retry_after_s: int, limit: int) -> JsonResponse:
    """429 in the body shape of the endpoint: REST ``code`` or GraphQL ``extensions.code``."""
    extra = {"retryAfterS": retry_after_s, "limit": limit}
    if request.path.startswith("/api/"):
        error = {"message": message, "code": "RATE_LIMITED", **extra}
    else:
        error = {"message": message, "extensions": {"code": "RATE_LIMITED", **extra}}
    response = JsonResponse({"errors": [error]}, status=429)
    response["Retry-After"] = str(retry_after_s)
    return response


def per_window(per_minute: int) -> int:
    return max(1, -(-per_minute // WINDOWS_PER_MINUTE))


def _exempt(request) -> bool:
    return not settings.RATE_LIMIT_ENABLED or request.path.startswith(EXEMPT_PATHS)


def _bearer_key(request) -> str | None:
    return bearer_key_of(request.META.get("HTTP_AUTHORIZATION", ""))


def bearer_key_of(header: str) -> str | None:
    """A key for the bearer token sent, without a database lookup (its SHA-256)."""
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip() or len(secret) > 200:
        return None
    return hash_token(secret.strip())[:32]


class ClientIpRateLimitMiddleware:
    """Requests per client IP per minute, counted before authentication (so floods of forged
    tokens or anonymous documents cost one Redis round trip each, no database work). A token
    already over its own or its tenant's limit is refused here too, before it is looked up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_ip = client_ip(request)
        if _exempt(request):
            return self.get_response(request)
        bearer = _bearer_key(request)
        if bearer is not None and (left := ratelimit.exhausted_for_s("bearer", bearer)):
            return rate_limited_response(
                request,
                f"Too many requests for this token or its tenant; retry after {left} s.",
                left,
                settings.RATE_LIMIT_PER_CALLER_PER_MINUTE,
            )
        per_minute = settings.RATE_LIMIT_PER_IP_PER_MINUTE
        decision = ratelimit.hit(
            "ip", request.client_ip, limit=per_window(per_minute), window_s=WINDOW_S
        )
        if not decision.allowed:
            return rate_limited_response(
                request,
                f"Too many requests from this address: {per_minute} per minute "
                f"({decision.limit} per {WINDOW_S} s); retry after {decision.retry_after_s} s.",
                decision.retry_after_s,
                per_minute,
            )
        return self.get_response(request)


def principal_key(principal) -> str | None:
    """The rate-limit identity of an authenticated caller: its token, else its user."""
    if principal is None or not principal.is_authenticated:
        return None
    if principal.api_token is not None:
        return f"token:{principal.api_token.pk}"
    return f"user:{principal.user.pk}"


class PrincipalRateLimitMiddleware:
    """Requests per API token (or portal user) per minute, with X-RateLimit-* headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        principal = getattr(request, "principal", None)
        key = principal_key(principal)
        if key is None or _exempt(request):
            return self.get_response(request)
        per_minute = settings.RATE_LIMIT_PER_CALLER_PER_MINUTE
        decision = ratelimit.hit("caller", key, limit=per_window(per_minute), window_s=WINDOW_S)
        tenant_id = getattr(principal.tenant, "pk", None)
        if not decision.allowed:
            response = rate_limited_response(
                request,
                f"Too many requests for this token or user: {per_minute} per minute "
                f"({decision.limit} per {WINDOW_S} s); retry after {decision.retry_after_s} s.",
                decision.retry_after_s,
                per_minute,
            )
        elif (
            tenant_id is not None
            and not (
                tenant := ratelimit.hit(
                    "tenant",
                    str(tenant_id),
                    limit=per_window(settings.RATE_LIMIT_PER_TENANT_PER_MINUTE),
                    window_s=WINDOW_S,
                )
            ).allowed
        ):
            response = rate_limited_response(
                request,
                f"Too many requests for this tenant: {settings.RATE_LIMIT_PER_TENANT_PER_MINUTE} "
                f"per minute over all its tokens and users; retry after {tenant.retry_after_s} s.",
                tenant.retry_after_s,
                settings.RATE_LIMIT_PER_TENANT_PER_MINUTE,
            )
        else:
            response = self.get_response(request)
        if response.status_code == 429 and principal.api_token is not None:
            bearer = _bearer_key(request)
            if bearer is not None:  # later requests of this token: refused before the lookup
                retry = int(response.get("Retry-After", "1"))
                ratelimit.mark_exhausted("bearer", bearer, time.time() + retry)
        response["X-RateLimit-Limit"] = str(decision.limit)  # per window
        response["X-RateLimit-Remaining"] = str(decision.remaining)
        response["X-RateLimit-Reset"] = str(decision.retry_after_s)  # [s] until the next window
        response["X-RateLimit-Window"] = str(WINDOW_S)  # [s]
        return response
