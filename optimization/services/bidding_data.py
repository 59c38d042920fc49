"""Stored assets and data → bidding core inputs (the DB side of what the core's case files do).

Assets are in kW / kWh; the core works in MW / MWh. Every choice made for the caller is appended
to ``notes`` (the plan's stored ``assumptions``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from typing import Any

import numpy as np
import pandas as pd
from django.db.models import Avg

from ainergy.assets.models import BackupHeater, HeatPump, Pool, ThermalStorage
from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_bounds, delivery_day_periods
from ainergy.jobs.models import JobStatus
from ainergy.markets.models import MarketProduct
from ainergy.timeseries.models import Observation, Series
from ainergy.timeseries.selectors import observations_resampled
from forecasting.models import ForecastRun
from forecasting.selectors import forecast_run_values
from optimization.core.bidding import (
    DayAheadRules,
    ReserveProductRules,
    Scenarios,
)
from optimization.core.bidding import HeatPump as CoreHeatPump
from optimization.core.bidding import Pool as CorePool

KELVIN = 273.15
KW_PER_MW = 1000.0
HISTORY_DAYS = 63  # the bootstrap draws residual blocks from the 56 days before the origin
MIN_HISTORY_DAYS = 7
MIN_HISTORY_COVERAGE = 0.9
DAY_AHEAD_CODE = "day_ahead"


def gate_closure_at(product: MarketProduct, day: dt.date) -> dt.datetime:
    """UTC gate closure of ``product`` for local delivery day ``day``."""
    local = dt.datetime.combine(
        day - dt.timedelta(days=product.gate_closure_days_before),
        product.gate_closure_local_time,
        tzinfo=LOCAL_TZ,
    )
    return local.astimezone(dt.UTC)


def day_ahead_rules(product: MarketProduct) -> DayAheadRules:
    return DayAheadRules(
        price_floor_eur_per_mwh=product.price_floor_eur_per_mwh,
        price_cap_eur_per_mwh=product.price_cap_eur_per_mwh,
        lot_mw=product.lot_size_mw,
        tick_eur_per_mwh=product.price_tick_eur,
    )


def reserve_rules(product: MarketProduct) -> ReserveProductRules:
    """The core's rules of a reserve product, named by its market code (rules are data)."""
    return ReserveProductRules(
        name=product.code,
        direction=product.direction,
        block_hours=product.block_hours,
        endurance_h=(product.endurance_min or 0.0) / 60.0,
        min_bid_mw=product.minimum_bid_mw,
        lot_mw=product.lot_size_mw,
        full_activation_time_min=product.full_activation_time_min or 0.0,
    )


def capacity_price_series(product: MarketProduct, zone) -> Series | None:
    """The zone's public capacity price series of a product (key ``<code>-capacity-price-<zone>``)."""
    stem = product.code.replace("_", "-")
    return (
        Series.objects.filter(
            tenant__isnull=True,
            kind="reserve_capacity_price",
            bidding_zone=zone,
            key__startswith=f"{stem}-capacity-price",
        )
        .order_by("resolution_minutes", "key")
        .first()
    )


def check_history(series: Series, gate: dt.datetime, field: str) -> None:
    """The series has values for most of the week before gate closure (else names ``field``)."""
    start = gate - dt.timedelta(days=MIN_HISTORY_DAYS)
    expected = int(MIN_HISTORY_DAYS * 24 * 60 / series.resolution_minutes)
    count = Observation.objects.filter(series=series, time__gte=start, time__lt=gate).count()
    if count < MIN_HISTORY_COVERAGE * expected:
        raise ValidationError(
            field,
            f"only {count} of {expected} values of series {series.key!r} in the "
            f"{MIN_HISTORY_DAYS} days before gate closure {gate:%Y-%m-%dT%H:%MZ}",
        )


def _share(values: dict[int, float]) -> dict[int, float]:
    total = sum(values.values())
    return {key: value / total for key, value in values.items()}


def pool_snapshot(
    *,
    tenant,
    pool: Pool,
    pumps: list[HeatPump],
    heat_demand_series: list[Series],
    gate: dt.datetime,
    notes: list[str],
) -> dict[str, Any]:
    """The core's pool for ``pumps`` as plain JSON (validated by the core).

    Site-level storages and backup heaters are split over the pool's heat pumps on that site in
    proportion to their maximum power; a storage linked to a heat pump belongs to it alone.
    """
    if not pumps:
        raise ValidationError("pool_id", f"pool {pool.name!r} has no heat pumps")
    site_ids = sorted({pump.site_id for pump in pumps})
    power_share: dict[int, float] = {}
    for site_id in site_ids:
        on_site = {p.pk: p.power_max_kw for p in pumps if p.site_id == site_id}
        power_share.update(_share(on_site))

    storage: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for tank in ThermalStorage.objects.for_tenant(tenant).filter(site_id__in=site_ids):
        if tank.heat_pump_id is not None:
            owners = {tank.heat_pump_id: 1.0} if tank.heat_pump_id in power_share else {}
        else:
            owners = {p.pk: power_share[p.pk] for p in pumps if p.site_id == tank.site_id}
        for pump_id, share in owners.items():
            capacity = tank.capacity_kwh * share
            entry = storage[pump_id]
            entry["capacity_kwh"] += capacity
            for name in ("soc_min_fraction", "soc_max_fraction", "soc_initial_fraction"):
                entry[name] += capacity * getattr(tank, name)
            entry["loss_kwh_per_h"] += capacity * tank.loss_fraction_per_h

    heaters = list(BackupHeater.objects.for_tenant(tenant).filter(site_id__in=site_ids))
    backup_kw: dict[int, float] = defaultdict(float)
    for heater in heaters:
        for pump in pumps:
            if pump.site_id == heater.site_id:
                backup_kw[pump.pk] += heater.heat_power_max_kw * power_share[pump.pk]
    total_backup_kw = sum(h.heat_power_max_kw for h in heaters)
    backup_cost = (
        sum(h.heat_power_max_kw * h.heat_cost_eur_per_mwh for h in heaters) / total_backup_kw
        if total_backup_kw > 0
        else 0.0
    )
    if heaters:
        notes.append(
            f"backup heat: {len(heaters)} heater(s), {total_backup_kw / KW_PER_MW:g} MW_th at "
            f"{backup_cost:.2f} EUR/MWh_th (capacity-weighted), split over the heat pumps of "
            "each site by maximum power"
        )
    else:
        notes.append("backup heat: none; all heat comes from the heat pumps and storage")

    modes = {pump.source_temperature_mode for pump in pumps}
    source_series_ids = {pump.source_temperature_series_id for pump in pumps}
    source_series_id = None
    if modes == {HeatPump.TemperatureSource.SERIES}:
        if len(source_series_ids) > 1:
            position = next(
                i
                for i, p in enumerate(pumps)
                if p.source_temperature_series_id != pumps[0].source_temperature_series_id
            )
            raise ValidationError(
                f"heat_pumps[{position}].source_temperature_series",
                "the bidding core takes one source temperature series per pool; heat pump "
                f"{pumps[position].name!r} uses another one than {pumps[0].name!r}",
            )
        source_series_id = pumps[0].source_temperature_series_id
    elif len(modes) > 1:
        position = next(
            i
            for i, p in enumerate(pumps)
            if p.source_temperature_mode != pumps[0].source_temperature_mode
        )
        raise ValidationError(
            f"heat_pumps[{position}].source_temperature_mode",
            "mix of fixed and series source temperatures in one pool; the bidding core takes "
            "one source temperature series per pool (offsets per unit)",
        )

    units = []
    for position, pump in enumerate(pumps):
        field = f"heat_pumps[{position}]"
        if pump.sink_temperature_mode != HeatPump.TemperatureSource.FIXED:
            raise ValidationError(
                f"{field}.sink_temperature_mode",
                f"heat pump {pump.name!r}: bidding needs a fixed sink temperature",
            )
        if pump.power_max_kw <= 0:
            raise ValidationError(f"{field}.power_max_kw", f"heat pump {pump.name!r}: must be > 0")
        sink = pump.sink_temperature_c
        if pump.cop_model == HeatPump.CopModel.TABLE:
            grades = [
                point["cop"]
                * (point["sink_temperature_c"] - point["source_temperature_c"])
                / (point["sink_temperature_c"] + KELVIN)
                for point in pump.cop_table
            ]
            grade = float(np.clip(np.mean(grades), 0.05, 1.0))
            notes.append(
                f"heat pump {pump.name!r}: COP table fitted by a Carnot quality grade of "
                f"{grade:.3f} (mean over {len(grades)} points)"
            )
        else:
            grade = pump.carnot_quality_grade
        tank = storage.get(pump.pk)
        capacity_kwh = tank["capacity_kwh"] if tank else 0.0

        def fraction(name: str, default: float, tank=tank, capacity_kwh=capacity_kwh) -> float:
            return tank[name] / capacity_kwh if capacity_kwh > 0 else default

        ramp = pump.ramp_limit_kw_per_min
        units.append(
            {
                "heat_pump_id": str(pump.pk),
                "power_max_mw": pump.power_max_kw / KW_PER_MW,
                "min_load_fraction": pump.minimum_load_fraction,
                # kW/min → MW/h: × 60 min/h ÷ 1000 kW/MW
                "ramp_mw_per_h": None if ramp is None else ramp * 60.0 / KW_PER_MW,
                "start_cost_eur": pump.start_cost_eur,
                "carnot_quality_grade": grade,
                "sink_temperature_c": sink,
                "source_temperature_offset_c": 0.0
                if source_series_id is not None
                else pump.source_temperature_c,
                "cop_max": pump.cop_max,
                "storage_capacity_mwh": capacity_kwh / KW_PER_MW,
                "storage_min_soc_fraction": fraction("soc_min_fraction", 0.0),
                "storage_max_soc_fraction": fraction("soc_max_fraction", 1.0),
                "storage_initial_soc_fraction": fraction("soc_initial_fraction", 0.0),
                "storage_loss_fraction_per_h": fraction("loss_kwh_per_h", 0.0),
                "backup_heat_max_mw": backup_kw.get(pump.pk, 0.0) / KW_PER_MW,
                "heat_demand_share": None,
            }
        )
    if len(heat_demand_series) > 1:
        # Several sites: each unit serves its site's share (mean of the 4 weeks before the gate)
        # split over the site's pool heat pumps by maximum power.
        site_mean = {}
        for series in heat_demand_series:
            mean = Observation.objects.filter(
                series=series, time__gte=gate - dt.timedelta(days=28), time__lt=gate
            ).aggregate(mean=Avg("value"))["mean"]
            site_mean[series.site_id] = mean or 0.0
        for unit, pump in zip(units, pumps, strict=True):
            unit["heat_demand_share"] = site_mean.get(pump.site_id, 0.0) * power_share[pump.pk]
        notes.append(
            "heat demand: the sites' series summed; each heat pump serves its site's share "
            "(mean of the 4 weeks before gate closure) split by maximum power"
        )
    snapshot = {
        "pool_id": str(pool.pk),
        "price_area": pool.bidding_zone.code,
        "backup_heat_cost_eur_per_mwh": backup_cost,
        "source_temperature_series_id": source_series_id,
        "heat_pumps": units,
    }
    core = core_pool(snapshot)
    try:
        core.validate()
    except ValidationError as error:
        # pool.heat_pumps[i].x → heat_pumps[i].x: name the request's view of the field
        raise ValidationError(error.field.removeprefix("pool."), error.reason) from None
    if source_series_id is None:
        notes.append("source temperatures: each heat pump's fixed source temperature")
    notes.append(
        "COP = carnot_quality_grade × T_sink / (T_sink − T_source) [K], clipped to [1, cop_max]; "
        "ramp limits kW/min × 0.06 = MW/h; storages and backup heat per unit as mapped above"
    )
    return snapshot


def core_pool(snapshot: dict[str, Any]) -> CorePool:
    units = []
    for unit in snapshot["heat_pumps"]:
        fields = dict(unit)
        if fields["ramp_mw_per_h"] is None:
            fields["ramp_mw_per_h"] = math.inf
        units.append(CoreHeatPump(**fields))
    return CorePool(
        pool_id=snapshot["pool_id"],
        heat_pumps=tuple(units),
        backup_heat_cost_eur_per_mwh=snapshot["backup_heat_cost_eur_per_mwh"],
        price_area=snapshot["price_area"],
    )


def _hourly(series: Series, start: dt.datetime, end: dt.datetime, scale: float = 1.0) -> pd.Series:
    frame = observations_resampled(series, start, end, resolution_minutes=60)
    return frame["value"].astype(float) * scale


def _to_mtu(values: np.ndarray, hourly: pd.DatetimeIndex, index: pd.DatetimeIndex) -> np.ndarray:
    """(K, hours) → (K, MTUs): each MTU takes its clock hour's value."""
    return np.asarray(values, float)[:, hourly.get_indexer(index.floor("h"))]


def _stored_run(series: Series, tenant, gate: dt.datetime, day: dt.date) -> ForecastRun | None:
    start, end = delivery_day_bounds(day)
    return (
        ForecastRun.objects.for_tenant(tenant)
        .filter(
            series=series,
            job__status=JobStatus.SUCCEEDED,
            issued_at__lte=gate,
            horizon_start_at__lte=start,
            horizon_end_at__gte=end,
            resolution_minutes__lte=60,
        )
        .order_by("-issued_at", "-id")
        .first()
    )


def _run_paths(run: ForecastRun, hourly: pd.DatetimeIndex, scale: float):
    """Hourly scenario paths (K, T) and probabilities of a stored run, or its point (1, T)."""
    values = forecast_run_values(run)
    values = values[values["quantile"] == 0.5]
    paths = values[values["scenario"] >= 1]
    if paths.empty:
        point = values[values["scenario"] == 0].set_index("time")["value"]
        hourly_point = point.resample("h").mean().reindex(hourly)
        return hourly_point.to_numpy(float)[None] * scale, None
    table = paths.pivot_table(index="scenario", columns="time", values="value")
    table = table.T.resample("h").mean().T.reindex(columns=hourly)
    probability = paths.groupby("scenario")["scenario_probability"].first().to_numpy(float)
    return table.to_numpy(float) * scale, probability / probability.sum()


def build_scenarios(plan, products: list[ReserveProductRules], notes: list[str]) -> Scenarios:
    """Price, heat, source-temperature and capacity-price scenarios of the plan's day.

    Stored forecast scenarios of the price and heat series are used when forecast runs issued
    before gate closure cover the day; otherwise all targets are bootstrapped jointly with
    ``forecasting.core.api.day_ahead_scenarios`` from history strictly before gate closure.
    """
    from forecasting.core.api import day_ahead_forecast, day_ahead_scenarios

    day, gate = plan.delivery_day, plan.gate_closure_at
    hourly = delivery_day_periods(day, 60)
    index = delivery_day_periods(day, plan.mtu_minutes)
    start = gate - dt.timedelta(days=HISTORY_DAYS)
    heat_series = list(plan.heat_demand_series.order_by("id"))
    history = pd.DataFrame(index=pd.date_range(start, gate, freq="h", inclusive="left"))
    history["price"] = _hourly(plan.price_series, start, gate)
    heat = sum(_hourly(series, start, gate, 1 / KW_PER_MW) for series in heat_series)
    history["heat_mw"] = heat
    capacity_columns = {}
    zone = plan.pool.bidding_zone
    for rules in products:
        product = MarketProduct.objects.get(code=rules.name)
        column = f"capacity_{rules.name}"
        history[column] = _hourly(capacity_price_series(product, zone), start, gate)
        capacity_columns[rules.name] = column
    source_id = plan.pool_snapshot["source_temperature_series_id"]
    if source_id is not None:
        history["source_c"] = _hourly(Series.objects.get(pk=source_id), start, gate)
    history = history.loc[history.index < pd.Timestamp(gate)]  # look-ahead guard

    price_run = _stored_run(plan.price_series, plan.tenant, gate, day)
    heat_run = (
        _stored_run(heat_series[0], plan.tenant, gate, day) if len(heat_series) == 1 else None
    )
    stored = None
    if price_run is not None and heat_run is not None and price_run.scenario_count >= 2:
        price, probability = _run_paths(price_run, hourly, 1.0)
        heat_paths, heat_probability = _run_paths(heat_run, hourly, 1 / KW_PER_MW)
        if heat_probability is not None and len(heat_probability) != len(probability):
            heat_paths = (heat_probability @ heat_paths)[None]
        heat_paths = np.broadcast_to(heat_paths, price.shape)
        if np.isfinite(price).all() and np.isfinite(heat_paths).all():
            stored = {"price": price, "heat_mw": heat_paths}
            notes.append(
                f"scenarios: stored forecast run {price_run.pk} of {plan.price_series.key!r} "
                f"({len(probability)} scenarios, issued {price_run.issued_at:%Y-%m-%dT%H:%MZ}) "
                f"and run {heat_run.pk} of the heat demand (paired by scenario number, or its "
                "mean in every scenario)"
            )
    if stored is not None:
        plan.scenario_source = plan.ScenarioSource.STORED_FORECAST
        values = dict(stored)
        for column in [*capacity_columns.values(), *(["source_c"] if source_id else [])]:
            point = day_ahead_forecast(history[[column]].dropna(), column, gate, hourly).mean
            values[column] = np.broadcast_to(np.asarray(point, float), price.shape)
        notes.append("capacity prices and source temperature: seasonal-naive point forecasts")
    else:
        plan.scenario_source = plan.ScenarioSource.BOOTSTRAP
        targets = list(history.columns)
        scenario_set = day_ahead_scenarios(
            history[targets].dropna(),
            targets,
            pd.Timestamp(gate),
            hourly,
            n_scenarios=plan.scenario_count,
            seed=plan.seed,
        )
        values, probability = scenario_set.values, np.asarray(scenario_set.probabilities, float)
        notes.append(
            f"scenarios: {len(probability)} joint scenarios of price, heat demand"
            f"{', capacity prices' if capacity_columns else ''} by seasonal-naive forecast and "
            f"residual block bootstrap from data before gate closure {gate:%Y-%m-%dT%H:%MZ}"
        )
    if plan.mtu_minutes < 60:
        notes.append(f"hourly scenarios repeated on each {plan.mtu_minutes}-min MTU")
    notes.append(
        "imbalance price: no imbalance forecast; the day-ahead price scenarios plus the "
        f"imbalance penalty of {plan.imbalance_penalty_eur_per_mwh:g} EUR/MWh"
    )
    price = _to_mtu(values["price"], hourly, index)
    source = (
        _to_mtu(values["source_c"], hourly, index)
        if source_id is not None
        else np.zeros_like(price)
    )
    return Scenarios(
        index=index,
        probabilities=probability,
        day_ahead_price_eur_per_mwh=price,
        imbalance_price_eur_per_mwh=price,
        heat_demand_mw=np.maximum(_to_mtu(values["heat_mw"], hourly, index), 0.0),
        source_temperature_c=source,
        capacity_price_eur_per_mw_h={
            code: np.maximum(_to_mtu(values[column], hourly, index), 0.0)
            for code, column in capacity_columns.items()
        },
    )


def latest_heat_forecast(plan, index: pd.DatetimeIndex, issued_before: dt.datetime):
    """A point forecast of the pool's heat [MW] on ``index`` issued after the plan's gate
    closure (and before ``issued_before``), or None: fresher than the plan's scenarios."""
    heat_series = list(plan.heat_demand_series.order_by("id"))
    if len(heat_series) != 1:
        return None
    from ainergy.timeseries.selectors import forecast_issue, forecast_issue_values

    series = heat_series[0]
    # one run (the latest succeeded issue in the window), never two models mixed
    issue = forecast_issue(
        series,
        issued_after=plan.gate_closure_at,
        issued_at=issued_before,
        start=index[0],
        end=index[-1] + pd.Timedelta(minutes=1),
    )
    if issue is None:
        return None
    issued_at = issue[0]
    frame = forecast_issue_values(series, issue)
    frame = frame[(frame["quantile"] == 0.5) & (frame["scenario"] == 0)]
    frame = frame.assign(time=pd.to_datetime(frame["time"], utc=True))
    values = frame.set_index("time")["value"].sort_index()
    step = f"{min(series.resolution_minutes, 60)}min"
    on_grid = values.resample(step).mean().reindex(index, method="ffill", limit=3)
    if on_grid.isna().any():
        return None
    return on_grid.to_numpy(
        float
    ) / KW_PER_MW, f"forecast of {series.key!r} issued {issued_at:%Y-%m-%dT%H:%MZ}"
