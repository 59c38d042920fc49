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
from forecasting.core.data import infer_step, require_columns, require_utc_index
from forecasting.core.features import (
    danish_holidays,
    day_ahead_origins,
    day_type,
    latest_available_lag,
    local_times,
    mean_before,
    shift_local_days,
)
from forecasting.core.heat_model import (
    HeatTemperatureModel,
    effective_temperature,
    fit_heat_temperature_model,
)
from forecasting.core.scenarios import TargetErrors, marginal_quantiles, target_errors

DEFAULT_ORIGIN_LOCAL = dt.time(10, 0)
RESIDUAL_WINDOW_DAYS = 56
BOUND_WINDOW_DAYS = 365  # [d] quantiles and scenarios stay inside the range of this window
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
        lagged_columns: Sequence[str] = (),
        origin_local: dt.time = DEFAULT_ORIGIN_LOCAL,
        lead_days: int = 1,
        residual_transform: str = "auto",
    ) -> None:
        self.target = target
        self.regressor_columns = tuple(regressor_columns)
        self.lagged_columns = tuple(lagged_columns)
        self.origin_local = origin_local
        self.lead_days = lead_days
        self.residual_transform = residual_transform
        self.residuals_: pd.Series | None = None
        self.fitted_: pd.Series | None = None

    # -- public -----------------------------------------------------------------------------
    def fit(self, history: pd.DataFrame) -> Forecaster:
        """Fit on ``history`` (UTC index; target, regressor and lagged columns), keep the
        day-ahead fitted values and residuals."""
        history = require_utc_index(history)
        require_columns(history, [self.target, *self.regressor_columns, *self.lagged_columns])
        self._fit(history)
        fitted = self._fitted(history)
        self.fitted_ = fitted.rename(self.target)
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
        if self.lagged_columns:
            require_columns(history, self.lagged_columns)
        point = np.asarray(self._point(history, origin_utc, horizon_index, future), dtype=float)
        levels = [float(q) for q in quantiles]
        values: dict[float, np.ndarray] = {}
        if levels:
            try:
                errors = self.errors(history, origin_utc, horizon_index, point)
                values = marginal_quantiles(point, errors, horizon_index, levels)
            except ValidationError:  # no complete residual block yet
                values = {q: np.full_like(point, np.nan) for q in levels}
        return Forecast(target=self.target, index=horizon_index, mean=point, quantiles=values)

    def recent_residuals(self, origin_utc: pd.Timestamp) -> pd.Series:
        """Day-ahead residuals of the last ``RESIDUAL_WINDOW_DAYS`` days before the origin."""
        assert self.residuals_ is not None
        start = origin_utc - pd.Timedelta(days=RESIDUAL_WINDOW_DAYS)
        residuals = self.residuals_
        return residuals[(residuals.index >= start) & (residuals.index < origin_utc)].dropna()

    def errors(
        self,
        history: pd.DataFrame,
        origin_utc: pd.Timestamp,
        horizon_index: pd.DatetimeIndex,
        point: np.ndarray,
        *,
        window_days: int = RESIDUAL_WINDOW_DAYS,
    ) -> TargetErrors:
        """The model's day-ahead errors of the ``window_days`` before the origin, in the
        residual transform chosen for this target, with the range of the last
        ``BOUND_WINDOW_DAYS`` widened to ``point`` as bounds (see
        :func:`forecasting.core.scenarios.target_errors`)."""
        assert self.fitted_ is not None
        observed = history[self.target]
        observed = observed[observed.index < origin_utc]
        window = observed[observed.index >= origin_utc - pd.Timedelta(days=window_days)]
        bound_values = observed[observed.index >= origin_utc - pd.Timedelta(days=BOUND_WINDOW_DAYS)]
        return target_errors(
            window,
            self.fitted_.reindex(window.index),
            horizon_index,
            point,
            bound_values=bound_values,
            transform=self.residual_transform,
        )

    # -- helpers ----------------------------------------------------------------------------

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
        kwargs.pop("lagged_columns", None)  # uses nothing but the target
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


def origin_lag_features(
    target_history: pd.Series,
    lagged_history: pd.DataFrame,
    index: pd.DatetimeIndex,
    origins: pd.DatetimeIndex | pd.Timestamp,
) -> pd.DataFrame:
    """Features known at each period's origin (look-ahead-safe by construction).

    Target: the same local hour on the latest day before the origin (``lag_latest_day``), one
    week earlier (``lag_week``) and the mean of the 24 h before the origin (``mean_last_24h``).
    Each lagged exogenous column ``c`` (e.g. measured wind or solar production, temperature):
    ``c_lag_latest_day`` and ``c_mean_last_24h`` — its values before the origin, never on the
    horizon.
    """
    frame = pd.DataFrame(index=index)
    frame["lag_latest_day"] = latest_available_lag(target_history, index, origins, 1)
    frame["lag_week"] = latest_available_lag(target_history, index, origins, 7)
    frame["mean_last_24h"] = mean_before(target_history, index, origins, pd.Timedelta("24h"))
    for column in lagged_history.columns:
        series = lagged_history[column]
        frame[f"{column}_lag_latest_day"] = latest_available_lag(series, index, origins, 1)
        frame[f"{column}_mean_last_24h"] = mean_before(series, index, origins, pd.Timedelta("24h"))
    return frame


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
        self.lagged_feature_means_: dict[str, float] = {}

    # features known at each row's origin
    def _features(
        self,
        target_history: pd.Series,
        temperature: pd.Series | None,
        index: pd.DatetimeIndex,
        origins: pd.DatetimeIndex | pd.Timestamp,
        regressors: pd.DataFrame,
        lagged_history: pd.DataFrame,
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
            lags = origin_lag_features(target_history, lagged_history, index, origins)
            for column in lags.columns:
                frame[column] = lags[column].to_numpy()
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
            history[list(self.lagged_columns)],
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
        self.lagged_feature_means_ = {
            column: float(features[column].mean())
            for column in self.feature_columns_
            if any(column.startswith(f"{lagged}_") for lagged in self.lagged_columns)
        }
        for column in self.feature_columns_:
            model.add_regressor(column, standardize=True)
        model.fit(features.reset_index(drop=True))
        self.model_ = model

    def _predict_frame(self, features: pd.DataFrame) -> np.ndarray:
        assert self.model_ is not None
        # a lagged exogenous value missing before the origin (e.g. a measurement gap) takes its
        # training mean instead of dropping the forecast
        for column in self.lagged_feature_means_:
            features[column] = features[column].fillna(self.lagged_feature_means_[column])
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
            history[list(self.lagged_columns)],
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
            history[self.target],
            temperature,
            horizon_index,
            origin_utc,
            future,
            history[list(self.lagged_columns)],
        )
        return self._predict_frame(features)


class GradientBoostingForecaster(Forecaster):
    r"""LightGBM on features known at the origin, in units of the recent level and spread.

    Notes
    -----
    With :math:`m_o` the mean and :math:`s_o` the standard deviation of the target over the
    24 h and 7 d before the origin :math:`o` of period :math:`t`, the model learns

    .. math:: \frac{y_t - m_o}{s_o} = f\Big(\text{clock}_t, \text{day type}_t,
              \text{lead}_t, \frac{y^{\text{lags}}_t - m_o}{s_o}, m_o, s_o, x_t,
              x^{\text{lagged}}_o\Big)

    (gradient-boosted trees, L1 loss, fixed hyper-parameters), so a forecast scales with the
    level and volatility of the last days and is not limited to the range seen in training —
    trees cannot extrapolate a raw price level. Lags: the same local hour on the latest day
    known at the origin, the day before it and a week earlier, and the last value before the
    origin; ``x`` are horizon regressors (forecasts) and ``x^lagged`` the lagged exogenous
    columns (their latest-day value and 24 h mean before the origin).

    Residuals for quantiles and scenarios are out of sample: a first model is fitted without
    the last ``RESIDUAL_WINDOW_DAYS`` and forecasts them day-ahead; the model used for the
    forecast is then fitted on everything (in-sample tree residuals would be far too small).
    """

    name = "lightgbm"
    parameters = {
        "objective": "l1",
        "learning_rate": 0.05,
        "num_leaves": 31,
        "min_data_in_leaf": 40,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "feature_fraction": 0.9,
        "lambda_l2": 1.0,
        "num_threads": 1,
        "seed": 0,
        "deterministic": True,
        "force_row_wise": True,
        "verbosity": -1,
    }
    boosting_rounds = 400

    def __init__(self, target: str, regressor_columns: Sequence[str] = (), **kwargs) -> None:
        super().__init__(target, regressor_columns, **kwargs)
        self.temperature_column = _temperature_column(self.regressor_columns)
        self.model_ = None
        self.holdout_fitted_: pd.Series | None = None

    def _features(
        self,
        history: pd.DataFrame,
        index: pd.DatetimeIndex,
        origins: pd.DatetimeIndex | pd.Timestamp,
        future: pd.DataFrame,
        temperature: pd.Series | None,
    ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
        target = history[self.target]
        level = mean_before(target, index, origins, pd.Timedelta("24h"))
        mean_week = mean_before(target, index, origins, pd.Timedelta("7D"))
        square_week = mean_before(target**2, index, origins, pd.Timedelta("7D"))
        spread = np.sqrt(np.maximum(square_week - mean_week**2, 0.0))
        spread = np.where(spread > 1e-9, spread, 1.0)
        local = local_times(index)
        origin_index = (
            pd.DatetimeIndex(np.full(len(index), pd.Timestamp(origins).to_datetime64()), tz="UTC")
            if isinstance(origins, pd.Timestamp)
            else pd.DatetimeIndex(origins)
        )
        lags = origin_lag_features(target, history[list(self.lagged_columns)], index, origins)
        frame = pd.DataFrame(index=index)
        frame["clock_h"] = local.hour + local.minute / 60.0
        frame["day_of_week"] = local.day_of_week
        frame["day_type"] = day_type(index)
        frame["lead_h"] = (index - origin_index) / pd.Timedelta("1h")
        frame["level"] = level
        frame["spread"] = spread
        previous_day = latest_available_lag(target, shift_local_days(index, 1), origins, 1)
        last_value = mean_before(target, index, origins, infer_step(target.index))
        for column, values in (
            ("lag_latest_day", lags["lag_latest_day"].to_numpy()),
            ("lag_day_before", previous_day),
            ("lag_week", lags["lag_week"].to_numpy()),
            ("last_value", last_value),
        ):
            frame[f"{column}_scaled"] = (values - level) / spread
        for column in lags.columns:
            if column not in ("lag_latest_day", "lag_week", "mean_last_24h"):
                frame[column] = lags[column].to_numpy()
        for column in self.regressor_columns:
            frame[column] = future[column].to_numpy(dtype=float)
        if temperature is not None:
            effective = effective_temperature(temperature, TEMPERATURE_TIME_CONSTANT_H)
            frame["heating_degrees_k"] = np.maximum(
                0.0, HEATING_BASE_TEMPERATURE_C - effective.reindex(index).to_numpy(dtype=float)
            )
        return frame, level, spread

    def _history_temperature(self, history: pd.DataFrame) -> pd.Series | None:
        return history[self.temperature_column] if self.temperature_column else None

    def _train(self, history: pd.DataFrame, rows: pd.DatetimeIndex):
        import lightgbm

        features, level, spread = self._features(
            history,
            rows,
            self._origins(rows),
            history.reindex(rows),
            self._history_temperature(history),
        )
        target = (history[self.target].reindex(rows).to_numpy(dtype=float) - level) / spread
        usable = np.isfinite(target) & np.isfinite(level)
        if usable.sum() < 14 * 24:
            raise ValidationError(
                self.target, f"too little history for {self.name}: {int(usable.sum())} usable rows"
            )
        data = lightgbm.Dataset(features[usable], target[usable], free_raw_data=True)
        return lightgbm.train(self.parameters, data, num_boost_round=self.boosting_rounds)

    def _fit(self, history: pd.DataFrame) -> None:
        index = history.index
        cutoff = index[-1] - pd.Timedelta(days=RESIDUAL_WINDOW_DAYS)
        self.holdout_fitted_ = pd.Series(np.nan, index=index)
        early = index[index < cutoff]
        if len(early) * infer_step(index) >= pd.Timedelta(days=28):
            holdout_model = self._train(history, early)
            late = index[index >= cutoff]
            features, level, spread = self._features(
                history,
                late,
                self._origins(late),
                history.reindex(late),
                self._history_temperature(history),
            )
            self.holdout_fitted_.loc[late] = level + spread * holdout_model.predict(features)
        self.model_ = self._train(history, index)

    def _fitted(self, history: pd.DataFrame) -> pd.Series:
        assert self.holdout_fitted_ is not None
        return self.holdout_fitted_.reindex(history.index)

    def _point(self, history, origin_utc, horizon_index, future) -> np.ndarray:
        assert self.model_ is not None
        temperature = None
        if self.temperature_column is not None:
            temperature = pd.concat(
                [
                    history[self.temperature_column].iloc[-7 * 24 * 4 :],
                    future[self.temperature_column],
                ]
            )
            temperature = temperature[~temperature.index.duplicated(keep="last")]
        features, level, spread = self._features(
            history, horizon_index, origin_utc, future, temperature
        )
        return level + spread * self.model_.predict(features)


MODEL_NAMES = (
    "seasonal_naive",
    "seasonal_naive_7d",
    "temperature_regression",
    "prophet",
    "prophet_lagged",
    "lightgbm",
)


def make_forecaster(
    name: str,
    target: str,
    regressor_columns: Sequence[str] = (),
    *,
    lagged_columns: Sequence[str] = (),
    origin_local: dt.time = DEFAULT_ORIGIN_LOCAL,
    lead_days: int = 1,
    residual_transform: str = "auto",
) -> Forecaster:
    """Build a forecaster by name (one of :data:`MODEL_NAMES`).

    ``regressor_columns`` are needed on the horizon (forecasts); ``lagged_columns`` are
    exogenous series of which only the values before the origin are used (``prophet_lagged``
    and ``lightgbm``; the other models ignore them).
    """
    common = {
        "origin_local": origin_local,
        "lead_days": lead_days,
        "residual_transform": residual_transform,
    }
    if name in ("prophet_lagged", "lightgbm"):
        common["lagged_columns"] = tuple(lagged_columns)
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
    if name == "lightgbm":
        return GradientBoostingForecaster(target, regressor_columns, **common)
    raise ValidationError("models", f"unknown model {name!r}; choose from {', '.join(MODEL_NAMES)}")
