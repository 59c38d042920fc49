"""Rolling-origin backtest of the bidding strategies on realised data
(``python -m optimization backtest CASE.json [--out DAYS.jsonl]``).

Each delivery day D (a rolling origin: nothing after gate closure, 12:00 Europe/Copenhagen on
D-1, reaches the forecasts):

1. scenarios from the forecasting core on history strictly before gate closure;
2. one bid per strategy — ``stochastic`` (all scenarios), ``deterministic`` (their mean),
   ``perfect_foresight`` (the realised day: prices, heat, temperature, capacity prices — but,
   like every other strategy, no knowledge of imbalance prices: its imbalance scenario is the
   day-ahead price), ``heat_led`` (the mean forecast with prices flattened, no reserves) and,
   reported apart, ``imbalance_oracle`` (perfect foresight *including* realised imbalance
   prices: an arbitrage bound, not a benchmark);
3. clearing at the realised day-ahead price (curve interpolation) and price-taking reserve offers
   accepted at the realised capacity price;
4. the same dispatch for every strategy (:func:`dispatch_pool`): the cleared position, deviating
   only where physically undeliverable, prices never steering it;
5. settlement on the MTU grid (15-minute prices averaged onto hourly MTUs, never cut to
   their :00 quarter): ``total = day_ahead + imbalance + imbalance_penalty + backup + start +
   non_delivery - reserve`` [EUR]; deviations at the published imbalance price plus
   ``imbalance_fee_eur_per_mwh`` where the case has one, else at the day-ahead price plus the
   dispatch's conservative penalty; reserve MW not held earn nothing and cost
   ``non_delivery_penalty_eur_per_mw_h``.

A strategy that fails on a day is recorded with its error and never removes the day from the
others. Days are written one JSON line each (resumable: days already in ``--out`` are skipped);
:func:`summarize` turns them into totals, VSS / EVPI / captured share with moving-block bootstrap
intervals, a sensitivity table to the non-delivery penalty, VSS per quarter, reserve delivered /
offered, dispatch deviation share and scenario calibration.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ainergy.common.errors import ApplicationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from optimization.core.bidding.case import Case, on_grid, read_series, series_step_minutes, to_mtu
from optimization.core.bidding.dispatch import DispatchProblem, dispatch_pool
from optimization.core.bidding.engine import solve_bidding
from optimization.core.bidding.problem import BiddingProblem, Scenarios

PRICE, TEMP = "price_eur_per_mwh", "temperature_c"
COMPARED = ("stochastic", "deterministic", "perfect_foresight", "heat_led")
PENALTY_GRID_EUR_PER_MW_H = (0.0, 25.0, 50.0, 100.0, 200.0, 500.0, 1000.0)


@dataclass
class CaseData:
    """Realised series of a case: ``hourly`` (forecast history, hourly means) and ``native``
    (each series at its own resolution, for settlement on the MTU grid)."""

    hourly: pd.DataFrame
    native: dict[str, pd.Series]
    heat_model: object | None
    heat_scale: float


def _hourly(series: pd.Series) -> pd.Series:
    if series_step_minutes(series) < 60:
        return series.groupby(series.index.floor("60min")).mean()
    return series


def load_case_data(case: Case) -> CaseData:
    data = case.raw["data"]
    native = {
        PRICE: read_series(case, data["day_ahead_price"], "data.day_ahead_price"),
        TEMP: read_series(case, data["outdoor_temperature"], "data.outdoor_temperature"),
    }
    for product in case.products:
        native[f"cap_{product.name}"] = read_series(
            case, data["capacity_price"][product.name], f"data.capacity_price.{product.name}"
        )
    if data.get("imbalance_price"):
        native["imbalance"] = read_series(case, data["imbalance_price"], "data.imbalance_price")
    heat_spec = data["heat_demand"]
    heat_model = None
    scale = float(heat_spec.get("scale", 1.0))
    if "model" in heat_spec:
        from forecasting.core.api import fit_heat_temperature_model

        spec = heat_spec["model"]
        heat = read_series(
            case, {"file": spec["file"], "column": spec["heat_column"]}, "data.heat_demand.model"
        )
        temp = read_series(
            case,
            {"file": spec["file"], "column": spec["temperature_column"]},
            "data.heat_demand.model",
        )
        heat_model = fit_heat_temperature_model(
            pd.DataFrame({"heat": heat, "temperature": temp}), "heat", "temperature"
        )
    else:
        native["heat"] = read_series(case, heat_spec, "data.heat_demand")
    frame = pd.DataFrame({k: _hourly(v) for k, v in native.items()})
    for product in case.products:
        frame[f"cap_{product.name}"] = frame[f"cap_{product.name}"].fillna(0.0)
    frame[TEMP] = frame[TEMP].interpolate(limit=6)
    if heat_model is not None:
        frame["heat"] = heat_model.predict(frame[TEMP].ffill().bfill()).to_numpy() * scale
        native["heat"] = frame["heat"]
    return CaseData(frame, native, heat_model, scale)


def _heat_from_temperature(
    data: CaseData, history_temp: pd.Series, scenario_temp: np.ndarray, index
) -> np.ndarray:
    """Heat scenarios (K, T) from temperature scenarios via the heat model (warm-up on history)."""
    rows = []
    for temps in scenario_temp:
        series = pd.concat([history_temp.iloc[-72:], pd.Series(temps, index=index)])
        rows.append(data.heat_model.predict(series).to_numpy()[-len(index) :] * data.heat_scale)
    return np.array(rows)


def gate_closure(day: dt.date) -> pd.Timestamp:
    """12:00 Europe/Copenhagen on the day before delivery, in UTC."""
    return pd.Timestamp(
        dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12), tzinfo=LOCAL_TZ)
    ).tz_convert("UTC")


def forecast_scenarios(case: Case, data: CaseData, day: dt.date) -> Scenarios:
    """Hourly forecast scenarios of the day from data strictly before gate closure."""
    from forecasting.core.api import day_ahead_scenarios

    index = delivery_day_periods(day, 60)
    gate = gate_closure(day)
    history = data.hourly[data.hourly.index < gate]
    targets = [PRICE, TEMP] + [f"cap_{p.name}" for p in case.products]
    if data.heat_model is None:
        targets.append("heat")
    sset = day_ahead_scenarios(
        history[targets].dropna(),
        targets,
        gate,
        index,
        n_scenarios=case.n_scenarios,
        seed=case.seed,
    )
    values = sset.values
    if data.heat_model is not None:
        heat = _heat_from_temperature(data, history[TEMP].dropna(), values[TEMP], index)
    else:
        heat = np.maximum(values["heat"], 0.0)
    return Scenarios(
        index=index,
        probabilities=np.asarray(sset.probabilities, float),
        day_ahead_price_eur_per_mwh=values[PRICE],
        imbalance_price_eur_per_mwh=values[PRICE],
        heat_demand_mw=np.maximum(heat, 0.0),
        source_temperature_c=values[TEMP],
        capacity_price_eur_per_mw_h={
            p.name: np.maximum(values[f"cap_{p.name}"], 0.0) for p in case.products
        },
    )


@dataclass(frozen=True)
class Realised:
    """The realised day on the case's MTU grid; ``imbalance_price`` NaN where unpublished."""

    scenario: Scenarios  # one scenario; its imbalance price is the day-ahead price
    imbalance_price_eur_per_mwh: np.ndarray


def realised_day(case: Case, data: CaseData, day: dt.date) -> Realised:
    """Realised prices, heat, temperature and capacity prices of ``day`` on the MTU grid."""
    mtu = case.mtu_minutes
    index = delivery_day_periods(day, mtu)
    values = {
        name: on_grid(data.native[name], index, mtu)
        for name in [PRICE, TEMP, "heat"] + [f"cap_{p.name}" for p in case.products]
    }
    missing = [name for name in (PRICE, TEMP, "heat") if not np.isfinite(values[name]).all()]
    if missing:
        raise ApplicationError(
            f"{day}: realised data missing ({', '.join(missing)})", {"day": str(day)}
        )
    imbalance = (
        on_grid(data.native["imbalance"], index, mtu)
        if "imbalance" in data.native
        else np.full(len(index), np.nan)
    )
    price = values[PRICE]
    scenario = Scenarios(
        index=index,
        probabilities=np.ones(1),
        day_ahead_price_eur_per_mwh=price[None],
        imbalance_price_eur_per_mwh=price[None],
        heat_demand_mw=np.maximum(values["heat"], 0.0)[None],
        source_temperature_c=values[TEMP][None],
        capacity_price_eur_per_mw_h={
            p.name: np.nan_to_num(values[f"cap_{p.name}"], nan=0.0)[None] for p in case.products
        },
    )
    return Realised(scenario, imbalance)


def day_scenarios(case: Case, data: CaseData, day: dt.date) -> tuple[Scenarios, Realised]:
    """(hourly forecast scenarios, the realised day on the MTU grid)."""
    realised = realised_day(case, data, day)
    return forecast_scenarios(case, data, day), realised


def on_mtu(s: Scenarios, mtu: int) -> Scenarios:
    """Hourly scenarios repeated on each MTU of the day (identity for hourly MTUs)."""
    step = (s.index[1] - s.index[0]) if len(s.index) > 1 else pd.Timedelta(minutes=60)
    if step == pd.Timedelta(minutes=mtu):
        return s
    day = s.index[0].tz_convert(LOCAL_TZ).date()
    return replace(
        s,
        index=delivery_day_periods(day, mtu),
        day_ahead_price_eur_per_mwh=to_mtu(s.day_ahead_price_eur_per_mwh, mtu),
        imbalance_price_eur_per_mwh=to_mtu(s.imbalance_price_eur_per_mwh, mtu),
        heat_demand_mw=to_mtu(s.heat_demand_mw, mtu),
        source_temperature_c=to_mtu(s.source_temperature_c, mtu),
        capacity_price_eur_per_mw_h={
            k: to_mtu(v, mtu) for k, v in s.capacity_price_eur_per_mw_h.items()
        },
    )


def _mean(s: Scenarios) -> Scenarios:
    pi = s.probabilities

    def avg(a: np.ndarray) -> np.ndarray:
        return (pi @ a)[None]

    return replace(
        s,
        probabilities=np.ones(1),
        day_ahead_price_eur_per_mwh=avg(s.day_ahead_price_eur_per_mwh),
        imbalance_price_eur_per_mwh=avg(s.imbalance_price_eur_per_mwh),
        heat_demand_mw=avg(s.heat_demand_mw),
        source_temperature_c=avg(s.source_temperature_c),
        capacity_price_eur_per_mw_h={k: avg(v) for k, v in s.capacity_price_eur_per_mw_h.items()},
    )


def _flat_price(s: Scenarios) -> Scenarios:
    """Heat-led: the mean forecast with every price flattened to its daily mean (no signal)."""
    mean = _mean(s)

    def flat(a: np.ndarray) -> np.ndarray:
        return np.broadcast_to(a.mean(axis=1, keepdims=True), a.shape).copy()

    return replace(
        mean,
        day_ahead_price_eur_per_mwh=flat(mean.day_ahead_price_eur_per_mwh),
        imbalance_price_eur_per_mwh=flat(mean.imbalance_price_eur_per_mwh),
    )


def strategy_scenarios(strategy: str, forecast: Scenarios, realised: Realised, mtu: int):
    """What a strategy bids against, on the MTU grid."""
    if strategy == "perfect_foresight":
        return realised.scenario
    if strategy == "imbalance_oracle":
        known = realised.imbalance_price_eur_per_mwh
        day_ahead = realised.scenario.day_ahead_price_eur_per_mwh[0]
        return replace(
            realised.scenario,
            imbalance_price_eur_per_mwh=np.where(np.isfinite(known), known, day_ahead)[None],
        )
    scenarios = {
        "stochastic": forecast,
        "deterministic": _mean(forecast),
        "heat_led": _flat_price(forecast),
    }[strategy]
    return on_mtu(scenarios, mtu)


def bid_for_strategy(case: Case, strategy: str, forecast: Scenarios, realised: Realised):
    """(bid, products) of one strategy for one day."""
    products = case.products
    margin = case.uncertainty_margin
    if strategy == "heat_led":
        # no market flexibility: no reserves, and a plan made against a flat price, so the
        # storage only serves the heat (minimum load, starts), never price shifting; it buys
        # its plan at any price (a flat plan has no value steps to speak of)
        products, margin = (), None
    problem = BiddingProblem(
        pool=case.pool,
        scenarios=strategy_scenarios(strategy, forecast, realised, case.mtu_minutes),
        mtu_minutes=case.mtu_minutes,
        products=products,
        day_ahead=case.day_ahead,
        risk=case.risk,
        imbalance_penalty_eur_per_mwh=case.imbalance_penalty_eur_per_mwh,
        uncertainty_margin=margin,
    )
    return (
        solve_bidding(problem, time_limit_s=120, value_pricing=strategy != "heat_led"),
        products,
    )


def run_strategy(case: Case, strategy: str, forecast: Scenarios, realised: Realised) -> dict:
    """Bid, clear against the realised prices, dispatch, settle one day [EUR]."""
    mtu = case.mtu_minutes
    step_h = mtu / 60
    started = time.perf_counter()
    bid, products = bid_for_strategy(case, strategy, forecast, realised)
    bid_s = time.perf_counter() - started
    real = realised.scenario
    price = real.day_ahead_price_eur_per_mwh[0]
    volume = np.array([c.volume_at(p) for c, p in zip(bid.curves, price, strict=True)])
    started = time.perf_counter()
    plan = dispatch_pool(
        DispatchProblem(
            pool=case.pool,
            index=real.index,
            mtu_minutes=mtu,
            day_ahead_volume_mw=volume,
            heat_demand_mw=real.heat_demand_mw[0],
            source_temperature_c=real.source_temperature_c[0],
            day_ahead_price_eur_per_mwh=price,
            products=products,
            reserve_capacity_mw=bid.reserve_capacity_mw,
            imbalance_price_eur_per_mwh=realised.imbalance_price_eur_per_mwh,
            imbalance_fee_eur_per_mwh=case.imbalance_fee_eur_per_mwh,
            non_delivery_penalty_eur_per_mw_h=case.non_delivery_penalty_eur_per_mw_h,
            hint_power_mw=bid.expected_power_mw,
        ),
        time_limit_s=case.dispatch_time_limit_s,
    )
    dispatch_s = time.perf_counter() - started
    offered = {p.name: bid.reserve_capacity_mw[p.name] for p in products}
    held = {p.name: offered[p.name] - plan.reserve_shortfall_mw[p.name] for p in products}
    revenue = sum(
        float((real.capacity_price_eur_per_mw_h[p.name][0] * held[p.name]).sum() * step_h)
        for p in products
    )
    missing_mwh = sum(float(plan.reserve_shortfall_mw[p.name].sum()) * step_h for p in products)
    deviation = plan.deviation_mw
    reasons: dict[str, float] = {}
    for reason, value in zip(plan.deviation_reasons, deviation, strict=True):
        if reason:
            reasons[reason] = reasons.get(reason, 0.0) + abs(float(value)) * step_h
    costs = {
        "day_ahead": float((price * volume).sum() * step_h),
        "reserve": -revenue,
        "imbalance": plan.costs_eur["imbalance"],
        "imbalance_penalty": plan.costs_eur["imbalance_penalty"],
        "backup": plan.costs_eur["backup"],
        "start": plan.costs_eur["start"],
        "non_delivery": case.non_delivery_penalty_eur_per_mw_h * missing_mwh,
    }
    costs["total"] = sum(costs.values())
    top = [
        float(curve.prices_eur_per_mwh[int(np.flatnonzero(np.asarray(curve.volumes_mw) > 0)[-1])])
        if max(curve.volumes_mw) > 0
        else float("nan")
        for curve in bid.curves
    ]
    return {
        **costs,
        "day_ahead_mwh": float(volume.sum() * step_h),
        "deviation_mwh": float(np.abs(deviation).sum() * step_h),
        "deviation_short_mwh": float(np.maximum(-deviation, 0).sum() * step_h),
        "deviation_long_mwh": float(np.maximum(deviation, 0).sum() * step_h),
        "deviation_mtus": int((deviation != 0).sum()),
        # the deviating energy valued at the day-ahead price: what the deviation would have cost
        # had it been bought (sold) day-ahead, so imbalance - this = the cost of deviating
        "deviation_at_day_ahead_eur": float((price * deviation).sum() * step_h),
        "deviation_reasons_mwh": reasons,
        "reserve_offered_mwh": sum(float(v.sum()) * step_h for v in offered.values()),
        "reserve_not_delivered_mwh": missing_mwh,
        "deviation_penalty_eur_per_mwh": plan.deviation_penalty_eur_per_mwh,
        "dispatch_status": plan.status,
        "highest_buy_price_eur_per_mwh": float(np.nanmax(top)) if np.isfinite(top).any() else None,
        "bid_s": round(bid_s, 3),
        "dispatch_s": round(dispatch_s, 3),
    }


def _coverage(forecast: Scenarios, realised: Realised) -> dict[str, float]:
    """Hours inside the scenarios' probability-weighted 10-90 % band, per series."""
    hourly_real = {
        "price": realised.scenario.day_ahead_price_eur_per_mwh[0],
        "heat": realised.scenario.heat_demand_mw[0],
    }
    out = {}
    for name, values in (
        ("price", forecast.day_ahead_price_eur_per_mwh),
        ("heat", forecast.heat_demand_mw),
    ):
        real = hourly_real[name]
        if len(real) != values.shape[1]:  # MTU finer than the hourly scenarios
            real = real.reshape(values.shape[1], -1).mean(axis=1)
        order = np.argsort(values, axis=0)
        sorted_values = np.take_along_axis(values, order, axis=0)
        cumulative = np.cumsum(forecast.probabilities[order], axis=0)
        low = sorted_values[np.argmax(cumulative >= 0.1, axis=0), np.arange(values.shape[1])]
        high = sorted_values[np.argmax(cumulative >= 0.9, axis=0), np.arange(values.shape[1])]
        out[f"{name}_hours"] = float(len(real))
        out[f"{name}_inside_80"] = float(((real >= low) & (real <= high)).sum())
    return out


def _exceedance(forecast: Scenarios, data: CaseData, day: dt.date) -> dict[str, float]:
    """How far the realised day left the scenario envelope, in scenario standard deviations
    (the worst hour; 0 inside): what the rolling calibration of the margin learns from."""
    hourly = data.hourly.reindex(forecast.index)
    pi = forecast.probabilities[:, None]
    out = {}
    for name, values, real in (
        ("heat", forecast.heat_demand_mw, hourly["heat"].to_numpy(float)),
        ("temperature", forecast.source_temperature_c, hourly[TEMP].to_numpy(float)),
    ):
        mean = (pi * values).sum(axis=0)
        std = np.sqrt((pi * (values - mean) ** 2).sum(axis=0))
        std = np.maximum(std, 0.01 * np.abs(mean) + 1e-6)  # no division by a collapsed spread
        beyond = np.maximum(values.min(axis=0) - real, real - values.max(axis=0))
        ratio = np.maximum(beyond, 0.0) / std
        out[f"{name}_exceedance_sigma"] = (
            float(np.nanmax(ratio)) if np.isfinite(ratio).any() else 0.0
        )
        standardized = (real - mean) / std
        if np.isfinite(standardized).any():
            out[f"{name}_rms_sigma"] = float(np.sqrt(np.nanmean(standardized**2)))
        if name == "heat" and np.isfinite(real).any():
            out["heat_over_forecast_mw"] = float(np.nanmean(mean - real))
    return out


def calibrated_spread(case: Case, history: list[tuple[dt.date, dict]], day: dt.date) -> float:
    """Heat-scenario spread factor kappa >= 1: the RMS of past days' realised heat in units of
    the scenarios' standard deviation (about 1 for calibrated scenarios), over the calibration
    window of days settled before gate closure; 1 without calibration or history."""
    spec = case.margin_calibration
    if spec is None or not spec.get("heat_spread", 0.0):
        return 1.0
    first = day - dt.timedelta(days=int(spec["window_days"]))
    past = [
        c["heat_rms_sigma"]
        for d, c in history
        if first <= d <= day - dt.timedelta(days=2) and "heat_rms_sigma" in c
    ]
    if len(past) < spec["min_days"]:
        return 1.0
    return max(1.0, float(np.sqrt(np.mean(np.square(past)))))


def inflate_heat(forecast: Scenarios, kappa: float) -> Scenarios:
    """Heat scenarios spread ``kappa`` times wider around their probability-weighted mean."""
    if kappa == 1.0:
        return forecast
    heat = np.asarray(forecast.heat_demand_mw, float)
    mean = forecast.probabilities @ heat
    return replace(forecast, heat_demand_mw=np.maximum(mean + kappa * (heat - mean), 0.0))


def calibrated_margin(case: Case, history: list[tuple[dt.date, dict]], day: dt.date):
    """The day's UncertaintyMargin: sigmas = the ``coverage`` quantile of the worst-hour
    exceedances of past days (settled before gate closure: day - 2 and earlier) in the
    window; the case's own sigmas until ``min_days`` of history exist."""
    margin = case.uncertainty_margin
    spec = case.margin_calibration
    if margin is None or spec is None:
        return margin
    first = day - dt.timedelta(days=int(spec["window_days"]))
    past = [c for d, c in history if first <= d <= day - dt.timedelta(days=2)]
    if len(past) < spec["min_days"]:
        return margin
    q = spec["coverage"]
    over = [c["heat_over_forecast_mw"] for c in past if "heat_over_forecast_mw" in c]
    return replace(
        margin,
        heat_sigma=float(np.quantile([c["heat_exceedance_sigma"] for c in past], q)),
        temperature_sigma=float(np.quantile([c["temperature_exceedance_sigma"] for c in past], q)),
        # curves: the median past over-forecast of the day's mean heat (one-sided: a heat
        # forecast that ran high is what overfills the storage)
        curve_heat_mw=max(0.0, float(np.median(over))) if over else margin.curve_heat_mw,
    )


def run_day(case: Case, data: CaseData, day: dt.date, history=None) -> dict:
    """One day's record: per strategy its settlement or its error; data errors skip the day.
    ``history``: (day, calibration) of earlier days, for the rolling margin calibration."""
    record: dict = {"day": str(day), "strategies": {}, "failed": {}}
    try:
        forecast, realised = day_scenarios(case, data, day)
    except ApplicationError as error:
        record["skipped"] = str(error)
        return record
    raw = _exceedance(forecast, data, day)  # the raw scenarios: what kappa learns from
    kappa = calibrated_spread(case, history or [], day)
    forecast = inflate_heat(forecast, kappa)
    record["calibration"] = {
        **_coverage(forecast, realised),
        **_exceedance(forecast, data, day),
        "heat_rms_sigma": raw.get("heat_rms_sigma", 1.0),
        "heat_spread_factor": round(kappa, 4),
    }
    margin = calibrated_margin(case, history or [], day)
    if margin is not None:
        case = replace(case, uncertainty_margin=margin)
        record["margin"] = {
            "heat_sigma": round(margin.heat_sigma, 4),
            "temperature_sigma": round(margin.temperature_sigma, 4),
            "curve_heat_mw": round(margin.curve_heat_mw, 4),
        }
    for strategy in case.strategies:
        try:
            record["strategies"][strategy] = run_strategy(case, strategy, forecast, realised)
        except ApplicationError as error:
            record["failed"][strategy] = f"{type(error).__name__}: {error}"
    return record


def _learn_unsettled_days(
    case: Case,
    data: CaseData,
    history: list[tuple[dt.date, dict]],
    tried: set[dt.date],
    day: dt.date,
) -> None:
    """Add to ``history`` the exceedance of every day in ``day``'s calibration window (up to
    D-2) that was not settled: the days before the period and, with ``day_step`` > 1, the days
    between sampled days. Their scenarios and realised heat are known at D's gate, so a sampled
    run calibrates on the same past as a daily one."""
    window = int(case.margin_calibration["window_days"])
    past = day - dt.timedelta(days=window)
    while past <= day - dt.timedelta(days=2):
        if past not in tried:
            tried.add(past)
            try:
                forecast = forecast_scenarios(case, data, past)
                history.append((past, _exceedance(forecast, data, past)))
            except ApplicationError:
                pass
        past += dt.timedelta(days=1)


def run_backtest(
    case: Case,
    start: dt.date,
    end: dt.date,
    day_step: int = 1,
    progress=None,
    out: Path | None = None,
) -> dict:
    """Run every ``day_step``-th day of [start, end]; with ``out`` (JSON lines) days already
    there are read instead of re-run. ``progress(record)`` after each day. Returns
    :func:`summarize` of all records."""
    data: CaseData | None = None  # loaded only when a day is to be run
    done: dict[str, dict] = {}
    if out is not None and out.exists():
        for line in out.read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                done[record["day"]] = record
    records = []
    history: list[tuple[dt.date, dict]] = []
    if case.margin_calibration is not None and done:  # a resumed run knows its past days
        history = [
            (dt.date.fromisoformat(r["day"]), r["calibration"])
            for r in done.values()
            if "calibration" in r and "heat_exceedance_sigma" in r["calibration"]
        ]
    day = start
    tried: set[dt.date] = {d for d, _ in history}
    while day <= end:
        record = done.get(str(day))
        if record is None:
            data = data if data is not None else load_case_data(case)
            if case.margin_calibration is not None:
                _learn_unsettled_days(case, data, history, tried, day)
            record = run_day(case, data, day, history)
            if out is not None:
                with out.open("a") as handle:
                    handle.write(json.dumps(record) + "\n")
            if progress is not None:
                progress(record)
        records.append(record)
        if day not in tried and "heat_exceedance_sigma" in record.get("calibration", {}):
            history.append((day, record["calibration"]))
        tried.add(day)
        day += dt.timedelta(days=day_step)
    return summarize(records, case)


# ------------------------------------------------------------------------------ reporting
COMPONENTS = (
    "total",
    "day_ahead",
    "reserve",
    "imbalance",
    "imbalance_penalty",
    "backup",
    "start",
    "non_delivery",
)
VOLUMES = (
    "day_ahead_mwh",
    "deviation_mwh",
    "deviation_short_mwh",
    "deviation_long_mwh",
    "reserve_offered_mwh",
    "reserve_not_delivered_mwh",
)


def _block_bootstrap(
    values: np.ndarray, statistic, *, block_days: int = 7, draws: int = 2000, seed: int = 0
) -> tuple[float, float]:
    """95 % moving-block bootstrap interval of ``statistic(rows)`` over days (rows of values)."""
    n = len(values)
    if n == 0:
        return float("nan"), float("nan")
    block = min(block_days, n)
    rng = np.random.default_rng(seed)
    starts = np.arange(n - block + 1)
    n_blocks = int(np.ceil(n / block))
    stats = np.empty(draws)
    for i in range(draws):
        chosen = rng.choice(starts, n_blocks)
        rows = (chosen[:, None] + np.arange(block)[None, :]).ravel()[:n]
        stats[i] = statistic(values[rows])
    low, high = np.nanpercentile(stats, [2.5, 97.5])
    return float(low), float(high)


def _totals(rows: list[dict]) -> dict[str, float]:
    return {k: float(sum(r[k] for r in rows)) for k in COMPONENTS + VOLUMES}


def summarize(records: list[dict], case: Case) -> dict:
    """Totals, comparisons with intervals, sensitivity and diagnostics from day records."""
    days = [r for r in records if "skipped" not in r]
    out: dict = {
        "days": len(days),
        "skipped": [{"day": r["day"], "reason": r["skipped"]} for r in records if "skipped" in r],
        "failed": [{"day": r["day"], **r["failed"]} for r in days if r["failed"]],
        "non_delivery_penalty_eur_per_mw_h": case.non_delivery_penalty_eur_per_mw_h,
        "strategies": {},
    }
    for strategy in case.strategies:
        rows = [r["strategies"][strategy] for r in days if strategy in r["strategies"]]
        if not rows:
            continue
        totals = _totals(rows)
        reasons: dict[str, float] = {}
        for row in rows:
            for reason, mwh in row["deviation_reasons_mwh"].items():
                reasons[reason] = reasons.get(reason, 0.0) + mwh
        offered = totals["reserve_offered_mwh"]
        out["strategies"][strategy] = {
            "days": len(rows),
            "failed_days": sum(strategy in r["failed"] for r in days),
            **{f"{k}_eur": round(totals[k], 2) for k in COMPONENTS},
            **{k: round(totals[k], 3) for k in VOLUMES},
            "deviation_share": round(totals["deviation_mwh"] / totals["day_ahead_mwh"], 5)
            if totals["day_ahead_mwh"] > 0
            else None,
            "deviation_cost_eur": round(totals["imbalance"] + totals["imbalance_penalty"], 2),
            "deviation_cost_over_day_ahead_eur": round(
                totals["imbalance"]
                + totals["imbalance_penalty"]
                - sum(r["deviation_at_day_ahead_eur"] for r in rows),
                2,
            )
            if all("deviation_at_day_ahead_eur" in r for r in rows)
            else None,
            "deviation_mtus": sum(r.get("deviation_mtus", 0) for r in rows)
            if all("deviation_mtus" in r for r in rows)
            else None,
            "deviation_reasons_mwh": {k: round(v, 3) for k, v in sorted(reasons.items())},
            "reserve_delivered_share": round(1 - totals["reserve_not_delivered_mwh"] / offered, 5)
            if offered > 0
            else None,
            "dispatch_not_optimal_days": sum(r["dispatch_status"] != "optimal" for r in rows),
            "dispatch_s_max": round(max(r["dispatch_s"] for r in rows), 2),
        }
    compared = [s for s in COMPARED if s in case.strategies]
    common = [r for r in days if all(s in r["strategies"] for s in compared)]
    out["common_days"] = len(common)
    # a day on which any compared strategy failed leaves the comparisons (reported, not hidden)
    out["dropped_days"] = len(days) - len(common)
    if len(compared) == len(COMPARED) and common:
        out.update(_comparisons(common, case))
    margins = [r for r in days if "margin" in r]
    if margins:
        inside = [
            r["calibration"]["heat_exceedance_sigma"] <= r["margin"]["heat_sigma"] + 1e-9
            for r in margins
        ]
        out["uncertainty_margin"] = {
            "heat_sigma_mean": round(
                float(np.mean([r["margin"]["heat_sigma"] for r in margins])), 3
            ),
            "temperature_sigma_mean": round(
                float(np.mean([r["margin"]["temperature_sigma"] for r in margins])), 3
            ),
            "days_heat_inside_box": round(float(np.mean(inside)), 4),
            "heat_spread_factor_mean": round(
                float(np.mean([r["calibration"].get("heat_spread_factor", 1.0) for r in margins])),
                3,
            ),
        }
    calibration = [r["calibration"] for r in days if "calibration" in r]
    if calibration:
        out["calibration_80"] = {
            name: round(
                sum(c[f"{name}_inside_80"] for c in calibration)
                / sum(c[f"{name}_hours"] for c in calibration),
                4,
            )
            for name in ("price", "heat")
        }
    return out


def _daily_totals(common: list[dict], penalty: float, case: Case) -> np.ndarray:
    """(days, 4) totals of the compared strategies with non-delivery settled at ``penalty``."""
    base = case.non_delivery_penalty_eur_per_mw_h
    return np.array(
        [
            [
                r["strategies"][s]["total"]
                + (penalty - base) * r["strategies"][s]["reserve_not_delivered_mwh"]
                for s in COMPARED
            ]
            for r in common
        ]
    )


def _comparisons(common: list[dict], case: Case) -> dict:
    sto, det, pf, hl = range(4)

    def vss(rows: np.ndarray) -> float:
        return float(rows[:, det].sum() - rows[:, sto].sum())

    def captured(column: int):
        def share(rows: np.ndarray) -> float:
            possible = rows[:, hl].sum() - rows[:, pf].sum()
            return float((rows[:, hl].sum() - rows[:, column].sum()) / possible)

        return share

    totals = _daily_totals(common, case.non_delivery_penalty_eur_per_mw_h, case)
    out = {
        "vss_eur": round(vss(totals), 2),
        "vss_interval_95_eur": [round(v, 2) for v in _block_bootstrap(totals, vss)],
        "vss_share_of_deterministic": round(vss(totals) / totals[:, det].sum(), 5),
        "vss_positive_days": int((totals[:, det] > totals[:, sto] + 1e-6).sum()),
        "evpi_eur": round(float(totals[:, sto].sum() - totals[:, pf].sum()), 2),
        "captured_share": {
            name: round(captured(column)(totals), 4)
            for name, column in (("stochastic", sto), ("deterministic", det))
        },
        "captured_share_interval_95": {
            name: [round(v, 4) for v in _block_bootstrap(totals, captured(column))]
            for name, column in (("stochastic", sto), ("deterministic", det))
        },
    }
    quarters: dict[str, list[int]] = {}
    for i, r in enumerate(common):
        day = dt.date.fromisoformat(r["day"])
        quarters.setdefault(f"{day.year}Q{(day.month - 1) // 3 + 1}", []).append(i)
    out["vss_by_quarter_eur"] = {q: round(vss(totals[rows]), 2) for q, rows in quarters.items()}
    sensitivity = []
    for penalty in PENALTY_GRID_EUR_PER_MW_H:
        rows = _daily_totals(common, penalty, case)
        low, high = _block_bootstrap(rows, vss)
        sensitivity.append(
            {
                "non_delivery_penalty_eur_per_mw_h": penalty,
                "vss_eur": round(vss(rows), 2),
                "vss_interval_95_eur": [round(low, 2), round(high, 2)],
                "captured_share_stochastic": round(captured(sto)(rows), 4),
                "captured_share_deterministic": round(captured(det)(rows), 4),
            }
        )
    out["vss_sensitivity"] = sensitivity
    return out
