from __future__ import annotations

import math
from typing import Annotated

import strawberry
import strawberry_django

from ainergy.graphql.connection import Connection
from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import READ
from forecasting import selectors
from forecasting.graphql.types import (
    ForecastAccuracy,
    ForecastRunType,
    ForecastRunValues,
    QuantileLoss,
    QuantileValues,
    ScenarioValues,
)

RunId = Annotated[strawberry.ID, strawberry.argument(description="The forecast run's id.")]


def _run(info: Info, id: str):
    return selectors.forecast_run_get(info.context.tenant, decode_id(id, "ForecastRun"))


def _floats(values) -> list[float | None]:
    return [float(v) if math.isfinite(v) else None for v in values]


@strawberry.type
class Query:
    forecast_runs: Connection[ForecastRunType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's forecast runs, oldest first."
    )

    @strawberry.field(
        extensions=[READ],
        description="The run's point forecast, quantiles and scenarios on its horizon.",
    )
    def forecast_run(self, info: Info, id: RunId) -> ForecastRunType:
        return _run(info, id)

    @strawberry.field(
        extensions=[READ],
        description="The run's point forecast, quantiles and scenarios on its horizon.",
    )
    def forecast_run_values(self, info: Info, id: RunId) -> ForecastRunValues:
        run = _run(info, id)
        index = selectors.horizon_index(run)
        values = selectors.forecast_run_values(run)
        members = {
            key: group.set_index("time")["value"].reindex(index).to_numpy(dtype=float)
            for key, group in values.groupby(["scenario", "quantile"])
        }
        probabilities = values.groupby("scenario")["scenario_probability"].first()
        point = members.get((0, selectors.POINT_QUANTILE))
        return ForecastRunValues(
            unit=run.series.unit,
            times=[time.to_pydatetime() for time in index],
            point_values=_floats(point) if point is not None else [],
            quantiles=[
                QuantileValues(quantile=float(q), values=_floats(v))
                for (scenario, q), v in sorted(members.items())
                if scenario == 0
            ],
            scenarios=[
                ScenarioValues(
                    scenario=int(scenario),
                    probability=float(probabilities[scenario]),
                    values=_floats(v),
                )
                for (scenario, _q), v in sorted(members.items())
                if scenario > 0
            ],
        )

    @strawberry.field(
        extensions=[READ],
        description="MAE, RMSE, pinball loss per quantile and interval coverage against observations.",
    )
    def forecast_run_accuracy(self, info: Info, id: RunId) -> ForecastAccuracy:
        accuracy = selectors.forecast_run_accuracy(_run(info, id))
        return ForecastAccuracy(
            unit=accuracy.unit,
            horizon_periods=accuracy.horizon_periods,
            observed_periods=accuracy.observed_periods,
            mae=accuracy.mae,
            rmse=accuracy.rmse,
            pinball=[
                QuantileLoss(quantile=p.quantile, pinball_loss=p.pinball_loss)
                for p in accuracy.pinball
            ],
            interval_lower_quantile=accuracy.interval_lower_quantile,
            interval_upper_quantile=accuracy.interval_upper_quantile,
            interval_coverage_fraction=accuracy.interval_coverage_fraction,
        )
