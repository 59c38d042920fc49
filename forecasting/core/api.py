"""Public interface of the forecasting core for other packages (optimizer, services, seed).

Stable signatures: :class:`ScenarioSet`, :func:`day_ahead_scenarios`,
:func:`fit_heat_temperature_model` / :class:`HeatTemperatureModel`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, require_aware
from forecasting.core.data import fill_short_gaps, require_columns, require_utc_index
from forecasting.core.heat_model import HeatTemperatureModel, fit_heat_temperature_model
from forecasting.core.models import Forecast, make_forecaster
from forecasting.core.scenarios import TargetErrors, reduce_paths, scenario_paths

__all__ = [
    "Forecast",
    "HeatTemperatureModel",
    "ScenarioSamples",
    "ScenarioSet",
    "day_ahead_forecast",
    "day_ahead_samples",
    "day_ahead_scenarios",
    "fit_heat_temperature_model",
]

BLOCK_WINDOW_DAYS = 56
DEFAULT_TRAIN_DAYS = 365  # [d] history used to fit; older rows are dropped


@dataclass(frozen=True)
class ScenarioSet:
    """K joint scenarios of the targets over a forecast horizon.

    Attributes
    ----------
    index
        UTC period starts of the forecast horizon, length T.
    values
        ``{column: array (K, T)}`` [unit of the column, e.g. MW, EUR/MWh].
    probabilities
        Shape (K,), non-negative, sums to 1.
    """

    index: pd.DatetimeIndex
    values: dict[str, np.ndarray]
    probabilities: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """Long frame: ``time_utc, scenario, probability, <column>...``."""
        rows = []
        for k, probability in enumerate(self.probabilities):
            part = pd.DataFrame({c: v[k] for c, v in self.values.items()}, index=self.index)
            part.insert(0, "probability", float(probability))
            part.insert(0, "scenario", k)
            rows.append(part)
        frame = pd.concat(rows)
        frame.index.name = "time_utc"
        return frame.reset_index()


@dataclass(frozen=True)
class ScenarioSamples:
    """Equiprobable sample paths before reduction.

    Attributes
    ----------
    index
        UTC period starts, length T.
    point
        ``{target: array (T,)}`` point forecasts.
    errors
        ``{target: TargetErrors}``: residual transform, bounds and window residuals.
    paths
        ``{target: array (S, T)}`` [unit of the target].
    """

    index: pd.DatetimeIndex
    point: dict[str, np.ndarray]
    errors: dict[str, TargetErrors]
    paths: dict[str, np.ndarray]


def _origin_local_time(origin_utc: pd.Timestamp) -> dt.time:
    local = origin_utc.tz_convert(LOCAL_TZ)
    return dt.time(local.hour, local.minute)


def _prepare(
    history: pd.DataFrame,
    columns: Sequence[str],
    origin_utc: pd.Timestamp,
    horizon_index: pd.DatetimeIndex,
) -> tuple[pd.DataFrame, pd.Timestamp]:
    history = require_utc_index(history, "history")
    require_columns(history, columns)
    origin = pd.Timestamp(require_aware(pd.Timestamp(origin_utc).to_pydatetime(), "origin_utc"))
    if horizon_index.tz is None:
        raise ValidationError("horizon_index", "naive timestamps; expected tz-aware UTC")
    if len(horizon_index) == 0:
        raise ValidationError("horizon_index", "empty horizon")
    if horizon_index[0] < origin:
        raise ValidationError("horizon_index", "starts before the origin")
    # Look-ahead guard: nothing at or after the origin is ever read.
    return history.loc[history.index < origin], origin


def _window(history: pd.DataFrame, origin: pd.Timestamp, train_days: int | None) -> pd.DataFrame:
    if train_days is None:
        return history
    if train_days < 1:
        raise ValidationError("train_days", f"must be at least 1, got {train_days}")
    return history.loc[history.index >= origin - pd.Timedelta(days=train_days)]


def _model_for(model: str | Mapping[str, str], target: str) -> str:
    return model if isinstance(model, str) else model.get(target, "seasonal_naive")


def day_ahead_forecast(
    history: pd.DataFrame,
    target: str,
    origin_utc: pd.Timestamp,
    horizon_index: pd.DatetimeIndex,
    *,
    regressors_future: pd.DataFrame | None = None,
    regressor_columns: Sequence[str] = (),
    lagged_columns: Sequence[str] = (),
    model: str = "seasonal_naive",
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    train_days: int | None = DEFAULT_TRAIN_DAYS,
    residual_transform: str = "auto",
) -> Forecast:
    """Point and quantile forecast of one target issued at ``origin_utc``.

    Parameters
    ----------
    history
        UTC-indexed observations; rows at or after ``origin_utc`` are ignored.
    target
        Column to forecast, e.g. ``heat_load_mw`` [MW] or ``price_eur_per_mwh`` [EUR/MWh].
    horizon_index
        UTC period starts to forecast (e.g. ``delivery_day_periods(day, 60)``).
    regressors_future
        Regressor values on ``horizon_index`` (e.g. a temperature forecast [°C]).
    lagged_columns
        Exogenous columns used only through their values before the origin (e.g. measured
        wind production [MWh]); no forecast of them is needed.
    model
        One of :data:`forecasting.core.models.MODEL_NAMES`.
    quantiles
        Levels in (0, 1); each period's quantiles come from the model's recent day-ahead
        errors at that clock time, bounded by the target's range over the last 365 days.
    train_days
        Only the last ``train_days`` days before the origin are used [d] (``None``: all).
    residual_transform
        ``"auto"`` (chosen on data before the origin), ``"asinh"`` or ``"additive"``.
    """
    columns = [target, *regressor_columns, *lagged_columns]
    history, origin = _prepare(history, columns, origin_utc, horizon_index)
    history = _window(history, origin, train_days)
    history = fill_short_gaps(history, [*regressor_columns, *lagged_columns])
    forecaster = make_forecaster(
        model,
        target,
        regressor_columns,
        lagged_columns=lagged_columns,
        origin_local=_origin_local_time(origin),
        residual_transform=residual_transform,
    )
    forecaster.fit(history)
    return forecaster.predict(history, origin, horizon_index, regressors_future, quantiles)


def day_ahead_scenarios(
    history: pd.DataFrame,
    targets: list[str],
    origin_utc: pd.Timestamp,
    horizon_index: pd.DatetimeIndex,
    *,
    regressors_future: pd.DataFrame | None = None,
    regressor_columns: Sequence[str] = (),
    lagged_columns: Sequence[str] = (),
    model: str | Mapping[str, str] = "seasonal_naive",
    n_samples: int = 200,
    n_scenarios: int = 10,
    seed: int = 0,
    block_window_days: int = BLOCK_WINDOW_DAYS,
    train_days: int | None = DEFAULT_TRAIN_DAYS,
    residual_transform: str | Mapping[str, str] = "auto",
) -> ScenarioSet:
    """Joint scenarios of several targets (e.g. price and heat demand) for a horizon.

    Parameters
    ----------
    history
        UTC-indexed observations with the target and regressor columns. Only rows strictly
        before ``origin_utc`` are used (later rows are dropped here).
    targets
        Columns to forecast jointly, e.g. ``["price_eur_per_mwh", "heat_load_mw"]``.
    origin_utc
        Issue time of the forecast (tz-aware).
    horizon_index
        UTC period starts of the horizon, e.g. ``delivery_day_periods(day, 60)``.
    regressors_future
        Regressor values on ``horizon_index`` (e.g. temperature forecast [°C]).
    regressor_columns
        Regressors; a model that cannot use one (seasonal naive) ignores it.
    model
        Model name for all targets, or ``{target: model name}``.
    n_samples
        S, number of bootstrap sample paths.
    n_scenarios
        K, number of scenarios after reduction (capped at S).
    seed
        Seed of the random generator (same inputs and seed give the same scenarios).
    block_window_days
        Residual blocks are drawn from this many days before the origin [d].
    train_days
        Only the last ``train_days`` days before the origin are used [d] (``None``: all).
    residual_transform
        Per target or for all: ``"auto"`` (the lower pinball loss on the residual window),
        ``"asinh"`` or ``"additive"``.

    Returns
    -------
    ScenarioSet
        K scenarios with probabilities summing to 1.

    Notes
    -----
    Each target is forecast with its model; S paths are the point forecast plus a whole block
    of historical day-ahead residuals, in the target's residual transform, drawn at the same
    start for all targets (joint residual block bootstrap) and clipped to the target's range
    over the last 365 days; then reduced to K by fast forward selection and re-weighted to keep
    the samples' 10 %/90 % tail probabilities. See docs/forecasting.md.
    """
    if n_scenarios < 1:
        raise ValidationError("n_scenarios", f"must be at least 1, got {n_scenarios}")
    samples = day_ahead_samples(
        history,
        targets,
        origin_utc,
        horizon_index,
        regressors_future=regressors_future,
        regressor_columns=regressor_columns,
        lagged_columns=lagged_columns,
        model=model,
        n_samples=n_samples,
        seed=seed,
        block_window_days=block_window_days,
        train_days=train_days,
        residual_transform=residual_transform,
    )
    values, probabilities = reduce_paths(samples.paths, n_scenarios)
    return ScenarioSet(index=horizon_index, values=values, probabilities=probabilities)


def day_ahead_samples(
    history: pd.DataFrame,
    targets: list[str],
    origin_utc: pd.Timestamp,
    horizon_index: pd.DatetimeIndex,
    *,
    regressors_future: pd.DataFrame | None = None,
    regressor_columns: Sequence[str] = (),
    lagged_columns: Sequence[str] = (),
    model: str | Mapping[str, str] = "seasonal_naive",
    n_samples: int = 200,
    seed: int = 0,
    block_window_days: int = BLOCK_WINDOW_DAYS,
    train_days: int | None = DEFAULT_TRAIN_DAYS,
    residual_transform: str | Mapping[str, str] = "auto",
) -> ScenarioSamples:
    """The S equiprobable sample paths behind :func:`day_ahead_scenarios` (before reduction),
    with each target's point forecast and errors (for calibration checks in benchmarks)."""
    if not targets:
        raise ValidationError("targets", "give at least one target column")
    if n_samples < 1:
        raise ValidationError("n_samples", f"must be at least 1, got {n_samples}")
    columns = [*targets, *regressor_columns, *lagged_columns]
    history, origin = _prepare(history, columns, origin_utc, horizon_index)
    history = _window(history, origin, train_days)
    history = fill_short_gaps(history, [*regressor_columns, *lagged_columns])
    point: dict[str, np.ndarray] = {}
    errors = {}
    for target in targets:
        name = _model_for(model, target)
        usable_regressors = [] if name.startswith("seasonal_naive") else list(regressor_columns)
        transform = (
            residual_transform
            if isinstance(residual_transform, str)
            else residual_transform.get(target, "auto")
        )
        forecaster = make_forecaster(
            name,
            target,
            usable_regressors,
            lagged_columns=lagged_columns,
            origin_local=_origin_local_time(origin),
            residual_transform=transform,
        )
        forecaster.fit(history)
        forecast = forecaster.predict(history, origin, horizon_index, regressors_future, ())
        if not np.isfinite(forecast.mean).all():
            raise ValidationError(target, "too little history: no forecast for some periods")
        point[target] = forecast.mean
        errors[target] = forecaster.errors(
            history, origin, horizon_index, forecast.mean, window_days=block_window_days
        )
    rng = np.random.default_rng(seed)
    paths = scenario_paths(point, errors, horizon_index, n_samples, rng)
    return ScenarioSamples(index=horizon_index, point=point, errors=errors, paths=paths)
