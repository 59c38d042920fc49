"""A small DK1 pool (two large heat pumps, a pit storage, a boiler, a market account with
day-ahead and mFRR up) with stored DK1 prices from the committed demo sample and a synthetic
heat demand, plus factories of stored plans and dispatches (no solver) for read-side tests."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import numpy as np
import pandas as pd

from ainergy.demo.seed import read_sample

PRICE_KEY = "day-ahead-price-dk1"
MFRR_KEY = "mfrr-up-capacity-price-dk1"


@lru_cache(maxsize=1)
def _samples() -> tuple[pd.Series, pd.Series]:
    spot = read_sample("spot_prices_dk1_dk2_2024.csv.gz")
    spot = spot[spot["price_area"] == "DK1"].set_index("time")["price_eur_per_mwh"]
    mfrr = read_sample("mfrr_capacity_dk1_dk2_2024.csv.gz")
    mfrr = mfrr[mfrr["price_area"] == "DK1"].set_index("time")["mfrr_up_price_eur_per_mw"]
    return spot, mfrr


def heat_demand_kw(index: pd.DatetimeIndex) -> np.ndarray:
    """Synthetic district heat [kW_th]: 5 MW base, morning and evening peaks, a weekly wobble."""
    hour = index.tz_convert("Europe/Copenhagen").hour.to_numpy()
    day = (index - pd.Timestamp("2024-01-01", tz="UTC")).days.to_numpy()
    return (
        5000.0
        + 1200.0 * np.exp(-(((hour - 7) / 2.5) ** 2))
        + 900.0 * np.exp(-(((hour - 19) / 3.0) ** 2))
        + 400.0 * np.sin(2 * np.pi * day / 7)
    )


def public_series():
    from ainergy.markets.models import BiddingZone
    from ainergy.timeseries.services import public_series_get_or_create

    zone = BiddingZone.objects.get(code="DK1")
    price = public_series_get_or_create(
        key=PRICE_KEY, kind="day_ahead_price", resolution_minutes=60, bidding_zone=zone
    )
    mfrr = public_series_get_or_create(
        key=MFRR_KEY, kind="reserve_capacity_price", resolution_minutes=60, bidding_zone=zone
    )
    return price, mfrr


def build_pool(tenant, *, name: str = "North", pumps: int = 2, backup_kw: float = 8000.0):
    """Site, ``pumps`` large heat pumps, pit storage, boiler, account, pool, heat series."""
    from ainergy.assets import models as assets
    from ainergy.assets.services import asset_create
    from ainergy.markets.services import market_account_create
    from ainergy.timeseries.services import series_create

    site = asset_create(
        tenant=tenant,
        model=assets.Site,
        data={"name": f"{name} plant", "latitude_deg": 56.2, "longitude_deg": 10.5,
              "bidding_zone": "DK1"},
    )  # fmt: skip
    specs = [(2000.0, 0.3, 8.0), (1500.0, 0.4, 12.0), (1000.0, 0.3, 20.0)][:pumps]
    heat_pumps = [
        asset_create(
            tenant=tenant,
            model=assets.HeatPump,
            data={
                "site_id": site.pk,
                "name": f"{name} HP{i + 1}",
                "kind": "large",
                "device_id": f"{name.lower()}-hp-{i + 1}",
                "power_max_kw": power,
                "power_min_kw": power * min_fraction,
                "ramp_limit_kw_per_min": power / 10,
                "start_cost_eur": 20.0,
                "carnot_quality_grade": 0.5,
                "cop_max": 6.0,
                "source_temperature_mode": "fixed",
                "source_temperature_c": source_c,
                "sink_temperature_mode": "fixed",
                "sink_temperature_c": 75.0,
            },
        )  # fmt: skip
        for i, (power, min_fraction, source_c) in enumerate(specs)
    ]
    storage = asset_create(
        tenant=tenant,
        model=assets.ThermalStorage,
        data={"site_id": site.pk, "name": f"{name} pit", "capacity_kwh": 20_000.0,
              "loss_fraction_per_h": 0.002, "soc_min_fraction": 0.1, "soc_max_fraction": 0.9,
              "soc_initial_fraction": 0.5},
    )  # fmt: skip
    boiler = None
    if backup_kw:
        boiler = asset_create(
            tenant=tenant,
            model=assets.BackupHeater,
            data={"site_id": site.pk, "name": f"{name} boiler", "heat_power_max_kw": backup_kw,
                  "heat_cost_eur_per_mwh": 60.0},
        )  # fmt: skip
    account = market_account_create(
        tenant=tenant, name=f"{name} BRP", bidding_zone="DK1",
        balance_responsible_party_id="5790000000001",
        enabled_product_codes=["day_ahead", "mfrr_up"],
    )  # fmt: skip
    pool = asset_create(
        tenant=tenant,
        model=assets.Pool,
        data={"name": f"{name} pool", "bidding_zone": "DK1", "market_account_id": account.pk,
              "heat_pump_ids": [p.pk for p in heat_pumps]},
    )  # fmt: skip
    heat = series_create(
        tenant=tenant, key=f"{name.lower()}-heat", kind="heat_demand", resolution_minutes=60,
        site=site,
    )  # fmt: skip
    return {
        "site": site,
        "heat_pumps": heat_pumps,
        "storage": storage,
        "boiler": boiler,
        "account": account,
        "pool": pool,
        "heat": heat,
    }


def load_window(world: dict, start: dt.datetime, end: dt.datetime) -> None:
    """DK1 day-ahead and mFRR prices and the pool's heat demand of [start, end)."""
    from ainergy.timeseries.services import observations_write_frame

    spot, mfrr = _samples()
    price_series, mfrr_series = public_series()
    for series, values in ((price_series, spot), (mfrr_series, mfrr)):
        window = values[(values.index >= start) & (values.index < end)]
        observations_write_frame(
            series=series,
            frame=pd.DataFrame({"time": window.index, "value": window.to_numpy()}),
            source="demo-sample",
        )
    index = pd.date_range(start, end, freq="h", inclusive="left")
    observations_write_frame(
        series=world["heat"],
        frame=pd.DataFrame({"time": index, "value": heat_demand_kw(index)}),
        source="synthetic",
        tenant=world["pool"].tenant,
    )


def load_around(world: dict, day: dt.date, history_days: int = 21) -> None:
    start = dt.datetime.combine(day - dt.timedelta(days=history_days), dt.time(), tzinfo=dt.UTC)
    load_window(
        world, start, dt.datetime.combine(day + dt.timedelta(days=2), dt.time(), tzinfo=dt.UTC)
    )


def make_plan(tenant, world: dict, *, day: dt.date = dt.date(2024, 1, 15), status="succeeded",
              name_prefix: str = ""):  # fmt: skip
    """A stored succeeded plan (two hourly curves, one mFRR offer, expected schedule), and a
    succeeded dispatch with setpoints, written directly (no solver)."""
    from ainergy.jobs.models import Job
    from ainergy.markets.models import Bid, MarketProduct, MarketResult
    from ainergy.timeseries.models import Series
    from optimization.models import (
        BidPlan,
        BidPlanEvent,
        BidPlanResults,
        BidPlanSchedulePeriod,
        BidPlanUnit,
        PoolDispatch,
        PoolDispatchSetpoint,
    )

    start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=1)
    job = Job.objects.create(tenant=tenant, kind="bid_plan", queue="bidding", status=status)
    plan = BidPlan.objects.create(
        tenant=tenant, pool=world["pool"], market_account=world["account"], job=job,
        delivery_day=day, mtu_minutes=60, gate_closure_at=start - dt.timedelta(hours=11),
        scenario_count=2, product_codes=["mfrr_up"],
        price_series=Series.objects.get(key=PRICE_KEY, tenant__isnull=True),
        pool_snapshot={"name": f"{name_prefix}snapshot"}, period_count=24, objective_eur=10.0,
        expected_cost_eur=12.0, cvar_eur=20.0, scenario_probabilities=[0.5, 0.5],
        scenario_cost_eur=[4.0, 20.0], expected_components_eur={"day_ahead": 30.0},
        assumptions=[f"{name_prefix}assumption"],
    )  # fmt: skip
    plan.heat_demand_series.set([world["heat"]])
    day_ahead = MarketProduct.objects.get(code="day_ahead")
    mfrr = MarketProduct.objects.get(code="mfrr_up")
    common = {"tenant": tenant, "market_account": world["account"], "pool": world["pool"],
              "job": job}  # fmt: skip
    bids = [
        Bid.objects.create(
            product=day_ahead,
            delivery_start_at=start + dt.timedelta(hours=t),
            delivery_end_at=start + dt.timedelta(hours=t + 1),
            curve=[[-500.0, 3.5], [50.0, 2.0], [120.5, 0.7], [4000.0, 0.0]],
            **common,
        )  # fmt: skip
        for t in range(2)
    ]
    bids.append(
        Bid.objects.create(
            product=mfrr,
            delivery_start_at=start,
            delivery_end_at=start + dt.timedelta(hours=1),
            capacity_mw=1.0,
            capacity_price_eur_per_mw_h=0.0,
            **common,
        )  # fmt: skip
    )
    plan.bids.set(bids)
    MarketResult.objects.create(tenant=tenant, bid=bids[0], accepted_volume_mw=2.0,
                                clearing_price_eur_per_mwh=50.0)  # fmt: skip
    pump = world["heat_pumps"][0]
    if status == "succeeded":  # submitted (file frozen as exported), cleared and dispatched
        from optimization.selectors.bidding import bid_plan_bids
        from optimization.services.bidding import bid_plan_export

        ordered = bid_plan_bids(plan)
        plan.exchange_file_csv = bid_plan_export(plan, ordered, "csv")
        plan.exchange_file_json = bid_plan_export(plan, ordered, "json")
        plan.status = "dispatched"
        plan.save(update_fields=["exchange_file_csv", "exchange_file_json", "status"])
    period = BidPlanSchedulePeriod.objects.create(
        tenant=tenant, bid_plan=plan, heat_pump=pump, start_at=start, power_kw=1500.0,
        storage_kwh=9000.0, backup_heat_kw=0.0, reserve_kw={"mfrr_up": 500.0},
    )  # fmt: skip
    unit = BidPlanUnit.objects.create(
        tenant=tenant, bid_plan=plan, heat_pump=pump, delivery_day=day, name=pump.name,
        power_min_kw=pump.power_min_kw, power_max_kw=pump.power_max_kw, parameters={},
        is_offered=status == "succeeded",
    )  # fmt: skip
    results = BidPlanResults.objects.create(
        tenant=tenant, bid_plan=plan, version=1, content_sha256="0" * 64,
        day_ahead_volume_mw=[2.0, 0.7], reserve_capacity_mw={"mfrr_up": [1.0, 0.0]},
        reserve_acceptances=[{"bid_id": bids[2].pk, "product_code": "mfrr_up",
                              "delivery_start_at": "2024-01-14T23:00:00Z", "capacity_mw": 1.0,
                              "capacity_price_eur_per_mw_h": None}],
    )  # fmt: skip
    event = BidPlanEvent.objects.create(
        tenant=tenant, bid_plan=plan, action="results_record", from_status="submitted",
        to_status="results_recorded", results_version=1, job=job,
    )  # fmt: skip
    dispatch = PoolDispatch.objects.create(
        tenant=tenant, bid_plan=plan, results=results,
        job=Job.objects.create(tenant=tenant, kind="pool_dispatch", queue="bidding",
                               status=status),
        day_ahead_volume_mw=[2.0, 0.7], reserve_capacity_mw={"mfrr_up": [1.0, 0.0]},
        heat_demand_source=f"{name_prefix}heat", deviation_mw=[0.0, 0.0], costs_eur={"start": 0},
    )  # fmt: skip
    setpoints = [
        PoolDispatchSetpoint.objects.create(
            tenant=tenant,
            dispatch=dispatch,
            heat_pump=pump,
            start_at=start + dt.timedelta(hours=t),
            power_kw=1800.0 - 100 * t,
            is_on=True,
            storage_kwh=9000.0 + t,
            backup_heat_kw=0.0,
            reserve_kw={"mfrr_up": 1000.0 * (1 - t)},
        )  # fmt: skip
        for t in range(2)
    ]
    return {"plan": plan, "bids": bids, "period": period, "dispatch": dispatch,
            "setpoints": setpoints, "unit": unit, "results": results, "event": event}  # fmt: skip
