import pytest


@pytest.fixture
def zone(db):
    from ainergy.markets.models import BiddingZone

    return BiddingZone.objects.get(code="DK1")


@pytest.fixture
def heat_series(tenant):
    from ainergy.timeseries.services import series_create

    return series_create(tenant=tenant, key="plant-heat", kind="heat_demand", resolution_minutes=60)


@pytest.fixture
def quarter_series(tenant):
    from ainergy.timeseries.services import series_create

    return series_create(
        tenant=tenant, key="hp-power", kind="electric_power", resolution_minutes=15
    )


# REST telemetry: a heat pump with a device id, and a device posting with an ingest token
@pytest.fixture
def pump(tenant):
    from ainergy.assets.models import HeatPump, Site
    from ainergy.assets.services import asset_create

    site = asset_create(
        tenant=tenant,
        model=Site,
        data={"name": "Plant", "latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"},
    )
    return asset_create(
        tenant=tenant,
        model=HeatPump,
        data={
            "site_id": site.pk,
            "name": "HP1",
            "kind": "large",
            "device_id": "hp-0042",
            "power_min_kw": 400.0,
            "power_max_kw": 1000.0,
            "carnot_quality_grade": 0.5,
            "source_temperature_c": 8.0,
            "sink_temperature_c": 75.0,
        },
    )


@pytest.fixture
def device(client, tenant):
    from tenants.services import api_token_create

    _, secret = api_token_create(tenant=tenant, name="gateway", scopes=["ingest"])

    def post(body, secret=secret):
        return client.post(
            "/api/v1/telemetry",
            body,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    return post
