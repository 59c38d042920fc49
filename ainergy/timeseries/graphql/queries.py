from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry
import strawberry_django

from ainergy.common.errors import ValidationError
from ainergy.graphql.connection import Connection
from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.nodes import node_field
from ainergy.graphql.permissions import READ
from ainergy.timeseries import selectors
from ainergy.timeseries.graphql.enums import AggregationEnum
from ainergy.timeseries.graphql.types import (
    DailyValue,
    ForecastPoint,
    MeterDataAuthorizationType,
    SeriesType,
    TimeValue,
)

SeriesId = Annotated[
    strawberry.ID, strawberry.argument(description="The series (the tenant's own or public).")
]


def _series(info: Info, series_id: str):
    return selectors.series_get(info.context.tenant, decode_id(series_id, "Series", "series_id"))


@strawberry.type
class Query:
    series_list: Connection[SeriesType] = strawberry_django.connection(
        extensions=[READ],
        description="The tenant's series and the public market-data series, oldest first.",
    )
    series: SeriesType = node_field(SeriesType, "One series by id (the tenant's own or public).")
    meter_data_authorizations: Connection[MeterDataAuthorizationType] = (
        strawberry_django.connection(
            extensions=[READ], description="The tenant's smart-meter authorizations."
        )
    )
    meter_data_authorization: MeterDataAuthorizationType = node_field(
        MeterDataAuthorizationType, "One smart-meter authorization by id."
    )

    @strawberry.field(
        extensions=[READ],
        description="Values in [start, end), aggregated to resolutionMinutes if given.",
    )
    def series_values(
        self,
        info: Info,
        series_id: SeriesId,
        start: Annotated[
            dt.datetime, strawberry.argument(description="First period start, with UTC offset.")
        ],
        end: Annotated[
            dt.datetime, strawberry.argument(description="End (exclusive), with UTC offset.")
        ],
        resolution_minutes: Annotated[
            int | None,
            strawberry.argument(
                description="Output step [min] (15, 30, 60, ...); null: the series' own."
            ),
        ] = None,
        aggregation: Annotated[
            AggregationEnum,  # type: ignore[valid-type]
            strawberry.argument(description="How points combine into one output value."),
        ] = AggregationEnum.MEAN,  # type: ignore[attr-defined]
    ) -> list[TimeValue]:
        series = _series(info, series_id)
        frame = selectors.observations_resampled(
            series,
            start,
            end,
            resolution_minutes=resolution_minutes or series.resolution_minutes,
            aggregation=aggregation.value,
        )
        return [
            TimeValue(time=time.to_pydatetime(), value=float(row["value"]), count=int(row["count"]))
            for time, row in frame.iterrows()
        ]

    @strawberry.field(
        extensions=[READ],
        description="One value per Europe/Copenhagen delivery day (23, 24 or 25 hours).",
    )
    def daily_values(
        self,
        info: Info,
        series_id: SeriesId,
        first_day: Annotated[dt.date, strawberry.argument(description="First local day.")],
        last_day: Annotated[
            dt.date, strawberry.argument(description="Last local day (inclusive), ≤ 10 years on.")
        ],
        aggregation: Annotated[
            AggregationEnum,  # type: ignore[valid-type]
            strawberry.argument(description="How a day's points combine."),
        ] = AggregationEnum.SUM,  # type: ignore[attr-defined]
    ) -> list[DailyValue]:
        if (last_day - first_day).days > 3660:
            raise ValidationError("last_day", "at most ten years per query")
        frame = selectors.observations_daily(
            _series(info, series_id), first_day, last_day, aggregation=aggregation.value
        )
        return [
            DailyValue(local_day=day, value=float(row.value), count=int(row["count"]))
            for day, row in frame.iterrows()
        ]

    @strawberry.field(
        extensions=[READ],
        description=(
            "One stored forecast of a series: the latest issue at or before issuedAt (any time if "
            "null); of several forecast runs issued at that time the latest succeeded one. "
            "Values of two runs are never mixed; a run's own values: forecastRunValues."
        ),
    )
    def forecast_values(
        self,
        info: Info,
        series_id: SeriesId,
        issued_at: Annotated[
            dt.datetime | None,
            strawberry.argument(
                description="Latest issue time to consider; null: the latest forecast."
            ),
        ] = None,
    ) -> list[ForecastPoint]:
        frame = selectors.forecast_values(_series(info, series_id), issued_at=issued_at)
        return [
            ForecastPoint(
                time=row["time"],
                value=row["value"],
                quantile=row["quantile"],
                scenario=row["scenario"],
                scenario_probability=row["scenario_probability"],
            )
            for row in frame.to_dict("records")
        ]
