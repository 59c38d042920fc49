"""Rolling-origin backtests: every fold is fitted and forecast only from data before its origin."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from forecasting.core import metrics
from forecasting.core.data import (
    check_gaps,
    fill_short_gaps,
    infer_step,
    require_columns,
    require_utc_index,
)
from forecasting.core.models import make_forecaster

MIN_HISTORY_DAYS = 14
DEFAULT_TRAIN_DAYS = 365  # [d] bounded by default: no multi-year Prophet fits unless asked
INTERVAL_LEVELS = (0.1, 0.9)  # the 80 % central interval
DECILES = tuple(round(0.1 * k, 1) for k in range(1, 10))  # for the PIT histogram


@dataclass(frozen=True)
class BacktestConfig:
    """Settings of a rolling-origin backtest.

    Attributes
    ----------
    horizon_h
        Forecast horizon [h]. A multiple of 24 means whole local delivery days (23/24/25 h on
        DST days) starting at the local midnight after the origin's day; otherwise that many
        hours from that midnight.
    origin_local
        Issue time on the local day before the first delivery day (e.g. 10:00).
    test_start, test_end
        First and last delivery day (local dates, inclusive); one fold per day.
    train_days
        Length of the training window before each origin [d] (365 by default); ``None`` = all
        history.
    lagged_columns
        Exogenous columns of which models use only the values before each origin (e.g.
        measured wind and solar production); unlike ``regressor_columns`` they need no
        forecast on the horizon.
    refit_days
        Refit every this many folds (1 = daily); forecasts in between use the last fitted
        model but always lag features and residuals known at their own origin.
    """

    target: str
    test_start: dt.date
    test_end: dt.date
    regressor_columns: tuple[str, ...] = ()
    lagged_columns: tuple[str, ...] = ()
    horizon_h: int = 24
    origin_local: dt.time = dt.time(10, 0)
    train_days: int | None = DEFAULT_TRAIN_DAYS
    models: tuple[str, ...] = ("seasonal_naive", "prophet")
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9)
    refit_days: int = 1
    mtu_minutes: int = 60
    residual_transform: str = "auto"


@dataclass(frozen=True)
class ModelScores:
    """Accuracy and calibration of one model over all folds (units of the target; MAPE/sMAPE
    in %; coverage and PIT as fractions)."""

    mae: float
    rmse: float
    mape: float
    smape: float
    pinball: dict[float, float]
    coverage_80: float
    mae_by_horizon_h: dict[int, float]
    fit_seconds: float
    coverage_80_by_horizon_h: dict[int, float] = field(default_factory=dict)
    pit_histogram: list[float] = field(default_factory=list)

    def to_json(self) -> dict:
        return {
            "mae": self.mae,
            "rmse": self.rmse,
            "mape": self.mape,
            "smape": self.smape,
            "pinball": {str(q): v for q, v in self.pinball.items()},
            "coverage_80": self.coverage_80,
            "coverage_80_by_horizon_h": {
                str(h): v for h, v in self.coverage_80_by_horizon_h.items()
            },
            "pit_histogram": self.pit_histogram,
            "mae_by_horizon_h": {str(h): v for h, v in self.mae_by_horizon_h.items()},
            "fit_seconds": self.fit_seconds,
        }


@dataclass(frozen=True)
class BacktestResult:
    """Scores per model plus every forecast (long frame ``predictions``)."""

    target: str
    folds: int
    models: dict[str, ModelScores]
    predictions: pd.DataFrame = field(repr=False)

    def to_json(self) -> dict:
        return {
            "target": self.target,
            "folds": self.folds,
            "models": {name: scores.to_json() for name, scores in self.models.items()},
        }


@dataclass(frozen=True)
class Fold:
    """One rolling-origin fold: issue time and UTC horizon periods."""

    origin_utc: pd.Timestamp
    horizon_index: pd.DatetimeIndex


def horizon_periods(first_day: dt.date, horizon_h: int, mtu_minutes: int = 60) -> pd.DatetimeIndex:
    """UTC period starts of a horizon beginning at local midnight of ``first_day``."""
    if horizon_h <= 0:
        raise ValidationError("horizon_h", f"must be positive, got {horizon_h}")
    if horizon_h % 24 == 0:
        days = [first_day + dt.timedelta(days=i) for i in range(horizon_h // 24)]
        return delivery_day_periods(days[0], mtu_minutes).append(
            [delivery_day_periods(day, mtu_minutes) for day in days[1:]]
        )
    start = delivery_day_periods(first_day, mtu_minutes)[0]
    return pd.date_range(
        start, start + pd.Timedelta(hours=horizon_h), freq=f"{mtu_minutes}min", inclusive="left"
    )


def horizon_buckets(horizon_index: pd.DatetimeIndex) -> np.ndarray:
    """Hour bucket of each horizon period: local clock hour + 24 · (local day − first day).

    A 24-hour horizon has exactly the buckets 0–23 on every day: on the 25-hour day both
    02:00 hours fall in bucket 2, on the 23-hour day bucket 2 is empty, and quarter-hours fall
    in their hour's bucket.
    """
    local = horizon_index.tz_convert(LOCAL_TZ)
    first = local[0].normalize().tz_localize(None)
    days = (local.normalize().tz_localize(None) - first) // pd.Timedelta(days=1)
    return np.asarray(local.hour + 24 * np.asarray(days), dtype=int)


def make_folds(config: BacktestConfig) -> list[Fold]:
    """One fold per delivery day from ``test_start`` to ``test_end`` (inclusive)."""
    if config.test_end < config.test_start:
        raise ValidationError("test_end", "must not be before test_start")
    folds = []
    day = config.test_start
    while day <= config.test_end:
        origin_local = dt.datetime.combine(day - dt.timedelta(days=1), config.origin_local)
        origin = pd.Timestamp(origin_local, tz=LOCAL_TZ).tz_convert("UTC")
        folds.append(Fold(origin, horizon_periods(day, config.horizon_h, config.mtu_minutes)))
        day += dt.timedelta(days=1)
    return folds


def _training_window(frame: pd.DataFrame, origin: pd.Timestamp, train_days: int | None):
    history = frame.loc[frame.index < origin]
    if train_days is not None:
        history = history.loc[history.index >= origin - pd.Timedelta(days=train_days)]
    return history


def validate_backtest_frame(frame: pd.DataFrame, config: BacktestConfig, folds: list[Fold]):
    """Check columns, history length and gaps; return the frame with short regressor gaps filled."""
    frame = require_utc_index(frame)
    exogenous = [*config.regressor_columns, *config.lagged_columns]
    require_columns(frame, [config.target, *exogenous])
    first_origin = folds[0].origin_utc
    available = frame[config.target].dropna().index
    if len(available) == 0 or available[0] > first_origin - pd.Timedelta(days=MIN_HISTORY_DAYS):
        have = (
            0.0
            if len(available) == 0
            else max(0.0, (first_origin - available[0]) / pd.Timedelta(days=1))
        )
        raise ValidationError(
            config.target,
            f"too little history: {have:.1f} days before the first origin "
            f"{first_origin.isoformat()}, need at least {MIN_HISTORY_DAYS}",
        )
    start = available[0]
    if config.train_days is not None:
        start = max(start, first_origin - pd.Timedelta(days=config.train_days))
    end = folds[-1].horizon_index[-1] + infer_step(frame.index)
    frame = fill_short_gaps(frame, exogenous)
    # lagged columns are optional information: a gap only blanks the features that read it
    check_gaps(frame, [config.target, *config.regressor_columns], start, end)
    return frame


def score(predictions: pd.DataFrame, quantiles: Sequence[float], fit_seconds: float) -> ModelScores:
    """Scores of one model's predictions (columns ``actual, mean, horizon_h, q<level>``)."""
    actual = predictions["actual"].to_numpy()
    mean = predictions["mean"].to_numpy()
    by_horizon = (
        predictions.assign(error=np.abs(actual - mean)).groupby("horizon_h")["error"].mean()
    )
    inside = (predictions["q0.1"] <= predictions["actual"]) & (
        predictions["actual"] <= predictions["q0.9"]
    )
    scored = predictions["q0.1"].notna() & predictions["q0.9"].notna()
    coverage_by_horizon = inside[scored].groupby(predictions["horizon_h"][scored]).mean()
    pit = (
        metrics.pit_histogram(actual, predictions[[f"q{q}" for q in DECILES]].to_numpy().T)
        if all(f"q{q}" in predictions for q in DECILES)
        else []
    )
    return ModelScores(
        mae=metrics.mae(actual, mean),
        rmse=metrics.rmse(actual, mean),
        mape=metrics.mape(actual, mean),
        smape=metrics.smape(actual, mean),
        pinball={q: metrics.pinball(actual, predictions[f"q{q}"], q) for q in quantiles},
        coverage_80=metrics.coverage(actual, predictions["q0.1"], predictions["q0.9"]),
        mae_by_horizon_h={int(h): float(v) for h, v in by_horizon.items()},
        fit_seconds=fit_seconds,
        coverage_80_by_horizon_h={int(h): float(v) for h, v in coverage_by_horizon.items()},
        pit_histogram=pit,
    )


def run_backtest(frame: pd.DataFrame, config: BacktestConfig) -> BacktestResult:
    """Rolling-origin backtest of every model in ``config.models`` on ``frame``.

    Parameters
    ----------
    frame
        UTC-indexed observations (target and regressors) on the ``mtu_minutes`` grid.
        Regressors on the horizon are taken from ``frame`` (i.e. realised values stand in for
        their forecasts, e.g. a perfect temperature forecast).

    Returns
    -------
    BacktestResult
    """
    import time

    if config.train_days is not None and config.train_days < MIN_HISTORY_DAYS:
        raise ValidationError(
            "train_days", f"must be at least {MIN_HISTORY_DAYS} days, got {config.train_days}"
        )
    if config.refit_days < 1:
        raise ValidationError("refit_days", f"must be at least 1, got {config.refit_days}")
    folds = make_folds(config)
    frame = validate_backtest_frame(frame, config, folds)
    levels = sorted(set(config.quantiles) | set(INTERVAL_LEVELS) | set(DECILES))
    columns = [config.target, *config.regressor_columns, *config.lagged_columns]
    parts = []
    scores = {}
    for name in config.models:
        forecaster = make_forecaster(
            name,
            config.target,
            config.regressor_columns,
            lagged_columns=config.lagged_columns,
            origin_local=config.origin_local,
            residual_transform=config.residual_transform,
        )
        fit_seconds = 0.0
        model_parts = []
        for number, fold in enumerate(folds):
            history = _training_window(frame[columns], fold.origin_utc, config.train_days)
            if number % config.refit_days == 0:
                started = time.perf_counter()
                forecaster.fit(history)
                fit_seconds += time.perf_counter() - started
            future = frame.reindex(fold.horizon_index)[list(config.regressor_columns)]
            forecast = forecaster.predict(
                history, fold.origin_utc, fold.horizon_index, future, levels
            )
            part = pd.DataFrame(
                {
                    "model": name,
                    "origin_utc": fold.origin_utc,
                    "time_utc": fold.horizon_index,
                    "horizon_h": horizon_buckets(fold.horizon_index),
                    "actual": frame[config.target].reindex(fold.horizon_index).to_numpy(),
                    "mean": forecast.mean,
                    **{f"q{q}": forecast.quantiles[q] for q in levels},
                }
            )
            model_parts.append(part)
        model_predictions = pd.concat(model_parts, ignore_index=True)
        scores[name] = score(model_predictions, config.quantiles, fit_seconds)
        parts.append(model_predictions)
    return BacktestResult(
        target=config.target,
        folds=len(folds),
        models=scores,
        predictions=pd.concat(parts, ignore_index=True),
    )
