"""Versioned schedules and setpoints: publish, read the current version, tell who listens.

A version is the full set of setpoints of a pool (every member heat pump) or a household for
one delivery day. Publishing content identical to the current version adds nothing (same ETag);
anything else becomes version n+1 with its cause, then a ``schedule.published`` webhook event
and a channel-layer event for GraphQL subscribers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction

from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.common.ids import global_id
from ainergy.pipeline import clock, events, webhooks
from ainergy.pipeline.models import ScheduleCause, ScheduleSetpoint, ScheduleVersion


@dataclass(frozen=True)
class Setpoint:
    heat_pump_id: int
    start_at: dt.datetime
    end_at: dt.datetime
    power_kw: float
    is_on: bool
    storage_kwh: float | None = None
    storage_soc_fraction: float | None = None


def _content_sha256(setpoints: list[Setpoint]) -> str:
    rows = sorted(
        (
            s.heat_pump_id,
            s.start_at.astimezone(dt.UTC).isoformat(),
            s.end_at.astimezone(dt.UTC).isoformat(),
            round(s.power_kw, 2),
            bool(s.is_on),
            None if s.storage_kwh is None else round(s.storage_kwh, 1),
        )
        for s in setpoints
    )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def current_version(*, tenant, delivery_day: dt.date, pool=None, site=None):
    versions = ScheduleVersion.objects.for_tenant(tenant).filter(delivery_day=delivery_day)
    versions = versions.filter(pool=pool) if pool is not None else versions.filter(site=site)
    return versions.order_by("-version").first()


@transaction.atomic
def schedule_publish(
    *,
    tenant,
    delivery_day: dt.date,
    setpoints: list[Setpoint],
    cause: str,
    cause_detail: dict | None = None,
    pool=None,
    site=None,
    pool_dispatch=None,
    household_schedule=None,
) -> tuple[ScheduleVersion, bool]:
    """Publish setpoints as the next version unless identical to the current one.

    Returns ``(version, created)``. Serialised per pool/site by a row lock on the owner.
    """
    if (pool is None) == (site is None):
        raise ValidationError("pool", "give a pool or a household site")
    if cause not in ScheduleCause.values:
        raise ValidationError("cause", f"unknown cause {cause!r}")
    if not setpoints:
        raise ValidationError("setpoints", "nothing to publish")
    owner = pool or site
    type(owner).objects.select_for_update().filter(pk=owner.pk).first()  # serialise versions
    sha256 = _content_sha256(setpoints)
    latest = current_version(tenant=tenant, delivery_day=delivery_day, pool=pool, site=site)
    if latest is not None and latest.content_sha256 == sha256:
        return latest, False
    version = ScheduleVersion.objects.create(
        tenant=tenant,
        pool=pool,
        site=site,
        delivery_day=delivery_day,
        version=1 if latest is None else latest.version + 1,
        cause=cause,
        cause_detail=cause_detail or {},
        content_sha256=sha256,
        pool_dispatch=pool_dispatch,
        household_schedule=household_schedule,
        published_at=clock.now(),
    )
    ScheduleSetpoint.objects.bulk_create(
        [
            ScheduleSetpoint(
                tenant=tenant,
                version=version,
                heat_pump_id=s.heat_pump_id,
                start_at=s.start_at,
                end_at=s.end_at,
                power_kw=round(s.power_kw, 2),
                is_on=bool(s.is_on),
                storage_kwh=None if s.storage_kwh is None else round(s.storage_kwh, 2),
                storage_soc_fraction=None
                if s.storage_soc_fraction is None
                else round(s.storage_soc_fraction, 4),
            )
            for s in setpoints
        ]
    )
    payload = {
        "schedule_version_id": global_id(version),
        "pool_id": global_id(pool) if pool is not None else None,
        "site_id": global_id(site) if site is not None else None,
        "delivery_day": delivery_day.isoformat(),
        "version": version.version,
        "cause": cause,
        "cause_detail": version.cause_detail,
        "etag": version.etag,
    }
    webhooks.event_emit(tenant_id=tenant.pk, event="schedule.published", payload=payload)
    transaction.on_commit(
        lambda: events.broadcast(
            [events.tenant_group(tenant.pk)], "schedule.published", {**payload, "id": version.pk}
        )
    )
    return version, True


def device_setpoints(*, tenant, device_id: str, delivery_day: dt.date):
    """The current version covering the device's heat pump and its setpoints on that day."""
    from ainergy.assets.models import HeatPump

    pump = HeatPump.objects.for_tenant(tenant).filter(device_id=device_id).first()
    if pump is None or not device_id:
        raise NotFoundError("Device not found.", {"field": "device_id"})
    rows = (
        ScheduleSetpoint.objects.for_tenant(tenant)
        .filter(heat_pump=pump, version__delivery_day=delivery_day)
        .order_by("-version__published_at", "-version__version")
        .values_list("version_id", flat=True)
    )
    version_id = rows.first()
    if version_id is None:
        raise NotFoundError(
            f"No schedule published for device {device_id!r} on {delivery_day.isoformat()}.",
            {"field": "day"},
        )
    version = ScheduleVersion.objects.get(pk=version_id)
    # the newest version of the pool/site that owns this version (a unit left out of a later
    # version, e.g. unavailable, gets that version with no setpoints of its own)
    latest = current_version(
        tenant=tenant, delivery_day=delivery_day, pool=version.pool, site=version.site
    )
    setpoints = list(
        ScheduleSetpoint.objects.filter(version=latest, heat_pump=pump).order_by("start_at")
    )
    return pump, latest, setpoints
