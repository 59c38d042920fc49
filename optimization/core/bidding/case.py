"""Case files (JSON) for ``python -m optimization bid|backtest``: schema in docs/bidding.md."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from optimization.core.bidding.problem import (
    DayAheadRules,
    HeatPump,
    Pool,
    ReserveProductRules,
    RiskConfig,
    UncertaintyMargin,
    product_rules,
)

STRATEGIES = ("stochastic", "deterministic", "perfect_foresight", "heat_led", "imbalance_oracle")
#: the strategies the backtest compares (VSS, EVPI, captured share); the oracle is reported apart
DEFAULT_STRATEGIES = ("stochastic", "deterministic", "perfect_foresight", "heat_led")


@dataclass(frozen=True)
class Case:
    path: Path
    raw: dict[str, Any]
    pool: Pool
    products: tuple[ReserveProductRules, ...]
    day_ahead: DayAheadRules
    risk: RiskConfig
    mtu_minutes: int
    n_scenarios: int
    seed: int
    imbalance_penalty_eur_per_mwh: float
    strategies: tuple[str, ...]
    non_delivery_penalty_eur_per_mw_h: float = 100.0
    imbalance_fee_eur_per_mwh: float = 0.0
    dispatch_time_limit_s: float = 60.0
    uncertainty_margin: UncertaintyMargin | None = None
    #: rolling-origin calibration of the margin (backtest): {"coverage", "window_days",
    #: "min_days"}; the margin's sigmas are then re-set every day from past days only
    margin_calibration: dict[str, float] | None = None


def _require(raw: dict, key: str, kind: type | tuple, where: str = "") -> Any:
    name = f"{where}{key}"
    if key not in raw:
        raise ValidationError(name, "missing")
    value = raw[key]
    if not isinstance(value, kind):
        raise ValidationError(name, f"expected {getattr(kind, '__name__', kind)}")
    return value


def load_case(path: str | Path) -> Case:
    """Read and validate a case file; every error names the offending field."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text())
    except FileNotFoundError as error:
        raise ValidationError("case", f"file not found: {path}") from error
    except json.JSONDecodeError as error:
        raise ValidationError("case", f"invalid JSON: {error}") from error
    if not isinstance(raw, dict):
        raise ValidationError("case", "top level must be an object")
    pool_raw = _require(raw, "pool", dict)
    hp_raw = _require(pool_raw, "heat_pumps", list, "pool.")
    known = {f.name for f in fields(HeatPump)}
    heat_pumps = []
    for i, item in enumerate(hp_raw):
        if not isinstance(item, dict):
            raise ValidationError(f"pool.heat_pumps[{i}]", "expected an object")
        unknown = set(item) - known
        if unknown:
            raise ValidationError(f"pool.heat_pumps[{i}].{sorted(unknown)[0]}", "unknown field")
        try:
            heat_pumps.append(HeatPump(**item))
        except TypeError as error:
            raise ValidationError(f"pool.heat_pumps[{i}]", str(error)) from error
    pool = Pool(
        pool_id=str(pool_raw.get("pool_id", "pool")),
        heat_pumps=tuple(heat_pumps),
        backup_heat_cost_eur_per_mwh=float(pool_raw.get("backup_heat_cost_eur_per_mwh", 120.0)),
        price_area=str(raw.get("price_area", "DK1")),
    )
    pool.validate()
    products = []
    for i, item in enumerate(raw.get("products", [])):
        if isinstance(item, str):
            products.append(product_rules(item))
        elif isinstance(item, dict) and "name" in item:
            overrides = {k: v for k, v in item.items() if k != "name"}
            try:
                products.append(product_rules(item["name"], **overrides))
            except TypeError as error:
                raise ValidationError(f"products[{i}]", str(error)) from error
        else:
            raise ValidationError(
                f"products[{i}]", "expected a product name or an object with name"
            )
    day_ahead = DayAheadRules(**raw.get("day_ahead", {}))
    day_ahead.validate()
    risk = RiskConfig(**raw.get("risk", {}))
    risk.validate()
    scen = raw.get("scenarios", {})
    strategies = tuple(raw.get("strategies", DEFAULT_STRATEGIES))
    for s in strategies:
        if s not in STRATEGIES:
            raise ValidationError("strategies", f"unknown strategy {s!r}; known: {STRATEGIES}")
    mtu = int(raw.get("mtu_minutes", 60))
    if mtu not in (15, 30, 60):
        raise ValidationError("mtu_minutes", "must be 15, 30 or 60")
    data = _require(raw, "data", dict)
    for key in ("day_ahead_price", "outdoor_temperature", "heat_demand"):
        _require(data, key, dict, "data.")
    for product in products:
        if product.name not in data.get("capacity_price", {}):
            raise ValidationError(f"data.capacity_price.{product.name}", "missing")
    return Case(
        path=path,
        raw=raw,
        pool=pool,
        products=tuple(products),
        day_ahead=day_ahead,
        risk=risk,
        mtu_minutes=mtu,
        n_scenarios=int(scen.get("count", 10)),
        seed=int(scen.get("seed", 0)),
        imbalance_penalty_eur_per_mwh=float(raw.get("imbalance_penalty_eur_per_mwh", 5.0)),
        strategies=strategies,
        non_delivery_penalty_eur_per_mw_h=_non_negative(
            raw.get("non_delivery_penalty_eur_per_mw_h", 100.0),
            "non_delivery_penalty_eur_per_mw_h",
        ),
        imbalance_fee_eur_per_mwh=_non_negative(
            raw.get("imbalance_fee_eur_per_mwh", 0.0), "imbalance_fee_eur_per_mwh"
        ),
        dispatch_time_limit_s=_non_negative(
            raw.get("dispatch_time_limit_s", 60.0), "dispatch_time_limit_s"
        ),
        uncertainty_margin=_uncertainty_margin(raw.get("uncertainty_margin")),
        margin_calibration=_margin_calibration(raw.get("uncertainty_margin")),
    )


def _uncertainty_margin(value: Any) -> UncertaintyMargin | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError("uncertainty_margin", "expected an object or null")
    known = {f.name for f in fields(UncertaintyMargin)}
    unknown = set(value) - known - {"calibrate"}
    if unknown:
        raise ValidationError(f"uncertainty_margin.{sorted(unknown)[0]}", "unknown field")
    margin = UncertaintyMargin(**{k: v for k, v in value.items() if k != "calibrate"})
    margin.validate()
    return margin


def _margin_calibration(value: Any) -> dict[str, float] | None:
    if not isinstance(value, dict) or value.get("calibrate") is None:
        return None
    spec = value["calibrate"]
    if not isinstance(spec, dict):
        raise ValidationError("uncertainty_margin.calibrate", "expected an object")
    out = {"coverage": 0.9, "window_days": 56.0, "min_days": 14.0}
    for key, given in spec.items():
        if key not in out:
            raise ValidationError(f"uncertainty_margin.calibrate.{key}", "unknown field")
        out[key] = _non_negative(given, f"uncertainty_margin.calibrate.{key}")
    if not 0 < out["coverage"] < 1:
        raise ValidationError("uncertainty_margin.calibrate.coverage", "must be in (0, 1)")
    return out


def _non_negative(value: Any, field: str) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not value >= 0:
        raise ValidationError(field, "must be a number >= 0")
    return float(value)


def read_series(case: Case, spec: dict, field: str) -> pd.Series:
    """One column of a shared-data CSV (``time_utc`` UTC) with filters, at its own resolution.

    The step is the file's most frequent spacing (60 min for hourly data, 15 for quarter-hours,
    never silently cut to hours); gaps up to 6 steps are interpolated."""
    file = spec.get("file")
    column = spec.get("column")
    if not isinstance(file, str) or not isinstance(column, str):
        raise ValidationError(field, "needs 'file' and 'column'")
    path = (case.path.parent / file).resolve()
    if not path.exists():
        raise ValidationError(f"{field}.file", f"not found: {path}")
    frame = pd.read_csv(path)
    if "time_utc" not in frame.columns or column not in frame.columns:
        raise ValidationError(f"{field}.column", f"{column!r} or time_utc missing in {path.name}")
    for key, value in (spec.get("filter") or {}).items():
        if key not in frame.columns:
            raise ValidationError(f"{field}.filter.{key}", f"no such column in {path.name}")
        frame = frame[frame[key].astype(str) == str(value)]
    series = pd.Series(
        pd.to_numeric(frame[column], errors="coerce").to_numpy(),
        index=pd.to_datetime(frame["time_utc"], utc=True),
        name=column,
    )
    series = series[~series.index.duplicated()].sort_index()
    if series.empty:
        raise ValidationError(field, "no rows after filtering")
    shift = spec.get("shift_days", 0)
    if not isinstance(shift, int) or isinstance(shift, bool):
        raise ValidationError(f"{field}.shift_days", "expected a whole number of days")
    if shift:  # a documented replay, e.g. Flensburg 2015 weather as 2021 (no DK data that year)
        series.index = series.index + pd.Timedelta(days=shift)
    step = series_step_minutes(series)
    full = pd.date_range(series.index[0], series.index[-1], freq=f"{step}min", tz="UTC")
    return series.reindex(full).interpolate(limit=6) * float(spec.get("scale", 1.0))


def series_step_minutes(series: pd.Series) -> int:
    """The most frequent spacing of a series' timestamps [min] (60 when it has one point)."""
    if len(series) < 2:
        return 60
    seconds = series.index.tz_convert(None).to_numpy().astype("datetime64[s]").astype(np.int64)
    gaps = np.diff(seconds) // 60
    gaps = gaps[gaps > 0]
    values, counts = np.unique(gaps, return_counts=True)
    step = int(values[np.argmax(counts)])
    if step <= 0 or 60 % step and step % 60:
        raise ValidationError("data", f"unsupported time step of {step} min")
    return step


def on_grid(series: pd.Series, index: pd.DatetimeIndex, mtu_minutes: int) -> np.ndarray:
    """Values of ``series`` on the MTUs of ``index``: the mean over each MTU when the series is
    finer (15-min prices on hourly MTUs), the covering value when it is coarser (hourly prices
    on quarter-hours). NaN where the series has no value."""
    step = series_step_minutes(series)
    if step < mtu_minutes:
        bucket = series.groupby(series.index.floor(f"{mtu_minutes}min")).mean()
        return bucket.reindex(index).to_numpy(float)
    return series.reindex(index.floor(f"{step}min")).to_numpy(float)


def parse_day(value: Any, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as error:
        raise ValidationError(field, "expected an ISO date YYYY-MM-DD") from error


def to_mtu(values: np.ndarray, mtu_minutes: int) -> np.ndarray:
    """Repeat hourly values on the MTU grid (hourly prices hold for each quarter-hour)."""
    return np.repeat(values, 60 // mtu_minutes, axis=-1)
