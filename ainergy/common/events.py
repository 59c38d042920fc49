"""Best-effort events to GraphQL subscribers over the Redis channel layer (Django Channels).

A subscriber that is not listening misses nothing stored: every event mirrors a database row
(job, schedule version, alert, webhook delivery). Groups: ``tenant-<id>`` (all of a tenant's
events), ``job-<id>`` (one job's progress). No-op without a channel layer.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

logger = logging.getLogger(__name__)

EVENT_TYPE = "pipeline.event"  # channel-layer message type (consumer handler: pipeline_event)
SEND_TIMEOUT_S = 10  # [s] for the sends from a helper thread


def tenant_group(tenant_id: int) -> str:
    return f"tenant-{tenant_id}"


def job_group(job_id: int) -> str:
    return f"job-{job_id}"


def _send(layer, groups: list[str], message: dict[str, Any]) -> None:
    from asgiref.sync import async_to_sync

    for group in groups:
        async_to_sync(layer.group_send)(group, message)


def broadcast(groups: list[str], event: str, payload: dict[str, Any]) -> None:
    """Send ``{event, payload}`` to channel-layer groups; never raises.

    Callable from any synchronous code, also from a thread whose event loop is running (an
    async caller, or a sync API driving an event loop in its thread): ``async_to_sync`` refuses
    to block a running loop, so the sends then go through a short-lived helper thread."""
    try:
        from channels.layers import get_channel_layer

        layer = get_channel_layer()
        if layer is None:
            return
        message = {"type": EVENT_TYPE, "event": event, "payload": payload}
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # the usual case: a worker, a view, a command
            _send(layer, groups, message)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="broadcast") as pool:
            pool.submit(_send, layer, groups, message).result(timeout=SEND_TIMEOUT_S)
    except Exception:  # noqa: BLE001 - events are best effort; the database holds the truth
        logger.warning("could not broadcast %s to %s", event, groups, exc_info=True)


def job_changed(job_id: int) -> None:
    """A job's status or progress changed: tell its and its tenant's subscribers."""
    from ainergy.jobs.models import Job

    job = (
        Job.objects.filter(pk=job_id)
        .values("pk", "tenant_id", "kind", "status", "progress_fraction", "progress_message")
        .first()
    )
    if job is None:
        return
    payload = {
        "job_id": job["pk"],
        "tenant_id": job["tenant_id"],
        "kind": job["kind"],
        "status": job["status"],
        "progress_fraction": job["progress_fraction"],
        "progress_message": job["progress_message"],
    }
    broadcast([job_group(job["pk"]), tenant_group(job["tenant_id"])], "job.progress", payload)
