"""Series kinds: unit and physical range of each, used to validate every value written."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class SeriesKind:
    code: str
    unit: str
    minimum: float = -math.inf
    maximum: float = math.inf
    is_public_market_data: bool = False
    description: str = ""


KINDS: dict[str, SeriesKind] = {
    kind.code: kind
    for kind in [
        SeriesKind("day_ahead_price", "EUR/MWh", -500.0, 10_000.0, True, "Day-ahead spot price"),
        SeriesKind(
            "reserve_capacity_price",
            "EUR/(MW·h)",
            -10_000.0,
            100_000.0,
            True,
            "Reserve capacity price",
        ),
        SeriesKind(
            "imbalance_price", "EUR/MWh", -100_000.0, 100_000.0, True, "Single imbalance price"
        ),
        SeriesKind(
            "balancing_energy_price",
            "EUR/MWh",
            -100_000.0,
            100_000.0,
            True,
            "Up/down regulation price",
        ),
        SeriesKind("co2_intensity", "g/kWh", 0.0, 2_000.0, True, "CO2 emission intensity"),
        SeriesKind("grid_tariff", "EUR/MWh", 0.0, 100_000.0, True, "Grid tariff"),
        SeriesKind("outdoor_temperature", "°C", -60.0, 60.0, False, "Outdoor air temperature"),
        SeriesKind("solar_irradiance", "W/m²", 0.0, 1_500.0, False, "Shortwave irradiance"),
        SeriesKind("heat_demand", "kW", 0.0, 10_000_000.0, False, "Heat demand (thermal)"),
        SeriesKind(
            "electricity_consumption",
            "kWh",
            0.0,
            10_000_000.0,
            False,
            "Metered energy per interval",
        ),
        SeriesKind("electric_power", "kW", 0.0, 1_000_000.0, False, "Measured electrical power"),
        SeriesKind("heat_output", "kW", 0.0, 5_000_000.0, False, "Measured heat output"),
        SeriesKind("supply_temperature", "°C", -20.0, 200.0, False, "Flow / supply temperature"),
        SeriesKind("return_temperature", "°C", -20.0, 200.0, False, "Return temperature"),
        SeriesKind("source_temperature", "°C", -40.0, 200.0, False, "Heat-source temperature"),
        SeriesKind("on_off", "1", 0.0, 1.0, False, "Running (1) or off (0)"),
        SeriesKind("storage_soc", "1", 0.0, 1.0, False, "Storage state of charge, 0–1"),
        SeriesKind("pv_generation", "kW", 0.0, 1_000_000.0, False, "PV generation"),
    ]
}


def get_kind(code: str) -> SeriesKind:
    from ainergy.common.errors import ValidationError

    try:
        return KINDS[code]
    except KeyError:
        raise ValidationError("kind", f"unknown series kind {code!r}") from None
