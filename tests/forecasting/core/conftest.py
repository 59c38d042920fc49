from pathlib import Path

import pandas as pd
import pytest

from forecasting.core.data import read_frame

SHARED_DATA = Path(__file__).resolve().parents[4] / "shared" / "data"
HEAT_FILE = SHARED_DATA / "district_heating_flensburg_hourly_2014_2015.csv"
PRICE_FILE = SHARED_DATA / "spot_prices_dk1_dk2_hourly.csv.gz"
HOUSE_FILE = SHARED_DATA / "smart_heat_meter_dk_house660_hourly_2018_2020.csv"
WEATHER_FILE = SHARED_DATA / "weather_openmeteo_56.2N_10.5E_hourly.csv"


@pytest.fixture(scope="session")
def heat_frame() -> pd.DataFrame:
    """Flensburg district heating 2014-2015: heat_load_mw [MW], temperature_c [°C]."""
    return read_frame([HEAT_FILE])


@pytest.fixture(scope="session")
def price_frame() -> pd.DataFrame:
    """DK1 day-ahead prices 2023-2024 [EUR/MWh]."""
    frame = read_frame([PRICE_FILE], {"price_area": "DK1"})[["price_eur_per_mwh"]]
    return frame.loc["2023-01-01":]


@pytest.fixture(scope="session")
def price_and_house_frame() -> pd.DataFrame:
    """DK1 price and one Danish house's hourly heat use, joined on time_utc (2019)."""
    frame = read_frame([PRICE_FILE, HOUSE_FILE], {"price_area": "DK1"})
    return frame.loc["2019-01-01":"2019-12-31", ["price_eur_per_mwh", "heat_kwh"]]
