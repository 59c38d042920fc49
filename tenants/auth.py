"""Login throttling: failed passwords are counted per account and per client address; past
the limit the account (or address) is locked for ``LOGIN_LOCKOUT_S``, even for the right
password. Enforced in the authentication backend, so every login path (portal, admin) is
covered; the portal's login view answers 429 with ``Retry-After`` while locked.

Locking an account lets a stranger keep its owner out for the lockout time; that is the price
of stopping password guessing, and the per-address lock stops one client from doing it to many
accounts at once.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from ainergy.common import ratelimit
from ainergy.common.middleware import client_ip

logger = logging.getLogger(__name__)


def _account(username: str | None) -> str:
    # hashed: the counter store never holds e-mail addresses
    return hashlib.sha256((username or "").strip().lower().encode()).hexdigest()[:32]


def login_lockout_s(*, username: str | None, ip: str | None) -> int:
    """Seconds until this account, or this address, may try a password again (0: now)."""
    remaining = ratelimit.ttl_s(f"login-lock:account:{_account(username)}")
    if ip:
        remaining = max(remaining, ratelimit.ttl_s(f"login-lock:ip:{ip}"))
    return remaining


def _record_failure(*, username: str | None, ip: str | None) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_S
    counters = [("account", _account(username), settings.LOGIN_FAILURES_PER_ACCOUNT)]
    if ip:
        counters.append(("ip", ip, settings.LOGIN_FAILURES_PER_IP))
    for kind, ident, limit in counters:
        failures = ratelimit.incr(f"login-fail:{kind}:{ident}", ttl_s=window)
        if failures >= limit:
            ratelimit.clear(f"login-fail:{kind}:{ident}")
            ratelimit.incr(f"login-lock:{kind}:{ident}", ttl_s=settings.LOGIN_LOCKOUT_S)
            logger.warning("login: %s %s locked after %s failures", kind, ident, failures)


class ThrottledModelBackend(ModelBackend):
    """Django's username/password backend behind the failure counters and lockouts."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        ip = client_ip(request) if request is not None else None
        if login_lockout_s(username=username, ip=ip):
            raise PermissionDenied("locked")  # stops the other backends too
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            _record_failure(username=username, ip=ip)
        else:
            ratelimit.clear(f"login-fail:account:{_account(username)}")
        return user
