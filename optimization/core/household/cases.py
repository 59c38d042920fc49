"""Case files (JSON) → sizing / schedule problems, reading series in the shared CSV format.

A series is named as ``{"file": ..., "column": ..., "filter": {...}, "scale": 1.0}``; ``file``
resolves relative to the case file. Every bad field raises
:class:`~ainergy.common.errors.ValidationError` naming its JSON path. The schema is documented in
docs/household.md.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from optimization.core.household.profiles import (
    fit_heat_demand_model,
    hour_of_day_profile,
    local_year_index,
    pv_yield_kw_per_kwp,
    standard_household_load_kw,
)
from optimization.core.household.scheduling import (
    TERMINAL_MODES,
    Battery,
    BuildingModel,
    ElectricVehicle,
    EvSession,
    HeatPumpUnit,
    HotWaterTank,
    HouseholdState,
    ScheduleProblem,
    validate_problem,
)
from optimization.core.household.tariffs import (
    TariffTable,
    price_components,
    tariff_table_from_dict,
)
from optimization.core.household.technology import (
    HeatingCurve,
    TechnologyCatalogue,
    catalogue_from_dict,
    cop_series,
    flow_temperature_c,
    heat_capacity_factor,
)

if TYPE_CHECKING:  # the sizing model loads only for a sizing case
    from optimization.core.household.sizing import SizingProblem

KMH_PER_MS = 3.6
MAX_FILLED_GAP_H = 26


@dataclass(frozen=True)
class SizingCase:
    """A parsed ``size`` case: the problem plus run options and stated assumptions."""

    problem: SizingProblem
    pareto_point_count: int
    assumptions: tuple[str, ...]


@dataclass(frozen=True)
class ScheduleCase:
    """A parsed ``schedule`` case (``state`` set → re-plan from telemetry)."""

    problem: ScheduleProblem
    state: HouseholdState | None
    assumptions: tuple[str, ...]


def read_case(path: str | Path) -> tuple[dict[str, Any], Path]:
    """Load a case JSON; returns the object and the directory paths resolve against."""
    case_path = Path(path)
    if not case_path.is_file():
        raise ValidationError("case", f"file not found: {case_path}")
    try:
        data = json.loads(case_path.read_text())
    except json.JSONDecodeError as exc:
        raise ValidationError("case", f"invalid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ValidationError("case", "expected a JSON object")
    return data, case_path.resolve().parent


def _require(data: Mapping[str, Any], key: str, field: str) -> Any:
    if not isinstance(data, Mapping):
        raise ValidationError(field, "expected an object")
    if key not in data or data[key] is None:
        raise ValidationError(f"{field}.{key}" if field else key, "missing")
    return data[key]


def _number(
    data: Mapping[str, Any],
    key: str,
    field: str,
    default: float | None = None,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """A finite number at ``data[key]`` within the bounds, else a ValidationError naming the
    JSON path (``field.key``)."""
    path = f"{field}.{key}" if field else key
    if not isinstance(data, Mapping):
        raise ValidationError(field or key, "expected an object")
    if key not in data or data[key] is None:
        if default is None:
            raise ValidationError(path, "missing")
        return default
    return _checked(data[key], path, low=low, high=high, low_open=low_open, high_open=high_open)


def _checked(
    value: Any,
    path: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(path, f"expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ValidationError(path, f"must be a finite number, got {value!r}")
    if low is not None and (number <= low if low_open else number < low):
        raise ValidationError(path, f"must be {'>' if low_open else '≥'} {low:g}, got {number:g}")
    if high is not None and (number >= high if high_open else number > high):
        raise ValidationError(path, f"must be {'<' if high_open else '≤'} {high:g}, got {number:g}")
    return number


def _efficiency(data: Mapping[str, Any], key: str, field: str, default: float | None = None):
    """A fraction in (0, 1] (an efficiency of 0 would divide by zero in the model)."""
    return _number(data, key, field, default, low=0.0, low_open=True, high=1.0)


def _mode(data: Mapping[str, Any], key: str, field: str) -> str:
    value = data.get(key, "at_least")
    if value not in TERMINAL_MODES:
        raise ValidationError(
            f"{field}.{key}", f"expected one of {', '.join(TERMINAL_MODES)}, got {value!r}"
        )
    return str(value)


@lru_cache(maxsize=16)
def _read_csv(path: str) -> pd.DataFrame:
    return pd.read_csv(path)


def load_series(spec: Any, base_dir: Path, field: str) -> pd.Series:
    """Read one column of a shared-format CSV as a UTC-indexed series.

    ``spec = {"file", "column", "filter": {column: value}, "scale": factor}``; timestamps are the
    ``time_utc`` column. Duplicate timestamps after filtering are an error (missing filter).
    """
    if not isinstance(spec, Mapping):
        raise ValidationError(field, 'expected {"file": ..., "column": ..., "filter": {...}}')
    file_name = _require(spec, "file", field)
    column = _require(spec, "column", field)
    path = (base_dir / str(file_name)).resolve()
    if not path.is_file():
        raise ValidationError(f"{field}.file", f"file not found: {path}")
    frame = _read_csv(str(path))
    if "time_utc" not in frame.columns:
        raise ValidationError(f"{field}.file", "no time_utc column")
    if column not in frame.columns:
        raise ValidationError(
            f"{field}.column",
            f"no column {column!r} in {path.name}; columns: {list(frame.columns)}",
        )
    filters = spec.get("filter") or {}
    if not isinstance(filters, Mapping):
        raise ValidationError(f"{field}.filter", "expected an object {column: value}")
    mask = np.ones(len(frame), dtype=bool)
    for key, value in filters.items():
        if key not in frame.columns:
            raise ValidationError(f"{field}.filter.{key}", f"no column {key!r} in {path.name}")
        mask &= (frame[key] == value).to_numpy()
    selected = frame.loc[mask]
    if selected.empty:
        raise ValidationError(f"{field}.filter", f"no rows of {path.name} match {dict(filters)}")
    raw = selected[column]
    numbers = pd.to_numeric(raw, errors="coerce")
    # text is only looked at where no number came out (as text, a year of floats costs ~0.3 s)
    not_numbers = np.array(numbers.isna() & raw.notna(), dtype=bool)
    if not_numbers.any():
        not_numbers[not_numbers] = (raw[not_numbers].astype(str).str.strip() != "").to_numpy()
    infinite = np.isinf(numbers.to_numpy(dtype=float))
    bad = not_numbers | infinite
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        line = int(selected.index[row]) + 2  # 1-based, after the header line
        raise ValidationError(
            f"{field}.column",
            f"{path.name} line {line}, column {column!r}: {raw.iloc[row]!r} is not a finite "
            f"number ({int(bad.sum())} such value(s))",
        )
    try:
        index = pd.DatetimeIndex(pd.to_datetime(selected["time_utc"], utc=True))
    except (ValueError, TypeError):
        parsed = pd.to_datetime(selected["time_utc"], utc=True, errors="coerce")
        row = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise ValidationError(
            f"{field}.file",
            f"{path.name} line {int(selected.index[row]) + 2}, column 'time_utc': "
            f"{selected['time_utc'].iloc[row]!r} is not an ISO-8601 timestamp",
        ) from None
    series = pd.Series(numbers.to_numpy(dtype=float), index=index, name=column)
    if series.index.duplicated().any():
        raise ValidationError(
            f"{field}.filter",
            f"duplicate timestamps in {path.name}; add a filter (e.g. price_area)",
        )
    scale = spec.get("scale", 1.0)
    if isinstance(scale, bool) or not isinstance(scale, int | float):
        raise ValidationError(f"{field}.scale", f"expected a number, got {scale!r}")
    return series.sort_index() * float(scale)


def _on_index(
    series: pd.Series, index: pd.DatetimeIndex, field: str, fill: bool, notes: list[str]
) -> np.ndarray:
    """Exact UTC join; with ``fill``, short gaps take the value 24 h earlier (else interpolate)."""
    values = series.reindex(index)
    missing = int(values.isna().sum())
    if missing and not fill:
        first = index[values.isna().to_numpy()][0].strftime("%Y-%m-%dT%H:%M:%SZ")
        raise ValidationError(field, f"{missing} hours missing in the study period, first {first}")
    if missing:
        gaps = values.isna().astype(int).groupby(values.notna().cumsum()).sum()
        if gaps.max() > MAX_FILLED_GAP_H:
            raise ValidationError(field, f"a gap of {int(gaps.max())} h is too long to fill")
        earlier = series.reindex(index - pd.Timedelta(hours=24))
        values = values.fillna(pd.Series(earlier.to_numpy(), index=index))
        values = values.interpolate(limit_direction="both")
        notes.append(
            f"{field}: {missing} missing hours in the source (DST day/hours) filled with the "
            "value 24 h earlier"
        )
    return values.to_numpy(dtype=float)


def _load_json_or_inline(value: Any, base_dir: Path, field: str) -> Mapping[str, Any]:
    if isinstance(value, str):
        path = (base_dir / value).resolve()
        if not path.is_file():
            raise ValidationError(field, f"file not found: {path}")
        try:
            return json.loads(path.read_text())
        except json.JSONDecodeError as exc:
            raise ValidationError(field, f"invalid JSON in {path.name}: {exc}") from exc
    if isinstance(value, Mapping):
        return value
    raise ValidationError(field, "expected a file name or an inline object")


def _tariff(case: Mapping[str, Any], base_dir: Path) -> TariffTable:
    return tariff_table_from_dict(
        _load_json_or_inline(_require(case, "tariff_table", ""), base_dir, "tariff_table")
    )


def _catalogue(case: Mapping[str, Any], base_dir: Path) -> TechnologyCatalogue:
    return catalogue_from_dict(
        _load_json_or_inline(_require(case, "catalogue", ""), base_dir, "catalogue")
    )


def _heating_curve(case: Mapping[str, Any]) -> HeatingCurve:
    data = case.get("heating_curve") or {}
    if not isinstance(data, Mapping):
        raise ValidationError("heating_curve", "expected an object")
    default = HeatingCurve()
    return HeatingCurve(
        **{
            key: _number(data, key, "heating_curve", getattr(default, key))
            for key in default.__dataclass_fields__
        }
    )


def _location(case: Mapping[str, Any]) -> tuple[float, float]:
    location = _require(case, "location", "")
    return (
        _number(location, "latitude_deg", "location"),
        _number(location, "longitude_deg", "location"),
    )


def _weather(
    case: Mapping[str, Any], base_dir: Path, index: pd.DatetimeIndex, notes: list[str]
) -> dict[str, np.ndarray]:
    weather = _require(case, "weather", "")
    temperature = load_series(
        _require(weather, "temperature", "weather"), base_dir, "weather.temperature"
    )
    radiation = load_series(
        _require(weather, "solar_radiation", "weather"), base_dir, "weather.solar_radiation"
    )
    wind_spec = weather.get("wind_speed")
    result = {
        "temperature_c": _on_index(temperature, index, "weather.temperature", True, notes),
        "ghi_w_per_m2": _on_index(radiation, index, "weather.solar_radiation", True, notes),
    }
    if wind_spec is None:
        result["wind_speed_m_per_s"] = np.full(len(index), 1.0)
        notes.append("weather.wind_speed not given: 1 m/s assumed for PV cell temperature")
    else:
        wind = load_series(wind_spec, base_dir, "weather.wind_speed")
        result["wind_speed_m_per_s"] = _on_index(wind, index, "weather.wind_speed", True, notes)
    return result


def _co2(
    case: Mapping[str, Any], base_dir: Path, index: pd.DatetimeIndex, notes: list[str]
) -> np.ndarray:
    spec = _require(case, "co2_intensity", "")
    if not isinstance(spec, Mapping):
        raise ValidationError("co2_intensity", "expected an object")
    if "constant_g_per_kwh" in spec:
        value = _number(spec, "constant_g_per_kwh", "co2_intensity")
        notes.append(
            f"CO2 intensity: constant {value:g} g/kWh (stated assumption; {spec.get('source', 'no source')})"
        )
        return np.full(len(index), value)
    series = load_series(
        _require(spec, "series", "co2_intensity"), base_dir, "co2_intensity.series"
    )
    if spec.get("as_hour_of_day_profile", False):
        profile = hour_of_day_profile(series, index)
        first = series.index[0].tz_convert(LOCAL_TZ).date()
        notes.append(
            "CO2 intensity: no realised history available; the local hour-of-day mean of the "
            f"series starting {first} ({len(series)} values) is repeated on every day"
        )
        return profile
    return _on_index(series, index, "co2_intensity.series", False, notes)


def _pv_yield(
    weather: dict[str, np.ndarray],
    index: pd.DatetimeIndex,
    latitude: float,
    longitude: float,
    tilt: float,
    azimuth: float,
    loss: float,
) -> np.ndarray:
    return pv_yield_kw_per_kwp(
        index,
        weather["ghi_w_per_m2"],
        weather["temperature_c"],
        weather["wind_speed_m_per_s"],
        latitude,
        longitude,
        tilt,
        azimuth,
        loss,
    )


def _heat_model(case: Mapping[str, Any], base_dir: Path, notes: list[str]):
    spec = _require(case, "heat_demand", "")
    series = load_series(_require(spec, "series", "heat_demand"), base_dir, "heat_demand.series")
    model = fit_heat_demand_model(
        series,
        base_temperature_c=_number(spec, "base_temperature_c", "heat_demand", 17.0),
        reference_degree_days_k_day=_number(
            spec, "reference_degree_days_k_day", "heat_demand", 2906.0
        ),
    )
    years = np.unique(np.asarray(series.index.year)).tolist()
    notes.append(
        f"heat demand: degree-day model calibrated on the house meter {years[0]}–{years[-1]} "
        f"(mean {model.annual_heat_kwh:.0f} kWh/yr, base {model.base_heat_kw:.2f} kW from Jun–Aug, "
        f"{model.space_heat_kwh_per_degree_day:.2f} kWh per degree-day at base "
        f"{model.base_temperature_c:g} °C, reference {model.reference_degree_days_k_day:g} K·day) "
        "and driven by the weather year's daily mean temperature; the house years are never "
        "joined to the weather year by timestamp"
    )
    return model


def _household_load(
    case: Mapping[str, Any], index: pd.DatetimeIndex, notes: list[str]
) -> np.ndarray:
    spec = _require(case, "household_electricity", "")
    annual = _number(spec, "annual_energy_kwh", "household_electricity")
    notes.append(
        f"household electricity: no metered series; standard profile (weekday/weekend hour-of-day "
        f"shape, ±15 % seasonal) scaled to {annual:g} kWh/yr"
    )
    return standard_household_load_kw(index, annual)


def sizing_case_from_dict(case: Mapping[str, Any], base_dir: Path) -> SizingCase:
    """Parse a ``size`` case (schema in docs/household.md)."""
    from optimization.core.household.sizing import EvDemand, HouseholdYear, SizingProblem

    notes: list[str] = []
    year_number = int(_number(case, "year", ""))
    index = local_year_index(year_number)
    latitude, longitude = _location(case)
    catalogue = _catalogue(case, base_dir)
    tariff = _tariff(case, base_dir)
    weather = _weather(case, base_dir, index, notes)
    spot = load_series(_require(case, "spot_price", ""), base_dir, "spot_price")
    spot_values = _on_index(spot, index, "spot_price", False, notes)
    model = _heat_model(case, base_dir, notes)
    heat = model.heat_demand_kw(index, weather["temperature_c"])
    pv = catalogue.pv
    pv_yield = _pv_yield(
        weather, index, latitude, longitude, pv.tilt_deg, pv.azimuth_deg, pv.system_loss_fraction
    )
    notes.append(
        f"PV yield: pvlib (Erbs, Hay–Davies, Faiman, PVWatts) from the weather file's GHI at "
        f"{latitude}N {longitude}E, tilt {pv.tilt_deg:g}°, azimuth {pv.azimuth_deg:g}°: "
        f"{pv_yield.sum():.0f} kWh/kWp in {year_number}"
    )
    co2 = _co2(case, base_dir, index, notes)
    ev_spec = case.get("ev")
    ev = None
    if ev_spec is not None:
        ev = EvDemand(
            daily_energy_kwh=_number(ev_spec, "daily_energy_kwh", "ev"),
            arrival_local_hour=int(_number(ev_spec, "arrival_local_hour", "ev")),
            departure_local_hour=int(_number(ev_spec, "departure_local_hour", "ev")),
            alternative_charging_price_eur_per_kwh=_number(
                ev_spec, "alternative_charging_price_eur_per_kwh", "ev"
            ),
            alternative_co2_intensity_g_per_kwh=_number(
                ev_spec, "alternative_co2_intensity_g_per_kwh", "ev"
            ),
        )
        notes.append(
            f"EV: {ev.daily_energy_kwh:g} kWh/day, home {ev.arrival_local_hour}:00–"
            f"{ev.departure_local_hour}:00; without a home charger it is charged elsewhere at "
            f"{ev.alternative_charging_price_eur_per_kwh:g} EUR/kWh (stated assumption)"
        )
    tariff_year = case.get("tariff_year")
    if tariff_year is not None:
        tariff_year = int(_number(case, "tariff_year", ""))
        notes.append(
            f"prices of {year_number} are billed with the tariff and tax rates of {tariff_year}"
        )
    notes.append(f"spot prices: same UTC hours as the weather year {year_number} (exact join)")
    notes.append(
        "fixed subscriptions (DSO, supplier) are not included: they do not depend on the design"
    )
    penalty = case.get("unserved_heat_penalty_eur_per_kwh")
    problem = SizingProblem(
        year=HouseholdYear(
            period_start_utc=index,
            heat_demand_kw=heat,
            base_load_kw=_household_load(case, index, notes),
            pv_yield_kw_per_kwp=pv_yield,
            outdoor_temperature_c=weather["temperature_c"],
            spot_price_eur_per_mwh=spot_values,
            co2_intensity_g_per_kwh=co2,
        ),
        catalogue=catalogue,
        tariff_table=tariff,
        heating_curve=_heating_curve(case),
        discount_rate_fraction=_number(case, "discount_rate_fraction", ""),
        heat_storage_kwh=_number(case, "heat_storage_kwh", "", 0.0),
        heat_storage_loss_fraction_per_h=_number(
            case, "heat_storage_loss_fraction_per_h", "", 0.01
        ),
        ev=ev,
        tariff_year=tariff_year,
        co2_price_eur_per_tonne=_number(case, "co2_price_eur_per_tonne", "", 0.0),
        unserved_heat_penalty_eur_per_kwh=None
        if penalty is None
        else _number(case, "unserved_heat_penalty_eur_per_kwh", ""),
        representative_day_count=int(_number(case, "representative_days", "", 16.0)),
        time_limit_s=_number(case, "time_limit_s", "", 120.0),
    )
    return SizingCase(
        problem=problem,
        pareto_point_count=int(_number(case, "pareto_points", "", 5.0)),
        assumptions=tuple(notes),
    )


def _aware(value: Any, field: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError(
            field, f"expected an ISO datetime with offset, got {value!r}"
        ) from exc
    if moment.tzinfo is None:
        raise ValidationError(field, "naive datetime; give a UTC offset (e.g. +01:00 or Z)")
    return moment.astimezone(dt.UTC)


def _per_period(value: Any, index: pd.DatetimeIndex, field: str) -> np.ndarray:
    """A scalar, or ``{"value": x, "by_local_hour": {"22-6": y}}`` style overrides."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return np.full(len(index), float(value))
    if isinstance(value, Mapping):
        result = np.full(len(index), _number(value, "value", field))
        hours = np.asarray(index.tz_convert(LOCAL_TZ).hour)
        for span, override in (value.get("by_local_hour") or {}).items():
            try:
                start, end = (int(part) for part in str(span).split("-"))
            except ValueError as exc:
                raise ValidationError(
                    f"{field}.by_local_hour", f"bad span {span!r}; use 'from-to'"
                ) from exc
            inside = (
                (hours >= start) & (hours < end)
                if start < end
                else (hours >= start) | (hours < end)
            )
            result[inside] = float(override)
        return result
    raise ValidationError(field, "expected a number or {value, by_local_hour}")


def schedule_case_from_dict(case: Mapping[str, Any], base_dir: Path) -> ScheduleCase:
    """Parse a ``schedule`` case (schema in docs/household.md)."""
    notes: list[str] = []
    try:
        day = dt.date.fromisoformat(str(_require(case, "delivery_day", "")))
    except ValueError as exc:
        raise ValidationError("delivery_day", "expected YYYY-MM-DD") from exc
    mtu = int(_number(case, "mtu_minutes", "", 15.0))
    index = delivery_day_periods(day, mtu)
    hourly = delivery_day_periods(day, 60)
    # One extra hour each side so hourly series can be held across a 15-min grid.
    hourly_wide = pd.date_range(
        hourly[0] - pd.Timedelta(hours=24), hourly[-1] + pd.Timedelta(hours=1), freq="h"
    )
    latitude, longitude = _location(case)
    weather_hourly = _weather(case, base_dir, hourly_wide, notes)

    def to_grid(values: np.ndarray) -> np.ndarray:
        return pd.Series(values, index=hourly_wide).reindex(index.floor("h")).to_numpy()

    weather = {key: to_grid(values) for key, values in weather_hourly.items()}
    notes.append(
        "weather of the delivery day is used as a perfect forecast (hourly values held over each step)"
    )
    spot = load_series(_require(case, "spot_price", ""), base_dir, "spot_price")
    spot_hourly = _on_index(spot, hourly, "spot_price", False, notes)
    spot_values = pd.Series(spot_hourly, index=hourly).reindex(index.floor("h")).to_numpy()
    tariff = _tariff(case, base_dir)
    tariff_year = case.get("tariff_year")
    tariff_year = None if tariff_year is None else int(_number(case, "tariff_year", ""))
    if tariff_year is not None:
        notes.append(f"billed with the tariff and tax rates of {tariff_year}")
    prices = price_components(index, spot_values, tariff, tariff_year)
    curve = _heating_curve(case)
    hp_spec = _require(case, "heat_pump", "")
    outdoor = weather["temperature_c"]
    heat_capacity_kw = _number(hp_spec, "heat_capacity_kw", "heat_pump", low=0.0)
    cop = cop_series(
        outdoor,
        flow_temperature_c(outdoor, curve),
        _efficiency(hp_spec, "carnot_efficiency", "heat_pump"),
        _number(hp_spec, "max_cop", "heat_pump", low=1.0),
    )
    heat_pump = HeatPumpUnit(
        max_heat_kw=heat_capacity_kw
        * heat_capacity_factor(
            outdoor,
            _number(hp_spec, "capacity_loss_fraction_per_k", "heat_pump", 0.0, low=0.0, high=1.0),
        ),
        cop=cop,
        backup_heater_power_kw=_number(
            hp_spec, "backup_heater_power_kw", "heat_pump", 0.0, low=0.0
        ),
        backup_penalty_eur_per_kwh=_number(
            hp_spec, "backup_penalty_eur_per_kwh", "heat_pump", 0.0, low=0.0
        ),
    )
    store_spec = _require(case, "heat_store", "")
    kind = store_spec.get("type")
    if kind == "tank":
        model = _heat_model(case, base_dir, notes)
        # Daily-mean temperatures need whole local days: use the hourly grid, then hold.
        demand_hourly = model.heat_demand_kw(hourly_wide, weather_hourly["temperature_c"])
        terminal = store_spec.get("terminal_energy_kwh")
        store: HotWaterTank | BuildingModel = HotWaterTank(
            capacity_kwh=_number(store_spec, "capacity_kwh", "heat_store", low=0.0),
            initial_energy_kwh=_number(store_spec, "initial_energy_kwh", "heat_store"),
            loss_fraction_per_h=_number(
                store_spec,
                "loss_fraction_per_h",
                "heat_store",
                0.01,
                low=0.0,
                high=1.0,
                high_open=True,
            ),
            heat_demand_kw=to_grid(demand_hourly),
            terminal_energy_kwh=None
            if terminal is None
            else _number(store_spec, "terminal_energy_kwh", "heat_store"),
            terminal_energy_mode=_mode(store_spec, "terminal_energy_mode", "heat_store"),
        )
    elif kind == "building":
        store = BuildingModel(
            thermal_resistance_k_per_kw=_number(
                store_spec, "thermal_resistance_k_per_kw", "heat_store"
            ),
            thermal_capacitance_kwh_per_k=_number(
                store_spec, "thermal_capacitance_kwh_per_k", "heat_store"
            ),
            initial_indoor_temperature_c=_number(
                store_spec, "initial_indoor_temperature_c", "heat_store"
            ),
            outdoor_temperature_c=outdoor,
            comfort_min_c=_per_period(
                _require(store_spec, "comfort_min_c", "heat_store"),
                index,
                "heat_store.comfort_min_c",
            ),
            comfort_max_c=_per_period(
                _require(store_spec, "comfort_max_c", "heat_store"),
                index,
                "heat_store.comfort_max_c",
            ),
            heat_gain_kw=_per_period(
                store_spec.get("heat_gain_kw", 0.0), index, "heat_store.heat_gain_kw"
            ),
        )
    else:
        raise ValidationError("heat_store.type", f"expected 'tank' or 'building', got {kind!r}")
    pv_spec = case.get("pv")
    if pv_spec is None:
        pv_kw = np.zeros(len(index))
    else:
        kwp = _number(pv_spec, "kwp", "pv", low=0.0)
        tilt = _number(pv_spec, "tilt_deg", "pv", low=0.0, high=90.0)
        azimuth = _number(pv_spec, "azimuth_deg", "pv", low=0.0, high=360.0)
        loss = _number(
            pv_spec, "system_loss_fraction", "pv", 0.14, low=0.0, high=1.0, high_open=True
        )
        pv_kw = kwp * _pv_yield(weather, index, latitude, longitude, tilt, azimuth, loss)
    battery_spec = case.get("battery")
    battery = None
    if battery_spec is not None:
        terminal = battery_spec.get("terminal_energy_kwh")
        battery = Battery(
            energy_kwh=_number(battery_spec, "energy_kwh", "battery", low=0.0),
            power_kw=_number(battery_spec, "power_kw", "battery", low=0.0),
            charge_efficiency=_efficiency(battery_spec, "charge_efficiency", "battery"),
            discharge_efficiency=_efficiency(battery_spec, "discharge_efficiency", "battery"),
            initial_energy_kwh=_number(battery_spec, "initial_energy_kwh", "battery"),
            min_energy_kwh=_number(battery_spec, "min_energy_kwh", "battery", 0.0, low=0.0),
            terminal_energy_kwh=None
            if terminal is None
            else _number(battery_spec, "terminal_energy_kwh", "battery"),
            terminal_energy_mode=_mode(battery_spec, "terminal_energy_mode", "battery"),
        )
    ev_spec = case.get("ev")
    ev = None
    if ev_spec is not None:
        sessions = _require(ev_spec, "sessions", "ev")
        if not isinstance(sessions, list):
            raise ValidationError("ev.sessions", "expected a list")
        ev = ElectricVehicle(
            charger_power_kw=_number(ev_spec, "charger_power_kw", "ev", low=0.0),
            charging_efficiency=_efficiency(ev_spec, "charging_efficiency", "ev"),
            discharge_power_kw=_number(ev_spec, "discharge_power_kw", "ev", 0.0, low=0.0),
            discharge_efficiency=_efficiency(ev_spec, "discharge_efficiency", "ev", 1.0),
            terminal_energy_mode=_mode(ev_spec, "terminal_energy_mode", "ev"),
            sessions=tuple(
                EvSession(
                    arrival_at=_aware(
                        _require(s, "arrival_at", f"ev.sessions[{i}]"),
                        f"ev.sessions[{i}].arrival_at",
                    ),
                    departure_at=_aware(
                        _require(s, "departure_at", f"ev.sessions[{i}]"),
                        f"ev.sessions[{i}].departure_at",
                    ),
                    energy_need_kwh=_number(s, "energy_need_kwh", f"ev.sessions[{i}]", low=0.0),
                    dischargeable_kwh=_number(
                        s, "dischargeable_kwh", f"ev.sessions[{i}]", 0.0, low=0.0
                    ),
                )
                for i, s in enumerate(sessions)
            ),
        )
    co2 = _co2(case, base_dir, index, notes) if "co2_intensity" in case else None
    penalty = case.get("unserved_heat_penalty_eur_per_kwh")
    problem = ScheduleProblem(
        period_start_utc=index,
        prices=prices,
        base_load_kw=_household_load(case, index, notes),
        pv_power_kw=pv_kw,
        heat_pump=heat_pump,
        heat_store=store,
        battery=battery,
        ev=ev,
        co2_intensity_g_per_kwh=co2,
        co2_price_eur_per_tonne=_number(case, "co2_price_eur_per_tonne", "", 0.0, low=0.0),
        unserved_heat_penalty_eur_per_kwh=None
        if penalty is None
        else _number(case, "unserved_heat_penalty_eur_per_kwh", "", low=0.0),
        grid_import_limit_kw=_number(case, "grid_import_limit_kw", "", math.inf, low=0.0),
        grid_export_limit_kw=_number(case, "grid_export_limit_kw", "", math.inf, low=0.0),
    )
    validate_problem(problem)  # physics: names the same JSON paths (battery.energy_kwh, ...)
    notes.extend(
        f"bill uses a rate not verified against its source: {source}"
        for source in prices.unverified_sources
    )
    return ScheduleCase(problem=problem, state=_state(case.get("state")), assumptions=tuple(notes))


def _state(spec: Any) -> HouseholdState | None:
    """Telemetry for a re-plan; ranges are checked against the devices by the core."""
    if spec is None:
        return None
    if not isinstance(spec, Mapping):
        raise ValidationError("state", "expected an object")
    charged = spec.get("ev_charged_kwh")
    if charged is not None and not isinstance(charged, list):
        raise ValidationError("state.ev_charged_kwh", "expected a list, one value per session")

    def optional(key: str) -> float | None:
        return None if spec.get(key) is None else _number(spec, key, "state")

    return HouseholdState(
        at=_aware(_require(spec, "at", "state"), "state.at"),
        battery_energy_kwh=optional("battery_energy_kwh"),
        tank_energy_kwh=optional("tank_energy_kwh"),
        indoor_temperature_c=optional("indoor_temperature_c"),
        ev_charged_kwh=None
        if charged is None
        else tuple(_checked(c, f"state.ev_charged_kwh[{i}]") for i, c in enumerate(charged)),
        between_periods=str(spec.get("between_periods", "refuse")),
    )
