"""Connector output stored: public market data on the beat schedule, a tenant's meter data as a job.

Real HTTP against the local fake APIs (see conftest); real database writes.
"""

import datetime as dt

import pytest
from django.conf import settings

from ainergy.jobs.models import Job
from ainergy.timeseries.models import MeterDataAuthorization, Observation, Series
from tests.timeseries.connectors.conftest import (
    REFRESH_TOKEN,
    afrr_records,
    co2_prognosis_records,
    elspotprices_records,
    mfrr_records,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def eds(fake_apis, settings):
    settings.ENERGI_DATA_SERVICE_URL = fake_apis.url
    fake_apis.eds_records.update(
        {
            "Elspotprices": elspotprices_records(),
            "mFRRCapacityMarket": mfrr_records(),
            "AfrrReservesNordic": afrr_records(),
            "CO2EmisProg": co2_prognosis_records(),
        }
    )
    return fake_apis


def test_market_data_sync_fills_public_series_and_repeats_change_nothing(eds):
    # given the 25-hour day 2024-10-27 in the fake Elspotprices data
    from ainergy.timeseries.sync import market_data_sync

    now = dt.datetime(2024, 10, 27, 12, tzinfo=dt.UTC)
    # when
    first = market_data_sync(feed="day_ahead_prices", now=now)
    count = Observation.objects.count()
    market_data_sync(feed="day_ahead_prices", now=now)
    # then
    dk1 = Series.objects.get(key="day-ahead-price-eur-per-mwh-dk1-60min")
    assert dk1.tenant is None and dk1.bidding_zone.code == "DK1" and dk1.kind == "day_ahead_price"
    assert (
        first["series"]["day-ahead-price-eur-per-mwh-dk1-60min"]
        == Observation.objects.filter(series=dk1).count()
    )
    assert Observation.objects.count() == count > 0
    local_day = Observation.objects.filter(
        series=dk1,
        time__gte=dt.datetime(2024, 10, 26, 22, tzinfo=dt.UTC),
        time__lt=dt.datetime(2024, 10, 27, 23, tzinfo=dt.UTC),
    )
    assert local_day.count() == 25


def test_every_beat_entry_runs_against_the_api(eds):
    # given the beat schedule as configured
    from ainergy.celery import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscover tasks
    # when each entry's task is called with its arguments, as of a day the fake API serves
    summaries = {
        name: app.tasks[entry["task"]]
        .apply(kwargs={**entry["kwargs"], "now": "2024-10-27T12:00:00+00:00"})
        .get()
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
    }
    # then each feed asked the API and stored what it served
    assert set(summaries) == {f"market-data-{feed}" for feed in settings.MARKET_DATA_FEEDS}
    assert (
        summaries["market-data-mfrr_capacity"]["series"][
            "mfrr-up-capacity-price-eur-per-mw-h-dk1-60min"
        ]
        > 0
    )
    assert (
        summaries["market-data-day_ahead_prices"]["series"]["day-ahead-price-eur-per-mwh-dk2-60min"]
        > 0
    )
    assert eds.requests_to("/dataset/mFRRCapacityMarket")
    assert eds.requests_to("/dataset/CO2EmisProg")


def test_meter_data_job_stores_tenant_series_with_encrypted_token(
    fake_apis, settings, tenant, django_capture_on_commit_callbacks
):
    # given an authorization created through GraphQL-equivalent services
    from ainergy.assets.models import Site
    from ainergy.assets.services import asset_create
    from ainergy.jobs.services import job_enqueue
    from ainergy.timeseries.sync import meter_data_authorization_create

    settings.ELOVERBLIK_URL = f"{fake_apis.url}/customerapi"
    site = asset_create(
        tenant=tenant,
        model=Site,
        data={"name": "House", "latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"},
    )
    mp_id = "571313100000012345"
    fake_apis.metering_points = [{"meteringPointId": mp_id, "typeOfMP": "E17"}]
    authorization = meter_data_authorization_create(
        tenant=tenant,
        site=site,
        name="Home",
        refresh_token=REFRESH_TOKEN,
        metering_point_ids=[mp_id],
    )
    stored = MeterDataAuthorization.objects.get(pk=authorization.pk)
    assert (
        REFRESH_TOKEN not in stored.refresh_token_encrypted
        and stored.refresh_token_last_four == REFRESH_TOKEN[-4:]
    )
    # when the job runs for the 23-hour day 2024-03-31
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(
            tenant=tenant,
            kind="meter_data_sync",
            parameters={
                "authorization_id": authorization.pk,
                "date_from": "2024-03-31",
                "date_to": "2024-04-01",
            },
        )
    # then
    job = Job.objects.get(pk=job.pk)
    assert job.status == "succeeded", job.error_message
    series = Series.objects.get(tenant=tenant)
    assert (series.kind, series.site_id, series.resolution_minutes) == (
        "electricity_consumption",
        site.pk,
        60,
    )
    assert Observation.objects.filter(series=series).count() == 23
    assert job.result_summary == {"series": {series.key: 23}}


def test_bad_metering_point_ids_are_refused(tenant):
    from ainergy.assets.models import Site
    from ainergy.assets.services import asset_create
    from ainergy.common.errors import ValidationError
    from ainergy.timeseries.sync import meter_data_authorization_create

    site = asset_create(
        tenant=tenant,
        model=Site,
        data={"name": "House", "latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"},
    )
    with pytest.raises(ValidationError) as error:
        meter_data_authorization_create(
            tenant=tenant,
            site=site,
            name="x",
            refresh_token=REFRESH_TOKEN,
            metering_point_ids=["12345"],
        )
    assert str(error.value) == "metering_point_ids[0]: '12345' is not an 18-digit metering point id"
    assert MeterDataAuthorization.objects.count() == 0
