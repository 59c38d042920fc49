"""Outputs of the bidding core: curves, reserve offers, expected schedule, risk figures."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd


def _iso(moment: pd.Timestamp) -> str:
    return pd.Timestamp(moment).tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class PurchaseCurve:
    """Nord Pool single (per-MTU) curve order: (price, volume) points, prices strictly rising.

    Purchases are positive volumes [MW]; the exchange interpolates linearly between points.
    """

    period_start_at: pd.Timestamp
    prices_eur_per_mwh: tuple[float, ...]
    volumes_mw: tuple[float, ...]

    def volume_at(self, price_eur_per_mwh: float | np.ndarray) -> np.ndarray:
        """Cleared purchase volume [MW] at a clearing price, by linear interpolation."""
        return np.interp(price_eur_per_mwh, self.prices_eur_per_mwh, self.volumes_mw)

    def to_json(self) -> dict:
        return {
            "period_start_at": _iso(self.period_start_at),
            "points": [
                {"price_eur_per_mwh": p, "volume_mw": v}
                for p, v in zip(self.prices_eur_per_mwh, self.volumes_mw, strict=True)
            ],
        }


@dataclass(frozen=True)
class ReserveOffer:
    """Capacity offered for one product over one block [start_at, end_at), price-taking."""

    product: str
    start_at: pd.Timestamp
    end_at: pd.Timestamp
    capacity_mw: float
    price_eur_per_mw_h: float = 0.0

    def to_json(self) -> dict:
        return {
            "product": self.product,
            "start_at": _iso(self.start_at),
            "end_at": _iso(self.end_at),
            "capacity_mw": self.capacity_mw,
            "price_eur_per_mw_h": self.price_eur_per_mw_h,
        }


@dataclass(frozen=True)
class BidResult:
    """Bid plan of one pool and delivery day.

    Arrays: ``reserve_capacity_mw[product]`` (T,), ``unit_reserve_mw[product]`` (H, T) — the
    per-unit allocation proven deliverable in every scenario —, ``expected_*`` (H, T) probability
    weighted over scenarios, ``day_ahead_volume_mw`` (S, T) cleared by the rounded curves at each
    scenario's price, ``scenario_cost_eur`` (S,).
    """

    index: pd.DatetimeIndex
    heat_pump_ids: tuple[str, ...]
    curves: tuple[PurchaseCurve, ...]
    reserve_offers: tuple[ReserveOffer, ...]
    reserve_capacity_mw: dict[str, np.ndarray]
    unit_reserve_mw: dict[str, np.ndarray]
    expected_power_mw: np.ndarray
    expected_storage_mwh: np.ndarray
    expected_backup_heat_mw: np.ndarray
    day_ahead_volume_mw: np.ndarray
    objective_eur: float
    expected_cost_eur: float
    cvar_eur: float
    scenario_cost_eur: np.ndarray
    expected_components_eur: dict[str, float]
    formulation: str
    status: str
    timings_s: dict[str, float] = field(default_factory=dict)
    model_size: dict[str, int] = field(default_factory=dict)
    derated_mw: dict[str, float] = field(default_factory=dict)
    #: objective of the (last) LP as solved, before certification (a bound, not deliverable)
    lp_objective_eur: float = float("nan")
    #: per MTU: highest buy price and its reason, must-buy volume, why a curve is all zero
    diagnostics: tuple = ()

    def to_json(self) -> dict:
        return {
            "periods": [_iso(t) for t in self.index],
            "formulation": self.formulation,
            "status": self.status,
            "objective_eur": round(self.objective_eur, 2),
            "expected_cost_eur": round(self.expected_cost_eur, 2),
            "cvar_eur": round(self.cvar_eur, 2),
            "expected_components_eur": {
                k: round(v, 2) for k, v in self.expected_components_eur.items()
            },
            "scenario_cost_eur": [round(float(c), 2) for c in self.scenario_cost_eur],
            "curves": [c.to_json() for c in self.curves],
            "reserve_offers": [o.to_json() for o in self.reserve_offers],
            "reserve_derated_mw": {k: round(v, 3) for k, v in self.derated_mw.items()},
            "expected_schedule": [
                {
                    "heat_pump_id": hp,
                    "power_mw": np.round(self.expected_power_mw[h], 4).tolist(),
                    "storage_mwh": np.round(self.expected_storage_mwh[h], 4).tolist(),
                    "backup_heat_mw": np.round(self.expected_backup_heat_mw[h], 4).tolist(),
                    "reserve_mw": {
                        p: np.round(a[h], 4).tolist() for p, a in self.unit_reserve_mw.items()
                    },
                }
                for h, hp in enumerate(self.heat_pump_ids)
            ],
            "curve_diagnostics": [d.to_json() for d in self.diagnostics],
            "timings_s": {k: round(v, 3) for k, v in self.timings_s.items()},
            "model_size": self.model_size,
        }
