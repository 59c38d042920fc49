"""Technology catalogue (data in, with sources), heat-pump COP and annuities.

The catalogue is passed in as frozen dataclasses; the Django side stores it in the database.
Nothing here holds a price or an efficiency as a constant: every value arrives with its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from typing import Any

import numpy as np

from ainergy.common.errors import ValidationError

KELVIN_OFFSET = 273.15


@dataclass(frozen=True)
class HeatPumpOption:
    """One discrete air-to-water heat-pump size.

    ``heat_capacity_kw`` is the maximum heat output at 7 °C outdoor; below that it falls by
    ``capacity_loss_fraction_per_k`` per kelvin. The unit's electric backup heater (efficiency 1)
    delivers at most ``backup_heater_power_kw``.
    """

    name: str
    heat_capacity_kw: float
    investment_eur: float
    lifetime_years: float
    carnot_efficiency: float
    max_cop: float
    capacity_loss_fraction_per_k: float
    backup_heater_power_kw: float
    fixed_om_eur_per_year: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class PvOption:
    """Rooftop PV, linear cost per kWp plus a fixed installation cost."""

    investment_eur_per_kwp: float
    fixed_investment_eur: float
    lifetime_years: float
    max_kwp: float
    tilt_deg: float
    azimuth_deg: float
    system_loss_fraction: float
    fixed_om_eur_per_kwp_year: float = 0.0
    source: str = ""


@dataclass(frozen=True)
class BatteryOption:
    """Home battery, cost per kWh and per kW of the inverter plus a fixed installation cost."""

    investment_eur_per_kwh: float
    investment_eur_per_kw: float
    fixed_investment_eur: float
    lifetime_years: float
    max_energy_kwh: float
    max_power_kw: float
    charge_efficiency: float
    discharge_efficiency: float
    max_c_rate_per_h: float = 1.0
    source: str = ""


@dataclass(frozen=True)
class EvChargerOption:
    """Home EV charger (wallbox)."""

    investment_eur: float
    lifetime_years: float
    power_kw: float
    efficiency: float
    source: str = ""


@dataclass(frozen=True)
class TechnologyCatalogue:
    """The options a sizing study may choose from."""

    heat_pumps: tuple[HeatPumpOption, ...]
    pv: PvOption
    battery: BatteryOption
    ev_charger: EvChargerOption
    source: str = ""


@dataclass(frozen=True)
class HeatingCurve:
    """Flow temperature of the house's heating system vs outdoor temperature (linear, clipped).

    Notes
    -----
    T_flow = T_flow,limit + (T_flow,design − T_flow,limit)·(T_limit − T_out)/(T_limit − T_design),
    clipped to [T_flow,limit, T_flow,design].
    """

    design_outdoor_temperature_c: float = -12.0
    flow_temperature_at_design_c: float = 55.0
    heating_limit_temperature_c: float = 17.0
    flow_temperature_at_limit_c: float = 35.0


def annuity_factor(discount_rate_fraction: float, lifetime_years: float) -> float:
    """Capital recovery factor [1/yr].

    Notes
    -----
    a = r(1+r)^n / ((1+r)^n − 1); a = 1/n when r = 0.
    """
    if lifetime_years <= 0:
        raise ValidationError("lifetime_years", f"must be positive, got {lifetime_years}")
    r = discount_rate_fraction
    if abs(r) < 1e-12:
        return 1.0 / lifetime_years
    growth = (1.0 + r) ** lifetime_years
    return r * growth / (growth - 1.0)


def flow_temperature_c(outdoor_temperature_c: np.ndarray, curve: HeatingCurve) -> np.ndarray:
    """Flow temperature [°C] from the heating curve (see :class:`HeatingCurve`)."""
    t_out = np.asarray(outdoor_temperature_c, dtype=float)
    span = curve.heating_limit_temperature_c - curve.design_outdoor_temperature_c
    share = np.clip((curve.heating_limit_temperature_c - t_out) / span, 0.0, 1.0)
    return curve.flow_temperature_at_limit_c + share * (
        curve.flow_temperature_at_design_c - curve.flow_temperature_at_limit_c
    )


def cop_series(
    outdoor_temperature_c: np.ndarray,
    flow_temperature_c_: np.ndarray,
    carnot_efficiency: float,
    max_cop: float,
    min_lift_k: float = 10.0,
) -> np.ndarray:
    """Heat-pump COP per period from outdoor (source) and flow (sink) temperature.

    Notes
    -----
    COP_t = min(COP_max, max(1, η·T_sink / max(T_sink − T_source, ΔT_min))) with temperatures in
    kelvin and η the Carnot quality grade.
    """
    t_sink = np.asarray(flow_temperature_c_, dtype=float) + KELVIN_OFFSET
    t_source = np.asarray(outdoor_temperature_c, dtype=float) + KELVIN_OFFSET
    lift = np.maximum(t_sink - t_source, min_lift_k)
    return np.clip(carnot_efficiency * t_sink / lift, 1.0, max_cop)


def heat_capacity_factor(
    outdoor_temperature_c: np.ndarray, capacity_loss_fraction_per_k: float
) -> np.ndarray:
    """Available share of nominal heat capacity [-]: 1 − loss·max(0, 7 °C − T_out), ≥ 0."""
    t_out = np.asarray(outdoor_temperature_c, dtype=float)
    return np.clip(1.0 - capacity_loss_fraction_per_k * np.maximum(0.0, 7.0 - t_out), 0.0, 1.0)


def _build(cls: type, data: Any, field: str) -> Any:
    if not isinstance(data, Mapping):
        raise ValidationError(field, "expected an object")
    kwargs = {}
    for f in fields(cls):
        if f.name in data:
            value = data[f.name]
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            if f.type == "float" and not is_number:
                raise ValidationError(f"{field}.{f.name}", f"expected a number, got {value!r}")
            kwargs[f.name] = float(value) if f.type == "float" else value
        elif f.default is MISSING:
            raise ValidationError(f"{field}.{f.name}", "missing")
    unknown = set(data) - {f.name for f in fields(cls)}
    if unknown:
        raise ValidationError(f"{field}.{sorted(unknown)[0]}", "unknown field")
    return cls(**kwargs)


def catalogue_from_dict(data: Mapping[str, Any]) -> TechnologyCatalogue:
    """Build a :class:`TechnologyCatalogue` from its JSON form (see docs/household.md)."""
    if not isinstance(data, Mapping):
        raise ValidationError("catalogue", "expected an object")
    pumps = data.get("heat_pumps")
    if not isinstance(pumps, list) or not pumps:
        raise ValidationError("catalogue.heat_pumps", "expected a non-empty list")
    return TechnologyCatalogue(
        heat_pumps=tuple(
            _build(HeatPumpOption, p, f"catalogue.heat_pumps[{i}]") for i, p in enumerate(pumps)
        ),
        pv=_build(PvOption, data.get("pv"), "catalogue.pv"),
        battery=_build(BatteryOption, data.get("battery"), "catalogue.battery"),
        ev_charger=_build(EvChargerOption, data.get("ev_charger"), "catalogue.ev_charger"),
        source=str(data.get("source", "")),
    )
