"""Heat demand as a function of outdoor temperature (piecewise-linear heating-degree model).

Used as the temperature-regression baseline of the heat forecasts and, by the bidding agent
and the demo seed, to synthesise district-heating demand from a temperature series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from forecasting.core.data import require_columns, require_utc_index
from forecasting.core.features import day_type, local_hour

BASE_TEMPERATURES_C = tuple(float(t) for t in range(10, 21))
TIME_CONSTANTS_H = (0.0, 6.0, 12.0, 24.0, 48.0, 72.0)
MIN_FIT_ROWS = 7 * 24


def effective_temperature(temperature_c: pd.Series, time_constant_h: float) -> pd.Series:
    r"""Exponentially smoothed temperature [°C] (building and network thermal inertia).

    Notes
    -----
    .. math:: \tilde T_t = \tilde T_{t-\Delta} + (1 - e^{-\Delta/\tau})(T_t - \tilde T_{t-\Delta})

    with time constant :math:`\tau` = ``time_constant_h`` [h]; irregular spacing is handled by
    decaying with the actual time step. ``time_constant_h = 0`` returns the raw series.
    """
    if time_constant_h <= 0:
        return temperature_c.astype(float)
    halflife = pd.Timedelta(hours=time_constant_h * np.log(2.0))
    valid = temperature_c.dropna().astype(float)
    smoothed = valid.ewm(halflife=halflife, times=valid.index).mean()
    return smoothed.reindex(temperature_c.index)


def _design(hours: np.ndarray, kinds: np.ndarray, degrees_k: np.ndarray) -> np.ndarray:
    rows = np.arange(len(hours))
    intercepts = np.zeros((len(hours), 3 * 24))
    intercepts[rows, kinds * 24 + hours] = 1.0
    slopes = np.zeros((len(hours), 24))
    slopes[rows, hours] = degrees_k
    return np.hstack([intercepts, slopes])


@dataclass(frozen=True)
class HeatTemperatureModel:
    r"""Fitted heat-vs-temperature model.

    Notes
    -----
    .. math:: \hat Q_t = a_{d(t),h(t)} + b_{h(t)} \max(0,\ T_b - \tilde T_t)

    :math:`\hat Q_t` heat [unit of ``heat_column``, e.g. MW]; :math:`a_{d,h}` intercept per day
    type :math:`d` (working day / Saturday / Sunday or Danish holiday) and local hour :math:`h`;
    :math:`b_h` slope per heating degree per local hour [unit/K]; :math:`T_b` base temperature
    [°C]; :math:`\tilde T` the smoothed temperature (:func:`effective_temperature`). :math:`T_b`
    and :math:`\tau` are chosen by grid search (least squares), the rest by least squares.
    """

    heat_column: str
    temperature_column: str
    base_temperature_c: float
    time_constant_h: float
    intercept: np.ndarray  # shape (3, 24) [unit of heat_column]
    slope_per_k: np.ndarray  # shape (24,) [unit of heat_column per K]
    fit_rmse: float  # in-sample RMSE [unit of heat_column]

    def predict(self, temperature: pd.Series) -> pd.Series:
        """Heat demand for a temperature series.

        Parameters
        ----------
        temperature
            Outdoor temperature [°C] on a tz-aware UTC index. Give a day or two of history
            before the periods of interest so the smoothing is warmed up.

        Returns
        -------
        pandas.Series
            Heat [unit of ``heat_column``], clipped at 0, named ``heat_column``; NaN where the
            temperature is NaN.
        """
        frame = require_utc_index(temperature.to_frame("temperature"), "temperature")
        effective = effective_temperature(frame["temperature"], self.time_constant_h)
        degrees = np.maximum(0.0, self.base_temperature_c - effective.to_numpy(dtype=float))
        hours = local_hour(frame.index)
        kinds = day_type(frame.index)
        heat = self.intercept[kinds, hours] + self.slope_per_k[hours] * degrees
        return pd.Series(np.maximum(heat, 0.0), index=frame.index, name=self.heat_column)


def fit_heat_temperature_model(
    frame: pd.DataFrame,
    heat_column: str,
    temperature_column: str,
    *,
    base_temperatures_c: tuple[float, ...] = BASE_TEMPERATURES_C,
    time_constants_h: tuple[float, ...] = TIME_CONSTANTS_H,
) -> HeatTemperatureModel:
    """Fit :class:`HeatTemperatureModel` on observed heat and temperature.

    Parameters
    ----------
    frame
        Tz-aware UTC index; columns ``heat_column`` (e.g. ``heat_load_mw`` [MW]) and
        ``temperature_column`` [°C]. Rows with NaN in either are skipped.
    base_temperatures_c, time_constants_h
        Grids for the base temperature [°C] and the smoothing time constant [h].

    Returns
    -------
    HeatTemperatureModel
    """
    frame = require_utc_index(frame)
    require_columns(frame, [heat_column, temperature_column])
    heat = frame[heat_column].astype(float)
    usable = heat.notna() & frame[temperature_column].notna()
    if int(usable.sum()) < MIN_FIT_ROWS:
        raise ValidationError(
            heat_column,
            f"too little history: {int(usable.sum())} rows with heat and temperature, "
            f"need at least {MIN_FIT_ROWS}",
        )
    best: tuple[float, float, float, np.ndarray] | None = None
    target = heat[usable].to_numpy()
    hours = local_hour(frame.index[usable])
    kinds = day_type(frame.index[usable])
    for tau in time_constants_h:
        effective = effective_temperature(frame[temperature_column], tau)[usable].to_numpy()
        for base in base_temperatures_c:
            design = _design(hours, kinds, np.maximum(0.0, base - effective))
            # normal equations (96 x 96); lstsq copes with day types absent from short data
            coefficients, *_ = np.linalg.lstsq(design.T @ design, design.T @ target, rcond=None)
            sse = float(np.sum((design @ coefficients - target) ** 2))
            if best is None or sse < best[0]:
                best = (sse, base, tau, coefficients)
    assert best is not None
    sse, base, tau, coefficients = best
    return HeatTemperatureModel(
        heat_column=heat_column,
        temperature_column=temperature_column,
        base_temperature_c=base,
        time_constant_h=tau,
        intercept=coefficients[:72].reshape(3, 24),
        slope_per_k=coefficients[72:],
        fit_rmse=float(np.sqrt(sse / len(target))),
    )
