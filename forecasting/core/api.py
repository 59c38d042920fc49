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
from forecasting.core.scenarios import block_bootstrap_paths, reduce_paths

__all__ = [
    "Forecast",
    "HeatTemperatureModel",
    "ScenarioSet",
    "day_ahead_forecast",
    "day_ahead_scenarios",
    "fit_heat_temperature_model",
]

BLOCK_WINDOW_DAYS = 56


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
    model: str = "seasonal_naive",
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
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
    model
        One of :data:`forecasting.core.models.MODEL_NAMES`.
    """
    columns = [target, *regressor_columns]
    history, origin = _prepare(history, columns, origin_utc, horizon_index)
    history = fill_short_gaps(history, regressor_columns)
    forecaster = make_forecaster(
        model, target, regressor_columns, origin_local=_origin_local_time(origin)
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
    model: str | Mapping[str, str] = "seasonal_naive",
    n_samples: int = 200,
    n_scenarios: int = 10,
    seed: int = 0,
    block_window_days: int = BLOCK_WINDOW_DAYS,
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

    Returns
    -------
    ScenarioSet
        K scenarios with probabilities summing to 1.

    Notes
    -----
    Each target is forecast with its model; S paths are point forecast plus a whole block of
    historical day-ahead residuals drawn at the same start for all targets (joint residual
    block bootstrap), then reduced to K by fast forward selection. See docs/forecasting.md.
    """
    if not targets:
        raise ValidationError("targets", "give at least one target column")
    if n_samples < 1:
        raise ValidationError("n_samples", f"must be at least 1, got {n_samples}")
    history, origin = _prepare(history, [*targets, *regressor_columns], origin_utc, horizon_index)
    history = fill_short_gaps(history, regressor_columns)
    point: dict[str, np.ndarray] = {}
    residuals: dict[str, pd.Series] = {}
    for target in targets:
        name = _model_for(model, target)
        usable_regressors = [] if name.startswith("seasonal_naive") else list(regressor_columns)
        forecaster = make_forecaster(
            name, target, usable_regressors, origin_local=_origin_local_time(origin)
        )
        forecaster.fit(history)
        forecast = forecaster.predict(history, origin, horizon_index, regressors_future, ())
        if not np.isfinite(forecast.mean).all():
            raise ValidationError(target, "too little history: no forecast for some periods")
        point[target] = forecast.mean
        assert forecaster.residuals_ is not None
        residuals[target] = forecaster.residuals_
    residual_frame = pd.DataFrame(residuals)
    window_start = origin - pd.Timedelta(days=block_window_days)
    residual_frame = residual_frame.loc[residual_frame.index >= window_start]
    rng = np.random.default_rng(seed)
    paths = block_bootstrap_paths(point, residual_frame, horizon_index, n_samples, rng)
    values, probabilities = reduce_paths(paths, n_scenarios)
    return ScenarioSet(index=horizon_index, values=values, probabilities=probabilities)
