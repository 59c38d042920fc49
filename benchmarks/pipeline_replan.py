"""Drift → new setpoints latency of a 50-unit pool (real-time re-planning).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/ainergy_bench_replan \
        .venv/bin/python benchmarks/pipeline_replan.py [--units 50] [--repeats 5]

Creates (and drops) the database named in DATABASE_URL. A synthetic pool (``synthetic_problem``:
units of 1-8 MW with storages, minimum load, ramps and start costs) is dispatched for a whole
day on hourly MTUs against a cleared position (each MTU's expected heat at the mean COP, within
the pool's power) and published as version 1. Then, at 10:00 local time on the delivery day,
one unit reports power 80 % of its maximum away from its setpoint, through the same path as a
device: ``telemetry_ingest`` → ``telemetry_received`` → the ``pipeline_replan`` job (run in this
process: tasks eager, so the queue hop of a real worker — milliseconds on Redis — is not in
the figure) → drift check → re-dispatch of the remaining 14 hours → version n+1 published.

Prints per repeat the latency [s] from the reading's arrival to the published version and the
re-dispatch solve time, and, as the baseline measured in the same run, the full-day dispatch of
the same pool; the ratio latency / full-day dispatch.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ainergy.settings.test")
os.environ.pop("REDIS_URL", None)  # eager: the replan job runs in this process

DAY = dt.date(2024, 1, 10)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=50)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("set DATABASE_URL to a PostgreSQL database (it is created and dropped)")
    import django
    import psycopg

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    name = connection.settings_dict["NAME"]
    admin_dsn = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        call_command("migrate", verbosity=0)
        run(args)
    finally:
        connection.close()
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(args) -> None:
    import numpy as np
    from django.conf import settings

    from ainergy.assets import models as assets
    from ainergy.assets.services import asset_create
    from ainergy.jobs.models import Job
    from ainergy.markets.models import BiddingZone
    from ainergy.markets.services import market_account_create
    from ainergy.pipeline import clock
    from ainergy.pipeline.models import ScheduleVersion
    from ainergy.pipeline.publication import Setpoint, schedule_publish
    from ainergy.pipeline.replan import telemetry_received
    from ainergy.timeseries.services import public_series_get_or_create
    from ainergy.timeseries.telemetry import telemetry_ingest
    from optimization.core.bidding.dispatch import DispatchProblem, dispatch_pool
    from optimization.core.bidding.synthetic import synthetic_problem
    from optimization.models import BidPlan, PoolDispatch
    from tenants.services import tenant_create

    settings.REPLAN_MIN_INTERVAL_S = 0
    bidding = synthetic_problem(args.units, 3, day=DAY, mtu_minutes=60, products=())
    core_pool, scenarios = bidding.pool, bidding.scenarios
    tenant = tenant_create(slug="bench", name="Bench", kind="aggregator")
    site = asset_create(tenant=tenant, model=assets.Site, data={
        "name": "Bench plant", "latitude_deg": 56.2, "longitude_deg": 10.5,
        "bidding_zone": "DK1"})  # fmt: skip
    pumps = [
        asset_create(
            tenant=tenant,
            model=assets.HeatPump,
            data={
                "site_id": site.pk,
                "name": unit.heat_pump_id,
                "kind": "large",
                "device_id": f"bench-{unit.heat_pump_id}",
                "power_max_kw": unit.power_max_mw * 1000,
                "power_min_kw": unit.power_max_mw * 1000 * unit.min_load_fraction,
                "carnot_quality_grade": unit.carnot_quality_grade,
                "source_temperature_c": 10.0,
                "sink_temperature_c": unit.sink_temperature_c,
            },
        )  # fmt: skip
        for unit in core_pool.heat_pumps
    ]
    units = tuple(
        dataclasses.replace(unit, heat_pump_id=str(pump.pk))
        for unit, pump in zip(core_pool.heat_pumps, pumps, strict=True)
    )
    core_pool = dataclasses.replace(core_pool, heat_pumps=units)
    account = market_account_create(tenant=tenant, name="BRP", bidding_zone="DK1",
                                     enabled_product_codes=["day_ahead"])  # fmt: skip
    pool = asset_create(tenant=tenant, model=assets.Pool, data={
        "name": "Bench pool", "bidding_zone": "DK1", "market_account_id": account.pk,
        "heat_pump_ids": [p.pk for p in pumps]})  # fmt: skip
    pi = np.asarray(scenarios.probabilities)
    heat = pi @ scenarios.heat_demand_mw
    source = pi @ scenarios.source_temperature_c
    prices = pi @ scenarios.day_ahead_price_eur_per_mwh
    cop = np.mean([min(u.carnot_quality_grade * (u.sink_temperature_c + 273.15)
                       / (u.sink_temperature_c - s), u.cop_max)
                   for u in units for s in source[:1]])  # fmt: skip
    pmax = sum(u.power_max_mw for u in units)
    volume = np.clip(heat / cop, 0.0, 0.9 * pmax).round(1)
    problem = DispatchProblem(
        pool=core_pool, index=scenarios.index, mtu_minutes=60, day_ahead_volume_mw=volume,
        heat_demand_mw=heat, source_temperature_c=source, day_ahead_price_eur_per_mwh=prices)  # fmt: skip
    started = time.perf_counter()
    full = dispatch_pool(problem, time_limit_s=60.0)
    full_s = time.perf_counter() - started
    price_series = public_series_get_or_create(
        key="bench-price", kind="day_ahead_price", resolution_minutes=60,
        bidding_zone=BiddingZone.objects.get(code="DK1"))  # fmt: skip
    snapshot = {
        "pool_id": core_pool.pool_id, "price_area": "DK1", "source_temperature_series_id": None,
        "backup_heat_cost_eur_per_mwh": core_pool.backup_heat_cost_eur_per_mwh,
        "heat_pumps": [
            {**dataclasses.asdict(u), "ramp_mw_per_h": None if np.isinf(u.ramp_mw_per_h)
             else u.ramp_mw_per_h, "backup_heat_max_mw": min(u.backup_heat_max_mw, 1e6)}
            for u in units],
    }  # fmt: skip
    plan_job = Job.objects.create(
        tenant=tenant, kind="bid_plan", queue="bidding", status="succeeded"
    )
    plan = BidPlan.objects.create(
        tenant=tenant, pool=pool, market_account=account, job=plan_job, delivery_day=DAY,
        mtu_minutes=60, gate_closure_at=dt.datetime(2024, 1, 9, 11, tzinfo=dt.UTC),
        scenario_count=3, product_codes=[], price_series=price_series, pool_snapshot=snapshot,
        expected_inputs={"heat_demand_mw": heat.tolist(), "source_temperature_c": source.tolist()},
        status="dispatched")  # fmt: skip
    dispatch_job = Job.objects.create(tenant=tenant, kind="pool_dispatch", queue="bidding",
                                      status="succeeded")  # fmt: skip
    dispatch = PoolDispatch.objects.create(
        tenant=tenant, bid_plan=plan, job=dispatch_job, day_ahead_volume_mw=volume.tolist(),
        day_ahead_price_eur_per_mwh=prices.tolist(), reserve_capacity_mw={})  # fmt: skip
    step = dt.timedelta(hours=1)
    setpoints = [
        Setpoint(
            int(hp),
            start.to_pydatetime(),
            (start + step).to_pydatetime(),
            float(full.power_mw[h, t] * 1000),
            bool(full.is_on[h, t]),
            float(full.storage_mwh[h, t] * 1000),
        )  # fmt: skip
        for h, hp in enumerate(full.heat_pump_ids)
        for t, start in enumerate(scenarios.index)
    ]
    at = dt.datetime(2024, 1, 10, 9, 0, tzinfo=dt.UTC)  # 10:00 local
    clock.now = lambda: at
    schedule_publish(tenant=tenant, delivery_day=DAY, setpoints=setpoints, cause="dispatch",
                     pool=pool, pool_dispatch=dispatch)  # fmt: skip
    print(f"pool: {len(units)} units, {pmax:.1f} MW; full-day dispatch (baseline): "
          f"{full_s:.2f} s ({full.status})")  # fmt: skip
    latencies, solves = [], []
    for repeat in range(args.repeats):
        pump = pumps[repeat % len(pumps)]
        version = ScheduleVersion.objects.filter(pool=pool).order_by("-version").first()
        current = version.setpoints.get(heat_pump=pump, start_at=at)
        drift = 0.8 * pump.power_max_kw
        power = current.power_kw - drift if current.power_kw > drift else current.power_kw + drift
        # power off by 80 % of the unit's maximum and storage 0.15 + 0.1 k below/above plan: the
        # storage state changes the optimum, so every repeat publishes a new version
        reading = {"device_id": pump.device_id, "time": (at - dt.timedelta(minutes=1 + repeat)
                   ).isoformat(), "electric_power_kw": max(power, 0.0), "is_on": True,
                   "storage_soc_fraction": round(0.15 + 0.1 * repeat, 2)}  # fmt: skip
        started = time.perf_counter()
        telemetry_ingest(tenant=tenant, readings=[reading], source="bench")
        telemetry_received(tenant=tenant, device_ids=[pump.device_id])
        latency = time.perf_counter() - started
        new = ScheduleVersion.objects.filter(pool=pool).order_by("-version").first()
        assert new.version == version.version + 1 and new.cause == "redispatch", new.cause
        latencies.append(latency)
        solves.append(new.cause_detail["solve_s"])
        print(f"repeat {repeat + 1}: drift {drift:.0f} kW on {pump.name}: new version "
              f"{new.version} after {latency:.2f} s (drift check {new.cause_detail['detect_s']:.2f} s, "
              f"re-dispatch {new.cause_detail['replan_s']:.2f} s of which solve "
              f"{new.cause_detail['solve_s']:.2f} s, "
              f"{new.cause_detail['solve_status']}, {new.cause_detail['periods']} periods)")  # fmt: skip
    median = statistics.median(latencies)
    print(f"median drift -> new setpoints: {median:.2f} s (max {max(latencies):.2f} s); "
          f"median solve {statistics.median(solves):.2f} s; "
          f"ratio to the full-day dispatch {median / full_s:.2f}; target < 10 s")  # fmt: skip


if __name__ == "__main__":
    main()
