"""The market timeline as data, and what must happen for a pool or a household before when.

``market_milestones(zone, day, products)`` turns the stored rules into UTC instants of one
delivery day (local clock times on D-1 etc., DST-aware). ``pool_plan`` and ``household_plan``
place the pipeline's steps on that timeline: each step gets the earliest moment it may start and
its deadline, both derived from the gate closures and publications of the products involved
(offsets in ``settings.PIPELINE_STEP_OFFSETS_MIN``), never written per pool.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_bounds

DAY_AHEAD = "day_ahead"


@dataclass(frozen=True)
class Milestone:
    """One product's auction for one delivery day, in UTC."""

    zone: str
    product_code: str
    auction: str
    gate_closure_at: dt.datetime
    results_published_at: dt.datetime
    delivery_start_at: dt.datetime
    delivery_end_at: dt.datetime
    uncertain_fields: tuple[str, ...]


@dataclass(frozen=True)
class PlannedStep:
    """A step of the pipeline for one delivery day: not before ``earliest_at``, done by
    ``deadline_at``; it starts once every step in ``after`` is done (or fell back)."""

    step: str
    earliest_at: dt.datetime
    deadline_at: dt.datetime
    after: tuple[str, ...] = ()
    anchor: str = ""


def local_instant(day: dt.date, days_before: int, clock: dt.time) -> dt.datetime:
    """UTC instant of local clock time ``clock`` on ``day - days_before`` (Europe/Copenhagen).

    A clock time skipped by the spring switch is read as the same wall time before it (fold 0,
    i.e. one hour later in UTC terms); a repeated autumn time is its first occurrence.
    """
    local_day = day - dt.timedelta(days=days_before)
    moment = dt.datetime.combine(local_day, clock, tzinfo=LOCAL_TZ)
    utc = moment.astimezone(dt.UTC)
    # zoneinfo maps a non-existent wall time with the pre-switch offset; normalise round trip
    return utc


def market_milestones(zone_code: str, day: dt.date, product_codes=None) -> list[Milestone]:
    """The zone's auctions for delivery day ``day`` (all products, or those named)."""
    from ainergy.pipeline.models import MarketTimelineRule

    rules = MarketTimelineRule.objects.filter(zone__code=zone_code).select_related(
        "zone", "product"
    )
    if product_codes is not None:
        rules = rules.filter(product__code__in=list(product_codes))
    out = []
    for rule in rules:
        out.append(
            Milestone(
                zone=rule.zone.code,
                product_code=rule.product.code,
                auction=rule.auction,
                gate_closure_at=local_instant(
                    day, rule.gate_closure_days_before, rule.gate_closure_local_time
                ),
                results_published_at=local_instant(
                    day, rule.results_publication_days_before, rule.results_publication_local_time
                ),
                delivery_start_at=local_instant(day, 0, rule.delivery_start_local_time),
                delivery_end_at=local_instant(
                    day, -rule.delivery_end_days_after, rule.delivery_end_local_time
                ),
                uncertain_fields=tuple(rule.uncertain_fields),
            )
        )
    if product_codes is not None:
        missing = sorted(set(product_codes) - {m.product_code for m in out})
        if missing:
            raise ValidationError(
                "product_codes",
                f"no market timeline rule for {', '.join(missing)} in {zone_code}",
            )
    return sorted(out, key=lambda m: (m.gate_closure_at, m.product_code))


def _offsets(kind: str) -> dict[str, tuple[str, int, int, tuple[str, ...]]]:
    return settings.PIPELINE_STEP_OFFSETS_MIN[kind]


def _place(kind: str, anchors: dict[str, dt.datetime]) -> list[PlannedStep]:
    steps = []
    for step, (anchor, earliest_min, deadline_min, after) in _offsets(kind).items():
        base = anchors[anchor]
        steps.append(
            PlannedStep(
                step=step,
                earliest_at=base + dt.timedelta(minutes=earliest_min),
                deadline_at=base + dt.timedelta(minutes=deadline_min),
                after=tuple(after),
                anchor=anchor,
            )
        )
    return sorted(steps, key=lambda s: (s.deadline_at, s.earliest_at))


def pool_products(pool) -> list[str]:
    """Products a pool's plan may carry: day-ahead plus its market account's reserve products."""
    codes = {DAY_AHEAD}
    if pool.market_account_id:
        codes |= set(
            pool.market_account.enabled_products.filter(zones=pool.bidding_zone).values_list(
                "code", flat=True
            )
        )
    codes.discard("imbalance")
    return sorted(codes)


def pool_anchors(pool, day: dt.date, product_codes=None) -> tuple[dict, list[Milestone]]:
    codes = product_codes if product_codes is not None else pool_products(pool)
    milestones = market_milestones(pool.bidding_zone.code, day, codes)
    start, _ = delivery_day_bounds(day)
    anchors = {
        "first_gate_closure": min(m.gate_closure_at for m in milestones),
        "last_results_publication": max(m.results_published_at for m in milestones),
        "day_ahead_results_publication": next(
            m.results_published_at for m in milestones if m.product_code == DAY_AHEAD
        ),
        "delivery_start": start,
    }
    return anchors, milestones


def pool_plan(pool, day: dt.date, product_codes=None) -> list[PlannedStep]:
    """What must happen for ``pool`` before when, for delivery day ``day``."""
    anchors, _ = pool_anchors(pool, day, product_codes)
    return _place("pool", anchors)


def household_plan(site, day: dt.date) -> list[PlannedStep]:
    """What must happen for the household at ``site`` before when, for delivery day ``day``."""
    milestones = market_milestones(site.bidding_zone.code, day, [DAY_AHEAD])
    start, _ = delivery_day_bounds(day)
    anchors = {
        "day_ahead_results_publication": milestones[0].results_published_at,
        "delivery_start": start,
    }
    return _place("household", anchors)
