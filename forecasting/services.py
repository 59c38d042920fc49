"""Forecast runs: validate a request and enqueue it; the job runner that computes and stores it.

A run reads only observations strictly before its issue time and regressor forecasts issued at
or before it, calls the forecasting core, and upserts its values as ``ForecastValue`` rows keyed
on (series, issue time, run, scenario, quantile, time), so a redelivered job rewrites the same
rows and runs of different models issued at the same time keep their own values.
"""

from __future__ import annotations

import datetime as dt
import math
import time
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from django.db import connection, transaction

from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_bounds, require_aware
from ainergy.jobs.models import JobStatus
from ainergy.jobs.services import JobContext, job_enqueue
from ainergy.timeseries.kinds import get_kind
from ainergy.timeseries.models import Series
from ainergy.timeseries.services import forecasts_write, series_create
from forecasting import selectors
from forecasting.core import api
from forecasting.core.backtest import BacktestConfig, run_backtest
from forecasting.models import ForecastModelName, ForecastRun

JOB_KIND = "forecast_run"
FORECASTABLE_KINDS = (
    "heat_demand",
    "heat_output",
    "electricity_consumption",
    "electric_power",
    "pv_generation",
    "day_ahead_price",
)
REGRESSOR_KINDS = ("outdoor_temperature", "solar_irradiance")
FORECAST_RESOLUTIONS_MINUTES = (15, 60)
MIN_HISTORY_DAYS = 14  # [d] the core's minimum for fitted models and residual quantiles
MIN_HISTORY_FRACTION = 0.9  # share of periods of the last MIN_HISTORY_DAYS that must be observed
DEFAULT_HISTORY_DAYS = 365  # [d]
MAX_HISTORY_DAYS = 1100  # [d] three years: Prophet's yearly seasonality needs two
MAX_HORIZON_HOURS = 168  # [h]
MAX_LEAD_DAYS = 7  # [d] from the issue time to the horizon start
MAX_QUANTILES = 9
MAX_SCENARIOS = 50
SCENARIO_SAMPLES = 200  # bootstrap paths reduced to the requested scenario count
MAX_BACKTEST_DAYS = 28  # [d]
MAX_REGRESSORS = 4
NO_REGRESSOR_MODELS = (ForecastModelName.SEASONAL_NAIVE, ForecastModelName.SEASONAL_NAIVE_7D)


def _check_visible(tenant, series: Series, field: str) -> Series:
    if series.tenant_id is not None and series.tenant_id != tenant.pk:
        raise NotFoundError("Series not found.")
    return series


def _horizon(
    *,
    issued_at: dt.datetime,
    delivery_day: dt.date | None,
    horizon_hours: int | None,
    step_min: int,
) -> tuple[dt.datetime, dt.datetime]:
    if (delivery_day is None) == (horizon_hours is None):
        raise ValidationError("delivery_day", "give either delivery_day or horizon_hours")
    if delivery_day is not None:
        start, end = delivery_day_bounds(delivery_day)
        if start < issued_at:
            raise ValidationError(
                "delivery_day",
                f"{delivery_day.isoformat()} starts before the issue time {issued_at.isoformat()}",
            )
    else:
        if not 1 <= horizon_hours <= MAX_HORIZON_HOURS:
            raise ValidationError(
                "horizon_hours", f"must be between 1 and {MAX_HORIZON_HOURS}, got {horizon_hours}"
            )
        start = pd.Timestamp(issued_at).ceil(f"{step_min}min").to_pydatetime()
        end = start + dt.timedelta(hours=horizon_hours)
    if start - issued_at > dt.timedelta(days=MAX_LEAD_DAYS):
        raise ValidationError(
            "delivery_day" if delivery_day else "issued_at",
            f"the horizon must start within {MAX_LEAD_DAYS} days of the issue time",
        )
    return start, end


def _quantile_levels(quantiles: Sequence[float]) -> list[float]:
    levels = [float(q) for q in quantiles]
    if len(levels) > MAX_QUANTILES:
        raise ValidationError("quantiles", f"at most {MAX_QUANTILES} levels, got {len(levels)}")
    for position, level in enumerate(levels):
        if not (math.isfinite(level) and 0.0 < level < 1.0):
            raise ValidationError(f"quantiles[{position}]", f"must lie in (0, 1), got {level:g}")
    if len(set(levels)) != len(levels):
        raise ValidationError("quantiles", "levels must be distinct")
    # the point forecast is stored at 0.5, so the median is always there
    return sorted(set(levels) | {selectors.POINT_QUANTILE})


def _check_regressors(
    tenant, regressors: Sequence[Series], *, series: Series, model_name: str
) -> list[Series]:
    regressors = [_check_visible(tenant, r, "regressor_series_ids") for r in regressors]
    if len(regressors) > MAX_REGRESSORS:
        raise ValidationError(
            "regressor_series_ids", f"at most {MAX_REGRESSORS} regressors, got {len(regressors)}"
        )
    if len({r.pk for r in regressors}) != len(regressors):
        raise ValidationError("regressor_series_ids", "the same series appears twice")
    for position, regressor in enumerate(regressors):
        field = f"regressor_series_ids[{position}]"
        if regressor.pk == series.pk:
            raise ValidationError(field, "the target cannot be its own regressor")
        if regressor.kind not in REGRESSOR_KINDS:
            raise ValidationError(
                field,
                f"{regressor.kind} series cannot be a regressor; use {', '.join(REGRESSOR_KINDS)}",
            )
        if regressor.resolution_minutes != series.resolution_minutes:
            raise ValidationError(
                field,
                f"resolution {regressor.resolution_minutes} min differs from the target's "
                f"{series.resolution_minutes} min",
            )
    if regressors and model_name in NO_REGRESSOR_MODELS:
        raise ValidationError("regressor_series_ids", f"{model_name} uses no regressors")
    if model_name == ForecastModelName.TEMPERATURE_REGRESSION and not any(
        r.kind == "outdoor_temperature" for r in regressors
    ):
        raise ValidationError(
            "regressor_series_ids", "temperature_regression needs an outdoor_temperature series"
        )
    return regressors


def _check_history(series: Series, issued_at: dt.datetime) -> None:
    start = issued_at - dt.timedelta(days=MIN_HISTORY_DAYS)
    expected = int(
        dt.timedelta(days=MIN_HISTORY_DAYS) / dt.timedelta(minutes=series.resolution_minutes)
    )
    found = selectors.observation_count(series, start, issued_at)
    if found < MIN_HISTORY_FRACTION * expected:
        raise ValidationError(
            "issued_at",
            f"too little history: {found} of {expected} values of {series.key} in the "
            f"{MIN_HISTORY_DAYS} days before the issue time; need at least "
            f"{MIN_HISTORY_FRACTION:.0%}",
        )


def _check_regressor_forecasts(
    regressors: Sequence[Series], *, issued_at: dt.datetime, start, end, step_min: int
) -> None:
    index = pd.date_range(start, end, freq=f"{step_min}min", inclusive="left", tz="UTC")
    for position, regressor in enumerate(regressors):
        future = selectors.regressor_forecast(regressor, issued_at=issued_at, index=index)
        missing = int(future.isna().sum())
        if missing:
            raise ValidationError(
                f"regressor_series_ids[{position}]",
                f"no forecast of {regressor.key} issued by the issue time covers {missing} of "
                f"{len(index)} horizon periods",
            )


def _forecast_series(tenant, series: Series) -> Series:
    """The target if the tenant owns it; else the tenant's private series for its forecasts."""
    if series.tenant_id is not None:
        return series
    key = f"{series.key}-forecast"[:120]
    own = Series.objects.filter(tenant=tenant, key=key).first()
    if own is None:
        return series_create(
            tenant=tenant,
            key=key,
            kind=series.kind,
            resolution_minutes=series.resolution_minutes,
            bidding_zone=series.bidding_zone,
            description=f"Forecasts of public series {series.key}",
        )
    if (own.kind, own.resolution_minutes) != (series.kind, series.resolution_minutes):
        raise ValidationError(
            "series_id", f"your series {key!r}, which holds these forecasts, has another kind"
        )
    return own


def _lock_request_key(tenant, series: Series, issued_at: dt.datetime) -> None:
    """Transaction-scoped PostgreSQL advisory lock on (tenant, series, issue time)."""
    if connection.vendor != "postgresql":  # pragma: no cover - CI runs PostgreSQL only
        return
    key = f"forecast_run:{tenant.pk}:{series.pk}:{issued_at.isoformat()}"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)",
            [zlib.crc32(b"forecast_run_request") % 2**31, zlib.crc32(key.encode()) % 2**31],
        )


@transaction.atomic
def forecast_run_request(
    *,
    tenant,
    series: Series,
    model_name: str,
    issued_at: dt.datetime,
    delivery_day: dt.date | None = None,
    horizon_hours: int | None = None,
    regressor_series: Sequence[Series] = (),
    history_days: int = DEFAULT_HISTORY_DAYS,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    scenario_count: int = 0,
    backtest_days: int = 0,
    created_by=None,
) -> ForecastRun:
    """Validate a forecast request and enqueue its job; nothing is written on bad input."""
    series = _check_visible(tenant, series, "series_id")
    if series.kind not in FORECASTABLE_KINDS:
        raise ValidationError(
            "series_id",
            f"{series.kind} series cannot be forecast; use one of {', '.join(FORECASTABLE_KINDS)}",
        )
    if series.resolution_minutes not in FORECAST_RESOLUTIONS_MINUTES:
        raise ValidationError(
            "series_id",
            f"resolution {series.resolution_minutes} min; forecasts run at "
            f"{' or '.join(map(str, FORECAST_RESOLUTIONS_MINUTES))} min",
        )
    if model_name not in ForecastModelName.values:
        raise ValidationError("model_name", f"unknown model {model_name!r}")
    regressors = _check_regressors(tenant, regressor_series, series=series, model_name=model_name)
    issued_at = require_aware(issued_at, "issued_at")
    step_min = series.resolution_minutes
    start, end = _horizon(
        issued_at=issued_at,
        delivery_day=delivery_day,
        horizon_hours=horizon_hours,
        step_min=step_min,
    )
    if not MIN_HISTORY_DAYS <= history_days <= MAX_HISTORY_DAYS:
        raise ValidationError(
            "history_days",
            f"must be between {MIN_HISTORY_DAYS} and {MAX_HISTORY_DAYS}, got {history_days}",
        )
    levels = _quantile_levels(quantiles)
    if not 0 <= scenario_count <= MAX_SCENARIOS:
        raise ValidationError(
            "scenario_count", f"must be between 0 and {MAX_SCENARIOS}, got {scenario_count}"
        )
    if not 0 <= backtest_days <= MAX_BACKTEST_DAYS:
        raise ValidationError(
            "backtest_days", f"must be between 0 and {MAX_BACKTEST_DAYS}, got {backtest_days}"
        )
    if backtest_days and history_days < backtest_days + MIN_HISTORY_DAYS + 1:
        raise ValidationError(
            "backtest_days",
            f"{backtest_days} backtest days need history_days of at least "
            f"{backtest_days + MIN_HISTORY_DAYS + 1}",
        )
    _check_history(series, issued_at)
    _check_regressor_forecasts(
        regressors, issued_at=issued_at, start=start, end=end, step_min=step_min
    )
    # One live run per (tenant, series, issue time, model). Concurrent requests for the same
    # series and issue time queue on a transaction-scoped lock (which also covers creating the
    # tenant's copy of a public series), so a later one sees the first one's committed run
    # (READ COMMITTED) and is refused; nothing is half-written.
    _lock_request_key(tenant, series, issued_at)
    forecast_series = _forecast_series(tenant, series)
    earlier = (
        ForecastRun.objects.for_tenant(tenant)
        .filter(forecast_series=forecast_series, issued_at=issued_at, model_name=model_name)
        .exclude(job__status__in=(JobStatus.FAILED, JobStatus.CANCELLED))
    )
    if earlier.exists():
        raise ValidationError(
            "issued_at",
            f"{series.key} already has a {model_name} forecast issued at {issued_at.isoformat()}",
        )
    parameters = {
        "series_key": series.key,
        "model_name": model_name,
        "issued_at": issued_at.isoformat(),
        "horizon_start_at": start.isoformat(),
        "horizon_end_at": end.isoformat(),
    }
    job = job_enqueue(tenant=tenant, kind=JOB_KIND, parameters=parameters, created_by=created_by)
    run = ForecastRun.objects.create(
        tenant=tenant,
        series=series,
        forecast_series=forecast_series,
        model_name=model_name,
        issued_at=issued_at,
        horizon_start_at=start,
        horizon_end_at=end,
        horizon_hours=int((end - start) / dt.timedelta(hours=1)),
        resolution_minutes=step_min,
        history_days=history_days,
        quantiles=levels,
        scenario_count=scenario_count,
        backtest_days=backtest_days,
        job=job,
        created_by=created_by,
    )
    run.regressor_series.set(regressors)
    return run


# --- the job runner ------------------------------------------------------------------------


def _json_safe(value: Any) -> Any:
    """NaN/inf → None (PostgreSQL jsonb rejects NaN), recursively."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def _backtest(run: ForecastRun, history: pd.DataFrame, regressor_columns: list[str]) -> dict:
    """Rolling-origin backtest on the local days before the issue day (all inside history)."""
    issued = pd.Timestamp(run.issued_at).tz_convert(LOCAL_TZ)
    test_end = issued.date() - dt.timedelta(days=1)
    models = (run.model_name,)
    if run.model_name != ForecastModelName.SEASONAL_NAIVE:
        models += (ForecastModelName.SEASONAL_NAIVE.value,)
    result = run_backtest(
        history,
        BacktestConfig(
            target=selectors.TARGET_COLUMN,
            test_start=test_end - dt.timedelta(days=run.backtest_days - 1),
            test_end=test_end,
            regressor_columns=tuple(regressor_columns),
            horizon_h=24,
            origin_local=dt.time(issued.hour, issued.minute),
            models=models,
            quantiles=tuple(run.quantiles),
            refit_days=run.backtest_days,
            mtu_minutes=run.resolution_minutes,
        ),
    )
    return result.to_json()


def _clip(values: np.ndarray, kind: str) -> np.ndarray:
    series_kind = get_kind(kind)
    return np.clip(values, series_kind.minimum, series_kind.maximum)


def forecast_run_execute(context: JobContext) -> dict:
    """Job runner: load history before the issue time, forecast, store values and a summary."""
    run = ForecastRun.objects.select_related("series", "forecast_series", "tenant").get(
        job_id=context.job.pk, tenant_id=context.job.tenant_id
    )
    regressors = list(run.regressor_series.order_by("pk"))
    regressor_columns = [selectors.regressor_column(r) for r in regressors]
    index = selectors.horizon_index(run)
    origin = pd.Timestamp(run.issued_at)
    context.report_progress(0.05, "loading history")
    history = selectors.history_frame(
        run.series,
        regressors,
        start=run.issued_at - dt.timedelta(days=run.history_days),
        issued_at=run.issued_at,
        resolution_minutes=run.resolution_minutes,
    )
    future = pd.DataFrame(
        {
            column: selectors.regressor_forecast(r, issued_at=run.issued_at, index=index)
            for column, r in zip(regressor_columns, regressors, strict=True)
        },
        index=index,
    )
    levels = [q for q in run.quantiles if q != selectors.POINT_QUANTILE]
    context.report_progress(0.15, f"fitting {run.model_name}")
    started = time.perf_counter()
    forecast = api.day_ahead_forecast(
        history,
        selectors.TARGET_COLUMN,
        origin,
        index,
        regressors_future=future if regressor_columns else None,
        regressor_columns=regressor_columns,
        model=run.model_name,
        quantiles=levels,
    )
    fit_predict_s = time.perf_counter() - started
    undefined = ~np.isfinite(forecast.mean)
    for values in forecast.quantiles.values():
        undefined |= ~np.isfinite(values)
    if undefined.any():
        raise ValidationError(
            "issued_at",
            f"too little history before the issue time: no forecast for {int(undefined.sum())} "
            f"of {len(index)} horizon periods (gaps in the observations the model needs)",
        )
    rows = [
        pd.DataFrame({"time": index, "value": forecast.mean, "quantile": selectors.POINT_QUANTILE}),
        *(
            pd.DataFrame({"time": index, "value": forecast.quantiles[q], "quantile": q})
            for q in levels
        ),
    ]
    if run.scenario_count:
        context.report_progress(0.5, f"sampling {run.scenario_count} scenarios")
        scenarios = api.day_ahead_scenarios(
            history,
            [selectors.TARGET_COLUMN],
            origin,
            index,
            regressors_future=future if regressor_columns else None,
            regressor_columns=regressor_columns,
            model=run.model_name,
            n_samples=max(SCENARIO_SAMPLES, run.scenario_count),
            n_scenarios=run.scenario_count,
            seed=0,
        )
        paths = scenarios.values[selectors.TARGET_COLUMN]
        for k, probability in enumerate(scenarios.probabilities):
            rows.append(
                pd.DataFrame(
                    {
                        "time": index,
                        "value": paths[k],
                        "quantile": selectors.POINT_QUANTILE,
                        "scenario": k + 1,
                        "scenario_probability": float(probability),
                    }
                )
            )
    backtest = None
    if run.backtest_days:
        context.report_progress(0.7, f"backtesting {run.backtest_days} days")
        backtest = _backtest(run, history, regressor_columns)
    for member in rows:
        member["value"] = _clip(member["value"].to_numpy(dtype=float), run.forecast_series.kind)
    observed = history[selectors.TARGET_COLUMN].dropna()
    summary = _json_safe(
        {
            "forecast_values": sum(len(member) for member in rows),
            "horizon_periods": len(index),
            "history_values": len(observed),
            "history_first_at": observed.index[0].isoformat() if len(observed) else None,
            "history_last_at": observed.index[-1].isoformat() if len(observed) else None,
            "fit_predict_seconds": round(fit_predict_s, 3),
        }
    )
    context.report_progress(0.9, "storing forecasts")
    with transaction.atomic():
        # one call per member: forecasts_write takes one value per time
        for member in rows:
            forecasts_write(
                tenant=run.tenant,
                series=run.forecast_series,
                issued_at=run.issued_at,
                frame=member,
                source=f"forecast_run:{run.pk}:{run.model_name}",
                run=run,
            )
        run.metrics = {**summary, **({"backtest": _json_safe(backtest)} if backtest else {})}
        run.save(update_fields=["metrics"])
    return summary
