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
from ainergy.markets.models import BiddingZone, MarketAccount, MarketProduct
from ainergy.markets.services import market_account_create
from ainergy.timeseries.models import ForecastValue, Series
from ainergy.timeseries.services import (
    forecast_issues_write,
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


COPENHAGEN_PEAK_HEAT_MW = 40.0
# name, electrical max MW, min load fraction, source, source temperature °C (DK2 pool)
COPENHAGEN_HEAT_PUMPS = [
    ("Harbour seawater HP", 5.0, 0.4, "seawater", 7.0),
    ("Wastewater HP Lynetten", 4.0, 0.35, "wastewater", 13.0),
    ("Data-centre HP", 2.0, 0.3, "excess_heat", 30.0),
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


WEATHER_ISSUE_HORIZON_H = 48  # each daily issue (00:00 UTC) covers the local day after it


def hourly_weather() -> pd.DataFrame:
    """Temperature [°C] and shortwave radiation [W/m²] of the sample on a gap-free hourly grid."""
    weather = read_sample("weather_openmeteo_56.2N_10.5E_2024.csv.gz").set_index("time")
    grid = pd.date_range(weather.index.min(), weather.index.max(), freq="h")
    return pd.DataFrame(
        {
            "outdoor_temperature": weather["temperature_c"].reindex(grid).interpolate(limit=3),
            "solar_irradiance": weather["solar_radiation_w_per_m2"]
            .reindex(grid)
            .interpolate(limit=3)
            .clip(lower=0),
        }
    )


def seed_site_weather(tenant, site, weather: pd.DataFrame, *, note: str = "") -> dict[str, int]:
    """The site's pipeline weather series (those its weather step writes): the sample as
    analyses, and for every sample day a forecast issued at 00:00 UTC for the next 48 h.

    The issued values are the recorded weather (the sample is Open-Meteo's archive, not a
    model run: a perfect forecast), so the pipeline's heat-demand forecast (temperature
    regressor) and household schedule steps find a forecast issued before them for any day of
    the sample, as in production after the weather step. Issues already stored are kept.
    Returns the forecast values written per kind.
    """
    from ainergy.pipeline.steps import site_weather_series

    series = site_weather_series(site)
    written = {}
    for kind, target in series.items():
        if note and not target.description.endswith(note):
            Series.objects.filter(pk=target.pk).update(description=f"{target.description}; {note}")
        values = weather[kind].dropna()
        _write(target, values, "open-meteo:archive", tenant)
        stored = {
            pd.Timestamp(issued)
            for issued in ForecastValue.objects.filter(series=target)
            .values_list("issued_at", flat=True)
            .distinct()
        }
        horizon = pd.Timedelta(hours=WEATHER_ISSUE_HORIZON_H)
        issues = []
        for issued_at in pd.date_range(values.index.min(), values.index.max(), freq="D"):
            window = values[(values.index >= issued_at) & (values.index < issued_at + horizon)]
            if issued_at in stored or len(window) < WEATHER_ISSUE_HORIZON_H:
                continue  # kept as issued / the sample ends before the horizon does
            issues.append(
                pd.DataFrame(
                    {"issued_at": issued_at, "time": window.index, "value": window.to_numpy(float)}
                )
            )
        count = (
            forecast_issues_write(
                tenant=tenant,
                series=target,
                frame=pd.concat(issues, ignore_index=True),
                source="demo:open-meteo-archive-as-issued",
            )
            if issues
            else 0
        )
        written[kind] = count
    return written


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


# Public capacity prices of the sample: product, file, column, source dataset. Only data the shared
# folder has: FCR (DK1) and FCR-D down have no sample, aFRR only DK2 (Oct–Nov 2024), FCR-N and
# FCR-D up only DK2 2021 (docs/connectors.md, ainergy/demo/data/README.md).
CAPACITY_SAMPLES = [
    (
        "mfrr_up",
        "mfrr_capacity_dk1_dk2_2024.csv.gz",
        "mfrr_up_price_eur_per_mw",
        "mFRRCapacityMarket",
    ),
    (
        "mfrr_down",
        "mfrr_capacity_dk1_dk2_2024.csv.gz",
        "mfrr_down_price_eur_per_mw",
        "mFRRCapacityMarket",
    ),
    (
        "afrr_up",
        "afrr_capacity_dk2_2024.csv.gz",
        "afrr_up_cap_price_eur_per_mw",
        "AfrrReservesNordic",
    ),
    (
        "afrr_down",
        "afrr_capacity_dk2_2024.csv.gz",
        "afrr_down_cap_price_eur_per_mw",
        "AfrrReservesNordic",
    ),
    ("fcr_n", "fcr_n_fcr_d_up_dk2_2021.csv.gz", "fcr_n_price_eur_per_mw", "FcrReservesDK2"),
    ("fcr_d_up", "fcr_n_fcr_d_up_dk2_2021.csv.gz", "fcr_d_up_price_eur_per_mw", "FcrReservesDK2"),
]
# A delivery day with data for each product in each demo pool (plans with that product succeed).
DEMO_PRODUCT_DAYS = {
    "Aarhus heat pumps": {
        "mfrr_up": dt.date(2024, 2, 9),
        "mfrr_down": dt.date(2024, 2, 9),
    },
    "Copenhagen heat pumps": {
        "afrr_up": dt.date(2024, 10, 30),
        "afrr_down": dt.date(2024, 10, 30),
        "mfrr_up": dt.date(2024, 10, 30),
        "mfrr_down": dt.date(2024, 10, 30),
        "fcr_n": dt.date(2021, 3, 10),
        "fcr_d_up": dt.date(2021, 3, 10),
    },
}


def seed_market_data() -> dict[str, int]:
    written = {}
    spot = pd.concat(
        [read_sample("spot_prices_dk1_dk2_2024.csv.gz"), read_sample("spot_prices_dk2_2021.csv.gz")]
    )
    for zone in BiddingZone.objects.all():
        series = public_series_get_or_create(
            key=f"day-ahead-price-{zone.code.lower()}",
            kind="day_ahead_price",
            resolution_minutes=60,
            bidding_zone=zone,
            description=f"Day-ahead price {zone.code} (Energi Data Service)",
        )
        zone_spot = spot[spot["price_area"] == zone.code].set_index("time")["price_eur_per_mwh"]
        written[series.key] = _write(
            series, zone_spot.sort_index(), "energidataservice:Elspotprices"
        )
    for code, name, column, dataset in CAPACITY_SAMPLES:
        sample = read_sample(name)
        for zone_code in sorted(sample["price_area"].unique()):
            zone = BiddingZone.objects.get(code=zone_code)
            series = public_series_get_or_create(
                key=f"{code.replace('_', '-')}-capacity-price-{zone_code.lower()}",
                kind="reserve_capacity_price",
                resolution_minutes=60,
                bidding_zone=zone,
                description=f"{code} capacity price {zone_code} (Energi Data Service {dataset})",
            )
            values = sample[sample["price_area"] == zone_code].set_index("time")[column]
            written[series.key] = _write(series, values, f"energidataservice:{dataset}")
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
    account = _account(
        tenant,
        "DK1 trading",
        "DK1",
        ["day_ahead", *DEMO_PRODUCT_DAYS["Aarhus heat pumps"]],
        ("5790000000000", "BSP-DEMO"),
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
    seed_site_weather(tenant, site, hourly_weather())
    seed_copenhagen(tenant, model, observed_peak, temperature)
    return tenant


def _account(
    tenant, name: str, zone: str, products: list[str], identities: tuple[str, str]
) -> MarketAccount:
    """The demo's market account, its enabled products set to those the sample can price."""
    account = MarketAccount.objects.for_tenant(tenant).filter(name=name).first()
    if account is None:
        return market_account_create(
            tenant=tenant,
            name=name,
            bidding_zone=zone,
            balance_responsible_party_id=identities[0],
            balancing_service_provider_id=identities[1],
            enabled_product_codes=products,
        )
    account.enabled_products.set(MarketProduct.objects.filter(code__in=products))
    return account


def seed_copenhagen(tenant, model, observed_peak: float, temperature: pd.Series) -> None:
    """A DK2 pool (FCR-N, FCR-D up, aFRR, mFRR) with its synthetic heat demand.

    No DK2 or 2021 weather is in the shared data: the heat model is driven by the Aarhus
    temperature of 2024, and for 2021 (the FCR sample's year) by the 2024 value of the same
    calendar day and hour (a typical-year stand-in, documented in the series description).
    """
    site = _asset(
        tenant,
        assets.Site,
        "Copenhagen harbour heat plant",
        {"latitude_deg": 55.69, "longitude_deg": 12.6, "bidding_zone": "DK2"},
    )
    pumps = []
    for index, (name, max_mw, min_fraction, source, source_c) in enumerate(
        COPENHAGEN_HEAT_PUMPS, start=1
    ):
        pumps.append(
            _asset(
                tenant,
                assets.HeatPump,
                name,
                {
                    "site_id": site.pk,
                    "kind": "large",
                    "device_id": f"demo-cph-hp-{index}",
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
                    "sink_temperature_c": 80.0,
                },
            )
        )
    _asset(
        tenant,
        assets.ThermalStorage,
        "Harbour accumulator",
        {
            "site_id": site.pk,
            "capacity_kwh": 150_000.0,
            "loss_fraction_per_h": 0.002,
            "soc_initial_fraction": 0.5,
        },
    )
    _asset(
        tenant,
        assets.BackupHeater,
        "Biomass boiler",
        {"site_id": site.pk, "heat_power_max_kw": 30_000.0, "heat_cost_eur_per_mwh": 50.0},
    )
    account = _account(
        tenant,
        "DK2 trading",
        "DK2",
        ["day_ahead", *DEMO_PRODUCT_DAYS["Copenhagen heat pumps"]],
        ("5790000000002", "BSP-DEMO-DK2"),
    )
    _asset(
        tenant,
        assets.Pool,
        "Copenhagen heat pumps",
        {
            "bidding_zone": "DK2",
            "market_account_id": account.pk,
            "heat_pump_ids": [p.pk for p in pumps],
        },
    )
    stand_in = temperature.copy()
    stand_in.index = stand_in.index - pd.DateOffset(years=3)
    stand_in = stand_in[~stand_in.index.duplicated()]
    scale = COPENHAGEN_PEAK_HEAT_MW / observed_peak
    heat_kw = pd.concat([model.predict(stand_in), model.predict(temperature)]) * scale * 1000.0
    series = _series(tenant, "copenhagen-heat-demand", "heat_demand", 60, site=site)
    if not series.description:
        Series.objects.filter(pk=series.pk).update(
            description="Synthetic: Flensburg heat model driven by the 2024 Aarhus temperature; "
            "2021 values use the 2024 temperature of the same calendar day and hour"
        )
    _write(series, heat_kw, "demo:flensburg-heat-model", tenant)
    seed_site_weather(
        tenant,
        site,
        hourly_weather(),
        note="stand-in: the Aarhus (56.2 N 10.5 E) sample, the shared data have no DK2 weather",
    )


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
    seed_site_weather(tenant, site, hourly_weather())
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
