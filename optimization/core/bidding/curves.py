"""Nord Pool purchase curves: construction from LP volumes, rounding, validation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from optimization.core.bidding.problem import DayAheadRules
from optimization.core.bidding.result import PurchaseCurve


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step) + 1e-12))


def make_curve(
    period_start_at: pd.Timestamp,
    prices: np.ndarray,
    volumes: np.ndarray,
    rules: DayAheadRules,
) -> PurchaseCurve:
    """Valid curve from ascending price points and LP volumes.

    Volumes are made non-increasing (a cumulative minimum removes solver noise), clipped at 0,
    rounded to the lot (rounding is monotone, so order survives) and extended flat to the floor
    and cap prices. Interior points on a flat stretch are dropped (same interpolation).
    """
    prices = np.round(np.asarray(prices, float), _decimals(rules.tick_eur_per_mwh))
    volumes = np.minimum.accumulate(np.maximum(np.asarray(volumes, float), 0.0))
    lots = np.round(volumes / rules.lot_mw)
    volumes = np.round(lots * rules.lot_mw, _decimals(rules.lot_mw))
    floor, cap = rules.price_floor_eur_per_mwh, rules.price_cap_eur_per_mwh
    inside = (prices > floor) & (prices < cap)
    p = np.concatenate([[floor], prices[inside], [cap]])
    first = volumes[0] if len(volumes) else 0.0
    last = volumes[-1] if len(volumes) else 0.0
    if len(prices) and prices[0] <= floor:
        first = volumes[prices <= floor][-1]
    if len(prices) and prices[-1] >= cap:
        last = volumes[prices >= cap][0]
    v = np.concatenate([[first], volumes[inside], [last]])
    keep = np.ones(len(p), bool)
    keep[1:-1] = ~((v[1:-1] == v[:-2]) & (v[1:-1] == v[2:]))
    return PurchaseCurve(
        pd.Timestamp(period_start_at),
        tuple(float(x) for x in p[keep]),
        tuple(float(x) for x in v[keep]),
    )


def curve_violations(curve: PurchaseCurve, rules: DayAheadRules) -> list[str]:
    """Every Nord Pool rule the curve breaks (empty list = valid order)."""
    problems = []
    p = np.asarray(curve.prices_eur_per_mwh)
    v = np.asarray(curve.volumes_mw)
    if len(p) < 2 or len(p) > rules.max_curve_points:
        problems.append(f"needs 2..{rules.max_curve_points} points, has {len(p)}")
    if len(p) and (p[0] != rules.price_floor_eur_per_mwh or p[-1] != rules.price_cap_eur_per_mwh):
        problems.append("must start at the price floor and end at the price cap")
    if np.any(np.diff(p) <= 0):
        problems.append("prices must be strictly increasing (no two points at one price)")
    if np.any(np.diff(v) > 0):
        problems.append("purchase volumes must be non-increasing in price")
    if np.any(np.abs(p / rules.tick_eur_per_mwh - np.round(p / rules.tick_eur_per_mwh)) > 1e-6):
        problems.append("prices must be multiples of the tick")
    if np.any(np.abs(v / rules.lot_mw - np.round(v / rules.lot_mw)) > 1e-6):
        problems.append("volumes must be multiples of the lot")
    if np.any(v < 0):
        problems.append("purchase volumes must be >= 0")
    return problems
