from __future__ import annotations

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.crud import input_data
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import INGEST, WRITE
from ainergy.jobs.graphql.types import JobType
from ainergy.timeseries import selectors, services
from ainergy.timeseries.graphql.inputs import (
    MeterDataAuthorizationInput,
    MeterDataSyncInput,
    ObservationsIngestInput,
    SeriesInput,
)
from ainergy.timeseries.graphql.types import IngestResult, MeterDataAuthorizationType, SeriesType


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[WRITE])
    def series_create(self, info: Info, input: SeriesInput) -> SeriesType:
        from ainergy.assets.models import HeatPump, Site
        from ainergy.assets.selectors import asset_get

        data = input_data(input)
        tenant = info.context.tenant
        site = (
            asset_get(tenant, Site, data.pop("site_id"), "site_id") if data.get("site_id") else None
        )
        heat_pump = (
            asset_get(tenant, HeatPump, data.pop("heat_pump_id"), "heat_pump_id")
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

    @strawberry.mutation(extensions=[WRITE])
    def meter_data_authorization_create(
        self, info: Info, input: MeterDataAuthorizationInput
    ) -> MeterDataAuthorizationType:
        from ainergy.assets.models import Site
        from ainergy.assets.selectors import asset_get
        from ainergy.timeseries.sync import meter_data_authorization_create

        tenant = info.context.tenant
        site = asset_get(tenant, Site, decode_id(input.site_id, "Site", "Site"), "site_id")
        return meter_data_authorization_create(
            tenant=tenant,
            site=site,
            name=input.name,
            refresh_token=input.refresh_token,
            metering_point_ids=input.metering_point_ids,
        )

    @strawberry.mutation(extensions=[WRITE])
    def meter_data_sync_request(self, info: Info, input: MeterDataSyncInput) -> JobType:
        """Fetch smart-meter data for local days [dateFrom, dateTo) as a job."""
        from ainergy.common.errors import NotFoundError, ValidationError
        from ainergy.jobs.selectors import job_get
        from ainergy.jobs.services import job_enqueue
        from ainergy.timeseries.models import MeterDataAuthorization

        tenant = info.context.tenant
        pk = decode_id(
            input.meter_data_authorization_id, "MeterDataAuthorization", "Meter data authorization"
        )
        if not MeterDataAuthorization.objects.for_tenant(tenant).filter(pk=pk).exists():
            raise NotFoundError("Meter data authorization not found.")
        if input.date_to <= input.date_from:
            raise ValidationError("date_to", "must be after date_from")
        if input.aggregation not in ("Quarter", "Hour", "Day"):
            raise ValidationError("aggregation", "must be Quarter, Hour or Day")
        job = job_enqueue(
            tenant=tenant,
            kind="meter_data_sync",
            parameters={
                "authorization_id": pk,
                "date_from": input.date_from.isoformat(),
                "date_to": input.date_to.isoformat(),
                "aggregation": input.aggregation,
            },
            created_by=info.context.principal.user,
        )
        return job_get(tenant, job.pk)
