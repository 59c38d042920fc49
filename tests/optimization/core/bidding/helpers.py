import numpy as np
import pandas as pd

from optimization.core.bidding import BiddingProblem, HeatPump, Pool, RiskConfig, Scenarios


def hours(n: int, start: str = "2024-01-10T00:00:00Z") -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="60min")


def inflexible_pool(power_max_mw: float = 10.0, cop: float = 3.0) -> Pool:
    """One heat pump, no storage, no backup, fixed COP (source = sink gives cop_max)."""
    return Pool(
        "p",
        (
            HeatPump(
                "hp1",
                power_max_mw=power_max_mw,
                cop_max=cop,
                sink_temperature_c=40.0,
                backup_heat_max_mw=0.0,
            ),
        ),
    )


def single_mtu_problem(
    day_ahead: list[float],
    imbalance: list[float],
    heat_mw: float = 6.0,
    *,
    cvar_weight: float = 0.0,
    cvar_alpha: float = 0.5,
    penalty: float = 0.0,
) -> BiddingProblem:
    n = len(day_ahead)
    return BiddingProblem(
        pool=inflexible_pool(),
        scenarios=Scenarios(
            index=hours(1),
            probabilities=np.full(n, 1.0 / n),
            day_ahead_price_eur_per_mwh=np.array(day_ahead, float)[:, None],
            imbalance_price_eur_per_mwh=np.array(imbalance, float)[:, None],
            heat_demand_mw=np.full((n, 1), heat_mw),
            source_temperature_c=np.full((n, 1), 40.0),
        ),
        mtu_minutes=60,
        risk=RiskConfig(cvar_weight=cvar_weight, cvar_alpha=cvar_alpha),
        imbalance_penalty_eur_per_mwh=penalty,
    )
