"""The demo world is built from the committed sample only, and re-seeding changes nothing."""

import numpy as np
import pandas as pd

from ainergy.assets.models import HeatPump, Pool
from ainergy.demo.seed import POOL_PEAK_HEAT_MW, seed_demo
from ainergy.timeseries.models import Observation, Series


def values(tenant, key):
    rows = (
        Observation.objects.filter(series__tenant=tenant, series__key=key)
        .order_by("time")
        .values_list("time", "value")
    )
    frame = pd.DataFrame(list(rows), columns=["time", "value"])
    return frame.set_index(pd.to_datetime(frame["time"], utc=True))["value"]


def test_seed_builds_pool_heat_demand_and_prices_idempotently(db):
    # when
    aggregator, household = seed_demo(email="demo@example.dk", password="pw-123456")
    counts = Observation.objects.count(), Series.objects.count(), HeatPump.objects.count()
    seed_demo(email="demo@example.dk", password="pw-123456")
    # then: nothing duplicated
    assert (Observation.objects.count(), Series.objects.count(), HeatPump.objects.count()) == counts
    pool = Pool.objects.get(tenant=aggregator, name="Aarhus heat pumps")
    assert pool.heat_pumps.count() == 5 and pool.bidding_zone.code == "DK1"
    copenhagen = Pool.objects.get(tenant=aggregator, name="Copenhagen heat pumps")
    assert copenhagen.heat_pumps.count() == 3 and copenhagen.bidding_zone.code == "DK2"
    # heat demand follows temperature (colder -> more heat) and peaks near the configured size
    heat = values(aggregator, "aarhus-heat-demand") / 1000.0
    temperature = values(aggregator, "aarhus-outdoor-temperature")
    joined = pd.concat([heat, temperature], axis=1, keys=["heat", "temperature"]).dropna()
    assert np.corrcoef(joined["heat"], joined["temperature"])[0, 1] < -0.8
    assert 0.6 * POOL_PEAK_HEAT_MW < heat.max() < 1.2 * POOL_PEAK_HEAT_MW
    # a full year of the house, public prices for both zones
    assert len(values(household, "villa-heat-demand-2019")) > 8000
    prices = Observation.objects.filter(
        series__tenant__isnull=True, series__key="day-ahead-price-dk1"
    )
    assert prices.count() == 24 * 311  # 2024-01-01 .. 2024-11-06, hourly, UTC
