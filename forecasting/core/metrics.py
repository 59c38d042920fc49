"""Point, quantile and interval accuracy metrics.

All functions take arrays of equal shape and ignore positions where the actual or the forecast
is NaN. Units follow the series (e.g. MW for ``heat_mw``, EUR/MWh for prices); percentages are
in percent [%].
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ainergy.common.errors import ValidationError


def _pair(actual: ArrayLike, forecast: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    actual_array = np.asarray(actual, dtype=float).ravel()
    forecast_array = np.asarray(forecast, dtype=float).ravel()
    if actual_array.shape != forecast_array.shape:
        raise ValidationError(
            "forecast", f"shape {forecast_array.shape} != actual shape {actual_array.shape}"
        )
    valid = np.isfinite(actual_array) & np.isfinite(forecast_array)
    return actual_array[valid], forecast_array[valid]


def mae(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Mean absolute error [unit of the series].

    Notes
    -----
    .. math:: \mathrm{MAE} = \frac{1}{n}\sum_t |y_t - \hat y_t|
    """
    y, f = _pair(actual, forecast)
    return float(np.mean(np.abs(y - f))) if len(y) else float("nan")


def rmse(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Root mean squared error [unit of the series].

    Notes
    -----
    .. math:: \mathrm{RMSE} = \sqrt{\frac{1}{n}\sum_t (y_t - \hat y_t)^2}
    """
    y, f = _pair(actual, forecast)
    return float(np.sqrt(np.mean((y - f) ** 2))) if len(y) else float("nan")


def mape(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Mean absolute percentage error [%], over the periods with a non-zero actual.

    Notes
    -----
    .. math:: \mathrm{MAPE} = \frac{100}{|\{t: y_t \ne 0\}|}\sum_{t: y_t \ne 0}
              \left|\frac{y_t - \hat y_t}{y_t}\right|

    Periods with ``y_t = 0`` are skipped (MAPE is undefined there); for prices near zero MAPE
    explodes, so read sMAPE or MAE for prices.
    """
    y, f = _pair(actual, forecast)
    nonzero = y != 0
    if not nonzero.any():
        return float("nan")
    return float(100.0 * np.mean(np.abs((y[nonzero] - f[nonzero]) / y[nonzero])))


def smape(actual: ArrayLike, forecast: ArrayLike) -> float:
    r"""Symmetric mean absolute percentage error [%], bounded by 200 %.

    Notes
    -----
    .. math:: \mathrm{sMAPE} = \frac{100}{n}\sum_t
              \frac{|y_t - \hat y_t|}{(|y_t| + |\hat y_t|)/2}

    A period with ``y_t = \hat y_t = 0`` contributes 0.
    """
    y, f = _pair(actual, forecast)
    if not len(y):
        return float("nan")
    denominator = (np.abs(y) + np.abs(f)) / 2.0
    ratio = np.divide(np.abs(y - f), denominator, out=np.zeros_like(y), where=denominator > 0)
    return float(100.0 * np.mean(ratio))


def pinball(actual: ArrayLike, quantile_forecast: ArrayLike, quantile: float) -> float:
    r"""Mean pinball (quantile) loss of a ``quantile`` forecast [unit of the series].

    Notes
    -----
    .. math:: L_q = \frac{1}{n}\sum_t \max\big(q\,(y_t - \hat y_t),\ (q - 1)(y_t - \hat y_t)\big)

    For ``q = 0.5`` this is half the MAE of the median forecast.
    """
    if not 0.0 < quantile < 1.0:
        raise ValidationError("quantile", f"must lie in (0, 1), got {quantile}")
    y, f = _pair(actual, quantile_forecast)
    if not len(y):
        return float("nan")
    difference = y - f
    return float(np.mean(np.maximum(quantile * difference, (quantile - 1.0) * difference)))


def coverage(actual: ArrayLike, lower: ArrayLike, upper: ArrayLike) -> float:
    r"""Share of actuals inside the closed interval ``[lower, upper]`` [fraction, 0–1].

    Notes
    -----
    .. math:: \mathrm{cov} = \frac{1}{n}\sum_t \mathbb 1[\ell_t \le y_t \le u_t]
    """
    y = np.asarray(actual, dtype=float).ravel()
    low = np.asarray(lower, dtype=float).ravel()
    high = np.asarray(upper, dtype=float).ravel()
    valid = np.isfinite(y) & np.isfinite(low) & np.isfinite(high)
    if not valid.any():
        return float("nan")
    inside = (low[valid] <= y[valid]) & (y[valid] <= high[valid])
    return float(np.mean(inside))


def pit_histogram(actual: ArrayLike, deciles: ArrayLike) -> list[float]:
    r"""Probability integral transform histogram from the nine decile forecasts [fractions].

    Parameters
    ----------
    actual
        Shape (n,).
    deciles
        Shape (9, n): forecast quantiles at 0.1, 0.2, …, 0.9 (non-decreasing along axis 0).

    Returns
    -------
    list of float
        Ten fractions summing to 1: bin ``b`` holds the actuals between the forecast quantiles
        ``b/10`` and ``(b+1)/10``. Calibrated forecasts give 0.1 in every bin; a U shape means
        too narrow, a hump too wide. Periods with a non-finite value are skipped.

    Notes
    -----
    .. math:: b_t = \sum_{l=1}^{9} \mathbb 1[y_t > q_{l/10,t}]
    """
    y = np.asarray(actual, dtype=float).ravel()
    levels = np.asarray(deciles, dtype=float)
    if levels.ndim != 2 or levels.shape != (9, len(y)):
        raise ValidationError("deciles", f"expected shape (9, {len(y)}), got {levels.shape}")
    valid = np.isfinite(y) & np.isfinite(levels).all(axis=0)
    if not valid.any():
        return [float("nan")] * 10
    bins = (y[valid][None, :] > levels[:, valid]).sum(axis=0)
    counts = np.bincount(bins, minlength=10)
    return [float(c) for c in counts / counts.sum()]


def weighted_quantile(values: ArrayLike, probabilities: ArrayLike, level: float) -> np.ndarray:
    r"""Per-period quantile of a discrete scenario distribution [unit of the values].

    Parameters
    ----------
    values
        Shape (K, T): K scenarios.
    probabilities
        Shape (K,), summing to 1.
    level
        In (0, 1).

    Notes
    -----
    The lower quantile :math:`\min\{x : \sum_k \pi_k \mathbb 1[x_k \le x] \ge u\}` of each
    column (no interpolation: a scenario set only has its own values).
    """
    if not 0.0 < level < 1.0:
        raise ValidationError("level", f"must lie in (0, 1), got {level}")
    x = np.asarray(values, dtype=float)
    p = np.asarray(probabilities, dtype=float)
    order = np.argsort(x, axis=0, kind="stable")
    sorted_values = np.take_along_axis(x, order, axis=0)
    cumulative = np.cumsum(p[order], axis=0)
    position = (cumulative < level - 1e-12).sum(axis=0)
    position = np.minimum(position, x.shape[0] - 1)
    return sorted_values[position, np.arange(x.shape[1])]
