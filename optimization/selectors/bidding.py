"""Reads of bid plans, dispatches and setpoints, and of the pool data they are built from."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, QuerySet

from ainergy.assets.models import HeatPump, Pool, PoolMembership, Site
from ainergy.assets.selectors import memberships_overlapping, pool_members
from ainergy.common.errors import NotFoundError
from ainergy.common.timegrid import delivery_day_bounds
from ainergy.jobs.models import JobStatus
from ainergy.markets.models import Bid
from ainergy.timeseries.models import Series
from optimization.models import (
    BidPlan,
    BidPlanResults,
    BidPlanSchedulePeriod,
    PoolDispatch,
    PoolDispatchSetpoint,
)


def pool_get(tenant, pool_id: int) -> Pool:
    try:
        return (
            Pool.objects.for_tenant(tenant)
            .select_related("bidding_zone", "market_account")
            .get(pk=pool_id)
        )
    except (Pool.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Pool not found.") from None


def pool_heat_pumps(tenant, pool: Pool, delivery_day: dt.date) -> list[HeatPump]:
    """Members of the pool over the whole local delivery day (a unit is bid for whole days)."""
    start, end = delivery_day_bounds(delivery_day)
    return list(pool_members(tenant, pool, start, end))


def pool_part_day_members(tenant, pool: Pool, delivery_day: dt.date) -> list[HeatPump]:
    """Heat pumps that are members for only part of the delivery day."""
    start, end = delivery_day_bounds(delivery_day)
    whole = pool_members(tenant, pool, start, end).values("pk")
    some = memberships_overlapping(
        PoolMembership.objects.for_tenant(tenant).filter(pool=pool), start, end
    ).values("heat_pump_id")
    return list(
        HeatPump.objects.for_tenant(tenant).filter(pk__in=some).exclude(pk__in=whole).order_by("id")
    )


def site_heat_demand_series(tenant, site: Site) -> Series | None:
    """The site's own heat demand series (not one of a single heat pump), first by id."""
    return (
        Series.objects.filter(tenant=tenant, kind="heat_demand", site=site, heat_pump__isnull=True)
        .order_by("id")
        .first()
    )


def heat_pump_get(tenant, heat_pump_id: int) -> HeatPump:
    try:
        return HeatPump.objects.for_tenant(tenant).get(pk=heat_pump_id)
    except (HeatPump.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Heat pump not found.") from None


def heat_pump_get_by_device(tenant, device_id: str) -> HeatPump:
    """A heat pump by the id its device reports with (first by id if several share it)."""
    pump = (
        HeatPump.objects.for_tenant(tenant)
        .filter(device_id=device_id)
        .exclude(device_id="")
        .order_by("id")
        .first()
    )
    if pump is None:
        raise NotFoundError("Heat pump not found.")
    return pump


def bid_plan_list(tenant) -> QuerySet[BidPlan]:
    return BidPlan.objects.for_tenant(tenant)


def bid_plan_get(tenant, bid_plan_id: int) -> BidPlan:
    try:
        return (
            bid_plan_list(tenant)
            .select_related("job", "pool__bidding_zone", "market_account")
            .get(pk=bid_plan_id)
        )
    except (BidPlan.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Bid plan not found.") from None


def bid_plan_bids(plan: BidPlan) -> list[Bid]:
    """The plan's curves (one per MTU) and reserve offers, by delivery start and product."""
    return list(
        plan.bids.filter(tenant_id=plan.tenant_id)
        .select_related("product")
        .order_by("delivery_start_at", "product__code", "id")
    )


def bid_plan_periods(tenant, plan: BidPlan) -> list[BidPlanSchedulePeriod]:
    return list(
        BidPlanSchedulePeriod.objects.for_tenant(tenant)
        .filter(bid_plan=plan)
        .order_by("heat_pump_id", "start_at")
    )


def pool_dispatch_list(tenant) -> QuerySet[PoolDispatch]:
    return PoolDispatch.objects.for_tenant(tenant)


def pool_dispatch_get(tenant, dispatch_id: int) -> PoolDispatch:
    try:
        return pool_dispatch_list(tenant).select_related("job", "bid_plan").get(pk=dispatch_id)
    except (PoolDispatch.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Pool dispatch not found.") from None


def heat_pump_dispatch_latest(
    tenant, *, heat_pump: HeatPump, delivery_day: dt.date
) -> PoolDispatch:
    """The newest succeeded dispatch of ``delivery_day`` with setpoints for ``heat_pump``, of
    its plan's latest results version (a superseded version's setpoints no longer count)."""
    newer = BidPlanResults.objects.filter(
        bid_plan_id=OuterRef("bid_plan_id"), version__gt=OuterRef("results__version")
    )
    dispatch = (
        pool_dispatch_list(tenant)
        .filter(
            bid_plan__delivery_day=delivery_day,
            job__status=JobStatus.SUCCEEDED,
            setpoints__heat_pump=heat_pump,
        )
        .filter(~Exists(newer))
        .select_related("job", "bid_plan")
        .order_by("-created_at", "-id")
        .first()
    )
    if dispatch is None:
        raise NotFoundError(
            f"No dispatched schedule for this heat pump on {delivery_day.isoformat()}.",
            {"delivery_day": delivery_day.isoformat()},
        )
    return dispatch


def heat_pump_setpoints(
    tenant, *, dispatch: PoolDispatch, heat_pump: HeatPump
) -> list[PoolDispatchSetpoint]:
    return list(
        PoolDispatchSetpoint.objects.for_tenant(tenant)
        .filter(dispatch=dispatch, heat_pump=heat_pump)
        .order_by("start_at")
    )
