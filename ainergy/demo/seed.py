"""The demo world: an aggregator with a pool of large heat pumps in DK1 and a household.

Built from the committed sample in ``ainergy/demo/data`` (see its README for sources), so the
demo needs nothing outside the repository. Idempotent: re-running updates in place.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import transaction

from ainergy.assets import models as assets
from ainergy.assets.services import asset_create
from ainergy.markets.models import BiddingZone, MarketAccount
from ainergy.markets.services import market_account_create
from ainergy.timeseries.models import Series
from ainergy.timeseries.services import (
    observations_write_frame,
    public_series_get_or_create,
    series_create,
)
from forecasting.core.heat_model import HeatTemperatureModel
from tenants.models import Membership, Role, Tenant
from tenants.services import tenant_create, user_get_or_create

DATA = Path(__file__).resolve().parent / "data"
AGGREGATOR_SLUG = "demo-aggregator"
HOUSEHOLD_SLUG = "demo-household"
POOL_PEAK_HEAT_MW = 70.0  # the synthetic network's peak demand; the pool covers most of it

# name, electrical max MW, min load fraction, source, source temperature °C
LARGE_HEAT_PUMPS = [
    ("Seawater HP 1", 6.0, 0.4, "seawater", 6.0),
    ("Seawater HP 2", 6.0, 0.4, "seawater", 6.0),
    ("Flue-gas HP", 3.0, 0.3, "flue_gas", 35.0),
    ("Wastewater HP", 4.0, 0.35, "wastewater", 12.0),
    ("Air HP", 2.5, 0.3, "outdoor_air", 8.0),
]


def heat_model() -> tuple[HeatTemperatureModel, float]:
    data = json.loads((DATA / "flensburg_heat_model.json").read_text())
    model = HeatTemperatureModel(
        heat_column=data["heat_column"],
        temperature_column=data["temperature_column"],
        base_temperature_c=data["base_temperature_c"],
        time_constant_h=data["time_constant_h"],
        intercept=np.array(data["intercept"]),
        slope_per_k=np.array(data["slope_per_k"]),
        fit_rmse=data["fit_rmse"],
    )
    return model, data["observed_peak_mw"]


def read_sample(name: str) -> pd.DataFrame:
    frame = pd.read_csv(DATA / name)
    frame["time"] = pd.to_datetime(frame.pop("time_utc"), utc=True)
    return frame


def hourly_temperature() -> pd.Series:
    """Committed weather on a gap-free hourly grid (DST hours missing in the source interpolated)."""
    weather = read_sample("weather_openmeteo_56.2N_10.5E_2024.csv.gz").set_index("time")
    grid = pd.date_range(weather.index.min(), weather.index.max(), freq="h")
    return weather["temperature_c"].reindex(grid).interpolate(limit=3)


def _series(tenant, key, kind, resolution_minutes, **links) -> Series:
    existing = Series.objects.filter(tenant=tenant, key=key).first()
    return existing or series_create(
        tenant=tenant, key=key, kind=kind, resolution_minutes=resolution_minutes, **links
    )


def _write(series: Series, values: pd.Series, source: str, tenant=None) -> int:
    values = values.dropna()
    frame = pd.DataFrame({"time": values.index, "value": values.to_numpy(dtype=float)})
    return observations_write_frame(
        series=series, frame=frame, source=source, tenant=tenant
    ).points_written


def seed_market_data() -> dict[str, int]:
    written = {}
    spot = read_sample("spot_prices_dk1_dk2_2024.csv.gz")
    mfrr = read_sample("mfrr_capacity_dk1_dk2_2024.csv.gz")
    for zone in BiddingZone.objects.all():
        series = public_series_get_or_create(
            key=f"day-ahead-price-{zone.code.lower()}",
            kind="day_ahead_price",
            resolution_minutes=60,
            bidding_zone=zone,
            description=f"Day-ahead price {zone.code} (Energi Data Service)",
        )
        zone_spot = spot[spot["price_area"] == zone.code].set_index("time")["price_eur_per_mwh"]
        written[series.key] = _write(series, zone_spot, "energidataservice:Elspotprices")
        series = public_series_get_or_create(
            key=f"mfrr-up-capacity-price-{zone.code.lower()}",
            kind="reserve_capacity_price",
            resolution_minutes=60,
            bidding_zone=zone,
            description=f"mFRR up capacity price {zone.code} (Energi Data Service)",
        )
        zone_mfrr = mfrr[mfrr["price_area"] == zone.code].set_index("time")[
            "mfrr_up_price_eur_per_mw"
        ]
        written[series.key] = _write(series, zone_mfrr, "energidataservice:mFRRCapacityMarket")
    return written


def _tenant(slug: str, name: str, kind: str) -> Tenant:
    return Tenant.objects.filter(slug=slug).first() or tenant_create(
        slug=slug, name=name, kind=kind
    )


def _asset(tenant, model, name: str, data: dict):
    existing = model.objects.for_tenant(tenant).filter(name=name).first()
    return existing or asset_create(tenant=tenant, model=model, data={"name": name, **data})


def seed_aggregator() -> Tenant:
    tenant = _tenant(AGGREGATOR_SLUG, "Demo Fjernvarme Aggregator", "aggregator")
    site = _asset(
        tenant,
        assets.Site,
        "Aarhus Bay heat plant",
        {"latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"},
    )
    pumps = []
    for index, (name, max_mw, min_fraction, source, source_c) in enumerate(
        LARGE_HEAT_PUMPS, start=1
    ):
        pumps.append(
            _asset(
                tenant,
                assets.HeatPump,
                name,
                {
                    "site_id": site.pk,
                    "kind": "large",
                    "device_id": f"demo-hp-{index}",
                    "power_max_kw": max_mw * 1000,
                    "power_min_kw": max_mw * 1000 * min_fraction,
                    "ramp_limit_kw_per_min": max_mw * 1000 / 10,
                    "start_cost_eur": 50.0 * max_mw,
                    "carnot_quality_grade": 0.5,
                    "cop_max": 6.0,
                    "source_kind": source,
                    "source_temperature_mode": "fixed",
                    "source_temperature_c": source_c,
                    "sink_temperature_mode": "fixed",
                    "sink_temperature_c": 75.0,
                },
            )
        )
    _asset(
        tenant,
        assets.ThermalStorage,
        "Pit storage",
        {
            "site_id": site.pk,
            "capacity_kwh": 400_000.0,
            "loss_fraction_per_h": 0.002,
            "soc_initial_fraction": 0.5,
        },
    )
    _asset(
        tenant,
        assets.BackupHeater,
        "Wood-chip boiler",
        {
            "site_id": site.pk,
            "heat_power_max_kw": 60_000.0,
            "heat_cost_eur_per_mwh": 45.0,
            "co2_intensity_kg_per_mwh_heat": 0.0,
        },
    )
    account = MarketAccount.objects.for_tenant(tenant).filter(
        name="DK1 trading"
    ).first() or market_account_create(
        tenant=tenant,
        name="DK1 trading",
        bidding_zone="DK1",
        balance_responsible_party_id="5790000000000",
        balancing_service_provider_id="BSP-DEMO",
        enabled_product_codes=["day_ahead", "fcr_dk1", "afrr_up", "afrr_down", "mfrr_up"],
    )
    _asset(
        tenant,
        assets.Pool,
        "Aarhus heat pumps",
        {
            "bidding_zone": "DK1",
            "market_account_id": account.pk,
            "heat_pump_ids": [p.pk for p in pumps],
        },
    )

    temperature = hourly_temperature()
    _write(
        _series(tenant, "aarhus-outdoor-temperature", "outdoor_temperature", 60, site=site),
        temperature,
        "open-meteo",
        tenant,
    )
    model, observed_peak = heat_model()
    heat_mw = model.predict(temperature) * (POOL_PEAK_HEAT_MW / observed_peak)
    _write(
        _series(tenant, "aarhus-heat-demand", "heat_demand", 60, site=site),
        heat_mw * 1000.0,
        "demo:flensburg-heat-model",
        tenant,
    )
    return tenant


def seed_household() -> Tenant:
    tenant = _tenant(HOUSEHOLD_SLUG, "Demo Husstand", "household_provider")
    site = _asset(
        tenant,
        assets.Site,
        "Villa in Aarhus",
        {"latitude_deg": 56.2, "longitude_deg": 10.5, "bidding_zone": "DK1"},
    )
    _asset(
        tenant,
        assets.HeatPump,
        "Air-to-water 8 kW",
        {
            "site_id": site.pk,
            "kind": "household",
            "device_id": "demo-house-hp",
            "power_min_kw": 0.0,
            "power_max_kw": 3.0,
            "carnot_quality_grade": 0.45,
            "cop_max": 5.5,
            "source_kind": "outdoor_air",
            "source_temperature_mode": "fixed",
            "source_temperature_c": 7.0,
            "sink_temperature_c": 45.0,
        },
    )
    _asset(
        tenant,
        assets.ThermalStorage,
        "Hot-water tank",
        {"site_id": site.pk, "capacity_kwh": 12.0, "loss_fraction_per_h": 0.01},
    )
    _asset(tenant, assets.PvSystem, "Roof PV", {"site_id": site.pk, "peak_power_kw": 6.0})
    _asset(
        tenant,
        assets.Battery,
        "Home battery",
        {"site_id": site.pk, "energy_capacity_kwh": 10.0, "power_max_kw": 5.0},
    )
    _asset(
        tenant,
        assets.EvCharger,
        "Wallbox",
        {
            "site_id": site.pk,
            "power_max_kw": 11.0,
            "ev_arrival_local_time": dt.time(17),
            "ev_departure_local_time": dt.time(7),
            "ev_energy_need_kwh": 12.0,
        },
    )
    house = read_sample("smart_heat_meter_house660_2019.csv.gz").set_index("time")["heat_kwh"]
    _write(
        _series(tenant, "villa-heat-demand-2019", "heat_demand", 60, site=site),
        house.clip(lower=0),
        "smart-heat-meter-660",
        tenant,
    )
    return tenant


@transaction.atomic
def seed_demo(*, email: str, password: str) -> tuple[Tenant, Tenant]:
    seed_market_data()
    aggregator = seed_aggregator()
    household = seed_household()
    user = user_get_or_create(email=email)
    user.set_password(password)
    user.save(update_fields=["password"])
    for tenant in (aggregator, household):
        Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": Role.OWNER})
    return aggregator, household
