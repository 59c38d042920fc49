"""Real-time re-planning: telemetry that drifts from the published setpoints is re-planned.

Telemetry arrives (REST ``/api/v1/telemetry`` or the MQTT bridge) → ``telemetry_received``
queues one ``pipeline_replan`` job per pool or household whose current version covers the
device (at most one waiting at a time) → the job compares the latest readings with the version:

* **power**: |measured power − setpoint| > max(``REPLAN_POWER_TOLERANCE_FRACTION`` · max power,
  ``REPLAN_POWER_TOLERANCE_MIN_KW``) in the current period;
* **storage**: |measured SoC − planned SoC| > ``REPLAN_STORAGE_TOLERANCE_FRACTION`` (pools), or
  |tank energy − planned| > ``REPLAN_HOUSEHOLD_ENERGY_TOLERANCE_KWH`` (households);
* **unavailable**: the unit reports ``is_on = false`` while its setpoint runs it.

On drift a pool is re-dispatched from the next period to the end of the day — the same
dispatch core on the plan's snapshot and the cleared position, storages starting from the
measured state, unavailable units held at 0 while the others carry the position — and a
household is re-planned from the measured tank energy (``replan_from_state``). The result is a
new schedule version whose ``cause_detail`` lists every drift (unit, quantity, measured,
planned, tolerance) and the re-plan's start; the publication sends the webhook and the
subscription event. Periods already under way keep their setpoints.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import transaction

from ainergy.common.errors import ValidationError
from ainergy.jobs.models import Job, JobStatus
from ainergy.jobs.services import JobContext, job_enqueue
from ainergy.pipeline import clock
from ainergy.pipeline.models import ScheduleCause, ScheduleSetpoint, ScheduleVersion
from ainergy.pipeline.publication import Setpoint, schedule_publish

logger = logging.getLogger("ainergy.pipeline")

REPLAN_JOB_KIND = "pipeline_replan"
FRESH_READING = dt.timedelta(minutes=15)  # older readings are not the current state
KW_PER_MW = 1000.0


# --- queueing -----------------------------------------------------------------------------


def _owner_versions(tenant, heat_pump_ids: set[int], day: dt.date) -> list[ScheduleVersion]:
    version_ids = (
        ScheduleSetpoint.objects.filter(
            tenant=tenant, heat_pump_id__in=heat_pump_ids, version__delivery_day=day
        )
        .values_list("version_id", flat=True)
        .distinct()
    )
    owners = {}
    for version in ScheduleVersion.objects.filter(pk__in=list(version_ids)):
        owners[(version.pool_id, version.site_id)] = version
    return list(owners.values())


def telemetry_received(*, tenant, device_ids: list[str], received_at: dt.datetime | None = None):
    """Queue a drift check for every pool/household whose schedule covers these devices today
    (one waiting check per owner; a running one re-reads telemetry when it starts)."""
    from ainergy.assets.models import HeatPump

    now = clock.now()
    day = now.astimezone(dt.UTC).date()
    pumps = set(
        HeatPump.objects.for_tenant(tenant)
        .filter(device_id__in=[d for d in device_ids if d])
        .values_list("pk", flat=True)
    )
    if not pumps:
        return []
    from ainergy.common.timegrid import LOCAL_TZ

    day = now.astimezone(LOCAL_TZ).date()
    jobs = []
    for version in _owner_versions(tenant, pumps, day):
        owner = {"pool_id": version.pool_id, "site_id": version.site_id}
        waiting = Job.objects.filter(
            tenant=tenant,
            kind=REPLAN_JOB_KIND,
            status=JobStatus.QUEUED,
            parameters__pool_id=owner["pool_id"],
            parameters__site_id=owner["site_id"],
        ).exists()
        if waiting:
            continue
        jobs.append(
            job_enqueue(
                tenant=tenant,
                kind=REPLAN_JOB_KIND,
                parameters={
                    **owner,
                    "delivery_day": day.isoformat(),
                    "received_at": (received_at or now).isoformat(),
                    "queued_perf_s": time.time(),
                },
            )
        )
    return jobs


# --- readings -----------------------------------------------------------------------------


def latest_readings(heat_pump_ids: list[int], now: dt.datetime) -> dict[int, dict[str, float]]:
    """The latest reading per heat pump and quantity within ``FRESH_READING`` before ``now``."""
    from ainergy.timeseries.models import Observation

    rows = (
        Observation.objects.filter(
            series__heat_pump_id__in=heat_pump_ids,
            series__kind__in=("electric_power", "storage_soc", "on_off"),
            time__gt=now - FRESH_READING,
            time__lte=now,
        )
        .order_by("series__heat_pump_id", "series__kind", "-time")
        .distinct("series__heat_pump_id", "series__kind")
        .values_list("series__heat_pump_id", "series__kind", "value", "time")
    )
    out: dict[int, dict[str, Any]] = {}
    for heat_pump_id, kind, value, at in rows:
        out.setdefault(heat_pump_id, {})[kind] = value
        out[heat_pump_id]["at"] = max(at, out[heat_pump_id].get("at", at))
    return out


def _current(setpoints: list[ScheduleSetpoint], now: dt.datetime) -> ScheduleSetpoint | None:
    for row in setpoints:
        if row.start_at <= now < row.end_at:
            return row
    return None


def detect_drift(version: ScheduleVersion, now: dt.datetime, pumps: dict) -> list[dict]:
    """Every drift of the version's units at ``now`` (empty: on plan)."""
    rows = list(version.setpoints.order_by("heat_pump_id", "start_at"))
    by_unit: dict[int, list[ScheduleSetpoint]] = {}
    for row in rows:
        by_unit.setdefault(row.heat_pump_id, []).append(row)
    readings = latest_readings(list(by_unit), now)
    drifts = []
    for heat_pump_id, unit_rows in by_unit.items():
        reading = readings.get(heat_pump_id)
        current = _current(unit_rows, now)
        if reading is None or current is None:
            continue
        pump = pumps[heat_pump_id]
        name = pump.name
        if reading.get("on_off") == 0.0 and current.is_on:
            drifts.append({"heat_pump": heat_pump_id, "name": name, "quantity": "unavailable",
                           "measured": 0.0, "planned": current.power_kw})  # fmt: skip
            continue
        power = reading.get("electric_power")
        tolerance = max(
            settings.REPLAN_POWER_TOLERANCE_FRACTION * pump.power_max_kw,
            settings.REPLAN_POWER_TOLERANCE_MIN_KW,
        )
        if power is not None and abs(power - current.power_kw) > tolerance:
            drifts.append({"heat_pump": heat_pump_id, "name": name, "quantity": "power_kw",
                           "measured": power, "planned": current.power_kw,
                           "tolerance": round(tolerance, 2)})  # fmt: skip
        soc = reading.get("storage_soc")
        planned_soc = _planned_soc(unit_rows, current, now)
        if soc is not None and planned_soc is not None:
            tolerance = settings.REPLAN_STORAGE_TOLERANCE_FRACTION
            if version.site_id is not None:
                tolerance = None  # households compare energy below
            if tolerance is not None and abs(soc - planned_soc) > tolerance:
                drifts.append({"heat_pump": heat_pump_id, "name": name,
                               "quantity": "storage_soc_fraction", "measured": soc,
                               "planned": round(planned_soc, 4), "tolerance": tolerance})  # fmt: skip
        if version.site_id is not None and soc is not None:
            drift = _household_storage_drift(version, unit_rows, current, soc, now)
            if drift:
                drifts.append({"heat_pump": heat_pump_id, "name": name, **drift})
    return drifts


def _planned_soc(rows, current, now) -> float | None:
    """Planned SoC at ``now``: between the previous period's end state and the current one's."""
    if current.storage_soc_fraction is None:
        return None
    index = rows.index(current)
    before = rows[index - 1].storage_soc_fraction if index > 0 else None
    if before is None:
        return current.storage_soc_fraction
    share = (now - current.start_at) / (current.end_at - current.start_at)
    return before + share * (current.storage_soc_fraction - before)


def _household_storage_drift(version, rows, current, soc, now) -> dict | None:
    from optimization.services.household_data import site_household_assets

    tank = site_household_assets(version.site)["thermal_storage"]
    if tank is None or current.storage_kwh is None:
        return None
    index = rows.index(current)
    before = rows[index - 1].storage_kwh if index > 0 else None
    planned = current.storage_kwh
    if before is not None:
        share = (now - current.start_at) / (current.end_at - current.start_at)
        planned = before + share * (current.storage_kwh - before)
    measured = soc * tank.capacity_kwh
    tolerance = settings.REPLAN_HOUSEHOLD_ENERGY_TOLERANCE_KWH
    if abs(measured - planned) > tolerance:
        return {"quantity": "tank_energy_kwh", "measured": round(measured, 3),
                "planned": round(planned, 3), "tolerance": tolerance}  # fmt: skip
    return None


# --- re-dispatch of a pool ------------------------------------------------------------------


def _redispatch_pool(version: ScheduleVersion, drifts: list[dict], now: dt.datetime):
    """New setpoints: kept up to the next period start, re-dispatched from there to day end."""
    from ainergy.markets.models import MarketProduct
    from optimization.core.bidding import dispatch_pool
    from optimization.core.bidding.dispatch import DispatchProblem
    from optimization.services.bidding_data import core_pool, reserve_rules

    dispatch = version.pool_dispatch
    if dispatch is None:
        raise ValidationError(
            "schedule_version", "the current version has no dispatch to re-plan (a fallback)"
        )
    plan = dispatch.bid_plan
    step = dt.timedelta(minutes=plan.mtu_minutes)
    from ainergy.common.timegrid import delivery_day_periods

    index = delivery_day_periods(plan.delivery_day, plan.mtu_minutes)
    remaining = np.flatnonzero(index >= pd.Timestamp(now))
    if len(remaining) < 1:
        raise ValidationError("now", "no period left in the delivery day to re-plan")
    first = int(remaining[0])
    keep = index[first:]
    setpoints = list(version.setpoints.order_by("heat_pump_id", "start_at"))
    state_at = {}  # heat_pump_id -> planned storage kWh at the end of the period before `first`
    for row in setpoints:
        if row.end_at == keep[0].to_pydatetime():
            state_at[row.heat_pump_id] = row.storage_kwh
    readings = latest_readings(sorted({row.heat_pump_id for row in setpoints}), now)
    unavailable = {d["heat_pump"] for d in drifts if d["quantity"] == "unavailable"}
    pool = core_pool(plan.pool_snapshot)
    units, removed_share = [], 0.0
    shares = dict(
        zip([u.heat_pump_id for u in pool.heat_pumps], pool.heat_demand_shares(), strict=True)
    )
    for unit in pool.heat_pumps:
        heat_pump_id = int(unit.heat_pump_id)
        if heat_pump_id in unavailable:
            removed_share += shares[unit.heat_pump_id]
            continue
        soc = readings.get(heat_pump_id, {}).get("storage_soc")
        capacity = unit.storage_capacity_mwh * KW_PER_MW
        if soc is None and capacity and state_at.get(heat_pump_id) is not None:
            soc = state_at[heat_pump_id] / capacity
        if soc is not None and capacity:
            soc = min(max(soc, unit.storage_min_soc_fraction), unit.storage_max_soc_fraction)
            unit = dataclasses.replace(unit, storage_initial_soc_fraction=float(soc))
        units.append(unit)
    if not units:
        raise ValidationError("heat_pumps", "every unit of the pool is unavailable")
    pool = dataclasses.replace(pool, heat_pumps=tuple(units))
    expected = plan.expected_inputs
    heat = np.asarray(expected["heat_demand_mw"], float)[first:] * (1.0 - removed_share)
    products = [
        reserve_rules(product)
        for product in MarketProduct.objects.filter(code__in=plan.product_codes)
    ]
    prices = np.asarray(dispatch.day_ahead_price_eur_per_mwh or [0.0] * len(index), float)
    imbalance = np.array(
        [np.nan if v is None else v for v in (dispatch.imbalance_price_eur_per_mwh or [])]
        or [np.nan] * len(index),
        float,
    )
    problem = DispatchProblem(
        pool=pool,
        index=keep,
        mtu_minutes=plan.mtu_minutes,
        day_ahead_volume_mw=np.asarray(dispatch.day_ahead_volume_mw, float)[first:],
        heat_demand_mw=heat,
        source_temperature_c=np.asarray(expected["source_temperature_c"], float)[first:],
        day_ahead_price_eur_per_mwh=prices[first:],
        products=tuple(products),
        reserve_capacity_mw={
            code: np.asarray(values, float)[first:]
            for code, values in dispatch.reserve_capacity_mw.items()
        },
        imbalance_price_eur_per_mwh=imbalance[first:],
    )
    started = time.perf_counter()
    result = dispatch_pool(problem, time_limit_s=settings.REPLAN_SOLVER_TIME_LIMIT_S)
    solve_s = time.perf_counter() - started
    capacity = {int(u.heat_pump_id): u.storage_capacity_mwh * KW_PER_MW for u in pool.heat_pumps}
    new = [
        Setpoint(
            heat_pump_id=row.heat_pump_id,
            start_at=row.start_at,
            end_at=row.end_at,
            power_kw=row.power_kw,
            is_on=row.is_on,
            storage_kwh=row.storage_kwh,
            storage_soc_fraction=row.storage_soc_fraction,
        )
        for row in setpoints
        if row.start_at < keep[0].to_pydatetime()
    ]
    for h, heat_pump_id in enumerate(result.heat_pump_ids):
        heat_pump_id = int(heat_pump_id)
        for t, start in enumerate(keep):
            storage = float(result.storage_mwh[h, t] * KW_PER_MW)
            new.append(
                Setpoint(
                    heat_pump_id=heat_pump_id,
                    start_at=start.to_pydatetime(),
                    end_at=(start + step).to_pydatetime(),
                    power_kw=float(result.power_mw[h, t] * KW_PER_MW),
                    is_on=bool(result.is_on[h, t]),
                    storage_kwh=storage,
                    storage_soc_fraction=storage / capacity[heat_pump_id]
                    if capacity.get(heat_pump_id)
                    else None,
                )
            )
    for heat_pump_id in sorted(unavailable):
        for start in keep:
            new.append(
                Setpoint(
                    heat_pump_id=heat_pump_id,
                    start_at=start.to_pydatetime(),
                    end_at=(start + step).to_pydatetime(),
                    power_kw=0.0,
                    is_on=False,
                )
            )
    info = {
        "solve_status": result.status,
        "solve_s": round(solve_s, 3),
        "periods": len(keep),
        "unavailable_heat_share": round(removed_share, 4),
    }
    return new, keep[0].to_pydatetime(), info


def _replan_household(version: ScheduleVersion, drifts: list[dict], now: dt.datetime):
    from optimization.core.household import HouseholdState
    from optimization.core.household.scheduling import replan_from_state
    from optimization.services.household_data import schedule_problem, site_household_assets

    schedule = version.household_schedule
    if schedule is None:
        raise ValidationError("schedule_version", "the current version has no schedule to re-plan")
    problem, _notes = schedule_problem(schedule)
    step = dt.timedelta(minutes=schedule.step_minutes)
    index = problem.period_start_utc
    remaining = np.flatnonzero(index >= pd.Timestamp(now))
    if len(remaining) < 2:
        raise ValidationError("now", "fewer than two periods left to re-plan")
    start = index[int(remaining[0])].to_pydatetime()
    tank = site_household_assets(version.site)["thermal_storage"]
    measured = next((d["measured"] for d in drifts if d["quantity"] == "tank_energy_kwh"), None)
    if measured is not None and tank is not None:
        measured = min(max(measured, 0.0), tank.capacity_kwh)
    state = HouseholdState(at=start, tank_energy_kwh=measured)
    started = time.perf_counter()
    result = replan_from_state(problem, state, time_limit_s=settings.REPLAN_SOLVER_TIME_LIMIT_S)
    solve_s = time.perf_counter() - started
    setpoints = list(version.setpoints.order_by("start_at"))
    pump_id = setpoints[0].heat_pump_id
    new = [
        Setpoint(pump_id, row.start_at, row.end_at, row.power_kw, row.is_on, row.storage_kwh)
        for row in setpoints
        if row.start_at < start
    ]
    tank_kwh = result.tank_energy_kwh
    for t, period in enumerate(result.period_start_utc):
        power = float(result.heat_pump_power_kw[t])
        new.append(
            Setpoint(
                heat_pump_id=pump_id,
                start_at=period.to_pydatetime(),
                end_at=(period + step).to_pydatetime(),
                power_kw=power,
                is_on=power > 0,
                storage_kwh=None if tank_kwh is None else float(tank_kwh[t]),
            )
        )
    return new, start, {"solve_status": result.status, "solve_s": round(solve_s, 3),
                        "periods": len(result.period_start_utc)}  # fmt: skip


def pipeline_replan_run(context: JobContext) -> dict[str, Any]:
    """Runner of ``pipeline_replan`` jobs: drift check, then re-dispatch / re-plan + publish."""
    from ainergy.assets.models import HeatPump
    from ainergy.pipeline.publication import current_version

    params = context.job.parameters
    tenant = context.job.tenant
    now = clock.now()
    day = dt.date.fromisoformat(params["delivery_day"])
    pool = site = None
    if params.get("pool_id"):
        from ainergy.assets.models import Pool

        pool = Pool.objects.for_tenant(tenant).get(pk=params["pool_id"])
    else:
        from ainergy.assets.models import Site

        site = Site.objects.for_tenant(tenant).get(pk=params["site_id"])
    version = current_version(tenant=tenant, delivery_day=day, pool=pool, site=site)
    if version is None:
        return {"drift": [], "replanned": False, "reason": "no published schedule"}
    pumps = {
        p.pk: p
        for p in HeatPump.objects.filter(
            pk__in=version.setpoints.values_list("heat_pump_id", flat=True)
        )
    }
    started = time.perf_counter()
    drifts = detect_drift(version, now, pumps)
    detect_s = time.perf_counter() - started
    if not drifts:
        return {"drift": [], "replanned": False, "version": version.version}
    since = (now - version.published_at).total_seconds()
    if version.cause in (ScheduleCause.REDISPATCH, ScheduleCause.HOUSEHOLD_REPLAN) and (
        since < settings.REPLAN_MIN_INTERVAL_S
    ):
        return {"drift": drifts, "replanned": False,
                "reason": f"re-planned {since:.0f} s ago; waiting for the devices to follow"}  # fmt: skip
    context.report_progress(0.2, f"{len(drifts)} drift(s); re-planning")
    started = time.perf_counter()
    if pool is not None:
        setpoints, start, info = _redispatch_pool(version, drifts, now)
        cause = ScheduleCause.REDISPATCH
    else:
        setpoints, start, info = _replan_household(version, drifts, now)
        cause = ScheduleCause.HOUSEHOLD_REPLAN
    info["detect_s"] = round(detect_s, 3)
    info["replan_s"] = round(time.perf_counter() - started, 3)
    detail = {
        "drift": drifts,
        "replanned_from": start.isoformat(),
        "previous_version": version.version,
        "telemetry_received_at": params.get("received_at"),
        **info,
    }
    with transaction.atomic():
        new, created = schedule_publish(
            tenant=tenant,
            delivery_day=day,
            setpoints=setpoints,
            cause=cause,
            cause_detail=detail,
            pool=pool,
            site=site,
            pool_dispatch=version.pool_dispatch,
            household_schedule=version.household_schedule,
        )
    latency = time.time() - params["queued_perf_s"] if params.get("queued_perf_s") else None
    logger.info(
        "re-plan of %s: version %s (%s drift(s)), %.2f s from telemetry",
        pool or site,
        new.version,
        len(drifts),
        latency or -1,
        extra={"event": "pipeline.replan", "version": new.version, "latency_s": latency},
    )
    return {
        "drift": drifts,
        "replanned": created,
        "version": new.version,
        "latency_s": None if latency is None else round(latency, 3),
        **info,
    }
