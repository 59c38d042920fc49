"""Rebuild the demo's committed data sample from ../shared/data (run by hand, not at runtime).

    python -m ainergy.demo.build_sample [--shared ../shared/data]

Only data whose publisher allows redistribution is copied (Energinet / Energi Data Service,
Open-Meteo CC BY 4.0, the CC BY smart-heat-meter data set). The Flensburg district-heating
data has no licence, so it stays out: only the coefficients of a heat-vs-temperature model
fitted on it are written, and the demo drives that model with the committed weather.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pandas as pd

from forecasting.core.heat_model import fit_heat_temperature_model

HERE = Path(__file__).resolve().parent / "data"
START, END = "2024-01-01T00:00:00Z", "2024-11-07T00:00:00Z"


def _window(frame: pd.DataFrame, start: str = START, end: str = END) -> pd.DataFrame:
    times = pd.to_datetime(frame["time_utc"], utc=True)
    return frame[(times >= start) & (times < end)]


def build(shared: Path) -> None:
    HERE.mkdir(exist_ok=True)
    spot = pd.read_csv(shared / "spot_prices_dk1_dk2_hourly.csv.gz")
    _window(spot)[["time_utc", "price_area", "price_eur_per_mwh"]].to_csv(
        HERE / "spot_prices_dk1_dk2_2024.csv.gz", index=False
    )
    _window(spot, "2020-12-01T00:00:00Z", "2022-01-01T00:00:00Z").query("price_area == 'DK2'")[
        ["time_utc", "price_area", "price_eur_per_mwh"]
    ].to_csv(HERE / "spot_prices_dk2_2021.csv.gz", index=False)
    mfrr = pd.read_csv(shared / "mfrr_capacity_dk1_dk2_hourly.csv.gz")
    _window(mfrr)[
        ["time_utc", "price_area", "mfrr_up_price_eur_per_mw", "mfrr_down_price_eur_per_mw"]
    ].to_csv(HERE / "mfrr_capacity_dk1_dk2_2024.csv.gz", index=False)
    afrr = pd.read_csv(shared / "afrr_capacity_dk2_hourly_2024.csv")
    _window(afrr)[
        ["time_utc", "price_area", "afrr_up_cap_price_eur_per_mw", "afrr_down_cap_price_eur_per_mw"]
    ].to_csv(HERE / "afrr_capacity_dk2_2024.csv.gz", index=False)
    fcr = pd.read_csv(shared / "fcr_n_fcr_d_up_capacity_prices_dk2_hourly_2021.csv")
    fcr[["time_utc", "price_area", "fcr_n_price_eur_per_mw", "fcr_d_up_price_eur_per_mw"]].to_csv(
        HERE / "fcr_n_fcr_d_up_dk2_2021.csv.gz", index=False
    )
    weather = pd.read_csv(shared / "weather_openmeteo_56.2N_10.5E_hourly.csv")
    _window(weather)[
        ["time_utc", "temperature_c", "solar_radiation_w_per_m2", "wind_speed_kmh"]
    ].to_csv(HERE / "weather_openmeteo_56.2N_10.5E_2024.csv.gz", index=False)
    house = pd.read_csv(shared / "smart_heat_meter_dk_house660_hourly_2018_2020.csv")
    times = pd.to_datetime(house["time_utc"], utc=True)
    year = house[(times >= "2019-01-01T00:00Z") & (times < "2020-01-01T00:00Z")]
    year[["time_utc", "heat_kwh"]].dropna().to_csv(
        HERE / "smart_heat_meter_house660_2019.csv.gz", index=False
    )

    flensburg = pd.read_csv(shared / "district_heating_flensburg_hourly_2014_2015.csv")
    flensburg.index = pd.to_datetime(flensburg.pop("time_utc"), utc=True)
    model = fit_heat_temperature_model(flensburg, "heat_load_mw", "temperature_c")
    peak = float(flensburg["heat_load_mw"].max())
    (HERE / "flensburg_heat_model.json").write_text(
        json.dumps(
            {
                "description": "Heat-vs-temperature model fitted on Flensburg district heating 2014-2015 "
                "(forecasting.core.heat_model); the data itself is not redistributed",
                "heat_column": model.heat_column,
                "temperature_column": model.temperature_column,
                "base_temperature_c": model.base_temperature_c,
                "time_constant_h": model.time_constant_h,
                "intercept": model.intercept.round(4).tolist(),
                "slope_per_k": model.slope_per_k.round(5).tolist(),
                "fit_rmse": round(model.fit_rmse, 3),
                "observed_peak_mw": round(peak, 2),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "data"
    )
    build(parser.parse_args().shared)
