from __future__ import annotations

from typing import Annotated

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.crud import input_data
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


def _input(description: str):
    return strawberry.argument(description=description)


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[WRITE], description="Create a series of the tenant.")
    def series_create(
        self, info: Info, input: Annotated[SeriesInput, _input("The new series.")]
    ) -> SeriesType:
        from ainergy.assets.models import HeatPump, Site
        from ainergy.assets.selectors import asset_get

        data = input_data(input)
        tenant = info.context.tenant
        site_id = data.pop("site_id", None)
        heat_pump_id = data.pop("heat_pump_id", None)
        site = asset_get(tenant, Site, site_id, "site_id") if site_id else None
        heat_pump = (
            asset_get(tenant, HeatPump, heat_pump_id, "heat_pump_id") if heat_pump_id else None
        )
        data["description"] = data.get("description") or ""
        return services.series_create(tenant=tenant, site=site, heat_pump=heat_pump, **data)

    @strawberry.mutation(
        extensions=[INGEST],
        description="Write batches of points, all or nothing; repeating a batch changes nothing.",
    )
    def observations_ingest(
        self, info: Info, input: Annotated[ObservationsIngestInput, _input("The points.")]
    ) -> list[IngestResult]:
        tenant = info.context.tenant
        data = input_data(input)
        series = {
            pk: selectors.series_get(tenant, pk)
            for pk in {batch["series_id"] for batch in data["batches"]}
        }
        batches = [
            services.SeriesBatch(series=series[batch["series_id"]], points=batch["points"])
            for batch in data["batches"]
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

    @strawberry.mutation(
        extensions=[WRITE], description="Store consent to read a customer's smart meters."
    )
    def meter_data_authorization_create(
        self, info: Info, input: Annotated[MeterDataAuthorizationInput, _input("The consent.")]
    ) -> MeterDataAuthorizationType:
        from ainergy.assets.models import Site
        from ainergy.assets.selectors import asset_get
        from ainergy.timeseries.sync import meter_data_authorization_create

        tenant = info.context.tenant
        data = input_data(input)
        site = asset_get(tenant, Site, data.pop("site_id"), "site_id")
        return meter_data_authorization_create(tenant=tenant, site=site, **data)

    @strawberry.mutation(
        extensions=[WRITE],
        description="Fetch smart-meter data for local days [dateFrom, dateTo) as a job.",
    )
    def meter_data_sync_request(
        self, info: Info, input: Annotated[MeterDataSyncInput, _input("What to fetch.")]
    ) -> JobType:
        from ainergy.common.errors import NotFoundError, ValidationError
        from ainergy.jobs.selectors import job_get
        from ainergy.jobs.services import job_enqueue
        from ainergy.timeseries.models import MeterDataAuthorization

        tenant = info.context.tenant
        data = input_data(input)
        pk = data["meter_data_authorization_id"]
        if not MeterDataAuthorization.objects.for_tenant(tenant).filter(pk=pk).exists():
            raise NotFoundError("Meter data authorization not found.")
        if input.date_to <= input.date_from:
            raise ValidationError("date_to", "must be after date_from")
        job = job_enqueue(
            tenant=tenant,
            kind="meter_data_sync",
            parameters={
                "authorization_id": pk,
                "date_from": input.date_from.isoformat(),
                "date_to": input.date_to.isoformat(),
                "aggregation": data["aggregation"],
            },
            created_by=info.context.principal.user,
        )
        return job_get(tenant, job.pk)
