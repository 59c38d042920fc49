from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from strawberry import relay


@strawberry.enum(name="ForecastModel")
class ForecastModelEnum(Enum):
    SEASONAL_NAIVE = "seasonal_naive"
    SEASONAL_NAIVE_7D = "seasonal_naive_7d"
    TEMPERATURE_REGRESSION = "temperature_regression"
    PROPHET = "prophet"
    PROPHET_LAGGED = "prophet_lagged"
    LIGHTGBM = "lightgbm"


@strawberry.input
class ForecastRunRequestInput:
    series_id: relay.GlobalID
    issued_at: dt.datetime
    model_name: ForecastModelEnum = ForecastModelEnum.SEASONAL_NAIVE
    delivery_day: dt.date | None = strawberry.field(
        default=None, description="Local (Europe/Copenhagen) day to forecast: 23, 24 or 25 hours"
    )
    horizon_hours: int | None = strawberry.field(
        default=None, description="Hours from the issue time (instead of deliveryDay)"
    )
    regressor_series_ids: list[relay.GlobalID] = strawberry.field(default_factory=list)
    history_days: int = 365
    quantiles: list[float] = strawberry.field(default_factory=lambda: [0.1, 0.5, 0.9])
    scenario_count: int = 0
    backtest_days: int = 0
