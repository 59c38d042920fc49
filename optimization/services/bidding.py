"""Pool bid plans and post-clearing dispatch: validated requests become jobs; the runners load
the stored data, call the pure bidding core and store curves, offers, schedules and setpoints.

Requests check ownership first (another tenant's pool or series reads as missing), then every
value and the data the job will need, and write nothing when anything is wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from django.db import transaction

from ainergy.common.errors import InfeasibleError, Issues, ValidationError
from ainergy.common.ids import global_id
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_bounds, delivery_day_periods
from ainergy.jobs.services import JobContext, job_enqueue
from ainergy.markets.models import Bid, MarketProduct
from ainergy.timeseries.selectors import observations_resampled, series_get
from optimization.core.bidding import (
    BiddingProblem,
    DispatchProblem,
    RiskConfig,
    UncertaintyMargin,
    dispatch_pool,
    solve_bidding,
)
from optimization.models import BidPlan, BidPlanSchedulePeriod, PoolDispatch, PoolDispatchSetpoint
from optimization.selectors.bidding import (
    pool_get,
    pool_heat_pumps,
    pool_part_day_members,
    site_heat_demand_series,
)
from optimization.selectors.household import zone_public_series
from optimization.services.bidding_data import (
    DAY_AHEAD_CODE,
    KW_PER_MW,
    build_scenarios,
    capacity_price_series,
    check_history,
    core_pool,
    day_ahead_rules,
    gate_closure_at,
    latest_heat_forecast,
    pool_snapshot,
    reserve_rules,
)

BID_PLAN_JOB_KIND = "bid_plan"
DISPATCH_JOB_KIND = "pool_dispatch"
MTU_MINUTES = (15, 60)
MAX_SCENARIOS = 50
BID_SOLVER_TIME_LIMIT_S = 600.0  # [s] below CELERY_TASK_SOFT_TIME_LIMIT (50 min)
DISPATCH_SOLVER_TIME_LIMIT_S = 300.0  # [s]
MAX_RESERVE_ACCEPTANCES = 500
VOLUME_TOLERANCE_MW = 1e-6


def _check_range(field: str, value: float, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(field, f"expected a number, got {value!r}")
    if not low <= value <= high:
        raise ValidationError(field, f"must be between {low:g} and {high:g}, got {value:g}")


def _products(account, zone, product_codes: Sequence[str] | None, notes: list[str]) -> list:
    """Reserve products to offer: the requested codes, or every enabled capacity product of the
    account that has a public capacity price series in the zone."""
    enabled = {product.code: product for product in account.enabled_products.all()}
    if DAY_AHEAD_CODE not in enabled:
        raise ValidationError(
            "pool_id", f"market account {account.name!r} has no day_ahead product enabled"
        )
    chosen = []
    if product_codes is None:
        for code, product in sorted(enabled.items()):
            if not product.is_capacity_product:
                continue
            if capacity_price_series(product, zone) is None:
                notes.append(f"products: {code} enabled but no capacity price series; not offered")
                continue
            chosen.append(product)
        return chosen
    if len(set(product_codes)) != len(product_codes):
        raise ValidationError("product_codes", "each product may appear once")
    for position, code in enumerate(product_codes):
        product = enabled.get(code)
        if product is None or not product.is_capacity_product:
            raise ValidationError(
                f"product_codes[{position}]",
                f"{code!r} is not a reserve product enabled on market account {account.name!r}",
            )
        if capacity_price_series(product, zone) is None:
            raise ValidationError(
                f"product_codes[{position}]",
                f"no public capacity price series for {code} in {zone.code}",
            )
        chosen.append(product)
    return chosen


def _with_history(products: list, zone, gate: dt.datetime, notes: list[str]) -> list:
    """Enabled products whose capacity price series has the week before gate closure."""
    kept = []
    for product in products:
        try:
            check_history(capacity_price_series(product, zone), gate, "pool_id")
        except ValidationError as error:
            notes.append(f"products: {product.code} not offered: {error.reason}")
            continue
        kept.append(product)
    return kept


@transaction.atomic
def bid_plan_request(
    *,
    tenant,
    pool_id: int,
    delivery_day: dt.date,
    mtu_minutes: int = 60,
    scenario_count: int = 10,
    product_codes: Sequence[str] | None = None,
    cvar_weight: float = 0.0,
    cvar_alpha: float = 0.95,
    imbalance_penalty_eur_per_mwh: float = 5.0,
    price_series_id: int | None = None,
    heat_demand_series_id: int | None = None,
    seed: int = 0,
    created_by=None,
) -> BidPlan:
    """Validate a bid plan request for a pool and day and enqueue its job (queue bidding)."""
    pool = pool_get(tenant, pool_id)
    price_series = None if price_series_id is None else series_get(tenant, price_series_id)
    heat_series = (
        None if heat_demand_series_id is None else series_get(tenant, heat_demand_series_id)
    )
    issues = Issues()  # every scalar is checked; all problems are reported together
    if mtu_minutes not in MTU_MINUTES:
        issues.add("mtu_minutes", f"must be one of {MTU_MINUTES}, got {mtu_minutes}")
    if not dt.date(2000, 1, 1) <= delivery_day <= dt.date(2100, 1, 1):
        issues.add("delivery_day", "must be between 2000-01-01 and 2100-01-01")
    with issues.collect():
        _check_range("scenario_count", scenario_count, 1, MAX_SCENARIOS)
        if int(scenario_count) != scenario_count:
            raise ValidationError("scenario_count", "expected a whole number")
    for name, value, low, high in (
        ("cvar_weight", cvar_weight, 0.0, 1.0),
        ("cvar_alpha", cvar_alpha, 0.0, 0.999),
        ("imbalance_penalty_eur_per_mwh", imbalance_penalty_eur_per_mwh, 0.0, 1000.0),
        ("seed", seed, 0, 2**31 - 1),
    ):
        with issues.collect():
            _check_range(name, value, low, high)
    issues.raise_if_any()
    notes: list[str] = []
    account = pool.market_account
    zone = pool.bidding_zone
    day_ahead = MarketProduct.objects.get(code=DAY_AHEAD_CODE)
    gate = gate_closure_at(day_ahead, delivery_day)
    products = _products(account, zone, product_codes, notes)

    if price_series is None:
        price_series = zone_public_series(zone, "day_ahead_price")
        if price_series is None:
            raise ValidationError(
                "price_series_id", f"no public day-ahead price series for zone {zone.code}"
            )
    elif price_series.kind != "day_ahead_price":
        raise ValidationError(
            "price_series_id", f"expected a day_ahead_price series, got {price_series.kind}"
        )
    day_start, day_end = delivery_day_bounds(delivery_day)
    if pool.retired_at is not None and pool.retired_at < day_end:
        raise ValidationError(
            "pool_id", f"pool {pool.name!r} is retired since {_utc(pool.retired_at)}"
        )
    pumps = pool_heat_pumps(tenant, pool, delivery_day)
    part_day = pool_part_day_members(tenant, pool, delivery_day)
    if part_day:
        notes.append(
            f"heat pumps {', '.join(repr(p.name) for p in part_day)} not offered: their "
            f"membership of pool {pool.name!r} covers only part of the delivery day"
        )
    if not pumps:
        raise ValidationError(
            "pool_id",
            f"pool {pool.name!r} has no heat pumps over delivery day {delivery_day.isoformat()}",
        )
    if heat_series is not None:
        if heat_series.kind != "heat_demand":
            raise ValidationError(
                "heat_demand_series_id", f"expected a heat_demand series, got {heat_series.kind}"
            )
        heat_demand = [heat_series]
    else:
        heat_demand = []
        for site in sorted({pump.site for pump in pumps}, key=lambda site: site.pk):
            series = site_heat_demand_series(tenant, site)
            if series is None:
                raise ValidationError(
                    "heat_demand_series_id",
                    f"site {site.name!r} has no heat demand series; give heat_demand_series_id",
                )
            heat_demand.append(series)
    for series in heat_demand:
        if 60 % series.resolution_minutes:
            raise ValidationError(
                "heat_demand_series_id", f"series {series.key!r} is coarser than hourly"
            )
    check_history(price_series, gate, "price_series_id")
    for series in heat_demand:
        check_history(series, gate, "heat_demand_series_id")
    if product_codes is None:  # the default: enabled products priced before this gate
        products = _with_history(products, zone, gate, notes)
    for position, product in enumerate(products):
        check_history(capacity_price_series(product, zone), gate, f"product_codes[{position}]")
    snapshot = pool_snapshot(
        tenant=tenant,
        pool=pool,
        pumps=pumps,
        heat_demand_series=heat_demand,
        gate=gate,
        notes=notes,
    )
    if snapshot["source_temperature_series_id"] is not None:
        source = pumps[0].source_temperature_series
        check_history(source, gate, "heat_pumps[0].source_temperature_series")
    job = job_enqueue(
        tenant=tenant,
        kind=BID_PLAN_JOB_KIND,
        parameters={"pool_id": pool.pk, "delivery_day": delivery_day.isoformat()},
        created_by=created_by,
    )
    plan = BidPlan.objects.create(
        tenant=tenant,
        pool=pool,
        market_account=account,
        job=job,
        delivery_day=delivery_day,
        mtu_minutes=mtu_minutes,
        gate_closure_at=gate,
        scenario_count=int(scenario_count),
        seed=int(seed),
        product_codes=[product.code for product in products],
        cvar_weight=cvar_weight,
        cvar_alpha=cvar_alpha,
        imbalance_penalty_eur_per_mwh=imbalance_penalty_eur_per_mwh,
        price_series=price_series,
        pool_snapshot=snapshot,
        assumptions=notes,
    )
    plan.heat_demand_series.set(heat_demand)
    from optimization.services.bidding_lifecycle import bid_plan_units_create

    bid_plan_units_create(plan, pumps)
    return plan


def _round(value: float, digits: int = 4) -> float:
    return float(round(float(value), digits))


def _utc(moment) -> str:
    return pd.Timestamp(moment).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


@transaction.atomic
def _store_plan(plan: BidPlan, problem: BiddingProblem, result, notes: list[str]) -> None:
    index = result.index
    step = pd.Timedelta(minutes=plan.mtu_minutes)
    products = {
        p.code: p
        for p in MarketProduct.objects.filter(code__in=[DAY_AHEAD_CODE, *plan.product_codes])
    }
    # A re-run after a crashed worker replaces what the first attempt wrote.
    Bid.objects.filter(pk__in=plan.bids.values("pk")).delete()
    BidPlanSchedulePeriod.objects.filter(bid_plan=plan).delete()
    common = {
        "tenant_id": plan.tenant_id,
        "market_account_id": plan.market_account_id,
        "pool_id": plan.pool_id,
        "job_id": plan.job_id,
        "status": Bid.Status.DRAFT,
    }
    bids = [
        Bid(
            product=products[DAY_AHEAD_CODE],
            delivery_start_at=curve.period_start_at.to_pydatetime(),
            delivery_end_at=(curve.period_start_at + step).to_pydatetime(),
            curve=[
                [float(price), float(volume)]
                for price, volume in zip(curve.prices_eur_per_mwh, curve.volumes_mw, strict=True)
            ],
            **common,
        )
        for curve in result.curves
    ]
    bids += [
        Bid(
            product=products[offer.product],
            delivery_start_at=offer.start_at.to_pydatetime(),
            delivery_end_at=offer.end_at.to_pydatetime(),
            capacity_mw=float(offer.capacity_mw),
            capacity_price_eur_per_mw_h=float(offer.price_eur_per_mw_h),
            **common,
        )
        for offer in result.reserve_offers
    ]
    bids = Bid.objects.bulk_create(bids)
    plan.bids.set(bids)
    rows = []
    for h, heat_pump_id in enumerate(result.heat_pump_ids):
        for t, start in enumerate(index):
            rows.append(
                BidPlanSchedulePeriod(
                    tenant_id=plan.tenant_id,
                    bid_plan=plan,
                    heat_pump_id=int(heat_pump_id),
                    start_at=start.to_pydatetime(),
                    power_kw=_round(result.expected_power_mw[h, t] * KW_PER_MW, 2),
                    storage_kwh=_round(result.expected_storage_mwh[h, t] * KW_PER_MW, 2),
                    backup_heat_kw=_round(result.expected_backup_heat_mw[h, t] * KW_PER_MW, 2),
                    reserve_kw={
                        code: _round(values[h, t] * KW_PER_MW, 2)
                        for code, values in result.unit_reserve_mw.items()
                    },
                )
            )
    BidPlanSchedulePeriod.objects.bulk_create(rows)
    scenarios = problem.scenarios
    pi = np.asarray(scenarios.probabilities, float)
    plan.period_count = len(index)
    plan.formulation = result.formulation
    plan.objective_eur = _round(result.objective_eur, 2)
    plan.expected_cost_eur = _round(result.expected_cost_eur, 2)
    plan.cvar_eur = _round(result.cvar_eur, 2)
    plan.scenario_probabilities = [_round(p, 6) for p in pi]
    plan.scenario_cost_eur = [_round(c, 2) for c in result.scenario_cost_eur]
    plan.expected_components_eur = {
        key: _round(value, 2) for key, value in result.expected_components_eur.items()
    }
    plan.derated_mw = {key: _round(value, 3) for key, value in result.derated_mw.items()}
    plan.expected_inputs = {
        "day_ahead_price_eur_per_mwh": np.round(
            pi @ scenarios.day_ahead_price_eur_per_mwh, 3
        ).tolist(),
        "imbalance_price_eur_per_mwh": np.round(
            pi @ scenarios.imbalance_price_eur_per_mwh, 3
        ).tolist(),
        "heat_demand_mw": np.round(pi @ scenarios.heat_demand_mw, 4).tolist(),
        "source_temperature_c": np.round(pi @ scenarios.source_temperature_c, 3).tolist(),
    }
    plan.scenario_paths = {
        "day_ahead_price_eur_per_mwh": np.round(
            np.asarray(scenarios.day_ahead_price_eur_per_mwh, float), 3
        ).tolist(),
        "heat_demand_mw": np.round(np.asarray(scenarios.heat_demand_mw, float), 4).tolist(),
    }
    plan.assumptions = notes
    plan.diagnostics = {"curves": [d.to_json() for d in result.diagnostics]}
    plan.save(
        update_fields=[
            "diagnostics",
            "scenario_source",
            "period_count",
            "formulation",
            "objective_eur",
            "expected_cost_eur",
            "cvar_eur",
            "scenario_probabilities",
            "scenario_cost_eur",
            "expected_components_eur",
            "derated_mw",
            "expected_inputs",
            "scenario_paths",
            "assumptions",
        ]
    )


def bid_plan_run(context: JobContext) -> dict[str, Any]:
    """Runner of ``bid_plan`` jobs: scenarios → stochastic LP → curves, offers, schedule."""
    plan = BidPlan.objects.select_related(
        "pool__bidding_zone", "tenant", "price_series", "market_account"
    ).get(job_id=context.job.pk, tenant_id=context.job.tenant_id)
    notes = list(plan.assumptions)
    context.report_progress(0.05, "building price and heat scenarios from data before gate closure")
    products = [
        reserve_rules(product)
        for product in sorted(
            MarketProduct.objects.filter(code__in=plan.product_codes),
            key=lambda product: plan.product_codes.index(product.code),
        )
    ]
    scenarios = build_scenarios(plan, products, notes)
    problem = BiddingProblem(
        pool=core_pool(plan.pool_snapshot),
        scenarios=scenarios,
        mtu_minutes=plan.mtu_minutes,
        products=tuple(products),
        day_ahead=day_ahead_rules(MarketProduct.objects.get(code=DAY_AHEAD_CODE)),
        risk=RiskConfig(cvar_weight=plan.cvar_weight, cvar_alpha=plan.cvar_alpha),
        imbalance_penalty_eur_per_mwh=plan.imbalance_penalty_eur_per_mwh,
        # reserves certified over the scenario envelope widened by one standard deviation of
        # heat and source temperature; curves fit the storage at the envelope's lowest heat
        uncertainty_margin=UncertaintyMargin(heat_sigma=1.0, temperature_sigma=1.0),
    )
    context.report_progress(
        0.3,
        f"solving {len(problem.pool.heat_pumps)} heat pumps × {scenarios.n_periods} MTUs × "
        f"{scenarios.n_scenarios} scenarios",
    )
    result = solve_bidding(problem, time_limit_s=BID_SOLVER_TIME_LIMIT_S, seed=plan.seed)
    context.report_progress(0.9, "storing curves, reserve offers and the expected schedule")
    _store_plan(plan, problem, result, notes)
    return {
        "bid_plan_id": global_id(plan),
        "periods": plan.period_count,
        "scenarios": scenarios.n_scenarios,
        "curves": len(result.curves),
        "reserve_offers": len(result.reserve_offers),
        "expected_cost_eur": plan.expected_cost_eur,
        "cvar_eur": plan.cvar_eur,
    }


def _curve_volume(curve: list[list[float]], price: float) -> float:
    prices, volumes = zip(*curve, strict=True)
    return float(np.interp(price, prices, volumes))


@transaction.atomic
def _store_dispatch(dispatch: PoolDispatch, result, heat_source: str) -> None:
    PoolDispatchSetpoint.objects.filter(dispatch=dispatch).delete()
    rows = []
    for h, heat_pump_id in enumerate(result.heat_pump_ids):
        for t, start in enumerate(result.index):
            rows.append(
                PoolDispatchSetpoint(
                    tenant_id=dispatch.tenant_id,
                    dispatch=dispatch,
                    heat_pump_id=int(heat_pump_id),
                    start_at=start.to_pydatetime(),
                    power_kw=_round(result.power_mw[h, t] * KW_PER_MW, 2),
                    is_on=bool(result.is_on[h, t]),
                    storage_kwh=_round(result.storage_mwh[h, t] * KW_PER_MW, 2),
                    backup_heat_kw=_round(result.backup_heat_mw[h, t] * KW_PER_MW, 2),
                    reserve_kw={
                        code: _round(values[h, t] * KW_PER_MW, 2)
                        for code, values in result.unit_reserve_mw.items()
                    },
                )
            )
    PoolDispatchSetpoint.objects.bulk_create(rows)
    sources = set(result.deviation_price_source)
    dispatch.heat_demand_source = heat_source[:200]
    dispatch.deviation_mw = np.round(result.deviation_mw, 4).tolist()
    dispatch.deviation_reasons = list(result.deviation_reasons)
    dispatch.deviation_price_source = sources.pop() if len(sources) == 1 else "mixed"
    dispatch.deviation_penalty_eur_per_mwh = _round(result.deviation_penalty_eur_per_mwh, 2)
    dispatch.reserve_shortfall_mw = {
        code: np.round(values, 4).tolist() for code, values in result.reserve_shortfall_mw.items()
    }
    dispatch.solve_status = result.status
    dispatch.costs_eur = {key: _round(value, 2) for key, value in result.costs_eur.items()}
    dispatch.save(
        update_fields=[
            "heat_demand_source",
            "deviation_mw",
            "deviation_reasons",
            "day_ahead_price_eur_per_mwh",
            "imbalance_price_eur_per_mwh",
            "deviation_price_source",
            "deviation_penalty_eur_per_mwh",
            "reserve_shortfall_mw",
            "solve_status",
            "costs_eur",
        ]
    )


def public_prices_on_mtu(zone, kind: str, index: pd.DatetimeIndex, mtu_minutes: int) -> np.ndarray:
    """The zone's published ``kind`` series on the MTUs of ``index`` (NaN where none)."""
    values = np.full(len(index), np.nan)
    series = zone_public_series(zone, kind)
    if series is None or series.resolution_minutes > 60:
        return values
    resolution = max(series.resolution_minutes, mtu_minutes)
    end = index[-1] + pd.Timedelta(minutes=mtu_minutes)
    frame = observations_resampled(series, index[0], end, resolution_minutes=resolution)
    if frame.empty:
        return values
    bucket = index.floor(f"{resolution}min")
    found = frame["value"].astype(float).reindex(bucket)
    return found.to_numpy(float)


def _recorded_day_ahead_prices(
    dispatch: PoolDispatch, zone, index, mtu_minutes, notes
) -> np.ndarray:
    """Clearing prices recorded with the results; published prices of the zone where none was
    recorded; never the plan's forecast."""
    recorded = np.full(len(index), np.nan)
    given = dispatch.day_ahead_price_eur_per_mwh or []
    if len(given) == len(index):
        recorded = np.array([np.nan if v is None else float(v) for v in given])
    missing = ~np.isfinite(recorded)
    if missing.any():
        published = public_prices_on_mtu(zone, "day_ahead_price", index, mtu_minutes)
        recorded = np.where(missing, published, recorded)
        if np.isfinite(published[missing]).any():
            notes.append("day-ahead prices: published prices where no clearing price was recorded")
    missing = ~np.isfinite(recorded)
    if missing.all():
        notes.append(
            "day-ahead prices: none recorded or published; deviations settled at the penalty"
        )
        return np.zeros(len(index))
    if missing.any():
        # the day's highest known price: keeps the penalty above the spread of known prices
        recorded = np.where(missing, np.nanmax(recorded), recorded)
        notes.append(f"day-ahead prices: {int(missing.sum())} MTUs without a price")
    return recorded


def _plan_power_hint(plan: BidPlan, heat_pump_ids, index) -> np.ndarray | None:
    """The plan's expected schedule (H, T) [MW]: a warm start of the dispatch."""
    rows = BidPlanSchedulePeriod.objects.filter(
        tenant_id=plan.tenant_id, bid_plan=plan
    ).values_list("heat_pump_id", "start_at", "power_kw")
    lookup = {(str(hp), pd.Timestamp(start)): kw for hp, start, kw in rows}
    hint = np.full((len(heat_pump_ids), len(index)), np.nan)
    for h, heat_pump_id in enumerate(heat_pump_ids):
        for t, start in enumerate(index):
            value = lookup.get((str(heat_pump_id), start))
            if value is not None:
                hint[h, t] = value / KW_PER_MW
    return hint if np.isfinite(hint).all() else None


def pool_dispatch_run(context: JobContext) -> dict[str, Any]:
    """Runner of ``pool_dispatch`` jobs: the cleared position → setpoints, deviating only where
    the position is physically undeliverable (each such MTU names its constraint family).

    Prices settle the day and never steer it: the recorded clearing prices (published ones where
    none were recorded), the zone's stored imbalance prices where published, else the
    conservative penalty of ``optimization.core.bidding.dispatch.conservative_penalty``.
    """
    dispatch = PoolDispatch.objects.select_related("bid_plan__pool__bidding_zone", "tenant").get(
        job_id=context.job.pk, tenant_id=context.job.tenant_id
    )
    plan = dispatch.bid_plan
    zone = plan.pool.bidding_zone
    index = delivery_day_periods(plan.delivery_day, plan.mtu_minutes)
    expected = plan.expected_inputs
    context.report_progress(0.1, "loading cleared position, recorded prices and heat forecast")
    fresher = latest_heat_forecast(plan, index, dispatch.created_at)
    if fresher is None:
        heat, heat_source = (
            np.asarray(expected["heat_demand_mw"]),
            "the bid plan's expected heat demand",
        )
    else:
        heat, heat_source = fresher
    products = [
        reserve_rules(product)
        for product in sorted(
            MarketProduct.objects.filter(code__in=plan.product_codes),
            key=lambda product: plan.product_codes.index(product.code),
        )
    ]
    notes: list[str] = []
    prices = _recorded_day_ahead_prices(dispatch, zone, index, plan.mtu_minutes, notes)
    imbalance = public_prices_on_mtu(zone, "imbalance_price", index, plan.mtu_minutes)
    pool = core_pool(plan.pool_snapshot)
    problem = DispatchProblem(
        pool=pool,
        index=index,
        mtu_minutes=plan.mtu_minutes,
        day_ahead_volume_mw=np.asarray(dispatch.day_ahead_volume_mw, float),
        heat_demand_mw=heat,
        source_temperature_c=np.asarray(expected["source_temperature_c"], float),
        day_ahead_price_eur_per_mwh=prices,
        products=tuple(products),
        reserve_capacity_mw={
            code: np.asarray(values, float) for code, values in dispatch.reserve_capacity_mw.items()
        },
        imbalance_price_eur_per_mwh=imbalance,
        hint_power_mw=_plan_power_hint(plan, [hp.heat_pump_id for hp in pool.heat_pumps], index),
    )
    context.report_progress(0.3, f"dispatching {len(problem.pool.heat_pumps)} heat pumps")
    try:
        result = dispatch_pool(problem, time_limit_s=DISPATCH_SOLVER_TIME_LIMIT_S)
    except InfeasibleError as error:
        periods = [int(p) for p in error.extra.get("periods") or [] if 0 <= int(p) < len(index)]
        starts = [_utc(index[p]) for p in periods]
        raise InfeasibleError(
            f"{error.message} (period starts {', '.join(starts[:8])}"
            f"{' …' if len(starts) > 8 else ''}; heat demand from {heat_source})",
            {**error.extra, "period_starts_at": starts},
        ) from error
    context.report_progress(0.9, "storing setpoints")
    dispatch.day_ahead_price_eur_per_mwh = [_round(v, 2) for v in prices]
    dispatch.imbalance_price_eur_per_mwh = [
        _round(v, 2) if np.isfinite(v) else None for v in imbalance
    ]
    _store_dispatch(dispatch, result, heat_source)
    deviating = [t for t, reason in enumerate(result.deviation_reasons) if reason]
    return {
        "pool_dispatch_id": global_id(dispatch),
        "periods": len(index),
        "heat_pumps": len(result.heat_pump_ids),
        "status": result.status,
        "deviating_periods": len(deviating),
        "deviation_reasons": sorted({result.deviation_reasons[t] for t in deviating}),
        "costs_eur": dispatch.costs_eur,
        "notes": notes,
    }


EXPORT_FORMATS = ("csv", "json")
CSV_COLUMNS = (
    "area_code",
    "portfolio",
    "delivery_start_utc",
    "delivery_end_utc",
    "delivery_start_local",
    "price_eur_per_mwh",
    "volume_mw",
)


def bid_plan_export(plan: BidPlan, bids: Sequence[Bid], export_format: str) -> str:
    """The plan's day-ahead curves as a Nord Pool-style curve order (CSV or JSON).

    Purchases are positive volumes [MW]; points per MTU with strictly rising prices [EUR/MWh]
    from the floor to the cap, as the exchange interpolates them.
    """
    if export_format not in EXPORT_FORMATS:
        raise ValidationError("format", f"must be one of {EXPORT_FORMATS}")
    if plan.status != BidPlan.Status.DRAFT and plan.exchange_file_csv:  # frozen at submission
        return plan.exchange_file_csv if export_format == "csv" else plan.exchange_file_json
    account = plan.market_account
    portfolio = account.balance_responsible_party_id or account.name
    area = plan.pool.bidding_zone.code
    curves = [bid for bid in bids if bid.product.code == DAY_AHEAD_CODE]
    if export_format == "json":
        return json.dumps(
            {
                "auction": "SDAC",
                "deliveryDate": plan.delivery_day.isoformat(),
                "areaCode": area,
                "portfolio": portfolio,
                "currency": "EUR",
                "resolutionMinutes": plan.mtu_minutes,
                "curves": [
                    {
                        "deliveryStart": _utc(bid.delivery_start_at),
                        "deliveryEnd": _utc(bid.delivery_end_at),
                        "curvePoints": [
                            {"price": price, "volume": volume} for price, volume in bid.curve
                        ],
                    }
                    for bid in curves
                ],
            },
            indent=1,
        )
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for bid in curves:
        local = bid.delivery_start_at.astimezone(LOCAL_TZ).isoformat()
        for price, volume in bid.curve:
            writer.writerow(
                [
                    area,
                    portfolio,
                    _utc(bid.delivery_start_at),
                    _utc(bid.delivery_end_at),
                    local,
                    f"{price:.2f}",
                    f"{volume:.1f}",
                ]
            )
    return buffer.getvalue()
