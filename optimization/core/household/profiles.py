"""Yearly household series: heat demand model, PV yield (pvlib's models), standard load, CO2 profile.

The real series come from different years (house heat 2018–2020, weather 2022–2024, prices
2018–2024). They are never joined by timestamp across years. Instead:

* heat demand: a degree-day model *calibrated* on the house's meter data (its summer base load,
  its winter hour-of-day shape and its mean annual space heat) is *driven* by the weather year's
  temperatures, so heat, COP and PV all come from the same weather hours;
* prices are taken for the same UTC hours as the weather year (same calendar year, exact join,
  a missing hour is an error);
* household electricity use and CO2 intensity have no real yearly series: a documented standard
  profile / stated assumption is used and listed in the output's ``assumptions``.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ

# Relative hour-of-day shape of household electricity use (local time), weekday / weekend.
# Stated assumption, shaped after typical Danish residential load curves (night trough, morning
# bump, evening peak 17–20); normalised below so only the shape matters.
WEEKDAY_LOAD_SHAPE = (
    0.55, 0.48, 0.45, 0.44, 0.45, 0.55, 0.85, 1.10, 1.00, 0.85, 0.80, 0.82,
    0.85, 0.82, 0.82, 0.90, 1.15, 1.55, 1.75, 1.65, 1.45, 1.25, 1.00, 0.75,
)  # fmt: skip
WEEKEND_LOAD_SHAPE = (
    0.60, 0.52, 0.48, 0.46, 0.46, 0.50, 0.60, 0.80, 1.05, 1.20, 1.20, 1.18,
    1.15, 1.05, 1.00, 1.00, 1.15, 1.50, 1.70, 1.60, 1.45, 1.25, 1.00, 0.78,
)  # fmt: skip


def _local(index: pd.DatetimeIndex) -> pd.DatetimeIndex:
    if index.tz is None:
        raise ValidationError("time_utc", "naive timestamps; expected tz-aware UTC")
    return index.tz_convert(LOCAL_TZ)


def standard_household_load_kw(
    period_start_utc: pd.DatetimeIndex,
    annual_energy_kwh: float,
    seasonal_amplitude_fraction: float = 0.15,
) -> np.ndarray:
    """Hourly household electricity use [kW] from a standard profile (no real series exists).

    Notes
    -----
    P_t = k · s_{daytype(t), hour(t)} · (1 + A·cos(2π(doy_t − 15)/365.25)) [kW], with k chosen so
    that the hourly profile sums to the annual energy over the local calendar year of the first
    period. Local clock hours; A = seasonal amplitude (winter high, summer low). The value is the
    mean power over each period, so 15-min steps hold the hour's value.
    """
    raw = _load_shape(period_start_utc, seasonal_amplitude_fraction)
    # Normalise over the whole local year of the first period, so a single day keeps its season.
    year = period_start_utc[0].tz_convert(LOCAL_TZ).year
    reference = _load_shape(local_year_index(year), seasonal_amplitude_fraction)
    return raw * annual_energy_kwh / reference.sum()


def _load_shape(index: pd.DatetimeIndex, seasonal_amplitude_fraction: float) -> np.ndarray:
    local = _local(index)
    hours = np.asarray(local.hour)
    weekend = np.asarray(local.day_of_week) >= 5
    shape = np.where(
        weekend, np.asarray(WEEKEND_LOAD_SHAPE)[hours], np.asarray(WEEKDAY_LOAD_SHAPE)[hours]
    )
    season = 1.0 + seasonal_amplitude_fraction * np.cos(
        2 * np.pi * (np.asarray(local.day_of_year) - 15) / 365.25
    )
    return shape * season


def local_year_index(year: int) -> pd.DatetimeIndex:
    """Hourly UTC starts of local calendar year ``year`` (8760/8784 h; DST days 23/25 h)."""
    start = pd.Timestamp(dt.datetime(year, 1, 1), tz=LOCAL_TZ).tz_convert("UTC")
    end = pd.Timestamp(dt.datetime(year + 1, 1, 1), tz=LOCAL_TZ).tz_convert("UTC")
    return pd.date_range(start, end, freq="h", inclusive="left")


@dataclass(frozen=True)
class HeatDemandModel:
    """Degree-day heat model calibrated on a house's hourly heat meter data.

    Notes
    -----
    Q_t = B·b_{h(t)} + U·max(0, T_base − T̄_{day(t)})·s_{h(t)} / 24   [kW]

    B [kW]: base (hot water + losses), the mean of June–August; b_h its hour-of-day shape (mean 1).
    U [kWh/(K·day)]: space heat per heating degree-day, U = (annual heat − 8766·B) / HDD_ref.
    s_h: hour-of-day shape of winter (Dec–Feb) space heat (mean 1). T̄ the local-day mean outdoor
    temperature (building inertia smooths within a day).
    """

    base_heat_kw: float
    base_shape: tuple[float, ...]
    space_heat_kwh_per_degree_day: float
    space_shape: tuple[float, ...]
    base_temperature_c: float
    annual_heat_kwh: float
    reference_degree_days_k_day: float

    def heat_demand_kw(
        self, period_start_utc: pd.DatetimeIndex, outdoor_temperature_c: np.ndarray
    ) -> np.ndarray:
        """Hourly heat demand [kW_th] driven by an outdoor temperature series [°C]."""
        local = _local(period_start_utc)
        hours = np.asarray(local.hour)
        day_mean = (
            pd.Series(np.asarray(outdoor_temperature_c, dtype=float), index=period_start_utc)
            .groupby(np.asarray(local.date))
            .transform("mean")
            .to_numpy()
        )
        degrees = np.maximum(0.0, self.base_temperature_c - day_mean)
        return self.base_heat_kw * np.asarray(self.base_shape)[hours] + (
            self.space_heat_kwh_per_degree_day
            * degrees
            / 24.0
            * np.asarray(self.space_shape)[hours]
        )


def degree_days_k_day(
    period_start_utc: pd.DatetimeIndex, outdoor_temperature_c: np.ndarray, base_temperature_c: float
) -> float:
    """Heating degree-days [K·day] per 8766 h: Σ_days max(0, T_base − T̄_day) scaled to a year."""
    local = _local(period_start_utc)
    means = (
        pd.Series(np.asarray(outdoor_temperature_c, dtype=float))
        .groupby(np.asarray(local.date))
        .mean()
    )
    return float(np.maximum(0.0, base_temperature_c - means).sum() * 365.25 / len(means))


def fit_heat_demand_model(
    heat_kwh: pd.Series,
    base_temperature_c: float = 17.0,
    reference_degree_days_k_day: float = 2906.0,
) -> HeatDemandModel:
    """Calibrate :class:`HeatDemandModel` on hourly heat meter readings.

    Parameters
    ----------
    heat_kwh : pandas.Series
        Heat per hour [kWh], tz-aware UTC index (several years allowed; missing hours ignored).
    base_temperature_c : float
        Degree-day base [°C]; 17 °C is the Danish convention.
    reference_degree_days_k_day : float
        Degree-days [K·day] of the climate the house data were recorded in. Default 2906, the
        Danish normal year (DMI, base 17 °C); a stated assumption since the house years have no
        temperature record here.
    """
    series = heat_kwh.dropna().astype(float)
    if len(series) < 24 * 300:
        raise ValidationError("heat_demand.series", "need at least 300 days of hourly heat data")
    local = _local(series.index)
    month = np.asarray(local.month)
    hours = np.asarray(local.hour)
    summer = np.isin(month, (6, 7, 8))
    winter = np.isin(month, (12, 1, 2))
    base_heat_kw = float(series[summer].mean())
    base_by_hour = series[summer].groupby(hours[summer]).mean().reindex(range(24)).to_numpy()
    base_shape = base_by_hour / base_by_hour.mean()
    space_by_hour = (
        (series[winter] - base_heat_kw).groupby(hours[winter]).mean().reindex(range(24)).to_numpy()
    )
    space_shape = np.maximum(space_by_hour, 0.0) / np.maximum(space_by_hour, 0.0).mean()
    annual_heat_kwh = float(series.mean() * 8766.0)
    space_annual_kwh = annual_heat_kwh - base_heat_kw * 8766.0
    return HeatDemandModel(
        base_heat_kw=base_heat_kw,
        base_shape=tuple(float(v) for v in base_shape),
        space_heat_kwh_per_degree_day=space_annual_kwh / reference_degree_days_k_day,
        space_shape=tuple(float(v) for v in space_shape),
        base_temperature_c=base_temperature_c,
        annual_heat_kwh=annual_heat_kwh,
        reference_degree_days_k_day=reference_degree_days_k_day,
    )


def pv_yield_kw_per_kwp(
    period_start_utc: pd.DatetimeIndex,
    ghi_w_per_m2: np.ndarray,
    air_temperature_c: np.ndarray,
    wind_speed_m_per_s: np.ndarray,
    latitude_deg: float,
    longitude_deg: float,
    tilt_deg: float,
    azimuth_deg: float,
    system_loss_fraction: float,
    temperature_coefficient_per_k: float = -0.004,
) -> np.ndarray:
    """AC output per kWp [kW/kWp] of a fixed PV array from hourly GHI (pvlib's models).

    Parameters
    ----------
    period_start_utc : hour starts (tz-aware); the sun is placed at the middle of each hour.
    ghi_w_per_m2 : global horizontal irradiance [W/m²]; negative values count as 0.
    air_temperature_c, wind_speed_m_per_s : [°C], [m/s] at the same hours.
    latitude_deg, longitude_deg : site [°].
    tilt_deg, azimuth_deg : array orientation [°] (azimuth 180 = south).
    system_loss_fraction : DC → AC losses [-].
    temperature_coefficient_per_k : PVWatts γ [1/K].

    Notes
    -----
    The chain of ``pvlib`` 0.16 (``get_solarposition`` NREL SPA at sea level, 12 °C,
    ΔT = 67 s; ``erbs``; ``get_extra_radiation`` Spencer; ``get_total_irradiance`` Hay–Davies,
    albedo 0.25; ``temperature.faiman``; ``pvsystem.pvwatts_dc``), written out with numpy so
    that a one-day schedule does not import the pvlib package (which imports all its
    submodules and most of scipy: ≈0.6 s CPU, more than the rest of the CLI). The NREL SPA
    itself is pvlib's own numpy module, loaded without the package. A test checks the result
    against the pvlib functions to 1e-9 on a full year.

    * Erbs: k_t = min(1, GHI / (E_a · max(cos θ_z, 0.065))); DHI = f(k_t)·GHI;
      DNI = (GHI − DHI)/cos θ_z, DNI = 0 and DHI = GHI where θ_z > 87° or DNI < 0.
    * Hay–Davies: A = DNI/E_a, R_b = max(cos θ_i, 0)/max(cos θ_z,app, 0.01745),
      G_sky = max(DHI(1 − A)(1 + cos β)/2, 0) + max(DHI·A·R_b, 0);
      G_ground = 0.25·GHI(1 − cos β)/2; G_beam = max(DNI cos θ_i, 0).
    * Faiman: T_cell = T_air + G_poa/(25 + 6.84 v).
    * PVWatts: P = G_poa/1000·(1 + γ(T_cell − 25 °C)) per kWp, times (1 − system losses).
    """
    middle = period_start_utc + pd.Timedelta(minutes=30)
    middle_utc = middle.tz_convert("UTC")
    unix_time_s = np.array((middle_utc - pd.Timestamp("1970-01-01", tz="UTC")) / pd.Timedelta("1s"))
    apparent_zenith, zenith, _, _, solar_azimuth, _ = _nrel_spa().solar_position(
        unix_time_s, latitude_deg, longitude_deg, 0.0, 1013.25, 12.0, 67.0, 0.5667
    )
    day_angle = 2.0 * np.pi / 365.0 * (np.asarray(middle_utc.day_of_year) - 1)
    extra_w_per_m2 = 1366.1 * (
        1.00011
        + 0.034221 * np.cos(day_angle)
        + 0.00128 * np.sin(day_angle)
        + 0.000719 * np.cos(2 * day_angle)
        + 0.000077 * np.sin(2 * day_angle)
    )
    ghi = np.clip(np.asarray(ghi_w_per_m2, dtype=float), 0.0, None)
    dni, dhi = _erbs(ghi, zenith, extra_w_per_m2)

    cos_tilt = np.cos(np.radians(tilt_deg))
    incidence_cos = np.clip(
        cos_tilt * np.cos(np.radians(apparent_zenith))
        + np.sin(np.radians(tilt_deg))
        * np.sin(np.radians(apparent_zenith))
        * np.cos(np.radians(solar_azimuth - azimuth_deg)),
        -1,
        1,
    )
    ratio = np.maximum(incidence_cos, 0) / np.maximum(np.cos(np.radians(apparent_zenith)), 0.01745)
    anisotropy = dni / extra_w_per_m2
    sky = np.maximum(dhi * (1 - anisotropy) * 0.5 * (1 + cos_tilt), 0) + np.maximum(
        dhi * (anisotropy * ratio), 0
    )
    ground = ghi * 0.25 * (1 - cos_tilt) * 0.5
    beam = np.maximum(dni * np.cos(np.radians(np.rad2deg(np.arccos(incidence_cos)))), 0)
    poa_global = np.nan_to_num(beam + sky + ground, nan=0.0)

    wind = np.asarray(wind_speed_m_per_s, dtype=float)
    cell_c = np.asarray(air_temperature_c, dtype=float) + poa_global / (25.0 + 6.84 * wind)
    dc = poa_global * 0.001 * (1 + temperature_coefficient_per_k * (cell_c - 25.0))
    return np.clip(dc * (1.0 - system_loss_fraction), 0.0, None)


def _erbs(
    ghi: np.ndarray, zenith_deg: np.ndarray, extra_w_per_m2: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """DNI and DHI [W/m²] from GHI by the Erbs correlation (as ``pvlib.irradiance.erbs``)."""
    cos_zenith = np.cos(np.radians(zenith_deg))
    clearness = np.minimum(np.maximum(ghi / (extra_w_per_m2 * np.maximum(cos_zenith, 0.065)), 0), 1)
    diffuse_fraction = np.where(
        clearness > 0.8,
        0.165,
        np.where(
            (clearness > 0.22) & (clearness <= 0.8),
            0.9511
            - 0.1604 * clearness
            + 4.388 * clearness**2
            - 16.638 * clearness**3
            + 12.336 * clearness**4,
            1 - 0.09 * clearness,
        ),
    )
    dhi = diffuse_fraction * ghi
    dni = (ghi - dhi) / cos_zenith
    bad = (zenith_deg > 87) | (ghi < 0) | (dni < 0)
    return np.where(bad, 0, dni), np.where(bad, ghi, dhi)


@functools.cache
def _nrel_spa() -> ModuleType:
    """pvlib's NREL SPA (``pvlib/spa.py``: numpy only), loaded without the pvlib package."""
    package = importlib.util.find_spec("pvlib")
    if package is None or package.origin is None:
        raise ModuleNotFoundError("pvlib is required for the PV yield")
    spec = importlib.util.spec_from_file_location(
        "optimization.core.household._pvlib_spa", Path(package.origin).with_name("spa.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def hour_of_day_profile(series: pd.Series, period_start_utc: pd.DatetimeIndex) -> np.ndarray:
    """Repeat the local hour-of-day mean of ``series`` over ``period_start_utc``."""
    by_hour = series.groupby(np.asarray(_local(series.index).hour)).mean().reindex(range(24))
    if by_hour.isna().any():
        raise ValidationError("co2_intensity.series", "does not cover all 24 local hours")
    return by_hour.to_numpy()[np.asarray(_local(period_start_utc).hour)]
