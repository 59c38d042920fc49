from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Prefetch
from strawberry import auto, relay
from strawberry.scalars import JSON

from ainergy.graphql.context import scope_to_tenant
from ainergy.jobs.graphql.types import JobStatusEnum, JobType
from ainergy.timeseries.graphql.types import SeriesType
from ainergy.timeseries.models import Series
from forecasting import models
from forecasting.graphql.inputs import ForecastModelEnum


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
    metrics: JSON
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
class QuantileLoss:
    quantile: float
    pinball_loss: float | None


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
