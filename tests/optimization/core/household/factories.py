"""Small builders for scheduling problems with hand-checkable numbers."""

import numpy as np
import pandas as pd

from optimization.core.household.scheduling import HeatPumpUnit, HotWaterTank, ScheduleProblem
from optimization.core.household.tariffs import PriceComponents


def hourly_index(
    count: int, start: str = "2025-01-15T00:00Z", minutes: int = 60
) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=count, freq=f"{minutes}min", tz="UTC")


def flat_components(
    index: pd.DatetimeIndex, import_eur_per_kwh, export_eur_per_kwh=0.0
) -> PriceComponents:
    """Prices that are all 'energy' (no tariffs, no VAT) so the objective is easy by hand."""
    n = len(index)
    zeros = np.zeros(n)
    return PriceComponents(
        period_start_utc=index,
        energy_eur_per_kwh=np.broadcast_to(
            np.asarray(import_eur_per_kwh, dtype=float), (n,)
        ).copy(),
        dso_tariff_eur_per_kwh=zeros,
        energinet_tariff_eur_per_kwh=zeros,
        electricity_tax_eur_per_kwh=zeros,
        vat_eur_per_kwh=zeros,
        export_eur_per_kwh=np.broadcast_to(
            np.asarray(export_eur_per_kwh, dtype=float), (n,)
        ).copy(),
        time_of_use_period=np.full(n, "low", dtype=object),
    )


def tank_problem(
    index,
    prices,
    heat_demand_kw,
    *,
    cop=3.0,
    max_heat_kw=9.0,
    backup_kw=0.0,
    capacity_kwh=10.0,
    initial_kwh=0.0,
    base_load_kw=0.0,
    pv_kw=0.0,
    **kwargs,
):
    n = len(index)
    return ScheduleProblem(
        period_start_utc=index,
        prices=prices,
        base_load_kw=np.full(n, base_load_kw, dtype=float),
        pv_power_kw=np.broadcast_to(np.asarray(pv_kw, dtype=float), (n,)).copy(),
        heat_pump=HeatPumpUnit(
            max_heat_kw=np.full(n, max_heat_kw),
            cop=np.full(n, cop),
            backup_heater_power_kw=backup_kw,
        ),
        heat_store=HotWaterTank(
            capacity_kwh=capacity_kwh,
            initial_energy_kwh=initial_kwh,
            loss_fraction_per_h=0.0,
            heat_demand_kw=np.asarray(heat_demand_kw, dtype=float),
        ),
        **kwargs,
    )
