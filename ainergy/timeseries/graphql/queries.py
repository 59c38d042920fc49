from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import READ
from ainergy.timeseries import selectors
from ainergy.timeseries.graphql.inputs import Aggregation
from ainergy.timeseries.graphql.types import (
    DailyValue,
    ForecastPoint,
    MeterDataAuthorizationType,
    SeriesType,
    TimeValue,
)


def _series(info: Info, series_id: relay.GlobalID):
    return selectors.series_get(info.context.tenant, decode_id(series_id, "Series", "Series"))


@strawberry.type
class Query:
    series: DjangoListConnection[SeriesType] = strawberry_django.connection(extensions=[READ])
    meter_data_authorizations: DjangoListConnection[MeterDataAuthorizationType] = (
        strawberry_django.connection(extensions=[READ])
    )

    @strawberry.field(extensions=[READ])
    def series_values(
        self,
        info: Info,
        series_id: relay.GlobalID,
        start: dt.datetime,
        end: dt.datetime,
        resolution_minutes: int | None = None,
        aggregation: Aggregation = Aggregation.MEAN,
    ) -> list[TimeValue]:
        """Values in [start, end), aggregated to ``resolutionMinutes`` (15/30/60) if given."""
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

    @strawberry.field(extensions=[READ])
    def daily_values(
        self,
        info: Info,
        series_id: relay.GlobalID,
        first_day: dt.date,
        last_day: dt.date,
        aggregation: Aggregation = Aggregation.SUM,
    ) -> list[DailyValue]:
        """One value per Europe/Copenhagen delivery day (23, 24 or 25 hours)."""
        if (last_day - first_day).days > 3660:
            from ainergy.common.errors import ValidationError

            raise ValidationError("last_day", "at most ten years per query")
        frame = selectors.observations_daily(
            _series(info, series_id), first_day, last_day, aggregation=aggregation.value
        )
        return [
            DailyValue(local_day=day, value=float(row.value), count=int(row["count"]))
            for day, row in frame.iterrows()
        ]

    @strawberry.field(extensions=[READ])
    def forecast_values(
        self, info: Info, series_id: relay.GlobalID, issued_at: dt.datetime | None = None
    ) -> list[ForecastPoint]:
        """The latest forecast of a series (or the one issued at ``issuedAt``)."""
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
