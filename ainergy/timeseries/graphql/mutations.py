from __future__ import annotations

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.crud import input_data
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import INGEST, WRITE
from ainergy.timeseries import selectors, services
from ainergy.timeseries.graphql.inputs import ObservationsIngestInput, SeriesInput
from ainergy.timeseries.graphql.types import IngestResult, SeriesType


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[WRITE])
    def series_create(self, info: Info, input: SeriesInput) -> SeriesType:
        from ainergy.assets.models import HeatPump, Site
        from ainergy.assets.services import _owned

        data = input_data(input)
        tenant = info.context.tenant
        site = _owned(tenant, Site, data.pop("site_id"), "site_id") if data.get("site_id") else None
        heat_pump = (
            _owned(tenant, HeatPump, data.pop("heat_pump_id"), "heat_pump_id")
            if data.get("heat_pump_id")
            else None
        )
        data.pop("site_id", None)
        data.pop("heat_pump_id", None)
        return services.series_create(tenant=tenant, site=site, heat_pump=heat_pump, **data)

    @strawberry.mutation(extensions=[INGEST])
    def observations_ingest(self, info: Info, input: ObservationsIngestInput) -> list[IngestResult]:
        """Write batches of points, all or nothing; repeating a batch changes nothing."""
        tenant = info.context.tenant
        batches = [
            services.SeriesBatch(
                series=selectors.series_get(tenant, decode_id(batch.series_id, "Series", "Series")),
                points=[{"time": point.time, "value": point.value} for point in batch.points],
            )
            for batch in input.batches
        ]
        results = services.observations_ingest(tenant=tenant, batches=batches, source=input.source)
        return [
            IngestResult(
                series_key=result.series_key,
                points_written=result.points_written,
                first_time=result.first_time.to_pydatetime()
                if result.first_time is not None
                else None,
                last_time=result.last_time.to_pydatetime()
                if result.last_time is not None
                else None,
            )
            for result in results
        ]
