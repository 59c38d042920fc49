"""A Danish household (site, heat pump, tank, battery, EV charger, PV) with real stored data:
weather of the Open-Meteo file in the tenant's series, DK1 spot prices in the public series."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT.parent / "shared" / "data"  # ../shared beside the checkout, as in CI
WEATHER_CSV = DATA / "weather_openmeteo_56.2N_10.5E_hourly.csv"
PRICES_CSV = DATA / "spot_prices_dk1_dk2_hourly.csv.gz"


@lru_cache(maxsize=1)
def weather_frame() -> pd.DataFrame:
    frame = pd.read_csv(WEATHER_CSV)
    frame["time"] = pd.to_datetime(frame["time_utc"], utc=True)
    return frame


@lru_cache(maxsize=1)
def dk1_prices_frame() -> pd.DataFrame:
    frame = pd.read_csv(PRICES_CSV)
    frame = frame[frame["price_area"] == "DK1"].copy()
    frame["time"] = pd.to_datetime(frame["time_utc"], utc=True)
    return frame


def _window(frame: pd.DataFrame, column: str, start, end) -> pd.DataFrame:
    rows = frame[(frame["time"] >= pd.Timestamp(start)) & (frame["time"] < pd.Timestamp(end))]
    return pd.DataFrame({"time": rows["time"], "value": rows[column]})


TARIFF_INPUT_KEYS = {
    "name",
    "exchange_rate_dkk_per_eur",
    "dso_tariff_dkk_per_kwh",
    "energinet_transmission_dkk_per_kwh",
    "energinet_system_dkk_per_kwh",
    "electricity_tax_dkk_per_kwh",
    "vat_fraction",
    "export_fee_dkk_per_kwh",
    "supplier_markup_dkk_per_kwh",
    "source",
}


def _camel(value):
    from strawberry.utils.str_converters import to_camel_case

    if isinstance(value, dict):
        return {to_camel_case(key): _camel(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_camel(item) for item in value]
    return value


@pytest.fixture
def tariff_table() -> dict:
    """The N1 example table as a GraphQL TariffTableInput (camelCase)."""
    table = json.loads((ROOT / "docs/examples/household_tariff_n1.json").read_text())
    return _camel({key: value for key, value in table.items() if key in TARIFF_INPUT_KEYS})


@pytest.fixture
def house(tenant):
    """Site, assets and (empty) series of one household of ``tenant``."""
    from ainergy.assets import models as assets
    from ainergy.assets.services import asset_create
    from ainergy.markets.models import BiddingZone
    from ainergy.timeseries.services import public_series_get_or_create, series_create

    site = asset_create(
        tenant=tenant,
        model=assets.Site,
        data={"name": "Villa", "latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"},
    )

    def add(model, **data):
        return asset_create(tenant=tenant, model=model, data={"site_id": site.pk, **data})

    pump = add(
        assets.HeatPump,
        name="air-water",
        kind="household",
        device_id="villa-hp",
        power_min_kw=0.0,
        power_max_kw=3.0,
        carnot_quality_grade=0.45,
        cop_max=5.5,
        source_temperature_c=5.0,
        sink_temperature_c=45.0,
    )
    return {
        "site": site,
        "heat_pump": pump,
        "tank": add(assets.ThermalStorage, name="tank", capacity_kwh=8.0, loss_fraction_per_h=0.01),
        "battery": add(
            assets.Battery, name="battery", energy_capacity_kwh=5.6, power_max_kw=2.2,
            soc_min_fraction=0.0, soc_max_fraction=1.0,
        ),
        "ev_charger": add(
            assets.EvCharger, name="wallbox", power_max_kw=11.0, efficiency=0.9,
            ev_arrival_local_time=dt.time(17), ev_departure_local_time=dt.time(7),
            ev_energy_need_kwh=6.0,
        ),
        "pv": add(assets.PvSystem, name="roof", peak_power_kw=6.0),
        "temperature": series_create(
            tenant=tenant, key="villa-temperature", kind="outdoor_temperature",
            resolution_minutes=60, site=site,
        ),
        "irradiance": series_create(
            tenant=tenant, key="villa-irradiance", kind="solar_irradiance",
            resolution_minutes=60, site=site,
        ),
        "prices": public_series_get_or_create(
            key="dk1-day-ahead", kind="day_ahead_price", resolution_minutes=60,
            bidding_zone=BiddingZone.objects.get(code="DK1"),
        ),
    }  # fmt: skip


@pytest.fixture
def load_data(house):
    """load_data(start, end): weather and DK1 prices of [start, end) into the house's series."""
    from ainergy.timeseries.services import observations_write_frame

    def load(start: dt.datetime, end: dt.datetime) -> None:
        weather = weather_frame()
        for key, column in (
            ("temperature", "temperature_c"),
            ("irradiance", "solar_radiation_w_per_m2"),
        ):
            observations_write_frame(
                series=house[key],
                frame=_window(weather, column, start, end),
                source="open-meteo",
                tenant=house["site"].tenant,
            )
        observations_write_frame(
            series=house["prices"], frame=_window(dk1_prices_frame(), "price_eur_per_mwh", start, end),
            source="energidataservice",
        )  # fmt: skip

    return load


def gid(type_name: str, obj) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, str(obj.pk)))
