"""Short real series from ../shared/data written into the test database."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
HEAT_FILE = SHARED_DATA / "district_heating_flensburg_hourly_2014_2015.csv"
PRICE_FILE = SHARED_DATA / "spot_prices_dk1_dk2_hourly.csv.gz"


@cache
def flensburg() -> pd.DataFrame:
    """Flensburg district heating: heat_kw [kW] (file is in MW), temperature_c [°C]."""
    raw = pd.read_csv(HEAT_FILE)
    index = pd.DatetimeIndex(pd.to_datetime(raw["time_utc"], utc=True))
    return pd.DataFrame(
        {
            "heat_kw": raw["heat_load_mw"].to_numpy() * 1000.0,
            "temperature_c": raw["temperature_c"].to_numpy(),
        },
        index=index,
    )


@cache
def dk1_prices() -> pd.Series:
    raw = pd.read_csv(PRICE_FILE)
    raw = raw[raw["price_area"] == "DK1"]
    return pd.Series(
        raw["price_eur_per_mwh"].to_numpy(),
        index=pd.DatetimeIndex(pd.to_datetime(raw["time_utc"], utc=True)),
    )


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def as_points(values: pd.Series) -> pd.DataFrame:
    return pd.DataFrame({"time": values.index, "value": values.to_numpy(dtype=float)})


def write_observations(series, values: pd.Series) -> None:
    from ainergy.timeseries.services import observations_write_frame

    observations_write_frame(series=series, frame=as_points(values), source="test")


def heat_window(start: dt.datetime, end: dt.datetime, resolution_minutes: int = 60) -> pd.Series:
    """Flensburg heat demand [kW] in [start, end), repeated on quarter-hours if asked."""
    heat = flensburg()["heat_kw"]
    heat = heat[(heat.index >= start) & (heat.index < end)]
    if resolution_minutes == 15:
        grid = pd.date_range(start, end, freq="15min", inclusive="left")
        heat = heat.reindex(grid, method="ffill")
    return heat


@pytest.fixture
def make_series(tenant):
    from ainergy.timeseries.services import series_create

    def make(key: str, kind: str = "heat_demand", resolution_minutes: int = 60, owner=None):
        return series_create(
            tenant=owner or tenant, key=key, kind=kind, resolution_minutes=resolution_minutes
        )

    return make


@pytest.fixture
def heat_series(make_series):
    """Tenant's Flensburg heat series with 29 days of history before 2015-02-10."""
    series = make_series("flensburg-heat")
    write_observations(series, heat_window(utc(2015, 1, 12), utc(2015, 2, 12)))
    return series
