"""Services for assets over time: pool membership with validity, retirement, and deletion that
refuses when history refers to the asset.

A heat pump belongs to at most one pool at any instant. Every change is checked exactly here
(the error names the heat pump and the other pool) and backed by the database: an exclusion
constraint on overlapping validity ranges on PostgreSQL, one open-ended membership per heat pump
everywhere; a concurrent change that slips past the check hits the constraint and gets the same
named error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from ainergy.assets.models import HeatPump, Pool, PoolMembership, Site
from ainergy.assets.selectors import (
    asset_get,
    describe_history,
    heat_pump_history,
    memberships_overlapping,
    pool_history,
    site_history,
)
from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ

HISTORY = {HeatPump: heat_pump_history, Pool: pool_history, Site: site_history}
RETIRE_ADVICE = {
    HeatPump: "retire it instead (heatPumpRetire)",
    Pool: "retire it instead (poolRetire)",
    Site: "retire its heat pumps instead (heatPumpRetire); the site stays",
}


def utc_text(moment: dt.datetime | None) -> str:
    if moment is None:
        return "open"
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _aware(field: str, moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValidationError(field, "naive datetime; give a UTC offset")
    return moment.astimezone(dt.UTC)


def check_not_retired(instance) -> None:
    """Retired assets are kept as they were: no edits."""
    retired_at = getattr(instance, "retired_at", None)
    if retired_at is not None:
        raise ValidationError(
            "id",
            f"{instance._meta.verbose_name} {instance.name!r} is retired since "
            f"{utc_text(retired_at)}; retired assets are kept as they were",
        )


def check_deletable(instance) -> None:
    """Refuse, naming the history, to delete an asset that plans, dispatches or data refer to."""
    model = type(instance)
    history = HISTORY.get(model, lambda _: {})(instance)
    if history:
        raise ValidationError(
            "id",
            f"{model._meta.verbose_name} {instance.name!r} has history "
            f"({describe_history(history)}) and cannot be deleted; {RETIRE_ADVICE[model]}",
            {"history": history},
        )


def delete_without_history(instance: models.Model) -> None:
    """Delete an asset checked by ``check_deletable`` with its (unused) memberships."""
    if isinstance(instance, HeatPump):
        PoolMembership.objects.filter(heat_pump=instance).delete()
    elif isinstance(instance, Site):
        PoolMembership.objects.filter(heat_pump__site=instance).delete()
    instance.delete()


def _describe_span(membership: PoolMembership) -> str:
    start = (
        "since always"
        if membership.valid_from_at is None
        else f"from {utc_text(membership.valid_from_at)}"
    )
    end = (
        "open-ended"
        if membership.valid_to_at is None
        else f"until {utc_text(membership.valid_to_at)}"
    )
    return f"{start}, {end}"


def _clash(tenant, pump: HeatPump, start, end) -> PoolMembership | None:
    return (
        memberships_overlapping(
            PoolMembership.objects.for_tenant(tenant).filter(heat_pump=pump), start, end
        )
        .select_related("pool")
        .order_by("valid_from_at", "id")
        .first()
    )


def _clash_error(field: str, pump: HeatPump, pool: Pool, clash: PoolMembership):
    where = "this pool" if clash.pool_id == pool.pk else f"pool {clash.pool.name!r}"
    return ValidationError(
        field,
        f"heat pump {pump.name!r} is already in {where} ({_describe_span(clash)}); a heat pump "
        "belongs to one pool at a time",
        {"heat_pump": pump.name, "other_pool": clash.pool.name},
    )


def _check_member(field: str, pool: Pool, pump: HeatPump) -> None:
    if pump.site.bidding_zone_id != pool.bidding_zone_id:
        raise ValidationError(
            field,
            f"{pump.name} stands in {pump.site.bidding_zone.code}, "
            f"the pool bids in {pool.bidding_zone.code}",
        )
    if pump.kind != HeatPump.Kind.LARGE:
        raise ValidationError(field, f"{pump.name} is a household heat pump")


def _insert(field: str, tenant, pool: Pool, pump: HeatPump, start, end) -> PoolMembership:
    clash = _clash(tenant, pump, start, end)
    if clash is not None:
        raise _clash_error(field, pump, pool, clash)
    try:
        with transaction.atomic():
            return PoolMembership.objects.create(
                tenant=tenant, pool=pool, heat_pump=pump, valid_from_at=start, valid_to_at=end
            )
    except IntegrityError:
        clash = _clash(tenant, pump, start, end)
        if clash is None:
            raise
        raise _clash_error(field, pump, pool, clash) from None


def _used_by_a_plan(membership: PoolMembership) -> bool:
    unit = apps.get_model("optimization", "BidPlanUnit")
    return unit.objects.filter(
        bid_plan__pool_id=membership.pool_id, heat_pump_id=membership.heat_pump_id
    ).exists()


def pool_members_set(tenant, pool: Pool, heat_pump_ids: Iterable[int]) -> None:
    """Make ``heat_pump_ids`` the pool's members from now on (``heatPumpIds`` of a pool).

    Leaving: a membership a bid plan used ends now (not inside a day the heat pump is offered
    for); one that no plan used is removed. Joining: since always when the heat pump was never in a pool,
    else from the end of its last membership (at the earliest now). A heat pump still in another
    pool is refused, naming that pool.
    """
    if pool.market_account.bidding_zone_id != pool.bidding_zone_id:
        raise ValidationError(
            "market_account_id", "the market account trades in another bidding zone"
        )
    if pool.retired_at is not None:
        raise ValidationError(
            "heat_pump_ids", f"pool {pool.name!r} is retired since {utc_text(pool.retired_at)}"
        )
    now = timezone.now()
    wanted: dict[int, tuple[str, HeatPump]] = {}
    for position, pump_id in enumerate(heat_pump_ids):
        field = f"heat_pump_ids[{position}]"
        pump = asset_get(tenant, HeatPump, pump_id, field)
        if pump.pk in wanted:
            raise ValidationError(field, f"{pump.name} is named twice")
        _check_member(field, pool, pump)
        if pump.retired_at is not None:
            raise ValidationError(
                field, f"{pump.name} is retired since {utc_text(pump.retired_at)}"
            )
        wanted[pump.pk] = (field, pump)
    # Lock the heat pumps being added: concurrent changes of one unit's memberships serialise.
    list(HeatPump.objects.select_for_update().filter(pk__in=list(wanted)).order_by("pk"))
    current = memberships_overlapping(
        PoolMembership.objects.for_tenant(tenant).filter(pool=pool), now, None
    ).select_for_update()
    for membership in current.select_related("heat_pump"):
        if membership.heat_pump_id in wanted:
            wanted.pop(membership.heat_pump_id)
            continue
        _check_no_offer_after(now, "heat_pump_ids", heat_pump=membership.heat_pump, pool=pool)
        starts_later = membership.valid_from_at is not None and membership.valid_from_at >= now
        if _used_by_a_plan(membership) and not starts_later:
            membership.valid_to_at = now
            membership.save(update_fields=["valid_to_at"])
        else:
            membership.delete()
    for field, pump in wanted.values():
        ends = list(
            PoolMembership.objects.for_tenant(tenant)
            .filter(heat_pump=pump)
            .values_list("valid_to_at", flat=True)
        )
        if not ends:
            start = None
        elif None in ends:
            start = now  # still open elsewhere: the clash names that pool
        else:
            start = max(max(ends), now)
        _insert(field, tenant, pool, pump, start, None)


@transaction.atomic
def pool_membership_create(
    *,
    tenant,
    pool_id: int,
    heat_pump_id: int,
    valid_from_at: dt.datetime | None = None,
    valid_to_at: dt.datetime | None = None,
) -> PoolMembership:
    """Add a heat pump to a pool over ``[valid_from_at, valid_to_at)`` (None = unbounded)."""
    pool = asset_get(tenant, Pool, pool_id, "pool_id")
    pump = asset_get(tenant, HeatPump, heat_pump_id, "heat_pump_id")
    start = _aware("valid_from_at", valid_from_at)
    end = _aware("valid_to_at", valid_to_at)
    if start is not None and end is not None and not start < end:
        raise ValidationError("valid_to_at", "must be after valid_from_at")
    _check_member("heat_pump_id", pool, pump)
    for what, retired_at in (("heat pump", pump.retired_at), ("pool", pool.retired_at)):
        if retired_at is not None and (end is None or end > retired_at):
            raise ValidationError(
                "valid_to_at",
                f"the {what} is retired since {utc_text(retired_at)}; "
                "the membership must end by then",
            )
    HeatPump.objects.select_for_update().get(pk=pump.pk)
    return _insert("heat_pump_id", tenant, pool, pump, start, end)


@transaction.atomic
def pool_membership_end(
    *, tenant, membership_id: int, valid_to_at: dt.datetime | None = None
) -> PoolMembership:
    """End a membership at ``valid_to_at`` (default now), not inside a day it is offered for."""
    membership = asset_get(tenant, PoolMembership, membership_id, "id")
    membership = PoolMembership.objects.select_for_update().get(pk=membership.pk)
    end = _aware("valid_to_at", valid_to_at) or timezone.now()
    if membership.valid_to_at is not None and membership.valid_to_at <= end:
        raise ValidationError(
            "valid_to_at", f"the membership already ends at {utc_text(membership.valid_to_at)}"
        )
    if membership.valid_from_at is not None and end <= membership.valid_from_at:
        raise ValidationError(
            "valid_to_at",
            f"must be after the membership's start {utc_text(membership.valid_from_at)}",
        )
    _check_no_offer_after(end, "valid_to_at", heat_pump=membership.heat_pump, pool=membership.pool)
    membership.valid_to_at = end
    membership.save(update_fields=["valid_to_at"])
    return membership


def _check_no_offer_after(moment: dt.datetime, field: str, *, heat_pump=None, pool=None) -> None:
    """A unit offered in a submitted plan keeps its membership through that delivery day."""
    unit = apps.get_model("optimization", "BidPlanUnit")
    offered = unit.objects.filter(
        is_offered=True, delivery_day__gte=moment.astimezone(LOCAL_TZ).date()
    )
    if heat_pump is not None:
        offered = offered.filter(heat_pump=heat_pump)
    if pool is not None:
        offered = offered.filter(bid_plan__pool=pool)
    later = offered.select_related("bid_plan__pool").order_by("delivery_day", "id").first()
    if later is not None:
        raise ValidationError(
            field,
            f"heat pump {later.name!r} is offered in a submitted bid plan of pool "
            f"{later.bid_plan.pool.name!r} for {later.delivery_day.isoformat()}; "
            "choose a time after that day",
        )


def _end_memberships(memberships, moment: dt.datetime) -> None:
    for membership in memberships.select_for_update().select_related("pool", "heat_pump"):
        if membership.valid_to_at is not None and membership.valid_to_at <= moment:
            continue
        if membership.valid_from_at is not None and membership.valid_from_at >= moment:
            raise ValidationError(
                "retired_at",
                f"heat pump {membership.heat_pump.name!r} joins pool {membership.pool.name!r} "
                f"at {utc_text(membership.valid_from_at)}, not before {utc_text(moment)}; "
                "end or remove that membership first",
            )
        membership.valid_to_at = moment
        membership.save(update_fields=["valid_to_at"])


@transaction.atomic
def heat_pump_retire(
    *, tenant, heat_pump_id: int, retired_at: dt.datetime | None = None
) -> HeatPump:
    """Retire a heat pump from ``retired_at`` (default now): its memberships end then, it takes
    part in no plan for a later day, and it stays for the history that refers to it."""
    pump = asset_get(tenant, HeatPump, heat_pump_id, "id")
    pump = HeatPump.objects.select_for_update().get(pk=pump.pk)
    check_not_retired(pump)
    moment = _aware("retired_at", retired_at) or timezone.now()
    _check_no_offer_after(moment, "retired_at", heat_pump=pump)
    _end_memberships(PoolMembership.objects.filter(heat_pump=pump), moment)
    pump.retired_at = moment
    pump.save(update_fields=["retired_at"])
    return pump


@transaction.atomic
def pool_retire(*, tenant, pool_id: int, retired_at: dt.datetime | None = None) -> Pool:
    """Retire a pool from ``retired_at`` (default now): every membership ends then and no plan
    can be requested for a later day; its plans stay."""
    pool = asset_get(tenant, Pool, pool_id, "id")
    pool = Pool.objects.select_for_update().get(pk=pool.pk)
    check_not_retired(pool)
    moment = _aware("retired_at", retired_at) or timezone.now()
    _check_no_offer_after(moment, "retired_at", pool=pool)
    _end_memberships(PoolMembership.objects.filter(pool=pool), moment)
    pool.retired_at = moment
    pool.save(update_fields=["retired_at"])
    return pool
