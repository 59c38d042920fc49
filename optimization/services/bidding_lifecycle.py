"""A bid plan's life after its job: draft → submitted → results recorded → dispatched.

- Submission marks the bids submitted, freezes the exchange file, and offers the plan's heat
  pumps for its delivery day — once: a heat pump offered by another plan that day (any pool) is
  refused by name, backed by a partial unique constraint; the reserve split is checked so that
  no unit's capacity is counted twice across products.
- Results are versioned: each recording that changes the content adds a version (older ones stay
  readable), and each version gets exactly one dispatch job. A repeat of the latest content
  changes nothing. Recordings of one plan are serialised by a row lock on the plan, so the same
  results fired concurrently give one version and one dispatch.
- Every transition is a ``BidPlanEvent`` (who or which job, from what to what).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.utils import timezone

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import delivery_day_periods
from ainergy.jobs.models import Job, JobStatus
from ainergy.jobs.services import JobContext, job_enqueue
from ainergy.markets.models import Bid, MarketProduct, MarketResult
from optimization.models import (
    BidPlan,
    BidPlanEvent,
    BidPlanResults,
    BidPlanSchedulePeriod,
    BidPlanUnit,
    PoolDispatch,
)
from optimization.selectors.bidding import bid_plan_bids, bid_plan_get, pool_heat_pumps
from optimization.services.bidding import (
    DAY_AHEAD_CODE,
    DISPATCH_JOB_KIND,
    MAX_RESERVE_ACCEPTANCES,
    VOLUME_TOLERANCE_MW,
    _check_range,
    _curve_volume,
    _round,
    _utc,
    bid_plan_export,
    pool_dispatch_run,
)

Status = BidPlan.Status
CAPACITY_TOLERANCE_KW = 1.0  # [kW] rounding of stored per-unit reserve splits (0.01 kW each)
UNIT_FIELDS = (
    "name",
    "kind",
    "device_id",
    "site_id",
    "power_min_kw",
    "power_max_kw",
    "ramp_limit_kw_per_min",
    "start_cost_eur",
    "cop_model",
    "carnot_quality_grade",
    "cop_max",
    "cop_table",
    "source_kind",
    "source_temperature_mode",
    "source_temperature_c",
    "source_temperature_series_id",
    "sink_temperature_mode",
    "sink_temperature_c",
    "sink_temperature_series_id",
)


def _event(plan: BidPlan, action: str, from_status: str, *, actor=None, job=None, **fields):
    BidPlanEvent.objects.create(
        tenant_id=plan.tenant_id,
        bid_plan=plan,
        action=action,
        from_status=from_status,
        to_status=plan.status,
        actor=actor,
        job=job,
        **fields,
    )


def bid_plan_units_create(plan: BidPlan, pumps) -> None:
    """Snapshot of the plan's heat pumps as they are now (names and every parameter)."""
    BidPlanUnit.objects.bulk_create(
        [
            BidPlanUnit(
                tenant_id=plan.tenant_id,
                bid_plan=plan,
                heat_pump=pump,
                delivery_day=plan.delivery_day,
                name=pump.name,
                power_min_kw=pump.power_min_kw,
                power_max_kw=pump.power_max_kw,
                parameters={field: getattr(pump, field) for field in UNIT_FIELDS},
            )
            for pump in pumps
        ]
    )
    _event(plan, "request", "", actor=plan.job.created_by, job=plan.job)


def _locked_plan(tenant, bid_plan_id) -> BidPlan:
    plan = bid_plan_get(tenant, bid_plan_id)
    return (
        BidPlan.objects.select_for_update(of=("self",))
        .select_related("tenant", "job", "pool__bidding_zone", "market_account")
        .get(pk=plan.pk)
    )


def bid_plan_offer_check(plan: BidPlan, bids: Sequence[Bid]) -> None:
    """No unit's capacity is offered twice across products, and every offered MW is a unit's.

    Per heat pump and MTU: up-regulation (up and symmetric products) plus down-regulation
    (down and symmetric) held ≤ maximum power of the plan's snapshot, since a consumer holding
    ``up`` and ``down`` needs ``p − up ≥ 0`` and ``p + down ≤ Pmax``. Per reserve offer and MTU:
    the offered MW ≤ the sum of the units' split.
    """
    directions = dict(MarketProduct.objects.values_list("code", "direction"))
    units = {unit.heat_pump_id: unit for unit in plan.units.all()}
    periods = list(BidPlanSchedulePeriod.objects.filter(bid_plan=plan).order_by("start_at"))
    split: dict[tuple[str, dt.datetime], float] = {}
    for period in periods:
        unit = units.get(period.heat_pump_id)
        if unit is None:
            raise ValidationError(
                "bid_plan_id",
                f"the plan schedules heat pump {period.heat_pump_id}, which is not one of its units",
            )
        up = down = 0.0
        parts = []
        for code, kw in sorted(period.reserve_kw.items()):
            if kw <= 0:
                continue
            direction = directions.get(code)
            if direction in ("up", "symmetric"):
                up += kw
            if direction in ("down", "symmetric"):
                down += kw
            parts.append(
                f"{code} {kw / 1000:g} MW{' (up and down)' if direction == 'symmetric' else ''}"
            )
            split[(code, period.start_at)] = split.get((code, period.start_at), 0.0) + kw
        if up + down > unit.power_max_kw + CAPACITY_TOLERANCE_KW:
            raise ValidationError(
                "bid_plan_id",
                f"heat pump {unit.name!r} at {_utc(period.start_at)}: reserves "
                f"{', '.join(parts)} need {(up + down) / 1000:g} MW of its "
                f"{unit.power_max_kw / 1000:g} MW; a unit's capacity is offered once",
                {"heat_pump": unit.name},
            )
    starts = sorted({period.start_at for period in periods})
    for bid in bids:
        if bid.product.code == DAY_AHEAD_CODE or not bid.capacity_mw:
            continue
        for start in starts:
            if not bid.delivery_start_at <= start < bid.delivery_end_at:
                continue
            units_kw = split.get((bid.product.code, start), 0.0)
            if bid.capacity_mw * 1000 > units_kw + CAPACITY_TOLERANCE_KW:
                raise ValidationError(
                    "bid_plan_id",
                    f"{bid.product.code} offer of {bid.capacity_mw:g} MW at {_utc(start)} exceeds "
                    f"the {units_kw / 1000:g} MW its heat pumps hold",
                )


def _check_still_members(plan: BidPlan) -> None:
    """Each unit is still a member of the plan's pool over the whole delivery day."""
    members = {pump.pk for pump in pool_heat_pumps(plan.tenant, plan.pool, plan.delivery_day)}
    for unit in plan.units.order_by("heat_pump_id"):
        if unit.heat_pump_id not in members:
            raise ValidationError(
                "bid_plan_id",
                f"heat pump {unit.name!r} is no longer a member of pool {plan.pool.name!r} over "
                f"{plan.delivery_day.isoformat()}; request a new plan",
                {"heat_pump": unit.name},
            )


def _offer_units(plan: BidPlan) -> None:
    """Mark the plan's units offered for its day; another plan's offer of one is refused."""
    units = list(plan.units.select_for_update().order_by("heat_pump_id"))
    clash = (
        BidPlanUnit.objects.filter(
            tenant_id=plan.tenant_id,
            heat_pump_id__in=[unit.heat_pump_id for unit in units],
            delivery_day=plan.delivery_day,
            is_offered=True,
        )
        .exclude(bid_plan=plan)
        .select_related("bid_plan__pool")
        .order_by("heat_pump_id")
        .first()
    )
    if clash is None:
        try:
            with transaction.atomic():
                BidPlanUnit.objects.filter(pk__in=[unit.pk for unit in units]).update(
                    is_offered=True
                )
            return
        except IntegrityError:
            clash = (
                BidPlanUnit.objects.filter(
                    heat_pump_id__in=[unit.heat_pump_id for unit in units],
                    delivery_day=plan.delivery_day,
                    is_offered=True,
                )
                .exclude(bid_plan=plan)
                .select_related("bid_plan__pool")
                .first()
            )
            if clash is None:
                raise
    where = (
        "this pool"
        if clash.bid_plan.pool_id == plan.pool_id
        else f"pool {clash.bid_plan.pool.name!r}"
    )
    raise ValidationError(
        "bid_plan_id",
        f"heat pump {clash.name!r} is already offered for {plan.delivery_day.isoformat()} by bid "
        f"plan {clash.bid_plan_id} of {where}; a unit's capacity is offered once",
        {"heat_pump": clash.name, "other_pool": clash.bid_plan.pool.name},
    )


@transaction.atomic
def bid_plan_submit(*, tenant, bid_plan_id: int, submitted_by=None) -> BidPlan:
    """Draft → submitted: checks the offer, marks the bids, freezes the exchange file."""
    plan = _locked_plan(tenant, bid_plan_id)
    if plan.job.status != JobStatus.SUCCEEDED:
        raise ValidationError(
            "bid_plan_id", f"the bid plan's job is {plan.job.status}, not succeeded"
        )
    if plan.status != Status.DRAFT:
        raise ValidationError("bid_plan_id", f"the bid plan is already {plan.status}")
    bids = bid_plan_bids(plan)
    _check_still_members(plan)
    bid_plan_offer_check(plan, bids)
    _offer_units(plan)
    now = timezone.now()
    Bid.objects.filter(pk__in=[bid.pk for bid in bids]).update(
        status=Bid.Status.SUBMITTED, submitted_at=now
    )
    plan.exchange_file_csv = bid_plan_export(plan, bids, "csv")
    plan.exchange_file_json = bid_plan_export(plan, bids, "json")
    plan.exchange_file_sha256 = hashlib.sha256(plan.exchange_file_csv.encode()).hexdigest()
    plan.status = Status.SUBMITTED
    plan.submitted_at = now
    plan.submitted_by = submitted_by
    plan.save(
        update_fields=[
            "exchange_file_csv",
            "exchange_file_json",
            "exchange_file_sha256",
            "status",
            "submitted_at",
            "submitted_by",
        ]
    )
    late = now > plan.gate_closure_at
    _event(
        plan,
        "submit",
        Status.DRAFT,
        actor=submitted_by,
        detail="after gate closure (backtest or late)" if late else "",
    )
    return plan


def _content_sha256(results: list[MarketResult]) -> str:
    content = sorted(
        (
            result.bid_id,
            round(result.accepted_volume_mw, 4),
            result.clearing_price_eur_per_mwh,
            result.capacity_price_eur_per_mw_h,
        )
        for result in results
    )
    return hashlib.sha256(json.dumps(content).encode()).hexdigest()


def _results_of(
    plan: BidPlan,
    bids: list[Bid],
    clearing_prices: Sequence[float] | None,
    accepted_volumes: Sequence[float] | None,
    reserves: Sequence[dict[str, Any]],
):
    """Validate what cleared; per bid a (unsaved) ``MarketResult`` and the new bid status."""
    curves = [bid for bid in bids if bid.product.code == DAY_AHEAD_CODE]
    offers = [bid for bid in bids if bid.product.code != DAY_AHEAD_CODE]
    if (clearing_prices is None) == (accepted_volumes is None):
        raise ValidationError(
            "day_ahead_clearing_prices_eur_per_mwh",
            "give either clearing prices or accepted volumes per MTU",
        )
    if clearing_prices is not None:
        field, given = "day_ahead_clearing_prices_eur_per_mwh", clearing_prices
    else:
        field, given = "day_ahead_accepted_volumes_mw", accepted_volumes
    if len(given) != len(curves):
        raise ValidationError(
            field, f"expected {len(curves)} values (one per MTU of the day), got {len(given)}"
        )
    rules = MarketProduct.objects.get(code=DAY_AHEAD_CODE)
    results, statuses, volumes = [], {}, []
    for t, (bid, value) in enumerate(zip(curves, given, strict=True)):
        if clearing_prices is not None:
            _check_range(
                f"{field}[{t}]", value, rules.price_floor_eur_per_mwh, rules.price_cap_eur_per_mwh
            )
            volume = _round(_curve_volume(bid.curve, value), 4)
            price = float(value)
        else:
            top = max(volume for _, volume in bid.curve)
            _check_range(f"{field}[{t}]", value, 0.0, top + VOLUME_TOLERANCE_MW)
            volume, price = float(value), None
        results.append(
            MarketResult(
                tenant_id=plan.tenant_id,
                bid=bid,
                accepted_volume_mw=volume,
                clearing_price_eur_per_mwh=price,
            )
        )
        volumes.append(volume)
        statuses[bid.pk] = (
            Bid.Status.CLEARED if volume > VOLUME_TOLERANCE_MW else Bid.Status.REJECTED
        )
    if len(reserves) > MAX_RESERVE_ACCEPTANCES:
        raise ValidationError("reserves", f"at most {MAX_RESERVE_ACCEPTANCES} entries")
    by_key = {(bid.product.code, bid.delivery_start_at): bid for bid in offers}
    accepted: dict[int, float] = {}
    acceptances = []
    for position, entry in enumerate(reserves):
        where = f"reserves[{position}]"
        start = entry["delivery_start_at"]
        if start.tzinfo is None:
            raise ValidationError(f"{where}.delivery_start_at", "naive datetime; give a UTC offset")
        bid = by_key.get((entry["product_code"], start.astimezone(dt.UTC)))
        if bid is None:
            raise ValidationError(
                f"{where}.delivery_start_at",
                f"no {entry['product_code']} offer of this plan starts at {_utc(start)}",
            )
        if bid.pk in accepted:
            raise ValidationError(where, "this offer is named twice")
        _check_range(
            f"{where}.capacity_mw", entry["capacity_mw"], 0.0, bid.capacity_mw + VOLUME_TOLERANCE_MW
        )
        price = entry.get("capacity_price_eur_per_mw_h")
        if price is not None:
            _check_range(f"{where}.capacity_price_eur_per_mw_h", price, -10_000.0, 100_000.0)
        accepted[bid.pk] = float(entry["capacity_mw"])
        results.append(
            MarketResult(
                tenant_id=plan.tenant_id,
                bid=bid,
                accepted_volume_mw=float(entry["capacity_mw"]),
                capacity_price_eur_per_mw_h=price,
            )
        )
        acceptances.append(
            {
                "bid_id": bid.pk,
                "product_code": bid.product.code,
                "delivery_start_at": _utc(bid.delivery_start_at),
                "capacity_mw": float(entry["capacity_mw"]),
                "capacity_price_eur_per_mw_h": price,
            }
        )
    for bid in offers:
        statuses[bid.pk] = (
            Bid.Status.CLEARED
            if accepted.get(bid.pk, 0.0) > VOLUME_TOLERANCE_MW
            else Bid.Status.REJECTED
        )
    index = delivery_day_periods(plan.delivery_day, plan.mtu_minutes)
    reserve_mw = {code: np.zeros(len(index)) for code in plan.product_codes}
    for bid in offers:
        inside = (index >= bid.delivery_start_at) & (index < bid.delivery_end_at)
        reserve_mw.setdefault(bid.product.code, np.zeros(len(index)))
        reserve_mw[bid.product.code][inside] += accepted.get(bid.pk, 0.0)
    return results, statuses, volumes, reserve_mw, acceptances


@transaction.atomic
def bid_plan_results_record(
    *,
    tenant,
    bid_plan_id: int,
    day_ahead_clearing_prices_eur_per_mwh: Sequence[float] | None = None,
    day_ahead_accepted_volumes_mw: Sequence[float] | None = None,
    reserves: Sequence[dict[str, Any]] = (),
    created_by=None,
) -> PoolDispatch:
    """Record what cleared (a results version) and enqueue its dispatch; a correction of
    recorded results adds a version and re-dispatches. Returns the version's dispatch.

    Day-ahead: a clearing price per MTU (the curve gives the volume) or the accepted volume per
    MTU. Reserves: accepted capacity per product and offer start; offers not named are rejected.
    The same content as the latest version changes nothing and returns its dispatch.
    """
    plan = _locked_plan(tenant, bid_plan_id)  # serialises recordings of this plan
    if plan.status == Status.DRAFT:
        raise ValidationError(
            "bid_plan_id", "the bid plan is a draft; submit it first (bidPlanSubmit)"
        )
    bids = bid_plan_bids(plan)
    results, statuses, volumes, reserve_mw, acceptances = _results_of(
        plan, bids, day_ahead_clearing_prices_eur_per_mwh, day_ahead_accepted_volumes_mw, reserves
    )
    sha256 = _content_sha256(results)
    latest = plan.results.order_by("-version").select_related("dispatch").first()
    if latest is not None and latest.content_sha256 == sha256:
        return latest.dispatch
    version = BidPlanResults.objects.create(
        tenant_id=plan.tenant_id,
        bid_plan=plan,
        version=1 if latest is None else latest.version + 1,
        content_sha256=sha256,
        day_ahead_clearing_price_eur_per_mwh=None
        if day_ahead_clearing_prices_eur_per_mwh is None
        else [float(value) for value in day_ahead_clearing_prices_eur_per_mwh],
        day_ahead_volume_mw=[_round(v, 4) for v in volumes],
        reserve_capacity_mw={code: np.round(v, 4).tolist() for code, v in reserve_mw.items()},
        reserve_acceptances=acceptances,
        created_by=created_by,
    )
    for result in results:
        result.version = version.version
    MarketResult.objects.bulk_create(results)
    for bid in bids:
        bid.status = statuses[bid.pk]
    Bid.objects.bulk_update(bids, ["status"])
    if latest is not None:
        _supersede(latest)
    job = job_enqueue(
        tenant=tenant,
        kind=DISPATCH_JOB_KIND,
        parameters={"bid_plan_id": plan.pk, "results_version": version.version},
        created_by=created_by,
    )
    dispatch = PoolDispatch.objects.create(
        tenant=tenant,
        bid_plan=plan,
        results=version,
        job=job,
        day_ahead_volume_mw=version.day_ahead_volume_mw,
        day_ahead_price_eur_per_mwh=version.day_ahead_clearing_price_eur_per_mwh or [],
        reserve_capacity_mw=version.reserve_capacity_mw,
    )
    from_status = plan.status
    plan.status = Status.RESULTS_RECORDED
    plan.save(update_fields=["status"])
    _event(
        plan,
        "results_record" if latest is None else "results_correct",
        from_status,
        actor=created_by,
        job=job,
        results_version=version.version,
    )
    return dispatch


def _supersede(results: BidPlanResults) -> None:
    """A superseded version's dispatch job that has not finished stops (cooperatively)."""
    dispatch = getattr(results, "dispatch", None)
    if dispatch is None:
        return
    Job.objects.filter(pk=dispatch.job_id, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
        status=JobStatus.CANCELLED,
        finished_at=timezone.now(),
        progress_message=f"superseded by results version {results.version + 1}",
    )


@transaction.atomic
def bid_plan_dispatched(dispatch: PoolDispatch, job: Job) -> bool:
    """Results recorded → dispatched, when ``dispatch`` is of the latest results version."""
    plan = BidPlan.objects.select_for_update().get(pk=dispatch.bid_plan_id)
    latest = plan.results.order_by("-version").first()
    if latest is None or dispatch.results_id != latest.pk or plan.status != Status.RESULTS_RECORDED:
        return False
    plan.status = Status.DISPATCHED
    plan.save(update_fields=["status"])
    _event(plan, "dispatch", Status.RESULTS_RECORDED, job=job, results_version=latest.version)
    return True


def pool_dispatch_job(context: JobContext) -> dict[str, Any]:
    """Runner of ``pool_dispatch`` jobs: the dispatch, then the plan's lifecycle step."""
    summary = pool_dispatch_run(context)
    dispatch = PoolDispatch.objects.get(job_id=context.job.pk, tenant_id=context.job.tenant_id)
    summary["plan_dispatched"] = bid_plan_dispatched(dispatch, context.job)
    return summary
