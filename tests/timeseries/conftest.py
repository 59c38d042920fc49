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
