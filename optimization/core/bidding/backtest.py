"""Rolling backtest of the bidding strategies on realised data (``python -m optimization backtest``).

Each delivery day D: scenarios from the forecasting core using only data before gate closure
(12:00 Europe/Copenhagen on D-1), one bid per strategy, clearing against the realised day-ahead
price (curve interpolation) and reserve capacity prices (price-taking offers at 0 EUR/MW/h),
dispatch with the realised heat demand and temperature, settlement:
``total = day_ahead + imbalance + imbalance_penalty + backup + start + non_delivery - reserve``
[EUR]. Accepted reserve the realised day cannot hold is not skipped: the dispatch treats it as
soft, the MW not held earn no capacity payment and cost ``non_delivery_penalty_eur_per_mw_h``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ainergy.common.errors import ApplicationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from optimization.core.bidding.case import Case, read_series, to_mtu
from optimization.core.bidding.dispatch import DispatchProblem, dispatch_pool
from optimization.core.bidding.engine import solve_bidding
from optimization.core.bidding.problem import BiddingProblem, Scenarios

PRICE, TEMP = "price_eur_per_mwh", "temperature_c"


@dataclass
class CaseData:
    """Hourly realised series of a case (UTC index)."""

    frame: pd.DataFrame  # price, temperature, capacity prices, heat, imbalance
    heat_model: object | None
    heat_scale: float


def load_case_data(case: Case) -> CaseData:
    data = case.raw["data"]
    columns = {
        PRICE: read_series(case, data["day_ahead_price"], "data.day_ahead_price"),
        TEMP: read_series(case, data["outdoor_temperature"], "data.outdoor_temperature"),
    }
    for product in case.products:
        columns[f"cap_{product.name}"] = read_series(
            case, data["capacity_price"][product.name], f"data.capacity_price.{product.name}"
        ).fillna(0.0)
    if data.get("imbalance_price"):
        columns["imbalance"] = read_series(case, data["imbalance_price"], "data.imbalance_price")
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
        columns["heat"] = read_series(case, heat_spec, "data.heat_demand")
    frame = pd.DataFrame(columns)
    frame[TEMP] = frame[TEMP].interpolate(limit=6)
    if heat_model is not None:
        frame["heat"] = heat_model.predict(frame[TEMP].ffill().bfill()).to_numpy() * scale
    if "imbalance" not in frame:
        # No DK1 2024 imbalance prices in the shared data: settle deviations at the realised
        # day-ahead price plus the case's imbalance penalty (documented fallback).
        frame["imbalance"] = frame[PRICE]
    return CaseData(frame, heat_model, scale)


def _heat_from_temperature(
    data: CaseData, history_temp: pd.Series, scenario_temp: np.ndarray, index
) -> np.ndarray:
    """Heat scenarios (K, T) from temperature scenarios via the heat model (warm-up on history)."""
    rows = []
    for temps in scenario_temp:
        series = pd.concat([history_temp.iloc[-72:], pd.Series(temps, index=index)])
        rows.append(data.heat_model.predict(series).to_numpy()[-len(index) :] * data.heat_scale)
    return np.array(rows)


def day_scenarios(case: Case, data: CaseData, day: dt.date) -> tuple[Scenarios, Scenarios]:
    """(forecast scenarios from data before gate closure, realised single scenario), hourly."""
    from forecasting.core.api import day_ahead_scenarios

    index = delivery_day_periods(day, 60)
    gate = pd.Timestamp(
        dt.datetime.combine(day - dt.timedelta(days=1), dt.time(12), tzinfo=LOCAL_TZ)
    ).tz_convert("UTC")
    history = data.frame[data.frame.index < gate]
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
    forecast = Scenarios(
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
    real = data.frame.reindex(index)
    if real[[PRICE, TEMP, "heat"]].isna().any().any():
        raise ApplicationError(f"{day}: realised data missing", {"day": str(day)})
    realised = Scenarios(
        index=index,
        probabilities=np.ones(1),
        day_ahead_price_eur_per_mwh=real[PRICE].to_numpy()[None],
        imbalance_price_eur_per_mwh=real["imbalance"].fillna(real[PRICE]).to_numpy()[None],
        heat_demand_mw=real["heat"].to_numpy()[None],
        source_temperature_c=real[TEMP].to_numpy()[None],
        capacity_price_eur_per_mw_h={
            p.name: real[f"cap_{p.name}"].fillna(0.0).to_numpy()[None] for p in case.products
        },
    )
    return forecast, realised


def _on_mtu(s: Scenarios, mtu: int) -> Scenarios:
    if mtu == 60:
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


def run_strategy(
    case: Case, strategy: str, forecast: Scenarios, realised: Scenarios
) -> dict[str, float]:
    """Bid, clear against the realised prices, dispatch, settle one day [EUR]."""
    mtu = case.mtu_minutes
    pool, products = case.pool, case.products
    scen = {
        "stochastic": forecast,
        "deterministic": _mean(forecast),
        "perfect_foresight": realised,
        "heat_led": _flat_price(forecast),
    }[strategy]
    if strategy == "heat_led":
        # no market flexibility: no reserves, and a plan made against a flat price, so the
        # storage only serves the heat (minimum load, starts), never price shifting
        products = ()
    problem = BiddingProblem(
        pool=pool,
        scenarios=_on_mtu(scen, mtu),
        mtu_minutes=mtu,
        products=products,
        day_ahead=case.day_ahead,
        risk=case.risk,
        imbalance_penalty_eur_per_mwh=case.imbalance_penalty_eur_per_mwh,
    )
    bid = solve_bidding(problem, time_limit_s=120)
    real = _on_mtu(realised, mtu)
    price = real.day_ahead_price_eur_per_mwh[0]
    volume = np.array([c.volume_at(p) for c, p in zip(bid.curves, price, strict=True)])
    plan = dispatch_pool(
        DispatchProblem(
            pool=pool,
            index=real.index,
            mtu_minutes=mtu,
            day_ahead_volume_mw=volume,
            heat_demand_mw=real.heat_demand_mw[0],
            source_temperature_c=real.source_temperature_c[0],
            day_ahead_price_eur_per_mwh=price,
            products=products,
            reserve_capacity_mw=bid.reserve_capacity_mw,
            # heat-led does not chase the realised prices in dispatch either
            expected_imbalance_price_eur_per_mwh=(
                _on_mtu(scen, mtu).day_ahead_price_eur_per_mwh[0]
                if strategy == "heat_led"
                else None
            ),
            deviation_penalty_eur_per_mwh=case.imbalance_penalty_eur_per_mwh,
            non_delivery_penalty_eur_per_mw_h=case.non_delivery_penalty_eur_per_mw_h,
        )
    )
    step_h = mtu / 60
    imbalance_price = real.imbalance_price_eur_per_mwh[0]
    delivered = {
        p.name: bid.reserve_capacity_mw[p.name] - plan.reserve_shortfall_mw[p.name]
        for p in products
    }
    reserve = sum(
        float((real.capacity_price_eur_per_mw_h[p.name][0] * delivered[p.name]).sum() * step_h)
        for p in products
    )
    missing_mwh = sum(float(plan.reserve_shortfall_mw[p.name].sum()) * step_h for p in products)
    deviation = plan.deviation_mw
    costs = {
        "day_ahead": float((price * volume).sum() * step_h),
        "reserve": -reserve,
        "imbalance": float((imbalance_price * deviation).sum() * step_h),
        "imbalance_penalty": float(
            case.imbalance_penalty_eur_per_mwh * np.abs(deviation).sum() * step_h
        ),
        "backup": plan.costs_eur["backup"],
        "start": plan.costs_eur["start"],
        "non_delivery": case.non_delivery_penalty_eur_per_mw_h * missing_mwh,
    }
    costs["total"] = sum(costs.values())
    # diagnostics (not costs): volumes behind the components
    costs["day_ahead_mwh"] = float(volume.sum() * step_h)
    costs["deviation_short_mwh"] = float(np.maximum(deviation, 0).sum() * step_h)
    costs["deviation_long_mwh"] = float(np.maximum(-deviation, 0).sum() * step_h)
    costs["reserve_offered_mwh"] = sum(
        float(bid.reserve_capacity_mw[p.name].sum()) * step_h for p in products
    )
    costs["reserve_not_delivered_mwh"] = missing_mwh
    costs["non_delivery_days"] = float(missing_mwh > 1e-6)
    return costs


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
DIAGNOSTICS = (
    "day_ahead_mwh",
    "deviation_short_mwh",
    "deviation_long_mwh",
    "reserve_offered_mwh",
    "reserve_not_delivered_mwh",
    "non_delivery_days",
)


def run_backtest(
    case: Case, start: dt.date, end: dt.date, day_step: int = 1, progress=None
) -> dict:
    """Totals per strategy over the days; ``progress(day, costs or None)`` after each day."""
    data = load_case_data(case)
    totals = {s: dict.fromkeys(COMPONENTS + DIAGNOSTICS, 0.0) for s in case.strategies}
    days, skipped, daily = 0, [], []
    day = start
    while day <= end:
        try:
            forecast, realised = day_scenarios(case, data, day)
            results = {s: run_strategy(case, s, forecast, realised) for s in case.strategies}
        except ApplicationError as error:
            skipped.append({"day": str(day), "reason": str(error)})
        else:
            days += 1
            daily.append({"day": str(day), **{s: round(c["total"], 2) for s, c in results.items()}})
            for s, costs in results.items():
                for k, v in costs.items():
                    totals[s][k] += v
        if progress is not None:
            progress(day, results if daily and daily[-1]["day"] == str(day) else None)
        day += dt.timedelta(days=day_step)
    out: dict = {
        "days": days,
        "skipped": skipped,
        "non_delivery_penalty_eur_per_mw_h": case.non_delivery_penalty_eur_per_mw_h,
        "strategies": {},
        "daily_total_eur": daily,
    }
    for s, t in totals.items():
        out["strategies"][s] = {f"{k}_eur": round(t[k], 2) for k in COMPONENTS}
        out["strategies"][s].update({k: round(t[k], 3) for k in DIAGNOSTICS})
    get = {s: totals[s]["total"] for s in totals}
    if {"stochastic", "deterministic"} <= get.keys():
        out["vss_eur"] = round(get["deterministic"] - get["stochastic"], 2)
    if {"stochastic", "perfect_foresight"} <= get.keys():
        out["evpi_eur"] = round(get["stochastic"] - get["perfect_foresight"], 2)
    if {"heat_led", "perfect_foresight"} <= get.keys():
        possible = get["heat_led"] - get["perfect_foresight"]
        for s in get:
            share = (get["heat_led"] - get[s]) / possible if abs(possible) > 1e-9 else float("nan")
            out["strategies"][s]["captured_share"] = round(share, 4)
    return out
