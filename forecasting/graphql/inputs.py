from __future__ import annotations

import datetime as dt

import strawberry

from ainergy.graphql.vocabulary import choices_enum, describe
from forecasting.models import ForecastModelName

ForecastModelEnum = choices_enum(
    "ForecastModel",
    "The forecasting model of a run (see docs/forecasting.md).",
    ForecastModelName,
)


@strawberry.input
class ForecastRunRequestInput:
    series_id: strawberry.ID = strawberry.field(description="Series to forecast.")
    issued_at: dt.datetime
    model_name: ForecastModelEnum = ForecastModelEnum.SEASONAL_NAIVE
    delivery_day: dt.date | None = strawberry.field(
        default=None, description="Local (Europe/Copenhagen) day to forecast: 23, 24 or 25 hours"
    )
    horizon_hours: int | None = strawberry.field(
        default=None, description="Hours from the issue time (instead of deliveryDay)"
    )
    regressor_series_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description="Series used as regressors (e.g. outdoor temperature)."
    )
    history_days: int = 365
    quantiles: list[float] = strawberry.field(default_factory=lambda: [0.1, 0.5, 0.9])
    scenario_count: int = 0
    backtest_days: int = 0


describe(
    ForecastRunRequestInput,
    "A forecast of a series issued at a time, for a delivery day or a number of hours.",
    issued_at="Forecast origin (with UTC offset): only data before it are used.",
    model_name="The model.",
    history_days="Days of history to fit on [d], 14 to 1100.",
    quantiles="Quantile levels in (0, 1).",
    scenario_count="Scenario paths to draw, 0 to 50.",
    backtest_days="Days to backtest before the issue day (0: none).",
)
