"""Reads of household sizing studies and schedules, and of the data they are built from."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from ainergy.assets.models import Site
from ainergy.common.errors import NotFoundError
from ainergy.jobs.models import JobStatus
from ainergy.timeseries.models import Observation, Series
from optimization.models import (
    GridCompany,
    HouseholdSchedule,
    HouseholdSchedulePeriod,
    SizingStudy,
)


def site_get(tenant, site_id: int) -> Site:
    try:
        return Site.objects.for_tenant(tenant).select_related("bidding_zone").get(pk=site_id)
    except (Site.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Site not found.") from None


def sizing_study_list(tenant) -> QuerySet[SizingStudy]:
    return SizingStudy.objects.for_tenant(tenant)


def sizing_study_get(tenant, study_id: int) -> SizingStudy:
    try:
        return sizing_study_list(tenant).select_related("job", "site").get(pk=study_id)
    except (SizingStudy.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Sizing study not found.") from None


def household_schedule_list(tenant) -> QuerySet[HouseholdSchedule]:
    return HouseholdSchedule.objects.for_tenant(tenant)


def household_schedule_get(tenant, schedule_id: int) -> HouseholdSchedule:
    try:
        return household_schedule_list(tenant).select_related("job", "site").get(pk=schedule_id)
    except (HouseholdSchedule.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Household schedule not found.") from None


def household_schedule_latest(tenant, *, site: Site, delivery_day: dt.date) -> HouseholdSchedule:
    """The newest schedule of ``site`` for ``delivery_day`` whose job succeeded."""
    schedule = (
        household_schedule_list(tenant)
        .filter(site=site, delivery_day=delivery_day, job__status=JobStatus.SUCCEEDED)
        .select_related("job")
        .order_by("-created_at", "-id")
        .first()
    )
    if schedule is None:
        raise NotFoundError(
            f"No schedule for this site on {delivery_day.isoformat()}.",
            {"delivery_day": delivery_day.isoformat()},
        )
    return schedule


def household_schedule_periods(
    tenant, schedule: HouseholdSchedule
) -> list[HouseholdSchedulePeriod]:
    return list(
        HouseholdSchedulePeriod.objects.for_tenant(tenant)
        .filter(schedule=schedule)
        .order_by("start_at")
    )


def zone_public_series(bidding_zone, kind: str) -> Series | None:
    """The zone's public market-data series of ``kind`` (finest resolution first)."""
    return (
        Series.objects.filter(tenant__isnull=True, kind=kind, bidding_zone=bidding_zone)
        .order_by("resolution_minutes", "key")
        .first()
    )


def series_last_time(series: Series) -> dt.datetime | None:
    return (
        Observation.objects.filter(series=series)
        .order_by("-time")
        .values_list("time", flat=True)
        .first()
    )


def grid_company_list() -> QuerySet[GridCompany]:
    """Grid companies with stored tariffs (public data, the same for every tenant)."""
    return GridCompany.objects.order_by("code")
