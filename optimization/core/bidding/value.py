"""Curves priced by value: above the highest scenario price a curve steps down at the pool's
marginal value of electricity instead of extending the extreme scenario's volume to the cap.

Per MTU t and (model) unit h, in the scenario s* with the highest price of t:

* heat value ``mu`` [EUR/MWh_th]: what the heat the unit makes at t would cost without buying
  at t — backup heat at ``c_B`` (while the backup has headroom), or the storage: heat made in
  another period t' of s* where the unit has headroom, at ``lambda_t' / COP_t'`` (losses
  included), if the storage can carry it (not full between t' and t when t' < t, not empty
  between t and t' when t' > t). The cheapest alternative is the value ("storage value" when
  below ``c_B``). (LP duals would not do: where the unit is the marginal producer at t they just
  return ``lambda_t / COP_t``.)
* reserve opportunity [EUR/MWh]: a unit holding up-reserve must draw ``Pmin + up``; not drawing
  it loses the capacity payment and pays the non-delivery penalty, spread over that power:
  ``(max_s lambda_cap + penalty) up / (Pmin + up)``;
* value ``v = max(lambda_top, COP mu + opportunity)`` [EUR/MWh]: the price up to which buying
  the unit's share of the top volume is worth it;
* must-buy [MW]: power the unit has to draw at t whatever the price (heat demand above backup
  and storage capacity), kept up to the cap.

The curve beyond the top scenario price is ``sum_h must_h + sum_h (slice_h - must_h) 1[v_h >=
price]``, ``slice_h`` = the unit's share of the top volume (its power in s*). Every price the
pool pays is explained in :class:`CurveDiagnostics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimization.core.bidding.model import EXTENSION_POINTS, UnitArrays


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
    reserve_opportunity_eur_per_mwh: float
    slice_mw: float
    must_mw: float

    @property
    def reason(self) -> str:
        return "reserve_opportunity" if self.reserve_opportunity_eur_per_mwh > 0 else "heat_value"


@dataclass(frozen=True)
class CurveDiagnostics:
    """Why one MTU's curve looks as it does (prices [EUR/MWh], volumes [MW])."""

    period_start_at: pd.Timestamp
    highest_buy_price_eur_per_mwh: float | None
    highest_buy_reason: str  # must_buy | backup_value | storage_value | reserve_opportunity |
    # scenario_plan | none
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
        if units.storage_max_mwh[h] - units.storage_min_mwh[h] <= eps:
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
    backup_cost_eur_per_mwh: float,
    up_reserve_mw: np.ndarray,
    up_reserve_value_eur_per_mw_h: float,
    price_cap_eur_per_mwh: float,
) -> list[UnitValue]:
    """Values of each (model) unit's share of the top volume at MTU t.

    ``power`` (H, S, T) LP power, ``heat_value`` (H,) [EUR/MWh_th] in the top scenario,
    ``must`` (H, T), ``up_reserve_mw`` (H,) held at t, ``up_reserve_value_eur_per_mw_h``
    capacity price + non-delivery penalty.
    """
    s = top_scenario
    drawn = np.maximum(power[:, s, t], 0.0)
    weights = drawn if drawn.sum() > 1e-9 else units.power_max_mw
    slices = top_volume_mw * weights / weights.sum()
    cop = units.cop[:, s, t]
    mu = np.maximum(np.asarray(heat_value, float), 0.0)
    held = up_reserve_mw > 1e-9
    opportunity = np.where(
        held,
        up_reserve_value_eur_per_mw_h
        * up_reserve_mw
        / np.maximum(units.power_min_mw + up_reserve_mw, 1e-9),
        0.0,
    )
    values = np.clip(cop * mu + opportunity, top_price, price_cap_eur_per_mwh)
    return [
        UnitValue(
            unit=unit_names[h],
            value_eur_per_mwh=float(values[h]),
            heat_value_eur_per_mwh_th=float(mu[h]),
            cop=float(cop[h]),
            reserve_opportunity_eur_per_mwh=float(opportunity[h]),
            slice_mw=float(slices[h]),
            must_mw=float(min(must[h, t], slices[h])),
        )
        for h in range(units.n_units)
    ]


def extension_points(
    values: list[UnitValue],
    top_price: float,
    cap: float,
    tick: float,
    max_steps: int = EXTENSION_POINTS // 2,
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
        names = ", ".join(v.unit for v in must)
        total = sum(v.must_mw for v in must)
        return (
            "must_buy",
            f"must buy {total:.2f} MW at any price: heat demand above backup capacity and "
            f"storage ({names})",
        )
    if highest <= top_price + 1e-6:
        return (
            "scenario_plan",
            f"buys up to {highest:.2f} EUR/MWh, within the scenario prices (top "
            f"{top_price:.2f}): above it the plan draws nothing at this MTU",
        )
    best = max(values, key=lambda v: v.value_eur_per_mwh if v.slice_mw > v.must_mw else -1)
    if best.reserve_opportunity_eur_per_mwh > 0:
        code = "reserve_opportunity"
    elif best.heat_value_eur_per_mwh_th >= 0.99 * backup_cost:
        code = "backup_value"
    else:
        code = "storage_value"
    text = {
        "backup_value": f"backup heat {best.heat_value_eur_per_mwh_th:.2f} EUR/MWh_th",
        "storage_value": f"storage value {best.heat_value_eur_per_mwh_th:.2f} EUR/MWh_th",
        "reserve_opportunity": f"heat {best.heat_value_eur_per_mwh_th:.2f} EUR/MWh_th",
    }[code]
    text += f" x COP {best.cop:.2f} ({best.unit})"
    if best.reserve_opportunity_eur_per_mwh > 0:
        text += (
            f" + reserve opportunity {best.reserve_opportunity_eur_per_mwh:.2f} EUR/MWh "
            "(up-reserve held needs this draw)"
        )
    return code, text
