"""Tenant webhooks: signed events with retries, back-off and a delivery log.

Every request carries ``Ainergy-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>" with the webhook's secret>``, ``Ainergy-Event`` and ``Ainergy-Delivery`` (the
event id, the same on every retry: receivers dedupe on it). A delivery row is written in the
same transaction as the event (an outbox): the send is queued after commit, and the periodic
sweep re-sends any delivery that is due, so a lost message only delays it. A 2xx answer
delivers; anything else is retried after ``WEBHOOK_RETRY_BACKOFF_S`` (then failed).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import uuid
from urllib.parse import urlparse

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ainergy.common.crypto import decrypt, encrypt
from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.pipeline.models import Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

EVENTS = {
    "job.finished": "A pipeline step's job finished (succeeded, failed or cancelled).",
    "schedule.published": "A new schedule version was published (dispatch, re-plan, fallback).",
    "deadline.missed": "A pipeline step missed its deadline; the fallback taken is named.",
    "step.failed": "A pipeline step failed; the fallback taken is named.",
}
SIGNATURE_HEADER = "Ainergy-Signature"
MAX_WEBHOOKS_PER_TENANT = 20


def sign(secret: str, timestamp: int, body: bytes) -> str:
    """The ``v1`` signature: hex HMAC-SHA256 of ``b"<timestamp>." + body``."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return f"t={timestamp},v1={sign(secret, timestamp, body)}"


def _check_url(url: str, field: str = "url") -> str:
    parsed = urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        raise ValidationError(field, "must be an absolute http(s) URL")
    if parsed.scheme != "https" and not settings.WEBHOOK_ALLOW_HTTP:
        raise ValidationError(field, "must use https")
    if parsed.username or parsed.password:
        raise ValidationError(field, "must not carry credentials; sign with the secret instead")
    return url


def _check_destination(url: str) -> None:
    """Refuse private, loopback and link-local addresses (SSRF) unless configured otherwise."""
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return
    host = urlparse(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror as error:
        raise ConnectionError(f"cannot resolve {host}: {error}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ConnectionError(f"{host} resolves to a non-public address {address}")


@transaction.atomic
def webhook_create(
    *, tenant, url: str, events: list[str], secret: str | None = None, description: str = ""
) -> tuple[Webhook, str]:
    """Register an endpoint; returns it and its signing secret (generated when not given)."""
    _check_url(url)
    if not events:
        raise ValidationError("events", "name at least one event")
    for position, event in enumerate(events):
        if event not in EVENTS:
            raise ValidationError(
                f"events[{position}]", f"unknown event {event!r}; one of {', '.join(EVENTS)}"
            )
    if secret is not None and len(secret) < 24:
        raise ValidationError("secret", "must be at least 24 characters")
    if Webhook.objects.for_tenant(tenant).count() >= MAX_WEBHOOKS_PER_TENANT:
        raise ValidationError("url", f"at most {MAX_WEBHOOKS_PER_TENANT} webhooks per tenant")
    secret = secret or secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(
        tenant=tenant,
        url=url,
        events=sorted(set(events)),
        secret_encrypted=encrypt(secret),
        description=description[:200],
    )
    return webhook, secret


@transaction.atomic
def webhook_delete(*, tenant, webhook_id: int) -> None:
    webhook = Webhook.objects.for_tenant(tenant).filter(pk=webhook_id).first()
    if webhook is None:
        raise NotFoundError("Webhook not found.")
    webhook.delete()


def event_emit(*, tenant_id: int, event: str, payload: dict) -> list[WebhookDelivery]:
    """Queue ``event`` to every enabled webhook of the tenant subscribed to it (after commit)."""
    if event not in EVENTS:
        raise ValueError(f"unknown event {event}")
    hooks = [
        hook
        for hook in Webhook.objects.filter(tenant_id=tenant_id, is_enabled=True)
        if event in hook.events
    ]
    if not hooks:
        return []
    event_id = str(uuid.uuid4())
    body = {"id": event_id, "event": event, "created_at": timezone.now().isoformat(), **payload}
    deliveries = [
        WebhookDelivery.objects.create(
            tenant_id=tenant_id,
            webhook=hook,
            event=event,
            event_id=event_id,
            payload=body,
            next_attempt_at=timezone.now(),
        )
        for hook in hooks
    ]
    ids = [delivery.pk for delivery in deliveries]
    transaction.on_commit(lambda: _send_later(ids))
    return deliveries


def _send_later(delivery_ids: list[int]) -> None:
    from ainergy.pipeline.tasks import webhook_deliver_task

    for delivery_id in delivery_ids:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            webhook_deliver_task.apply(args=[delivery_id])
        else:
            webhook_deliver_task.apply_async(
                args=[delivery_id], queue=f"{settings.JOB_QUEUE_PREFIX}default"
            )


def webhook_deliver(delivery_id: int) -> str:
    """One attempt of a due delivery; schedules the next one on failure. Returns the status."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .select_related("webhook")
            .filter(pk=delivery_id, status=WebhookDelivery.Status.PENDING)
            .first()
        )
        if delivery is None:
            return "not pending"
        if delivery.next_attempt_at and delivery.next_attempt_at > timezone.now():
            return "not due"
        hook = delivery.webhook
        body = json.dumps(delivery.payload, separators=(",", ":"), sort_keys=True).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "ainergy-webhooks/1",
            "Ainergy-Event": delivery.event,
            "Ainergy-Delivery": delivery.event_id,
            SIGNATURE_HEADER: signature_header(decrypt(hook.secret_encrypted), body),
        }
        delivery.attempts += 1
        status_code, error = None, ""
        try:
            _check_destination(hook.url)
            response = requests.post(
                hook.url,
                data=body,
                headers=headers,
                timeout=settings.WEBHOOK_TIMEOUT_S,
                allow_redirects=False,
            )
            status_code = response.status_code
            if not 200 <= status_code < 300:
                error = f"HTTP {status_code}"
        except (requests.RequestException, ConnectionError) as exc:
            error = f"{type(exc).__name__}: {exc}"[:300]
        delivery.last_status_code = status_code
        delivery.last_error = error
        if not error:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
        elif delivery.attempts >= len(settings.WEBHOOK_RETRY_BACKOFF_S) + 1:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            wait_s = settings.WEBHOOK_RETRY_BACKOFF_S[delivery.attempts - 1]
            delivery.next_attempt_at = timezone.now() + dt.timedelta(seconds=wait_s)
        delivery.save()
    logger.info(
        "webhook delivery %s (%s) attempt %d: %s",
        delivery.event_id,
        delivery.event,
        delivery.attempts,
        error or "delivered",
        extra={"event": "webhook.delivery", "delivery_id": delivery.pk},
    )
    if delivery.status == WebhookDelivery.Status.PENDING:
        from ainergy.pipeline.tasks import webhook_deliver_task

        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        if settings.CELERY_TASK_ALWAYS_EAGER:
            return delivery.status  # the sweep picks it up
        webhook_deliver_task.apply_async(
            args=[delivery.pk], countdown=max(wait, 0), queue=f"{settings.JOB_QUEUE_PREFIX}default"
        )
    return delivery.status


def webhook_deliveries_due(limit: int = 200) -> int:
    """Send every pending delivery whose time has come (the outbox sweep); returns how many."""
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=timezone.now()
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for delivery_id in due:
        webhook_deliver(delivery_id)
    return len(due)
