"""Stored data → household core problems (the DB side of what ``optimization.core.household``
case files do with CSV files).

Hourly series are read through the platform's one resampling selector and joined on exact UTC
hours. Weather gaps up to 26 h (the DST hours) take the value 24 h earlier; a missing price is an
error. Every choice made for the caller is appended to ``notes`` (the stored ``assumptions``).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ainergy.assets.models import BackupHeater, EvCharger, HeatPump, PvSystem, ThermalStorage
from ainergy.assets.models import Battery as BatteryAsset
from ainergy.assets.selectors import household_catalogue
from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from ainergy.timeseries.models import Series
from ainergy.timeseries.selectors import observations_frame, observations_resampled
from optimization.core.household import (
    Battery,
    BuildingModel,
    ElectricVehicle,
    EvDemand,
    EvSession,
    HeatPumpUnit,
    HotWaterTank,
    HouseholdYear,
    ScheduleProblem,
    SizingProblem,
    price_components,
    tariff_table_from_dict,
)
from optimization.core.household.profiles import (
    HeatDemandModel,
    fit_heat_demand_model,
    local_year_index,
    pv_yield_kw_per_kwp,
    standard_household_load_kw,
)
from optimization.core.household.technology import HeatingCurve, cop_series, flow_temperature_c
from optimization.models import HouseholdSchedule, SizingStudy
from optimization.selectors.household import series_last_time, zone_public_series

MAX_FILLED_GAP_H = 26
DEFAULT_CO2_INTENSITY_G_PER_KWH = 120.0
DEFAULT_WIND_SPEED_M_PER_S = 1.0
HOT_WATER_SHARE_OF_ANNUAL_HEAT = 0.2
REFERENCE_DEGREE_DAYS_K_DAY = 2906.0  # Danish normal year, base 17 °C (DMI)
HEAT_MODEL_HISTORY_DAYS = 3 * 366
DEFAULT_CARNOT_EFFICIENCY = 0.45


def _hourly_values(
    series: Series,
    index: pd.DatetimeIndex,
    field: str,
    *,
    fill: bool,
    notes: list[str],
    issued_before: dt.datetime | None = None,
) -> np.ndarray:
    """Hourly means of ``series`` on exactly ``index``; hours not observed take the latest
    forecast issued by ``issued_before`` (e.g. the NWP forecast of the pipeline's weather step);
    with ``fill``, short gaps left are filled."""
    if 60 % series.resolution_minutes:
        raise ValidationError(
            field, f"series {series.key!r} has {series.resolution_minutes}-min values; need ≤ 60"
        )
    start = (index[0] - pd.Timedelta(hours=24)).to_pydatetime()
    end = (index[-1] + pd.Timedelta(hours=1)).to_pydatetime()
    frame = observations_resampled(series, start, end, resolution_minutes=60)
    stored = frame["value"].astype(float)
    values = stored.reindex(index)
    if issued_before is not None and values.isna().any():
        from forecasting.selectors import regressor_forecast

        forecast = regressor_forecast(series, issued_at=issued_before, index=index)
        used = int((values.isna() & forecast.notna()).sum())
        if used:
            values = values.fillna(forecast)
            notes.append(
                f"{field}: {used} hours of {series.key!r} from forecasts issued by "
                f"{issued_before:%Y-%m-%dT%H:%MZ}"
            )
    missing = int(values.isna().sum())
    if not missing:
        return values.to_numpy(dtype=float)
    first = index[values.isna().to_numpy()][0].strftime("%Y-%m-%dT%H:%M:%SZ")
    if not fill:
        raise ValidationError(
            field,
            f"{missing} of {len(index)} hours missing in series {series.key!r}, first {first}",
        )
    run = values.isna().astype(int).groupby(values.notna().cumsum()).sum().max()
    if run > MAX_FILLED_GAP_H:
        raise ValidationError(
            field,
            f"series {series.key!r} has a gap of {int(run)} h (first missing {first}); "
            f"at most {MAX_FILLED_GAP_H} h are filled",
        )
    earlier = stored.reindex(index - pd.Timedelta(hours=24))
    values = values.fillna(pd.Series(earlier.to_numpy(), index=index)).interpolate(
        limit_direction="both"
    )
    notes.append(
        f"{field}: {missing} missing hours of {series.key!r} filled with the value 24 h earlier"
    )
    return values.to_numpy(dtype=float)


def _weather(inputs, index: pd.DatetimeIndex, notes: list[str]) -> dict[str, np.ndarray]:
    notes.append(
        f"wind speed: none stored; {DEFAULT_WIND_SPEED_M_PER_S:g} m/s assumed for PV cell "
        "temperature"
    )
    issued_before = getattr(inputs, "created_at", None)  # a request uses what was issued by then
    return {
        "temperature_c": _hourly_values(
            inputs.temperature_series,
            index,
            "temperature_series_id",
            fill=True,
            notes=notes,
            issued_before=issued_before,
        ),
        "ghi_w_per_m2": _hourly_values(
            inputs.solar_irradiance_series,
            index,
            "solar_irradiance_series_id",
            fill=True,
            notes=notes,
            issued_before=issued_before,
        ),
        "wind_speed_m_per_s": np.full(len(index), DEFAULT_WIND_SPEED_M_PER_S),
    }


def _heat_model(inputs, notes: list[str]) -> HeatDemandModel:
    if inputs.heat_demand_series_id is None:
        annual = float(inputs.annual_heat_demand_kwh)
        base_kw = HOT_WATER_SHARE_OF_ANNUAL_HEAT * annual / 8766.0
        notes.append(
            f"heat demand: {annual:g} kWh/yr given; {HOT_WATER_SHARE_OF_ANNUAL_HEAT:.0%} hot water "
            f"and losses at a flat {base_kw:.2f} kW, the rest by heating degree-days (base 17 °C, "
            f"reference {REFERENCE_DEGREE_DAYS_K_DAY:g} K·day), flat hour-of-day shape"
        )
        return HeatDemandModel(
            base_heat_kw=base_kw,
            base_shape=(1.0,) * 24,
            space_heat_kwh_per_degree_day=(1 - HOT_WATER_SHARE_OF_ANNUAL_HEAT)
            * annual
            / REFERENCE_DEGREE_DAYS_K_DAY,
            space_shape=(1.0,) * 24,
            base_temperature_c=17.0,
            annual_heat_kwh=annual,
            reference_degree_days_k_day=REFERENCE_DEGREE_DAYS_K_DAY,
        )
    series = inputs.heat_demand_series
    last = series_last_time(series)
    if last is None:
        raise ValidationError("heat_demand_series_id", f"series {series.key!r} has no values")
    frame = observations_frame(
        series, last - dt.timedelta(days=HEAT_MODEL_HISTORY_DAYS), last + dt.timedelta(hours=1)
    )
    hourly = frame["value"].astype(float).resample("h").mean().dropna()
    try:
        model = fit_heat_demand_model(hourly)
    except ValidationError as error:
        raise ValidationError("heat_demand_series_id", error.reason) from None
    years = sorted({t.year for t in hourly.index})
    notes.append(
        f"heat demand: degree-day model calibrated on {series.key!r} {years[0]}–{years[-1]} "
        f"(mean {model.annual_heat_kwh:.0f} kWh/yr, base {model.base_heat_kw:.2f} kW) and driven "
        "by the study period's daily mean temperature; the meter years are never joined to the "
        "weather by timestamp"
    )
    return model


def _co2(inputs, index: pd.DatetimeIndex, notes: list[str]) -> np.ndarray:
    if inputs.co2_intensity_g_per_kwh is not None:
        value = float(inputs.co2_intensity_g_per_kwh)
        notes.append(f"CO2 intensity: constant {value:g} g/kWh as requested")
        return np.full(len(index), value)
    series = zone_public_series(inputs.site.bidding_zone, "co2_intensity")
    if series is not None:
        hours = index.floor("h")
        try:
            hourly = _hourly_values(
                series, pd.DatetimeIndex(hours.unique()), "co2", fill=False, notes=notes
            )
        except ValidationError:
            pass
        else:
            notes.append(f"CO2 intensity: zone series {series.key!r}, hourly means")
            return pd.Series(hourly, index=hours.unique()).reindex(hours).to_numpy()
    notes.append(
        f"CO2 intensity: no complete series for zone {inputs.site.bidding_zone.code}; constant "
        f"{DEFAULT_CO2_INTENSITY_G_PER_KWH:g} g/kWh (stated assumption)"
    )
    return np.full(len(index), DEFAULT_CO2_INTENSITY_G_PER_KWH)


def _tariff_note(inputs, notes: list[str]) -> None:
    company = inputs.grid_company
    if company is not None:
        notes.append(
            f"tariffs: {company.name} (GLN {company.gln_number}) household C tariff from the "
            "stored price list, Energinet transmission and system tariffs, elafgift, VAT"
        )
    else:
        notes.append("tariffs: the tariff table given with the request")
    notes.append(
        f"supplier: markup {inputs.supplier_markup_dkk_per_kwh:g} DKK/kWh, fee on sold surplus "
        f"{inputs.export_fee_dkk_per_kwh:g} DKK/kWh (as given)"
    )
    if inputs.tariff_year is not None:
        notes.append(f"billed with the tariff and tax rates of {inputs.tariff_year}")
    notes.append("fixed subscriptions (DSO, supplier) are not included")


def sizing_problem(study: SizingStudy) -> tuple[SizingProblem, list[str]]:
    """The core's sizing problem for a stored study, and the assumptions made on the way."""
    notes: list[str] = []
    index = local_year_index(study.year)
    site = study.site
    weather = _weather(study, index, notes)
    spot = _hourly_values(study.price_series, index, "price_series_id", fill=False, notes=notes)
    notes.append(f"spot prices: {study.price_series.key!r}, same UTC hours as the weather year")
    heat = _heat_model(study, notes).heat_demand_kw(index, weather["temperature_c"])
    catalogue = household_catalogue(study.tenant)
    pv = catalogue.pv
    pv_yield = pv_yield_kw_per_kwp(
        index,
        weather["ghi_w_per_m2"],
        weather["temperature_c"],
        weather["wind_speed_m_per_s"],
        site.latitude_deg,
        site.longitude_deg,
        pv.tilt_deg,
        pv.azimuth_deg,
        pv.system_loss_fraction,
    )
    notes.append(
        f"PV yield: pvlib from {study.solar_irradiance_series.key!r} at {site.latitude_deg}N "
        f"{site.longitude_deg}E, tilt {pv.tilt_deg:g}°, azimuth {pv.azimuth_deg:g}°: "
        f"{pv_yield.sum():.0f} kWh/kWp in {study.year}"
    )
    notes.append(
        "household electricity: standard profile (weekday/weekend hour-of-day shape, ±15 % "
        f"seasonal) scaled to {study.household_electricity_kwh_per_year:g} kWh/yr"
    )
    notes.append("technology catalogue: platform defaults with the tenant's overrides")
    _tariff_note(study, notes)
    problem = SizingProblem(
        year=HouseholdYear(
            period_start_utc=index,
            heat_demand_kw=heat,
            base_load_kw=standard_household_load_kw(
                index, study.household_electricity_kwh_per_year
            ),
            pv_yield_kw_per_kwp=pv_yield,
            outdoor_temperature_c=weather["temperature_c"],
            spot_price_eur_per_mwh=spot,
            co2_intensity_g_per_kwh=_co2(study, index, notes),
        ),
        catalogue=catalogue,
        tariff_table=tariff_table_from_dict(study.tariff_table),
        heating_curve=HeatingCurve(),
        discount_rate_fraction=study.discount_rate_fraction,
        heat_storage_kwh=study.heat_storage_kwh,
        ev=None if study.ev is None else EvDemand(**study.ev),
        tariff_year=study.tariff_year,
        co2_price_eur_per_tonne=study.co2_price_eur_per_tonne,
        unserved_heat_penalty_eur_per_kwh=study.unserved_heat_penalty_eur_per_kwh,
        representative_day_count=study.representative_day_count,
    )
    return problem, notes


def _on_grid(series: Series, index: pd.DatetimeIndex, step_minutes: int, field: str, notes):
    """Values of ``series`` on the schedule grid: at the step if fine enough, else held hourly."""
    if series.resolution_minutes <= step_minutes and step_minutes % series.resolution_minutes == 0:
        frame = observations_resampled(
            series,
            index[0].to_pydatetime(),
            (index[-1] + pd.Timedelta(minutes=step_minutes)).to_pydatetime(),
            resolution_minutes=step_minutes,
        )
        values = frame["value"].astype(float).reindex(index)
        if values.isna().any():
            first = index[values.isna().to_numpy()][0].strftime("%Y-%m-%dT%H:%M:%SZ")
            raise ValidationError(
                field,
                f"{int(values.isna().sum())} of {len(index)} periods missing in series "
                f"{series.key!r}, first {first}",
            )
        return values.to_numpy(dtype=float)
    hours = pd.DatetimeIndex(index.floor("h").unique())
    hourly = _hourly_values(series, hours, field, fill=False, notes=notes)
    return pd.Series(hourly, index=hours).reindex(index.floor("h")).to_numpy()


def _household_pump(site) -> HeatPump | None:
    return (
        HeatPump.objects.for_tenant(site.tenant)
        .filter(site=site, kind=HeatPump.Kind.HOUSEHOLD)
        .order_by("id")
        .first()
    )


def site_household_assets(site) -> dict:
    """The assets a schedule of ``site`` is built from (first of each kind, by id)."""
    tenant = site.tenant
    return {
        "heat_pump": _household_pump(site),
        "thermal_storage": ThermalStorage.objects.for_tenant(tenant)
        .filter(site=site)
        .order_by("id")
        .first(),
        "battery": BatteryAsset.objects.for_tenant(tenant).filter(site=site).order_by("id").first(),
        "ev_charger": EvCharger.objects.for_tenant(tenant).filter(site=site).order_by("id").first(),
        "pv_systems": list(PvSystem.objects.for_tenant(tenant).filter(site=site).order_by("id")),
        "backup_heaters": list(
            BackupHeater.objects.for_tenant(tenant).filter(site=site).order_by("id")
        ),
    }


def battery_bounds_kwh(battery: BatteryAsset) -> tuple[float, float]:
    return (
        battery.energy_capacity_kwh * battery.soc_min_fraction,
        battery.energy_capacity_kwh * battery.soc_max_fraction,
    )


def _ev_sessions(charger: EvCharger, day: dt.date, index: pd.DatetimeIndex, step_h: float):
    """Yesterday's and today's stays that overlap the horizon, from the charger's routine.

    A stay that arrived before the horizon is assumed to have got, before it, only what could
    not be charged inside the horizon (the same rule the core applies at the horizon's end).
    """
    horizon_start = index[0].to_pydatetime()
    horizon_end = (index[-1] + pd.Timedelta(hours=step_h)).to_pydatetime()
    rate_kw = charger.power_max_kw * charger.efficiency
    sessions = []
    for arrival_day in (day - dt.timedelta(days=1), day):
        arrival = dt.datetime.combine(arrival_day, charger.ev_arrival_local_time, tzinfo=LOCAL_TZ)
        departure_day = arrival_day + dt.timedelta(
            days=1 if charger.ev_departure_local_time <= charger.ev_arrival_local_time else 0
        )
        departure = dt.datetime.combine(
            departure_day, charger.ev_departure_local_time, tzinfo=LOCAL_TZ
        )
        arrival, departure = arrival.astimezone(dt.UTC), departure.astimezone(dt.UTC)
        if departure <= horizon_start or arrival >= horizon_end:
            continue
        charged = 0.0
        if arrival < horizon_start:
            inside_h = (departure - horizon_start).total_seconds() / 3600
            charged = max(0.0, charger.ev_energy_need_kwh - rate_kw * inside_h)
        sessions.append(
            EvSession(
                arrival_at=arrival,
                departure_at=departure,
                energy_need_kwh=charger.ev_energy_need_kwh,
                charged_kwh=charged,
            )
        )
    return tuple(sessions)


def schedule_problem(schedule: HouseholdSchedule) -> tuple[ScheduleProblem, list[str]]:
    """The core's day-ahead problem for a stored schedule request and the site's assets."""
    notes: list[str] = []
    site = schedule.site
    day = schedule.delivery_day
    step_minutes = schedule.step_minutes
    step_h = step_minutes / 60
    index = delivery_day_periods(day, step_minutes)
    hourly = delivery_day_periods(day, 60)
    hourly_wide = pd.date_range(
        hourly[0] - pd.Timedelta(hours=24), hourly[-1] + pd.Timedelta(hours=1), freq="h"
    )
    assets = site_household_assets(site)
    weather_hourly = _weather(schedule, hourly_wide, notes)

    def to_grid(values: np.ndarray) -> np.ndarray:
        return pd.Series(values, index=hourly_wide).reindex(index.floor("h")).to_numpy()

    weather = {key: to_grid(values) for key, values in weather_hourly.items()}
    notes.append(
        "weather: stored values of the delivery day (observations, else the latest forecast "
        "issued by the request) used as the forecast"
    )
    spot = _on_grid(schedule.price_series, index, step_minutes, "price_series_id", notes)
    notes.append(f"spot prices: {schedule.price_series.key!r}")
    tariff = tariff_table_from_dict(schedule.tariff_table)
    prices = price_components(index, spot, tariff, schedule.tariff_year)
    _tariff_note(schedule, notes)

    pump = assets["heat_pump"]
    outdoor = weather["temperature_c"]
    curve = HeatingCurve()
    cop = cop_series(
        outdoor,
        flow_temperature_c(outdoor, curve),
        pump.carnot_quality_grade or DEFAULT_CARNOT_EFFICIENCY,
        pump.cop_max,
    )
    backup_kw = sum(heater.heat_power_max_kw for heater in assets["backup_heaters"])
    heat_pump = HeatPumpUnit(
        max_heat_kw=pump.power_max_kw * cop, cop=cop, backup_heater_power_kw=backup_kw
    )
    notes.append(
        f"heat pump {pump.name!r}: up to {pump.power_max_kw:g} kW electric, COP from the default "
        f"heating curve (flow {curve.flow_temperature_at_design_c:g} °C at "
        f"{curve.design_outdoor_temperature_c:g} °C outdoor); backup heaters ({backup_kw:g} kW) "
        "are electric, 1 kWh heat per kWh"
    )

    if schedule.building is not None:
        building = schedule.building
        store: HotWaterTank | BuildingModel = BuildingModel(
            thermal_resistance_k_per_kw=building["thermal_resistance_k_per_kw"],
            thermal_capacitance_kwh_per_k=building["thermal_capacitance_kwh_per_k"],
            initial_indoor_temperature_c=building["initial_indoor_temperature_c"],
            outdoor_temperature_c=outdoor,
            comfort_min_c=np.full(len(index), building["comfort_min_c"]),
            comfort_max_c=np.full(len(index), building["comfort_max_c"]),
            heat_gain_kw=np.full(len(index), building.get("heat_gain_kw", 0.0)),
        )
    else:
        tank = assets["thermal_storage"]
        model = _heat_model(schedule, notes)
        demand_hourly = model.heat_demand_kw(hourly_wide, weather_hourly["temperature_c"])
        initial = schedule.heat_store_initial_energy_kwh
        if initial is None:
            initial = tank.capacity_kwh * tank.soc_initial_fraction
            notes.append(
                f"tank {tank.name!r}: starts at its initial fraction {tank.soc_initial_fraction:g}"
            )
        store = HotWaterTank(
            capacity_kwh=tank.capacity_kwh,
            initial_energy_kwh=initial,
            loss_fraction_per_h=tank.loss_fraction_per_h,
            heat_demand_kw=to_grid(demand_hourly),
            terminal_energy_kwh=schedule.heat_store_terminal_energy_kwh,
            terminal_energy_mode=schedule.heat_store_terminal_energy_mode,
        )

    battery = None
    if assets["battery"] is not None:
        asset = assets["battery"]
        low, high = battery_bounds_kwh(asset)
        initial = schedule.battery_initial_energy_kwh
        if initial is None:
            initial = (low + high) / 2
            notes.append(f"battery {asset.name!r}: starts half-way between its SoC limits")
        battery = Battery(
            energy_kwh=high,
            power_kw=asset.power_max_kw,
            charge_efficiency=asset.charge_efficiency,
            discharge_efficiency=asset.discharge_efficiency,
            initial_energy_kwh=initial,
            min_energy_kwh=low,
            terminal_energy_kwh=schedule.battery_terminal_energy_kwh,
            terminal_energy_mode=schedule.battery_terminal_energy_mode,
        )

    ev = None
    if assets["ev_charger"] is not None:
        charger = assets["ev_charger"]
        ev = ElectricVehicle(
            charger_power_kw=charger.power_max_kw,
            charging_efficiency=charger.efficiency,
            sessions=_ev_sessions(charger, day, index, step_h),
        )
        notes.append(
            f"EV: {charger.ev_energy_need_kwh:g} kWh per stay {charger.ev_arrival_local_time:%H:%M}"
            f"–{charger.ev_departure_local_time:%H:%M} local; a stay that began yesterday got "
            "only what cannot be charged today"
        )

    pv_kw = np.zeros(len(index))
    for system in assets["pv_systems"]:
        pv_kw += system.peak_power_kw * pv_yield_kw_per_kwp(
            index,
            weather["ghi_w_per_m2"],
            outdoor,
            weather["wind_speed_m_per_s"],
            site.latitude_deg,
            site.longitude_deg,
            system.tilt_deg,
            system.azimuth_deg,
            system.system_loss_fraction,
        )
    notes.append(
        "household electricity: standard profile scaled to "
        f"{schedule.household_electricity_kwh_per_year:g} kWh/yr"
    )
    problem = ScheduleProblem(
        period_start_utc=index,
        prices=prices,
        base_load_kw=standard_household_load_kw(index, schedule.household_electricity_kwh_per_year),
        pv_power_kw=pv_kw,
        heat_pump=heat_pump,
        heat_store=store,
        battery=battery,
        ev=ev,
        co2_intensity_g_per_kwh=_co2(schedule, index, notes),
        co2_price_eur_per_tonne=schedule.co2_price_eur_per_tonne,
        unserved_heat_penalty_eur_per_kwh=schedule.unserved_heat_penalty_eur_per_kwh,
    )
    return problem, notes
