"""Reads for forecast runs: runs of a tenant, the inputs a run may see, its values, accuracy."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db.models import QuerySet

from ainergy.common.errors import NotFoundError
from ainergy.timeseries.models import ForecastValue, Observation, Series
from ainergy.timeseries.selectors import observations_frame, readable_forecasts
from forecasting.core import metrics
from forecasting.models import ForecastRun

POINT_QUANTILE = 0.5
TARGET_COLUMN = "target"
# Instants are matched as [t, t + 1 ms): the SQLite upsert path stores aware datetimes with an
# offset suffix, which equality against Django's offset-free text misses.
INSTANT = dt.timedelta(milliseconds=1)


def forecast_run_list(tenant) -> QuerySet[ForecastRun]:
    return ForecastRun.objects.for_tenant(tenant)


def forecast_run_get(tenant, run_id: int) -> ForecastRun:
    try:
        return (
            forecast_run_list(tenant)
            .select_related("series", "forecast_series", "job")
            .get(pk=run_id)
        )
    except (ForecastRun.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Forecast run not found.") from None


def horizon_index(run: ForecastRun) -> pd.DatetimeIndex:
    """UTC period starts of the run's horizon (23/24/25 h per local day)."""
    return pd.date_range(
        run.horizon_start_at,
        run.horizon_end_at,
        freq=f"{run.resolution_minutes}min",
        inclusive="left",
        tz="UTC",
    )


def regressor_column(series: Series) -> str:
    """Column name of a regressor; the core recognises temperatures by ``temperature`` in it."""
    return f"{series.kind}_{series.pk}"


def observation_count(series: Series, start, end) -> int:
    return Observation.objects.filter(series=series, time__gte=start, time__lt=end).count()


def history_frame(
    series: Series, regressors: Sequence[Series], *, start, issued_at, resolution_minutes: int
) -> pd.DataFrame:
    """Target and regressor observations on a regular grid in ``[start, issued_at)``.

    Nothing at or after the issue time is read (the query's end is exclusive).
    """
    grid = pd.date_range(
        pd.Timestamp(start).ceil(f"{resolution_minutes}min"),
        pd.Timestamp(issued_at),
        freq=f"{resolution_minutes}min",
        inclusive="left",
        name="time_utc",
    )
    columns = {TARGET_COLUMN: series, **{regressor_column(r): r for r in regressors}}
    frame = pd.DataFrame(index=grid)
    for column, source in columns.items():
        values = observations_frame(source, start, issued_at)["value"]
        frame[column] = values.reindex(grid).to_numpy(dtype=float)
    return frame


def regressor_forecast(series: Series, *, issued_at, index: pd.DatetimeIndex) -> pd.Series:
    """Point forecasts of a regressor on ``index`` known at ``issued_at``.

    For every period the value of the latest issue at or before ``issued_at`` that covers it
    (quantile 0.5, scenario 0); periods no such forecast covers are NaN. An issue is one run:
    of several runs issued at the same time only the latest succeeded one is read (as in
    ``ainergy.timeseries.selectors.forecast_issue``), so two models are never mixed.
    """
    rows = list(
        readable_forecasts(series)
        .filter(
            issued_at__lt=issued_at + INSTANT,
            quantile=POINT_QUANTILE,
            scenario=0,
            time__gte=index[0],
            time__lt=index[-1] + INSTANT,
        )
        .values_list("time", "issued_at", "run_id", "value")
    )
    if not rows:
        return pd.Series(np.nan, index=index, dtype=float)
    frame = pd.DataFrame(rows, columns=["time", "issued_at", "run_id", "value"])
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    frame["issued_at"] = pd.to_datetime(frame["issued_at"], utc=True)
    # one run per issue time: the highest run id, directly written values (no run) last
    frame["rank"] = frame["run_id"].astype(float).fillna(-1.0)
    chosen = frame.groupby("issued_at")["rank"].transform("max")
    frame = frame[frame["rank"] == chosen]
    latest = frame.sort_values(["time", "issued_at"]).groupby("time")["value"].last()
    return latest.reindex(index).astype(float)


def forecast_run_values(run: ForecastRun) -> pd.DataFrame:
    """The run's stored values: columns time, quantile, scenario, scenario_probability, value."""
    rows = ForecastValue.objects.filter(
        series_id=run.forecast_series_id,
        run=run,
        time__gte=run.horizon_start_at,
        time__lt=run.horizon_end_at,
    ).values_list("time", "quantile", "scenario", "scenario_probability", "value")
    frame = pd.DataFrame(
        list(rows), columns=["time", "quantile", "scenario", "scenario_probability", "value"]
    )
    frame["time"] = pd.to_datetime(frame["time"], utc=True)
    return frame.sort_values(["scenario", "quantile", "time"], ignore_index=True)


@dataclass(frozen=True)
class QuantileLoss:
    quantile: float
    pinball_loss: float | None


@dataclass(frozen=True)
class ForecastAccuracy:
    """Accuracy of a run against the realised values of its horizon (units of the series)."""

    unit: str
    horizon_periods: int
    observed_periods: int
    mae: float | None
    rmse: float | None
    pinball: list[QuantileLoss]
    interval_lower_quantile: float | None
    interval_upper_quantile: float | None
    interval_coverage_fraction: float | None


def _finite(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def forecast_run_accuracy(run: ForecastRun) -> ForecastAccuracy:
    """MAE and RMSE of the point forecast, pinball loss per quantile and coverage of the widest
    central interval, over the horizon periods that have an observation."""
    index = horizon_index(run)
    values = forecast_run_values(run)
    quantile_values = values[values["scenario"] == 0].pivot(
        index="time", columns="quantile", values="value"
    )
    quantile_values = quantile_values.reindex(index)
    actual = (
        observations_frame(run.series, run.horizon_start_at, run.horizon_end_at)["value"]
        .reindex(index)
        .to_numpy(dtype=float)
    )
    levels = sorted(float(q) for q in quantile_values.columns)

    def column(level: float) -> np.ndarray:
        return quantile_values[level].to_numpy(dtype=float)

    observed = int(np.isfinite(actual).sum())
    point = column(POINT_QUANTILE) if POINT_QUANTILE in levels else np.full(len(index), np.nan)
    lower = levels[0] if len(levels) > 1 else None
    upper = levels[-1] if len(levels) > 1 else None
    return ForecastAccuracy(
        unit=run.series.unit,
        horizon_periods=len(index),
        observed_periods=observed,
        mae=_finite(metrics.mae(actual, point)),
        rmse=_finite(metrics.rmse(actual, point)),
        pinball=[QuantileLoss(q, _finite(metrics.pinball(actual, column(q), q))) for q in levels],
        interval_lower_quantile=lower,
        interval_upper_quantile=upper,
        interval_coverage_fraction=(
            _finite(metrics.coverage(actual, column(lower), column(upper)))
            if lower is not None and upper is not None
            else None
        ),
    )
