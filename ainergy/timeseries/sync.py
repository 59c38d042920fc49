"""Storage side of the connectors: fetched batches become series and observations.

Public market data (Energi Data Service) land in public series, fetched on a Celery beat
schedule; a tenant's smart-meter data (Eloverblik) land in that tenant's series through a job.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re

import pandas as pd
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ainergy.common.crypto import decrypt, encrypt
from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.markets.models import BiddingZone
from ainergy.timeseries.connectors import EloverblikClient, EnergiDataServiceClient, SeriesBatch
from ainergy.timeseries.connectors.energidataservice import DatasetSpec, dataset_spec
from ainergy.timeseries.models import MeterDataAuthorization, Series
from ainergy.timeseries.services import WriteResult, observations_write_frame, series_create

logger = logging.getLogger(__name__)

METERING_POINT_ID = re.compile(r"^\d{18}$")


def series_key_for(batch: SeriesBatch) -> str:
    """A stable slug per quantity, place and resolution (a resolution change starts a new series)."""
    place = batch.zone or batch.metering_point_id or "all"
    slug = re.sub(r"[^a-z0-9]+", "-", f"{batch.quantity}-{place}".lower()).strip("-")
    return f"{slug}-{batch.resolution_minutes}min"


def store_batches(*, tenant, batches: list[SeriesBatch], site=None) -> list[WriteResult]:
    """Write every storable batch (known kind, fixed resolution) into its series, all or nothing."""
    results = []
    with transaction.atomic():
        for batch in batches:
            if batch.kind is None or batch.resolution_minutes is None or not batch.points:
                continue
            key = series_key_for(batch)
            series = Series.objects.filter(tenant=tenant, key=key).first()
            if series is None:
                zone = BiddingZone.objects.filter(code=batch.zone).first() if batch.zone else None
                series = series_create(
                    tenant=tenant,
                    key=key,
                    kind=batch.kind,
                    resolution_minutes=batch.resolution_minutes,
                    bidding_zone=zone,
                    site=site,
                    description=f"{batch.quantity} from {batch.dataset} ({batch.source})",
                )
            frame = pd.DataFrame({"time": pd.DatetimeIndex(batch.times_at), "value": batch.values})
            results.append(
                observations_write_frame(
                    series=series,
                    frame=frame,
                    source=f"{batch.source}:{batch.dataset}",
                    received_at=batch.received_at,
                    tenant=tenant,
                )
            )
    return results


def configured_spec(feed: str, window: dict) -> DatasetSpec:
    """The feed's dataset spec with the overrides of its ``MARKET_DATA_FEEDS`` entry.

    Uncertain ([U]) dataset ids and fields are settings, not code: ``"dataset"``,
    ``"time_field"`` and ``"value_fields"`` (``{quantity: source field}``), e.g.
    ``{"fcr_dk1_capacity_price_eur_per_mw_h": "FCRcross_EUR"}``.
    """
    spec = dataset_spec(feed)
    overrides = {key: window[key] for key in ("dataset", "time_field") if key in window}
    fields = dict(window.get("value_fields") or {})
    unknown = sorted(set(fields) - {value.quantity for value in spec.values})
    if unknown:
        raise ValidationError(
            f"MARKET_DATA_FEEDS.{feed}.value_fields",
            f"{', '.join(unknown)} is not a quantity of {spec.dataset}",
        )
    values = tuple(
        dataclasses.replace(value, field=fields.get(value.quantity, value.field))
        for value in spec.values
    )
    return dataclasses.replace(spec, values=values, **overrides)


def market_data_sync(
    *, feed: str, now: dt.datetime | None = None, client: EnergiDataServiceClient | None = None
) -> dict:
    """Fetch one configured feed of public market data and upsert it; returns a summary."""
    if feed not in settings.MARKET_DATA_FEEDS:
        raise ValidationError(
            "feed", f"unknown feed {feed!r}; configured: {', '.join(settings.MARKET_DATA_FEEDS)}"
        )
    window = settings.MARKET_DATA_FEEDS[feed]
    now = (now or timezone.now()).astimezone(dt.UTC)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start_at = day - dt.timedelta(days=window["lookback_days"])
    end_at = day + dt.timedelta(days=window["lookahead_days"] + 1)
    client = client or EnergiDataServiceClient(base_url=settings.ENERGI_DATA_SERVICE_URL)
    if feed == "day_ahead_prices":
        batches = client.fetch_day_ahead_prices(start_at=start_at, end_at=end_at)
    else:
        batches = client.fetch_series(
            configured_spec(feed, window), start_at=start_at, end_at=end_at
        )
    results = store_batches(tenant=None, batches=batches)
    summary = {
        "feed": feed,
        "start_at": start_at.isoformat(),
        "end_at": end_at.isoformat(),
        "series": {result.series_key: result.points_written for result in results},
    }
    logger.info("market data %s: %s", feed, summary["series"])
    return summary


@transaction.atomic
def meter_data_authorization_create(
    *, tenant, site, name: str, refresh_token: str, metering_point_ids: list[str]
) -> MeterDataAuthorization:
    if site.tenant_id != tenant.pk:
        raise NotFoundError("Site not found.", {"field": "site_id"})
    if not refresh_token or len(refresh_token) < 20:
        raise ValidationError("refresh_token", "looks too short to be an Eloverblik refresh token")
    if not metering_point_ids:
        raise ValidationError("metering_point_ids", "give at least one 18-digit metering point id")
    for position, mp_id in enumerate(metering_point_ids):
        if not METERING_POINT_ID.match(mp_id):
            raise ValidationError(
                f"metering_point_ids[{position}]", f"{mp_id!r} is not an 18-digit metering point id"
            )
    return MeterDataAuthorization.objects.create(
        tenant=tenant,
        site=site,
        name=name.strip() or "Eloverblik",
        refresh_token_encrypted=encrypt(refresh_token),
        refresh_token_last_four=refresh_token[-4:],
        metering_point_ids=list(dict.fromkeys(metering_point_ids)),
    )


def meter_data_sync(
    *,
    tenant,
    authorization: MeterDataAuthorization,
    date_from: dt.date,
    date_to: dt.date,
    aggregation: str = "Hour",
) -> dict:
    """Fetch the authorised metering points' data for local days [date_from, date_to)."""
    if date_to <= date_from:
        raise ValidationError("date_to", "must be after date_from")
    client = EloverblikClient(
        decrypt(authorization.refresh_token_encrypted), base_url=settings.ELOVERBLIK_URL
    )
    batches = client.time_series(
        authorization.metering_point_ids,
        date_from=date_from,
        date_to=date_to,
        aggregation=aggregation,
    )
    results = store_batches(tenant=tenant, batches=batches, site=authorization.site)
    MeterDataAuthorization.objects.filter(pk=authorization.pk).update(last_synced_at=timezone.now())
    return {"series": {result.series_key: result.points_written for result in results}}


def meter_data_sync_run(context) -> dict:
    """Job runner for ``meter_data_sync``."""
    job = context.job
    authorization = (
        MeterDataAuthorization.objects.for_tenant(job.tenant)
        .filter(pk=job.parameters["authorization_id"])
        .first()
    )
    if authorization is None:
        raise NotFoundError("Meter data authorization not found.")
    context.report_progress(0.1, "fetching from Eloverblik")
    summary = meter_data_sync(
        tenant=job.tenant,
        authorization=authorization,
        date_from=dt.date.fromisoformat(job.parameters["date_from"]),
        date_to=dt.date.fromisoformat(job.parameters["date_to"]),
        aggregation=job.parameters.get("aggregation", "Hour"),
    )
    context.report_progress(1.0, "stored")
    return summary
