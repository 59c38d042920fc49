"""Scaling to large pools: cluster for the curve, then certify reserves unit by unit.

1. ``cluster_units`` groups similar heat pumps (k-means on standardised features) and
   ``aggregate_units`` sums them into a few pseudo-units; the extensive-form LP on these gives the
   day-ahead curve and the pool's reserve capacities (size independent of the number of units).
2. ``derate_reserves`` splits each reserve MW over the individual units (scenario-independent, so
   no re-allocation is needed in operation), finds with an exact interval test the largest
   multiple of its share each unit can hold in *every* scenario, and cuts the pool offer to what
   the units can jointly deliver. Because every constraint tightens monotonically with the
   reserve held, any allocation below a certified one is certified too.

``reserve_deliverability`` is the certificate (and the test used by the test-suite): for fixed
per-unit reserves it propagates the reachable storage interval through the day, per unit and
scenario, and reports the first period where no dispatch exists.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.cluster.vq import kmeans2

from forecasting.core.scenarios import fast_forward_selection
from optimization.core.bidding.model import UncertaintyBox, UnitArrays
from optimization.core.bidding.problem import ReserveProductRules, Scenarios

_EPS = 1e-7


def cluster_units(units: UnitArrays, n_clusters: int, seed: int = 0) -> np.ndarray:
    """Cluster label (H,) per unit; units with identical features always share a label."""
    n = units.n_units
    if n <= n_clusters:
        return np.arange(n)
    pmax = units.power_max_mw
    cop = units.cop.mean(axis=(1, 2))
    features = np.column_stack(
        [
            pmax,
            units.power_min_mw / pmax,
            (units.storage_max_mwh - units.storage_min_mwh) / (pmax * cop),
            cop,
            units.heat_demand_mw.mean(axis=(1, 2)) / (pmax * cop),
            np.minimum(units.ramp_mw_per_h / pmax, 60.0),
            np.minimum(units.backup_heat_max_mw / (pmax * cop), 10.0),
        ]
    )
    spread = features.std(axis=0)
    z = (features - features.mean(axis=0)) / np.where(spread > 0, spread, 1.0)
    _, labels = kmeans2(z, n_clusters, minit="++", seed=seed)
    return np.unique(labels, return_inverse=True)[1]


def aggregate_units(units: UnitArrays, labels: np.ndarray) -> UnitArrays:
    """Pseudo-unit per cluster: capacities summed, COP and retention capacity-weighted."""
    n_c = int(labels.max()) + 1
    member = np.zeros((n_c, units.n_units))
    member[labels, np.arange(units.n_units)] = 1.0

    def total(a: np.ndarray) -> np.ndarray:
        finite = member @ np.where(np.isfinite(a), a, 0.0)
        return np.where(member @ (~np.isfinite(a)).astype(float) > 0, np.inf, finite)

    pmax = units.power_max_mw
    e_span = np.maximum(units.storage_max_mwh, 1e-9)
    cop = np.einsum("ch,hst->cst", member * pmax, units.cop) / total(pmax)[:, None, None]
    return UnitArrays(
        power_max_mw=total(pmax),
        power_min_mw=total(units.power_min_mw),
        ramp_mw_per_h=total(units.ramp_mw_per_h),
        start_cost_eur=total(units.start_cost_eur),
        storage_min_mwh=total(units.storage_min_mwh),
        storage_max_mwh=total(units.storage_max_mwh),
        storage_initial_mwh=total(units.storage_initial_mwh),
        storage_retention_per_step=(member @ (units.storage_retention_per_step * e_span))
        / (member @ e_span),
        backup_heat_max_mw=total(units.backup_heat_max_mw),
        cop=cop,
        heat_demand_mw=np.einsum("ch,hst->cst", member, units.heat_demand_mw),
    )


@dataclass(frozen=True)
class Deliverability:
    """Per unit and scenario: can the unit hold its reserve all day? First failing period or -1."""

    feasible: np.ndarray  # (H, S) bool
    first_failure_period: np.ndarray  # (H, S) int

    @property
    def all_feasible(self) -> bool:
        return bool(self.feasible.all())


def _direction_sums(
    allocation: np.ndarray, products: tuple[ReserveProductRules, ...]
) -> tuple[np.ndarray, ...]:
    up = np.array([p.provides_up for p in products], float)[:, None, None]
    down = np.array([p.provides_down for p in products], float)[:, None, None]
    tau = np.array([p.endurance_h for p in products], float)[:, None, None]
    return (
        (allocation * up).sum(0),
        (allocation * down).sum(0),
        (allocation * up * tau).sum(0),
        (allocation * down * tau).sum(0),
    )


def reserve_deliverability(
    units: UnitArrays,
    allocation: np.ndarray,
    products: tuple[ReserveProductRules, ...],
    step_h: float,
) -> Deliverability:
    """Feasibility of per-unit reserves (P, H, T) in every scenario (sufficient condition).

    Notes
    -----
    A unit holding reserve at t must run (on) with ``Pmin + up_t <= p_t <= Pmax - down_t`` and
    keep ``Emin + COP tau_up up_t <= E_t <= Emax - COP tau_dn down_t``; without reserve,
    ``0 <= p_t <= Pmax`` (min load is left to the dispatch MILP). Backup heat ``0..Bmax`` only
    adds heat. With one storage state the reachable set of E_t is an interval:
    ``[max(a lo_{t-1} + dt(COP p_min - D), L_t), min(a hi_{t-1} + dt(COP p_max + Bmax - D), U_t)]``;
    the unit is infeasible where it empties, or when ``hi_T < E_0`` (terminal level).

    Ramp limits are included conservatively: ``p_t <= ramp dt`` as well, so that any power
    sequence inside the bounds (including starts from and stops to 0) respects
    ``|p_t - p_{t-1}| <= ramp dt``. Exact when ``ramp dt >= Pmax`` (ramps cannot bind);
    otherwise sufficient, not necessary (it gives up the power above ``ramp dt``).
    """
    up, down, energy_up, energy_down = _direction_sums(allocation, products)  # (H, T)
    held = (up + down) > _EPS
    p_low = np.where(held, units.power_min_mw[:, None] + up, 0.0)
    # ramps, conservatively: with every power in [0, ramp dt] any sequence respects
    # |p_t - p_{t-1}| <= ramp dt (also starts from and stops to 0), so cap p there
    ramp_step = np.where(np.isfinite(units.ramp_mw_per_h), units.ramp_mw_per_h * step_h, np.inf)
    p_high = np.minimum(units.power_max_mw[:, None] - down, ramp_step[:, None])
    n_h, n_s, n_t = units.cop.shape
    a = units.storage_retention_per_step[:, None]
    lower = np.repeat(units.storage_initial_mwh[:, None], n_s, axis=1)
    upper = lower.copy()
    feasible = np.ones((n_h, n_s), bool)
    first = np.full((n_h, n_s), -1)
    bmax = units.backup_heat_max_mw[:, None]
    for t in range(n_t):  # loop over MTUs; each step is vectorised over units and scenarios
        cop, demand = units.cop[:, :, t], units.heat_demand_mw[:, :, t]
        floor = units.storage_min_mwh[:, None] + cop * energy_up[:, t : t + 1]
        ceiling = units.storage_max_mwh[:, None] - cop * energy_down[:, t : t + 1]
        reach_low = a * lower + step_h * (cop * p_low[:, t : t + 1] - demand)
        reach_high = a * upper + step_h * (cop * p_high[:, t : t + 1] + bmax - demand)
        lower = np.maximum(reach_low, floor)
        upper = np.minimum(reach_high, ceiling)
        ok = (lower <= upper + _EPS) & (p_low[:, t : t + 1] <= p_high[:, t : t + 1] + _EPS)
        newly = feasible & ~ok
        first[newly] = t
        feasible &= ok
        upper = np.maximum(upper, lower)  # keep propagating after a failure (reports only first)
    ends_low = upper < units.storage_initial_mwh[:, None] - 1e-6
    first[feasible & ends_low] = n_t - 1
    feasible &= ~ends_low
    return Deliverability(feasible, first)


def robust_reserve_deliverability(
    units: UnitArrays,
    box: UncertaintyBox,
    allocation: np.ndarray,
    products: tuple[ReserveProductRules, ...],
    step_h: float,
) -> Deliverability:
    """Per unit (H, 1): can it hold its reserve for *every* heat and COP path inside ``box``?

    Notes
    -----
    The dispatch sees the day's heat and COP and adapts; the adversary picks them inside the
    box. Backward from the terminal set ``[max(E0, floor_T), ceiling_T]`` the robust
    controllable set of storage levels is an interval:
    ``L_{t-1} = max(floor_{t-1}, (L_t - dt (c_lo p_high + Bmax - D_hi)) / a)``,
    ``U_{t-1} = min(ceiling_{t-1}, (U_t - dt (c_hi p_low - D_lo)) / a)`` — the least heat with
    the lowest demand must still fit (storage full), the most heat with the highest demand must
    still serve it (storage empty); ``floor = Emin + c_hi tau up``, ``ceiling = Emax - c_hi tau
    down`` (endurance at the highest COP). The unit certifies iff ``E0`` lies in the set before
    the first MTU and no set is empty. Power bounds as in :func:`reserve_deliverability`
    (``Pmin + up <= p <= min(Pmax - down, ramp dt)`` while holding reserve). Every bound tightens
    monotonically with the reserve, so bisection on a multiple of the split stays valid.
    """
    up, down, energy_up, energy_down = _direction_sums(allocation, products)  # (H, T)
    held = (up + down) > _EPS
    p_low = np.where(held, units.power_min_mw[:, None] + up, 0.0)
    ramp_step = np.where(np.isfinite(units.ramp_mw_per_h), units.ramp_mw_per_h * step_h, np.inf)
    p_high = np.minimum(units.power_max_mw[:, None] - down, ramp_step[:, None])
    a = units.storage_retention_per_step[:, None]
    bmax = units.backup_heat_max_mw[:, None]
    n_h, n_t = up.shape
    floor = units.storage_min_mwh[:, None] + box.cop_high * energy_up
    ceiling = units.storage_max_mwh[:, None] - box.cop_high * energy_down
    feasible = ((p_low <= p_high + _EPS) & (floor <= ceiling + _EPS)).all(axis=1)
    first = np.where(
        feasible, -1, np.argmax(~((p_low <= p_high + _EPS) & (floor <= ceiling + _EPS)), axis=1)
    )
    lower = np.maximum(units.storage_initial_mwh, floor[:, -1])
    upper = ceiling[:, -1].copy()
    for t in range(n_t - 1, -1, -1):  # loop over MTUs; vectorised over units
        empty = lower > upper + _EPS
        newly = feasible & empty
        first[newly] = t
        feasible &= ~empty
        most = step_h * (box.cop_low[:, t] * p_high[:, t] + bmax[:, 0] - box.demand_high_mw[:, t])
        least = step_h * (box.cop_high[:, t] * p_low[:, t] - box.demand_low_mw[:, t])
        lower = np.where(np.isinf(most), -np.inf, (lower - most) / a[:, 0])
        upper = (upper - least) / a[:, 0]
        if t > 0:
            lower = np.maximum(lower, floor[:, t - 1])
            upper = np.minimum(upper, ceiling[:, t - 1])
    start = units.storage_initial_mwh
    outside = (start < lower - 1e-6) | (start > upper + 1e-6)
    first[feasible & outside] = 0
    feasible &= ~outside
    return Deliverability(feasible[:, None], first[:, None])


def derate_reserves(
    units: UnitArrays,
    labels: np.ndarray,
    reserve_mw: np.ndarray,
    cluster_allocation_mw: np.ndarray,
    products: tuple[ReserveProductRules, ...],
    block_of: list[np.ndarray],
    step_h: float,
    max_multiple: float = 8.0,
    iterations: int = 30,
    box: UncertaintyBox | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Largest pool reserves (P, T) the individual units deliver in every scenario, + allocation.

    ``reserve_mw`` (P, T) and ``cluster_allocation_mw`` (P, C, T) come from the clustered LP.
    Each unit's base share is its cluster's share times its headroom fraction in the cluster; a
    bisection (vectorised over units) finds the largest multiple ``theta_h`` of the base share the
    unit certifies; the pool offer becomes ``min(R, sum_h theta_h base_h)``, constant per block,
    and the allocation is scaled down to it. Lot and minimum-bid rounding are left to the caller.
    """
    n_p, n_t = reserve_mw.shape
    if n_p == 0:
        return reserve_mw, np.zeros((0, units.n_units, n_t))
    headroom = np.maximum(units.power_max_mw - units.power_min_mw, 0.0)
    cluster_headroom = np.bincount(labels, weights=headroom)
    within = headroom / np.where(cluster_headroom[labels] > 0, cluster_headroom[labels], 1.0)
    base = cluster_allocation_mw[:, labels, :] * within[None, :, None]  # (P, H, T)
    ramp_cap = np.array(
        [
            np.minimum(headroom, units.ramp_mw_per_h * p.full_activation_time_min / 60.0)
            for p in products
        ]
    )[:, :, None]
    low = np.zeros(units.n_units)
    high = np.full(units.n_units, max_multiple)

    def ok(theta: np.ndarray) -> np.ndarray:
        allocation = np.minimum(theta[None, :, None] * base, ramp_cap)
        if box is not None:  # every path in the box (contains every scenario)
            check = robust_reserve_deliverability(units, box, allocation, products, step_h)
            return check.feasible.all(axis=1)
        return reserve_deliverability(units, allocation, products, step_h).feasible.all(axis=1)

    top_ok = ok(high)
    low[top_ok] = high[top_ok]
    for _ in range(iterations):
        mid = 0.5 * (low + high)
        good = ok(mid)
        low = np.where(good, mid, low)
        high = np.where(good, high, mid)
        if np.all(high - low < 1e-4):
            break
    capability = np.minimum(low[None, :, None] * base, ramp_cap)  # (P, H, T)
    pool_capability = capability.sum(axis=1)
    derated = np.minimum(reserve_mw, pool_capability)
    for i, blocks in enumerate(block_of):  # offers are constant per block
        block_min = np.full(blocks.max() + 1, np.inf)
        np.minimum.at(block_min, blocks, derated[i])
        derated[i] = block_min[blocks]
    scale = np.where(pool_capability > _EPS, derated / np.maximum(pool_capability, _EPS), 0.0)
    return derated, capability * scale[:, None, :]


def select_scenarios(scenarios: Scenarios, n_scenarios: int) -> tuple[np.ndarray, np.ndarray]:
    """K representative scenarios (fast forward selection) and their probabilities.

    Each scenario is the vector of all its series (day-ahead, imbalance and capacity prices, heat
    demand, source temperature), every series scaled by its spread; identical scenarios are at
    distance 0, so they are merged first. Dropped scenarios give their probability to the nearest
    kept one (Heitsch & Römisch).
    """
    series = [
        scenarios.day_ahead_price_eur_per_mwh,
        scenarios.imbalance_price_eur_per_mwh,
        scenarios.heat_demand_mw,
        scenarios.source_temperature_c,
        *scenarios.capacity_price_eur_per_mw_h.values(),
    ]
    scaled = []
    for values in series:
        values = np.asarray(values, float)
        spread = float(values.std())
        scaled.append((values - values.mean()) / spread if spread > 0 else 0.0 * values)
    keep, probabilities = fast_forward_selection(
        np.hstack(scaled), n_scenarios, np.asarray(scenarios.probabilities, float)
    )
    order = np.argsort(keep)
    return keep[order], probabilities[order]


def subset_scenarios(
    scenarios: Scenarios, keep: np.ndarray, probabilities: np.ndarray
) -> Scenarios:
    """The scenarios ``keep`` with new ``probabilities``."""
    return replace(
        scenarios,
        probabilities=np.asarray(probabilities, float),
        day_ahead_price_eur_per_mwh=np.asarray(scenarios.day_ahead_price_eur_per_mwh)[keep],
        imbalance_price_eur_per_mwh=np.asarray(scenarios.imbalance_price_eur_per_mwh)[keep],
        heat_demand_mw=np.asarray(scenarios.heat_demand_mw)[keep],
        source_temperature_c=np.asarray(scenarios.source_temperature_c)[keep],
        capacity_price_eur_per_mw_h={
            k: np.asarray(v)[keep] for k, v in scenarios.capacity_price_eur_per_mw_h.items()
        },
    )


def subset_units(units: UnitArrays, keep: np.ndarray) -> UnitArrays:
    """Unit arrays restricted to the scenarios ``keep``."""
    return replace(units, cop=units.cop[:, keep], heat_demand_mw=units.heat_demand_mw[:, keep])
