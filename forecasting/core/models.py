"""Forecasters: seasonal-naive and temperature-regression baselines, Prophet models.

Every forecaster is fitted on a history frame and then predicts a horizon from an origin. Only
rows of ``history`` strictly before the origin may be read; :meth:`Forecaster.predict` checks it.
Quantiles come from the empirical distribution of the model's day-ahead residuals on the recent
training window (see docs/forecasting.md), so all models are judged on the same footing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from forecasting.core.data import require_columns, require_utc_index
from forecasting.core.features import (
    danish_holidays,
    day_ahead_origins,
    latest_available_lag,
    local_times,
    mean_before,
)
from forecasting.core.heat_model import (
    HeatTemperatureModel,
    effective_temperature,
    fit_heat_temperature_model,
)

DEFAULT_ORIGIN_LOCAL = dt.time(10, 0)
RESIDUAL_WINDOW_DAYS = 56
HEATING_BASE_TEMPERATURE_C = 15.0
TEMPERATURE_TIME_CONSTANT_H = 24.0


@dataclass(frozen=True)
class Forecast:
    """A point forecast with quantiles.

    Attributes
    ----------
    index
        UTC period starts of the horizon.
    mean
        Point forecast, shape (T,) [unit of the target].
    quantiles
        ``{q: array (T,)}`` [unit of the target], monotone in ``q``.
    """

    target: str
    index: pd.DatetimeIndex
    mean: np.ndarray
    quantiles: dict[float, np.ndarray] = field(default_factory=dict)


def _temperature_column(regressor_columns: Sequence[str]) -> str | None:
    for column in regressor_columns:
        if "temperature" in column:
            return column
    return None


class Forecaster:
    """Base class: ``fit(history)`` then ``predict(history, origin_utc, horizon_index, ...)``.

    Subclasses implement ``_fit``, ``_fitted`` (day-ahead in-sample values on the fit history)
    and ``_point`` (the horizon point forecast).
    """

    name = "base"

    def __init__(
        self,
        target: str,
        regressor_columns: Sequence[str] = (),
        *,
        origin_local: dt.time = DEFAULT_ORIGIN_LOCAL,
        lead_days: int = 1,
    ) -> None:
        self.target = target
        self.regressor_columns = tuple(regressor_columns)
        self.origin_local = origin_local
        self.lead_days = lead_days
        self.residuals_: pd.Series | None = None

    # -- public -----------------------------------------------------------------------------
    def fit(self, history: pd.DataFrame) -> Forecaster:
        """Fit on ``history`` (UTC index; target and regressor columns) and keep residuals."""
        history = require_utc_index(history)
        require_columns(history, [self.target, *self.regressor_columns])
        self._fit(history)
        fitted = self._fitted(history)
        self.residuals_ = (history[self.target] - fitted).rename(self.target)
        return self

    def predict(
        self,
        history: pd.DataFrame,
        origin_utc: pd.Timestamp,
        horizon_index: pd.DatetimeIndex,
        regressors_future: pd.DataFrame | None = None,
        quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    ) -> Forecast:
        """Forecast ``horizon_index`` as issued at ``origin_utc``.

        Parameters
        ----------
        history
            Observations strictly before ``origin_utc`` (checked).
        regressors_future
            Regressor values on ``horizon_index`` (forecasts, or actuals in a backtest).
        quantiles
            Levels in (0, 1).
        """
        if self.residuals_ is None:
            raise ValidationError("model", f"{self.name} must be fitted before predict")
        history = require_utc_index(history)
        if len(history) and history.index.max() >= origin_utc:
            raise ValidationError(
                "history",
                f"contains data at or after the origin {origin_utc.isoformat()} (look-ahead)",
            )
        if self.regressor_columns:
            if regressors_future is None:
                raise ValidationError(
                    "regressors_future", f"needed for {', '.join(self.regressor_columns)}"
                )
            require_columns(regressors_future, self.regressor_columns)
            future = regressors_future.reindex(horizon_index)[list(self.regressor_columns)]
            if future.isna().any().any():
                column = future.columns[future.isna().any()][0]
                raise ValidationError(column, "missing future regressor values on the horizon")
        else:
            future = pd.DataFrame(index=horizon_index)
        point = np.asarray(self._point(history, origin_utc, horizon_index, future), dtype=float)
        return Forecast(
            target=self.target,
            index=horizon_index,
            mean=point,
            quantiles=self._quantiles(point, origin_utc, quantiles),
        )

    def recent_residuals(self, origin_utc: pd.Timestamp) -> pd.Series:
        """Day-ahead residuals of the last ``RESIDUAL_WINDOW_DAYS`` days before the origin."""
        assert self.residuals_ is not None
        start = origin_utc - pd.Timedelta(days=RESIDUAL_WINDOW_DAYS)
        residuals = self.residuals_
        return residuals[(residuals.index >= start) & (residuals.index < origin_utc)].dropna()

    # -- helpers ----------------------------------------------------------------------------
    def _quantiles(
        self, point: np.ndarray, origin_utc: pd.Timestamp, levels: Sequence[float]
    ) -> dict[float, np.ndarray]:
        residuals = self.recent_residuals(origin_utc).to_numpy()
        if len(residuals) == 0:
            return {float(q): np.full_like(point, np.nan) for q in levels}
        offsets = np.quantile(residuals, sorted(levels))
        return {float(q): point + offset for q, offset in zip(sorted(levels), offsets, strict=True)}

    def _origins(self, index: pd.DatetimeIndex) -> pd.DatetimeIndex:
        return day_ahead_origins(index, self.origin_local, self.lead_days)

    def _fit(self, history: pd.DataFrame) -> None:  # pragma: no cover - interface
        raise NotImplementedError

    def _fitted(self, history: pd.DataFrame) -> pd.Series:  # pragma: no cover - interface
        raise NotImplementedError

    def _point(self, history, origin_utc, horizon_index, future) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError


class SeasonalNaive(Forecaster):
    r"""Same local clock time ``k · period_days`` days earlier, smallest ``k`` known at the origin.

    Notes
    -----
    .. math:: \hat y_t = y_{t - k P},\quad k = \min\{k \ge 1 : t - kP < t_0\}

    With ``period_days = 1`` and origin D-1 10:00, hours 00–09 of day D repeat day D-1 and hours
    10–23 repeat day D-2 ("same hour on the latest day available").
    """

    def __init__(
        self, target: str, regressor_columns: Sequence[str] = (), *, period_days: int = 1, **kwargs
    ) -> None:
        super().__init__(target, (), **kwargs)
        self.period_days = period_days
        self.name = "seasonal_naive" if period_days == 1 else f"seasonal_naive_{period_days}d"

    def _fit(self, history: pd.DataFrame) -> None:
        pass

    def _fitted(self, history: pd.DataFrame) -> pd.Series:
        values = latest_available_lag(
            history[self.target], history.index, self._origins(history.index), self.period_days
        )
        return pd.Series(values, index=history.index)

    def _point(self, history, origin_utc, horizon_index, future) -> np.ndarray:
        return latest_available_lag(
            history[self.target], horizon_index, origin_utc, self.period_days
        )


class TemperatureRegression(Forecaster):
    """Heat demand from temperature with :class:`HeatTemperatureModel` (baseline for heat)."""

    name = "temperature_regression"

    def __init__(self, target: str, regressor_columns: Sequence[str] = (), **kwargs) -> None:
        super().__init__(target, regressor_columns, **kwargs)
        temperature = _temperature_column(self.regressor_columns)
        if temperature is None:
            raise ValidationError(
                "regressor", f"{self.name} needs a temperature regressor, e.g. temperature_c"
            )
        self.temperature_column = temperature
        self.model_: HeatTemperatureModel | None = None

    def _fit(self, history: pd.DataFrame) -> None:
        self.model_ = fit_heat_temperature_model(history, self.target, self.temperature_column)

    def _fitted(self, history: pd.DataFrame) -> pd.Series:
        assert self.model_ is not None
        return self.model_.predict(history[self.temperature_column])

    def _point(self, history, origin_utc, horizon_index, future) -> np.ndarray:
        assert self.model_ is not None
        warmup = history[self.temperature_column].iloc[-7 * 24 * 4 :]
        temperature = pd.concat([warmup, future[self.temperature_column]])
        temperature = temperature[~temperature.index.duplicated(keep="last")]
        return self.model_.predict(temperature).reindex(horizon_index).to_numpy()


def _quiet_prophet() -> type:
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)  # "plotly missing" is noise
    from prophet import Prophet

    for name in ("cmdstanpy", "prophet"):
        logging.getLogger(name).setLevel(logging.WARNING)
    return Prophet


class ProphetForecaster(Forecaster):
    r"""Prophet on local wall-clock time with Danish holidays and linear regressors.

    Notes
    -----
    .. math:: \hat y_t = g(t) + s_\text{day}(t) + s_\text{week}(t) [+ s_\text{year}(t)]
              + h(t) + \sum_j \beta_j x_{j,t}

    ``g`` piecewise-linear trend, ``s`` Fourier seasonalities on Europe/Copenhagen wall-clock
    time (so the daily profile follows the local clock across DST), ``h`` Danish public holidays
    (``holidays`` package), ``x`` the regressors. Yearly seasonality only with ≥ 2 years of
    history (Prophet's ``auto``).

    ``with_lags = True`` ("prophet_lagged", our best model built on Prophet) adds look-ahead-safe
    regressors known at the origin: the seasonal-naive value (same local hour on the latest day
    available), the same hour one week earlier, and the mean of the last 24 h before the origin;
    for a temperature regressor it adds heating degrees
    :math:`\max(0, 15\,°C - \tilde T_t)` of the 24 h-smoothed temperature.
    """

    def __init__(
        self,
        target: str,
        regressor_columns: Sequence[str] = (),
        *,
        with_lags: bool = False,
        **kwargs,
    ) -> None:
        super().__init__(target, regressor_columns, **kwargs)
        self.with_lags = with_lags
        self.name = "prophet_lagged" if with_lags else "prophet"
        self.temperature_column = _temperature_column(self.regressor_columns)
        self.model_ = None
        self.feature_columns_: list[str] = []

    # features known at each row's origin
    def _features(
        self,
        target_history: pd.Series,
        temperature: pd.Series | None,
        index: pd.DatetimeIndex,
        origins: pd.DatetimeIndex | pd.Timestamp,
        regressors: pd.DataFrame,
    ) -> pd.DataFrame:
        frame = pd.DataFrame({"ds": local_times(index).tz_localize(None)}, index=index)
        for column in self.regressor_columns:
            frame[column] = regressors[column].to_numpy(dtype=float)
        if temperature is not None and self.with_lags:
            effective = effective_temperature(temperature, TEMPERATURE_TIME_CONSTANT_H)
            frame["heating_degrees_k"] = np.maximum(
                0.0, HEATING_BASE_TEMPERATURE_C - effective.reindex(index).to_numpy(dtype=float)
            )
        if self.with_lags:
            frame["lag_latest_day"] = latest_available_lag(target_history, index, origins, 1)
            frame["lag_week"] = latest_available_lag(target_history, index, origins, 7)
            frame["mean_last_24h"] = mean_before(
                target_history, index, origins, pd.Timedelta("24h")
            )
        return frame

    def _fit(self, history: pd.DataFrame) -> None:
        prophet_class = _quiet_prophet()
        temperature = history[self.temperature_column] if self.temperature_column else None
        features = self._features(
            history[self.target],
            temperature,
            history.index,
            self._origins(history.index),
            history,
        )
        features["y"] = history[self.target].to_numpy(dtype=float)
        features = features.dropna()
        if len(features) < 14 * 24:
            raise ValidationError(
                self.target, f"too little history for {self.name}: {len(features)} usable rows"
            )
        local_years = local_times(history.index).year
        holidays_table = danish_holidays(int(local_years.min()), int(local_years.max()) + 1)
        holidays_frame = pd.DataFrame(
            {"holiday": list(holidays_table.values()), "ds": pd.to_datetime(list(holidays_table))}
        )
        model = prophet_class(
            holidays=holidays_frame,
            daily_seasonality=True,
            weekly_seasonality=True,
            yearly_seasonality="auto",
            uncertainty_samples=0,
        )
        self.feature_columns_ = [c for c in features.columns if c not in ("ds", "y")]
        for column in self.feature_columns_:
            model.add_regressor(column, standardize=True)
        model.fit(features.reset_index(drop=True))
        self.model_ = model

    def _predict_frame(self, features: pd.DataFrame) -> np.ndarray:
        assert self.model_ is not None
        result = np.full(len(features), np.nan)
        usable = features[["ds", *self.feature_columns_]].notna().all(axis=1).to_numpy()
        if usable.any():
            prediction = self.model_.predict(features[usable].reset_index(drop=True))
            result[usable] = prediction["yhat"].to_numpy()
        return result

    def _fitted(self, history: pd.DataFrame) -> pd.Series:
        temperature = history[self.temperature_column] if self.temperature_column else None
        features = self._features(
            history[self.target],
            temperature,
            history.index,
            self._origins(history.index),
            history,
        )
        return pd.Series(self._predict_frame(features), index=history.index)

    def _point(self, history, origin_utc, horizon_index, future) -> np.ndarray:
        temperature = None
        if self.temperature_column:
            temperature = pd.concat(
                [
                    history[self.temperature_column].iloc[-7 * 24 * 4 :],
                    future[self.temperature_column],
                ]
            )
            temperature = temperature[~temperature.index.duplicated(keep="last")]
        features = self._features(
            history[self.target], temperature, horizon_index, origin_utc, future
        )
        return self._predict_frame(features)


MODEL_NAMES = (
    "seasonal_naive",
    "seasonal_naive_7d",
    "temperature_regression",
    "prophet",
    "prophet_lagged",
)


def make_forecaster(
    name: str,
    target: str,
    regressor_columns: Sequence[str] = (),
    *,
    origin_local: dt.time = DEFAULT_ORIGIN_LOCAL,
    lead_days: int = 1,
) -> Forecaster:
    """Build a forecaster by name (one of :data:`MODEL_NAMES`)."""
    common = {"origin_local": origin_local, "lead_days": lead_days}
    if name == "seasonal_naive":
        return SeasonalNaive(target, period_days=1, **common)
    if name == "seasonal_naive_7d":
        return SeasonalNaive(target, period_days=7, **common)
    if name == "temperature_regression":
        return TemperatureRegression(target, regressor_columns, **common)
    if name == "prophet":
        return ProphetForecaster(target, regressor_columns, with_lags=False, **common)
    if name == "prophet_lagged":
        return ProphetForecaster(target, regressor_columns, with_lags=True, **common)
    raise ValidationError("models", f"unknown model {name!r}; choose from {', '.join(MODEL_NAMES)}")
