"""Curves priced by value: above the highest scenario price a curve steps down at the pool's
marginal value of electricity instead of extending the extreme scenario's volume to the cap.

Per MTU t and (model) unit h, in the scenario s* with the highest price of t:

* heat value ``mu`` [EUR/MWh_th]: what the heat the unit makes at t would cost without buying
  at t — backup heat at ``c_B`` while the backup has headroom (backup parity); where it has
  none, the storage: heat made in another period t' of s* where the unit has headroom, at
  ``lambda_t' / COP_t'`` (losses included), if the storage can carry it (not full between t'
  and t when t' < t, not empty between t and t' when t' > t) — the "storage value". (Storage is
  not preferred over backup parity: a price above every scenario says the scenario prices of
  the other MTUs are likely too low as well; LP duals would not do either: where the unit is
  the marginal producer at t they just return ``lambda_t / COP_t``.)
* value ``v = max(lambda_top, COP mu)`` [EUR/MWh]: the price up to which buying the unit's
  share of the top volume is worth it;
* must-buy [MW], kept up to the cap: power the unit has to draw at t whatever the price — heat
  demand above backup and storage capacity (``must_consume``), or an accepted up-reserve
  (``Pmin + up``: the reserve markets clear before the day-ahead gate, and the dispatch holds
  accepted reserves first, so not buying this power only turns it into imbalance — the reserve
  commitment is the opportunity the pool already took).

The curve beyond the top scenario price is ``sum_h must_h + sum_h (slice_h - must_h) 1[v_h >=
price]``, ``slice_h`` = the unit's share of the top volume (its power in s*). Every price the
pool pays is explained in :class:`CurveDiagnostics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimization.core.bidding.model import UnitArrays


def must_consume(units: UnitArrays, step_h: float) -> np.ndarray:
    """Least power (H, S, T) [MW] each unit must draw at t for any feasible day.

    Notes
    -----
    Backward, the least storage ``need_t`` at the end of t from which the rest of the day is
    feasible at full heat (``COP Pmax + Bmax``) and the terminal level holds; forward, the most
    storage ``reach_t`` reachable at full heat. Then
    ``p_t >= (need_t - a reach_{t-1} - dt (Bmax - D_t)) / (dt COP_t)``, clipped to [0, Pmax].
    Zero wherever backup heat is unlimited.
    """
    n_h, n_s, n_t = units.cop.shape
    must = np.zeros((n_h, n_s, n_t))
    if np.isinf(units.backup_heat_max_mw).all():
        return must
    a = units.storage_retention_per_step[:, None]
    pmax = units.power_max_mw[:, None]
    bmax = np.where(np.isfinite(units.backup_heat_max_mw), units.backup_heat_max_mw, 1e9)[:, None]
    e_min, e_max = units.storage_min_mwh[:, None], units.storage_max_mwh[:, None]
    e0 = np.broadcast_to(units.storage_initial_mwh[:, None], (n_h, n_s))
    need = np.empty((n_h, n_s, n_t))
    level = np.maximum(e0, e_min)
    for t in reversed(range(n_t)):
        need[:, :, t] = np.maximum(level, e_min)
        full = step_h * (units.cop[:, :, t] * pmax + bmax - units.heat_demand_mw[:, :, t])
        level = (need[:, :, t] - full) / a
    reach = e0.copy()
    for t in range(n_t):
        cop, demand = units.cop[:, :, t], units.heat_demand_mw[:, :, t]
        lack = need[:, :, t] - a * reach - step_h * (bmax - demand)
        must[:, :, t] = np.clip(lack / (step_h * cop), 0.0, pmax)
        reach = np.minimum(e_max, a * reach + step_h * (cop * pmax + bmax - demand))
    return must


@dataclass(frozen=True)
class UnitValue:
    """Value of electricity of one (model) unit at one MTU."""

    unit: str
    value_eur_per_mwh: float
    heat_value_eur_per_mwh_th: float
    cop: float
    slice_mw: float
    must_mw: float
    must_reason: str  # "", heat_demand, reserve_commitment


@dataclass(frozen=True)
class CurveDiagnostics:
    """Why one MTU's curve looks as it does (prices [EUR/MWh], volumes [MW])."""

    period_start_at: pd.Timestamp
    highest_buy_price_eur_per_mwh: float | None
    #: must_buy | reserve_commitment | backup_value | storage_value | scenario_plan | none
    highest_buy_reason: str
    explanation: str
    top_scenario_price_eur_per_mwh: float
    must_buy_mw: float
    zero_volume_reason: str  # "" unless the MTU buys nothing at any price

    def to_json(self) -> dict:
        return {
            "period_start_at": pd.Timestamp(self.period_start_at)
            .tz_convert("UTC")
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
            "highest_buy_price_eur_per_mwh": self.highest_buy_price_eur_per_mwh,
            "highest_buy_reason": self.highest_buy_reason,
            "explanation": self.explanation,
            "top_scenario_price_eur_per_mwh": round(self.top_scenario_price_eur_per_mwh, 2),
            "must_buy_mw": round(self.must_buy_mw, 3),
            "zero_volume_reason": self.zero_volume_reason,
        }


def alternative_heat_value(
    units: UnitArrays,
    power: np.ndarray,
    storage: np.ndarray,
    backup: np.ndarray,
    prices: np.ndarray,
    scenario: int,
    t: int,
    backup_cost_eur_per_mwh: float,
) -> np.ndarray:
    """Cheapest way (H,) [EUR/MWh_th] to make the heat of MTU t without buying at t, in one
    scenario: backup heat (with headroom) or storage shifted from another period (see module)."""
    s = scenario
    n_h, _, n_t = units.cop.shape
    eps = 1e-6
    values = np.full(n_h, np.inf)
    has_backup = backup[:, s, t] < units.backup_heat_max_mw - eps
    values[has_backup] = backup_cost_eur_per_mwh
    for h in range(n_h):
        if has_backup[h] or units.storage_max_mwh[h] - units.storage_min_mwh[h] <= eps:
            # with backup headroom the value is backup parity: storage shifted from other MTUs
            # is priced at the *scenario's* prices there, which a price above every scenario
            # says little about (the backtest bought too little and burnt backup heat with it)
            continue
        a = units.storage_retention_per_step[h]
        level = storage[h, s]
        headroom = power[h, s] < units.power_max_mw[h] - eps
        cost = prices[s] / units.cop[h, s]
        # t' < t: extra heat made at t' is carried to t: room needed at the end of t'..t-1
        room = level[:t] < units.storage_max_mwh[h] - eps
        carried = np.flip(np.logical_and.accumulate(np.flip(room)))  # room from t' to t-1
        before = np.flatnonzero(carried & headroom[:t])
        if len(before):
            values[h] = min(values[h], float((cost[before] / a ** (t - before)).min()))
        # t' > t: heat lent by the storage at t is made again at t': content at end of t..t'-1
        content = level[t : n_t - 1] > units.storage_min_mwh[h] + eps
        lent = np.logical_and.accumulate(content)
        after = t + 1 + np.flatnonzero(lent & headroom[t + 1 :])
        if len(after):
            values[h] = min(values[h], float((cost[after] * a ** (after - t)).min()))
    return np.where(np.isfinite(values), values, backup_cost_eur_per_mwh)


def unit_values(
    *,
    t: int,
    unit_names: list[str],
    units: UnitArrays,
    power: np.ndarray,
    heat_value: np.ndarray,
    top_scenario: int,
    top_price: float,
    top_volume_mw: float,
    must: np.ndarray,
    up_reserve_mw: np.ndarray,
    price_cap_eur_per_mwh: float,
) -> list[UnitValue]:
    """Values of each (model) unit's share of the top volume at MTU t.

    ``power`` (H, S, T) LP power, ``heat_value`` (H,) [EUR/MWh_th] in the top scenario,
    ``must`` (H, T) physical must-draw, ``up_reserve_mw`` (H,) up-reserve held at t.
    """
    s = top_scenario
    drawn = np.maximum(power[:, s, t], 0.0)
    weights = drawn if drawn.sum() > 1e-9 else units.power_max_mw
    slices = top_volume_mw * weights / weights.sum()
    cop = units.cop[:, s, t]
    mu = np.maximum(np.asarray(heat_value, float), 0.0)
    reserve_must = np.where(up_reserve_mw > 1e-9, units.power_min_mw + up_reserve_mw, 0.0)
    values = np.clip(cop * mu, top_price, price_cap_eur_per_mwh)
    out = []
    for h in range(units.n_units):
        heat_must, commitment = float(must[h, t]), float(reserve_must[h])
        must_mw = max(heat_must, commitment)
        reason = "" if must_mw <= 1e-9 else (
            "reserve_commitment" if commitment >= heat_must else "heat_demand"
        )  # fmt: skip
        out.append(
            UnitValue(
                unit=unit_names[h],
                value_eur_per_mwh=float(values[h]),
                heat_value_eur_per_mwh_th=float(mu[h]),
                cop=float(cop[h]),
                slice_mw=float(max(slices[h], must_mw)),
                must_mw=must_mw,
                must_reason=reason,
            )
        )
    return out


def extension_points(
    values: list[UnitValue],
    top_price: float,
    cap: float,
    tick: float,
    max_steps: int = 4,
) -> tuple[np.ndarray, np.ndarray]:
    """Curve points above the top scenario price: a step down at each value (grouped into at
    most ``max_steps`` steps, each group priced at its lowest value: never above a value)."""
    must = sum(v.must_mw for v in values)
    slices = [(v.value_eur_per_mwh, v.slice_mw - v.must_mw) for v in values]
    slices = [(p, mw) for p, mw in slices if mw > 1e-9]
    steps = np.array(
        [cap if p >= cap else max(np.floor(p / tick) * tick, top_price + tick) for p, _ in slices]
    )
    distinct = np.unique(steps[steps < cap])
    if len(distinct) > max_steps:  # each group steps down at its lowest value
        lowest = {float(q): float(g[0]) for g in np.array_split(distinct, max_steps) for q in g}
        steps = np.array([lowest.get(float(q), q) for q in steps])
        distinct = np.unique(steps[steps < cap])
    amounts = np.array([mw for _, mw in slices])

    def volume(price: float) -> float:
        return float(must + amounts[price <= steps + 1e-9].sum()) if len(amounts) else must

    prices, volumes = [], []
    for q in distinct:
        prices += [float(q), float(q) + tick]
        volumes += [volume(q), volume(q + tick)]
    prices.append(cap)
    volumes.append(volume(cap))
    return np.array(prices, float), np.array(volumes, float)


def explain_top(
    values: list[UnitValue],
    top_price: float,
    highest: float | None,
    cap: float,
    backup_cost: float,
) -> tuple[str, str]:
    """(reason code, text) of the highest price at which the curve still buys."""
    if highest is None:
        return "none", "buys nothing at any price"
    must = [v for v in values if v.must_mw > 1e-6]
    if must and highest >= cap - 1e-6:
        reserve = [v for v in must if v.must_reason == "reserve_commitment"]
        heat = [v for v in must if v.must_reason == "heat_demand"]
        parts = []
        if reserve:
            parts.append(
                f"{sum(v.must_mw for v in reserve):.2f} MW for accepted up-reserve "
                f"(Pmin + up on {', '.join(v.unit for v in reserve)})"
            )
        if heat:
            parts.append(
                f"{sum(v.must_mw for v in heat):.2f} MW of heat above backup and storage "
                f"capacity ({', '.join(v.unit for v in heat)})"
            )
        code = "reserve_commitment" if reserve and not heat else "must_buy"
        return code, "must buy at any price: " + "; ".join(parts)
    if highest <= top_price + 1e-6:
        return (
            "scenario_plan",
            f"buys up to {highest:.2f} EUR/MWh, within the scenario prices (top "
            f"{top_price:.2f}): above it the plan draws nothing at this MTU",
        )
    best = max(values, key=lambda v: v.value_eur_per_mwh if v.slice_mw > v.must_mw else -1)
    if best.heat_value_eur_per_mwh_th >= 0.99 * backup_cost:
        code, text = "backup_value", f"backup heat {best.heat_value_eur_per_mwh_th:.2f} EUR/MWh_th"
    else:
        code, text = (
            "storage_value",
            f"storage value {best.heat_value_eur_per_mwh_th:.2f} EUR/MWh_th",
        )
    return code, f"{text} x COP {best.cop:.2f} ({best.unit})"


def pool_gaps(power_min_mw: np.ndarray, power_max_mw: np.ndarray) -> list[tuple[float, float]]:
    """Open intervals of pool power no on/off combination can draw (exact minimum load).

    Each subset S of units draws ``[sum_S Pmin, sum_S Pmax]``; the gaps are what the union of
    these intervals leaves out of ``[0, sum Pmax]`` — at least ``(0, min Pmin)``. Subsets are
    enumerated up to 12 units; larger pools get the ``(0, min Pmin)`` gap only (their intervals
    overlap beyond it).
    """
    pmin, pmax = np.asarray(power_min_mw, float), np.asarray(power_max_mw, float)
    n = len(pmin)
    if n <= 12:
        masks = (np.arange(1, 2**n)[:, None] >> np.arange(n)[None]) & 1
        intervals = sorted(zip(masks @ pmin, masks @ pmax, strict=True))
    else:
        intervals = [(float(pmin.min()), float(pmax.sum()))]
    gaps, reached = [], 0.0
    for low, high in intervals:
        if low > reached + 1e-9:
            gaps.append((reached, float(low)))
        reached = max(reached, float(high))
    return gaps


def deliverable_points(
    prices: np.ndarray,
    volumes: np.ndarray,
    gaps: list[tuple[float, float]],
    floor_mw: float,
    tick: float,
    lot: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Curve points whose every cleared volume the pool can draw exactly.

    Volumes are raised to ``floor_mw`` (units holding up-reserve must draw ``Pmin + up``) and a
    volume inside a gap ``(a, b)`` goes to the nearer end; where the interpolation between two
    points would cross a gap, it is replaced by a step of one tick at the midpoint price, so at
    most one tick of prices clears a volume the pool cannot draw. Monotone maps keep the curve
    non-increasing.
    """
    volumes = np.maximum(np.minimum.accumulate(np.asarray(volumes, float)), floor_mw)
    prices = np.asarray(prices, float)
    # gap ends on the lot grid, widened, so that rounding to lots cannot land inside a gap
    gaps = [
        (float(np.floor(low / lot + 1e-9) * lot), float(np.ceil(high / lot - 1e-9) * lot))
        for low, high in gaps
    ]
    for low, high in gaps:
        inside = (volumes > low + 1e-9) & (volumes < high - 1e-9)
        volumes = np.where(inside, np.where(volumes - low < high - volumes, low, high), volumes)
    out_p, out_v = [float(prices[0])], [float(volumes[0])]
    for k in range(1, len(prices)):
        v0, v1, p0, p1 = volumes[k - 1], volumes[k], prices[k - 1], prices[k]
        for low, high in gaps:
            if v0 >= high - 1e-9 and v1 <= low + 1e-9 and p1 - p0 > 2 * tick:
                middle = p0 + (v0 - 0.5 * (low + high)) / (v0 - v1) * (p1 - p0)
                step = min(max(np.floor(middle / tick) * tick, p0 + tick), p1 - 2 * tick)
                at_high = p0 + (v0 - high) / (v0 - v1) * (p1 - p0)
                at_low = p0 + (v0 - low) / (v0 - v1) * (p1 - p0)
                out_p += [
                    max(p0, min(at_high, step)),
                    step,
                    step + tick,
                    min(p1, max(at_low, step + tick)),
                ]
                out_v += [high, high, low, low]
        out_p.append(float(p1))
        out_v.append(float(v1))
    out_p = list(np.round(np.round(np.array(out_p) / tick) * tick, 10))  # on the tick grid
    order = np.argsort(np.array(out_p), kind="stable")
    out_p, out_v = np.array(out_p)[order], np.array(out_v)[order]
    keep = np.concatenate([[True], np.diff(out_p) > 1e-9])  # one point per price
    return out_p[keep], np.minimum.accumulate(out_v[keep])
