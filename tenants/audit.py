"""The audit log: who did what in a tenant, when, from where, and on which ids.

Recorded explicitly by the GraphQL layer (every mutation; every operation of an API token), the
REST endpoints (every call, all of which use tokens) and token authentication (uses of revoked
or expired tokens). Written in its own autocommit statement after the work, so a failed mutation
is logged with its error code while its own writes roll back.
"""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable

from tenants.models import ApiToken, AuditEvent

logger = logging.getLogger(__name__)

MAX_IDS = 100


def _ip(value: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address(value)) if value else None
    except ValueError:
        return None


def _text(value: object, limit: int) -> str:
    """Printable-safe text for the log: PostgreSQL refuses NUL in text and JSON."""
    return str(value).replace("\x00", "\ufffd")[:limit]


def _token_label(token: ApiToken) -> str:
    return f"{token.name} ({token.display_prefix}…{token.last_four})"[:200]


def audit_record(
    *,
    principal,
    operation: str,
    object_ids: Iterable[str] = (),
    outcome: str = "OK",
    client_ip: str | None = None,
) -> AuditEvent | None:
    """Log an action of ``principal`` in its tenant; callers without a tenant are not logged."""
    if principal is None or principal.tenant is None:
        return None
    ids = list(dict.fromkeys(_text(item, 200) for item in object_ids))[:MAX_IDS]
    token = principal.api_token
    if token is not None:
        kind, label, user = AuditEvent.ActorKind.API_TOKEN, _token_label(token), None
    else:
        user = principal.user
        kind, label = AuditEvent.ActorKind.USER, (user.email or user.get_username())[:200]
    return AuditEvent.objects.create(
        tenant=principal.tenant,
        actor_kind=kind,
        user=user,
        api_token=token,
        actor_label=label,
        operation=_text(operation, 200),
        object_ids=ids,
        outcome=_text(outcome, 64),
        client_ip=_ip(client_ip),
    )


def audit_token_rejected(*, token: ApiToken, reason: str, client_ip: str | None) -> None:
    """A revoked or expired token was presented: the tenant's owners should know."""
    AuditEvent.objects.create(
        tenant_id=token.tenant_id,
        actor_kind=AuditEvent.ActorKind.API_TOKEN,
        api_token=token,
        actor_label=_token_label(token),
        operation="authenticate",
        outcome=f"TOKEN_{reason.upper()}"[:64],
        client_ip=_ip(client_ip),
    )
    logger.info("api token %s…%s rejected: %s", token.display_prefix, token.last_four, reason)
