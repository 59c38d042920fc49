from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay

from ainergy.graphql.context import scope_to_tenant
from ainergy.graphql.vocabulary import describe
from ainergy.jobs.graphql.types import JobStatusEnum, JobType
from ainergy.timeseries.graphql.types import SeriesType
from ainergy.timeseries.models import Series
from forecasting import models
from forecasting.graphql.inputs import ForecastModelEnum


@strawberry.type
class QuantileLoss:
    quantile: float
    pinball_loss: float | None


@strawberry.type(description="Mean absolute error at one lead time.")
class HorizonError:
    horizon_h: int = strawberry.field(description="Hours after the horizon start [h].")
    mae: float | None = strawberry.field(description="Mean absolute error (series unit).")


@strawberry.type(description="Backtest accuracy of one model over all folds (series unit).")
class ForecastModelScores:
    model: str = strawberry.field(description="Model name (as in ForecastModel, lowercase).")
    mae: float | None = strawberry.field(description="Mean absolute error.")
    rmse: float | None = strawberry.field(description="Root mean square error.")
    mape_percent: float | None = strawberry.field(description="Mean absolute % error [%].")
    smape_percent: float | None = strawberry.field(description="Symmetric MAPE [%].")
    coverage_80_fraction: float | None = strawberry.field(
        description="Share of values inside the 10–90 % interval [fraction]."
    )
    fit_seconds: float | None = strawberry.field(description="Fitting time [s].")
    pinball: list[QuantileLoss] = strawberry.field(description="Pinball loss per quantile.")
    mae_by_horizon: list[HorizonError] = strawberry.field(description="MAE by lead time.")


@strawberry.type(description="Rolling-origin backtest on the days before the issue day.")
class ForecastBacktest:
    fold_count: int = strawberry.field(description="Forecast origins tested.")
    models: list[ForecastModelScores] = strawberry.field(
        description="Scores of the run's model and the seasonal-naive baseline."
    )


@strawberry.type(description="What a forecast run computed.")
class ForecastRunMetrics:
    forecast_value_count: int = strawberry.field(description="Values stored (all members).")
    horizon_periods: int = strawberry.field(description="Periods of the horizon.")
    history_value_count: int = strawberry.field(description="Observed values used.")
    history_first_at: dt.datetime | None = strawberry.field(
        description="First observation used (UTC)."
    )
    history_last_at: dt.datetime | None = strawberry.field(
        description="Last observation used (UTC), before the issue time."
    )
    fit_predict_seconds: float = strawberry.field(description="Time to fit and predict [s].")
    backtest: ForecastBacktest | None = strawberry.field(
        description="Backtest; null when backtestDays is 0."
    )


def _time(value) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def forecast_run_metrics(data: dict | None) -> ForecastRunMetrics | None:
    if not data:
        return None
    backtest = data.get("backtest")
    return ForecastRunMetrics(
        forecast_value_count=data.get("forecast_values", 0),
        horizon_periods=data.get("horizon_periods", 0),
        history_value_count=data.get("history_values", 0),
        history_first_at=_time(data.get("history_first_at")),
        history_last_at=_time(data.get("history_last_at")),
        fit_predict_seconds=data.get("fit_predict_seconds") or 0.0,
        backtest=None
        if not backtest
        else ForecastBacktest(
            fold_count=backtest.get("folds", 0),
            models=[
                ForecastModelScores(
                    model=name,
                    mae=scores.get("mae"),
                    rmse=scores.get("rmse"),
                    mape_percent=scores.get("mape"),
                    smape_percent=scores.get("smape"),
                    coverage_80_fraction=scores.get("coverage_80"),
                    fit_seconds=scores.get("fit_seconds"),
                    pinball=[
                        QuantileLoss(quantile=float(q), pinball_loss=loss)
                        for q, loss in sorted(
                            (scores.get("pinball") or {}).items(), key=lambda x: float(x[0])
                        )
                    ],
                    mae_by_horizon=[
                        HorizonError(horizon_h=int(h), mae=mae)
                        for h, mae in sorted(
                            (scores.get("mae_by_horizon_h") or {}).items(), key=lambda x: int(x[0])
                        )
                    ],
                )
                for name, scores in (backtest.get("models") or {}).items()
            ],
        ),
    )


@strawberry_django.type(models.ForecastRun, name="ForecastRun")
class ForecastRunType(relay.Node):
    model_name: ForecastModelEnum
    issued_at: auto
    horizon_start_at: auto
    horizon_end_at: auto
    horizon_hours: auto
    resolution_minutes: auto
    history_days: auto
    quantiles: list[float]
    scenario_count: auto
    backtest_days: auto

    @strawberry_django.field(
        only=["metrics"], description="Run summary and backtest; null until the job has succeeded."
    )
    def metrics(self, root: models.ForecastRun) -> ForecastRunMetrics | None:
        return forecast_run_metrics(root.metrics)

    job: JobType
    created_at: auto

    @strawberry_django.field(only=["job__status"], select_related=["job"])
    def status(self, root: models.ForecastRun) -> JobStatusEnum:
        return JobStatusEnum(root.job.status)

    # Explicit resolvers: the optimizer hands SeriesType.get_queryset a plain QuerySet for
    # relations, which lacks ``visible_to``. Both series are the tenant's own or public.
    @strawberry_django.field(name="series", select_related=["series"])
    def target_series(self, root: models.ForecastRun) -> SeriesType:
        return root.series

    @strawberry_django.field(name="forecastSeries", select_related=["forecast_series"])
    def output_series(self, root: models.ForecastRun) -> SeriesType:
        return root.forecast_series

    @strawberry_django.field(
        name="regressorSeries",
        prefetch_related=[Prefetch("regressor_series", queryset=Series.objects.order_by("pk"))],
    )
    def regressors(self, root: models.ForecastRun) -> list[SeriesType]:
        """Visible to the tenant by construction: its own or public series, checked on request."""
        return list(root.regressor_series.all())

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry.type
class QuantileValues:
    quantile: float
    values: list[float | None]


@strawberry.type
class ScenarioValues:
    scenario: int = strawberry.field(description="1..K")
    probability: float
    values: list[float | None]


@strawberry.type
class ForecastRunValues:
    """A run's forecast, column-wise on ``times`` (UTC period starts of the horizon)."""

    unit: str
    times: list[dt.datetime]
    point_values: list[float | None]
    quantiles: list[QuantileValues]
    scenarios: list[ScenarioValues]


@strawberry.type
class ForecastAccuracy:
    """Accuracy against the realised values of the horizon so far (units of ``unit``)."""

    unit: str
    horizon_periods: int
    observed_periods: int
    mae: float | None
    rmse: float | None
    pinball: list[QuantileLoss]
    interval_lower_quantile: float | None
    interval_upper_quantile: float | None
    interval_coverage_fraction: float | None


# --- descriptions ------------------------------------------------------------------------------

describe(
    ForecastRunType,
    "A forecast of one series issued at one time: point, quantiles and scenarios.",
    model_name="The forecasting model.",
    horizon_start_at="First period forecast (UTC).",
    horizon_end_at="End of the horizon (UTC), exclusive.",
    horizon_hours="Horizon length [h] (23, 24 or 25 for a delivery day).",
    resolution_minutes="Period length [min].",
    history_days="Days of history used [d].",
    quantiles="Quantile levels forecast.",
    scenario_count="Scenario paths drawn; 0 for none.",
    backtest_days="Days backtested before the issue day; 0 for none.",
    job="The job computing it.",
    created_at="When it was requested (UTC).",
    status="The job's status.",
    target_series="The series forecast.",
    output_series="The series the forecast values are stored in.",
    regressors="Series used as regressors.",
)
describe(
    QuantileValues,
    "One quantile of a forecast on the run's times.",
    quantile="Quantile level in (0, 1).",
    values="Value per period (series unit); null where none.",
)
describe(
    ScenarioValues,
    "One scenario path of a forecast on the run's times.",
    probability="Probability of the path.",
    values="Value per period (series unit); null where none.",
)
describe(
    ForecastRunValues,
    "A run's forecast, column-wise on `times` (UTC period starts of the horizon).",
    unit="Unit of every value.",
    times="Period starts (UTC).",
    point_values="Point forecast (median) per period; null where none.",
    quantiles="Quantile forecasts.",
    scenarios="Scenario paths.",
)
describe(
    QuantileLoss,
    "Pinball loss of one quantile.",
    quantile="Quantile level.",
    pinball_loss="Mean pinball loss (series unit); null without observations.",
)
describe(
    ForecastAccuracy,
    "Accuracy against the realised values of the horizon so far (series unit).",
    unit="Unit of the errors.",
    horizon_periods="Periods of the horizon.",
    observed_periods="Periods with an observation so far.",
    mae="Mean absolute error; null without observations.",
    rmse="Root mean square error; null without observations.",
    pinball="Pinball loss per quantile.",
    interval_lower_quantile="Lower quantile of the interval scored; null if none.",
    interval_upper_quantile="Upper quantile of the interval scored; null if none.",
    interval_coverage_fraction="Share of observations inside the interval [fraction].",
)
