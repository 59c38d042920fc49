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
    assert set(summaries) == {
        *(f"market-data-{feed}" for feed in settings.MARKET_DATA_FEEDS),
        "grid-tariffs-sync",
    }
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
    assert eds.requests_to("/dataset/DatahubPricelist")  # served nothing: tariffs kept


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


def test_every_reserve_product_finds_its_synced_capacity_prices(eds):
    # given the reserve datasets in the API's format: real mFRR (DK1, DK2, with the down price),
    # aFRR (DK2) and FCR-N / FCR-D up (DK2, 2021) rows; FcrDK1 and FCR-D down with made-up values
    from ainergy.markets.models import BiddingZone, MarketProduct
    from ainergy.timeseries.sync import market_data_sync
    from optimization.services.bidding_data import capacity_price_series
    from tests.timeseries.connectors.conftest import fcr_nd_records

    eds.eds_records["mFRRCapacityMarket"] = [
        {**record, "mFRR_DownPriceEUR": 0.0} for record in mfrr_records()
    ]
    nd = fcr_nd_records()
    eds.eds_records["FcrNdDK2"] = nd + [
        {**record, "ProductName": "FCR-D ned", "PriceTotalEUR": 1.5}
        for record in nd
        if record["ProductName"] == "FCR-N"
    ]
    eds.eds_records["FcrDK1"] = [
        {"HourUTC": f"2021-03-09T{hour:02d}:00:00", "HourDK": "", "FCRdk_EUR": 9.5}
        for hour in range(24)
    ]
    days = {
        "mfrr_capacity": "2024-10-27T12:00:00+00:00",
        "afrr_capacity": "2024-10-03T12:00:00+00:00",
        "fcr_dk1": "2021-03-09T12:00:00+00:00",
        "fcr_n_dk2": "2021-03-09T12:00:00+00:00",
        "fcr_d_up_dk2": "2021-03-09T12:00:00+00:00",
        "fcr_d_down_dk2": "2021-03-09T12:00:00+00:00",
    }
    # when each feed syncs
    for feed, now in days.items():
        market_data_sync(feed=feed, now=dt.datetime.fromisoformat(now))
    # then every capacity product finds a priced public series in each zone the API served
    found = {}
    for product in MarketProduct.objects.filter(is_capacity_product=True).order_by("code"):
        for zone in BiddingZone.objects.order_by("code"):
            series = capacity_price_series(product, zone)
            if series is not None:
                found[(product.code, zone.code)] = (
                    series.key,
                    Observation.objects.filter(series=series).count(),
                )
    assert found == {
        ("afrr_down", "DK2"): ("afrr-down-capacity-price-eur-per-mw-h-dk2-60min", 48),
        ("afrr_up", "DK2"): ("afrr-up-capacity-price-eur-per-mw-h-dk2-60min", 48),
        ("fcr_d_down", "DK2"): ("fcr-d-down-capacity-price-eur-per-mw-h-dk2-60min", 48),
        ("fcr_d_up", "DK2"): ("fcr-d-up-capacity-price-eur-per-mw-h-dk2-60min", 48),
        ("fcr_dk1", "DK1"): ("fcr-dk1-capacity-price-eur-per-mw-h-dk1-60min", 24),
        ("fcr_n", "DK2"): ("fcr-n-capacity-price-eur-per-mw-h-dk2-60min", 48),
        ("mfrr_down", "DK1"): ("mfrr-down-capacity-price-eur-per-mw-h-dk1-60min", 49),
        ("mfrr_down", "DK2"): ("mfrr-down-capacity-price-eur-per-mw-h-dk2-60min", 49),
        ("mfrr_up", "DK1"): ("mfrr-up-capacity-price-eur-per-mw-h-dk1-60min", 49),
        ("mfrr_up", "DK2"): ("mfrr-up-capacity-price-eur-per-mw-h-dk2-60min", 49),
    }
    # and the auction filter kept the Total prices (real FCR-N of 2021-03-09 00:00 UTC)
    fcr_n = Series.objects.get(key="fcr-n-capacity-price-eur-per-mw-h-dk2-60min")
    first = Observation.objects.filter(series=fcr_n).order_by("time").first()
    assert (first.time, first.value) == (dt.datetime(2021, 3, 8, 23, tzinfo=dt.UTC), 16.72)


def test_uncertain_fields_are_settings(eds, settings):
    # given FcrDK1 records with both prices, and the feed configured to the cross-border one
    from ainergy.common.errors import ValidationError
    from ainergy.timeseries.sync import market_data_sync

    eds.eds_records["FcrDK1"] = [
        {"HourUTC": f"2021-03-09T{hour:02d}:00:00", "FCRdk_EUR": 9.5, "FCRcross_EUR": 12.25}
        for hour in range(24)
    ]
    settings.MARKET_DATA_FEEDS = {
        **settings.MARKET_DATA_FEEDS,
        "fcr_dk1": {
            "lookback_days": 1,
            "lookahead_days": 0,
            "value_fields": {"fcr_dk1_capacity_price_eur_per_mw_h": "FCRcross_EUR"},
        },
    }
    # when
    market_data_sync(feed="fcr_dk1", now=dt.datetime(2021, 3, 9, 12, tzinfo=dt.UTC))
    # then
    series = Series.objects.get(key="fcr-dk1-capacity-price-eur-per-mw-h-dk1-60min")
    assert set(Observation.objects.filter(series=series).values_list("value", flat=True)) == {12.25}
    # and a quantity the dataset does not have is named
    settings.MARKET_DATA_FEEDS["fcr_dk1"]["value_fields"] = {"fcr_price": "FCRcross_EUR"}
    with pytest.raises(ValidationError) as error:
        market_data_sync(feed="fcr_dk1", now=dt.datetime(2021, 3, 9, 12, tzinfo=dt.UTC))
    assert (error.value.field, error.value.reason) == (
        "MARKET_DATA_FEEDS.fcr_dk1.value_fields",
        "fcr_price is not a quantity of FcrDK1",
    )
