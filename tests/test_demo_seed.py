"""The demo world is built from the committed sample only, and re-seeding changes nothing."""

import datetime as dt
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from ainergy.assets.models import HeatPump, Pool, Site
from ainergy.common.timegrid import delivery_day_periods
from ainergy.demo.seed import POOL_PEAK_HEAT_MW, seed_demo
from ainergy.pipeline.steps import site_weather_series
from ainergy.timeseries.models import ForecastValue, Observation, Series
from forecasting.selectors import regressor_forecast


def values(tenant, key):
    rows = (
        Observation.objects.filter(series__tenant=tenant, series__key=key)
        .order_by("time")
        .values_list("time", "value")
    )
    frame = pd.DataFrame(list(rows), columns=["time", "value"])
    return frame.set_index(pd.to_datetime(frame["time"], utc=True))["value"]


def test_seed_builds_pool_heat_demand_prices_and_weather_forecasts_idempotently(db):
    # when
    aggregator, household = seed_demo(email="demo@example.dk", password="pw-123456")
    counts = (Observation.objects.count(), Series.objects.count(), HeatPump.objects.count(),
              ForecastValue.objects.count())  # fmt: skip
    seed_demo(email="demo@example.dk", password="pw-123456")
    # then: nothing duplicated
    assert (Observation.objects.count(), Series.objects.count(), HeatPump.objects.count(),
            ForecastValue.objects.count()) == counts  # fmt: skip
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
    # the pipeline's weather series of both plants and the villa: the heat-demand forecast
    # (DK1 pool: issued 07:00 on D-1) and the household schedule (13:05 on D-1) read the
    # temperature and irradiance forecasts of the sample day 2024-02-09 and of the 25-hour day
    # 2024-10-27
    for day, issue_local in (
        (dt.date(2024, 2, 9), dt.time(7)),
        (dt.date(2024, 10, 27), dt.time(13, 5)),
    ):
        issued_at = dt.datetime.combine(day - dt.timedelta(days=1), issue_local,
                                        tzinfo=ZoneInfo("Europe/Copenhagen"))  # fmt: skip
        index = delivery_day_periods(day, 60)
        for name in ("Aarhus Bay heat plant", "Copenhagen harbour heat plant", "Villa in Aarhus"):
            series = site_weather_series(Site.objects.get(name=name))
            for kind, target in series.items():
                forecast = regressor_forecast(target, issued_at=issued_at, index=index)
                # then every hour of the delivery day is covered by an issue made before
                assert len(forecast) == len(index) and not forecast.isna().any(), (name, kind, day)
    # and the issued values are the recorded sample (a perfect forecast), 48 h per daily issue
    aarhus = site_weather_series(Site.objects.get(name="Aarhus Bay heat plant"))
    issue = ForecastValue.objects.filter(
        series=aarhus["outdoor_temperature"], issued_at=dt.datetime(2024, 2, 8, tzinfo=dt.UTC)
    )
    assert issue.count() == 48
    recorded = values(aarhus["outdoor_temperature"].tenant, aarhus["outdoor_temperature"].key)
    assert {row.time: row.value for row in issue} == {
        t.to_pydatetime(): v
        for t, v in recorded.items()
        if dt.datetime(2024, 2, 8, tzinfo=dt.UTC) <= t < dt.datetime(2024, 2, 10, tzinfo=dt.UTC)
    }
