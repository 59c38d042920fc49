"""Post-clearing dispatch MILP: cleared day-ahead volumes + accepted reserves -> setpoints per unit.

Binaries ``u[h,t]`` (on/off) make minimum load and starts exact here (the bidding LP relaxes
them). Reserves are hard: every accepted MW is allocated to running units with headroom and
storage endurance. Deviations from the cleared volume are allowed at the expected imbalance price
plus a penalty. When no schedule exists, :class:`InfeasibleError` names the constraint family
and periods (elastic re-solve in :mod:`optimization.core.solver`) — never a schedule of zeros.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from optimization.core import solver as lp
from optimization.core.bidding.model import coefficient_of_performance
from optimization.core.bidding.problem import Pool, ReserveProductRules


@dataclass(frozen=True)
class DispatchProblem:
    """One pool and delivery day after clearing; arrays are (T,) over ``index`` (UTC)."""

    pool: Pool
    index: pd.DatetimeIndex
    mtu_minutes: int
    day_ahead_volume_mw: np.ndarray
    heat_demand_mw: np.ndarray
    source_temperature_c: np.ndarray
    day_ahead_price_eur_per_mwh: np.ndarray
    products: tuple[ReserveProductRules, ...] = ()
    reserve_capacity_mw: dict[str, np.ndarray] = field(default_factory=dict)
    expected_imbalance_price_eur_per_mwh: np.ndarray | None = None
    deviation_penalty_eur_per_mwh: float = 5.0
    #: ``None`` (default): accepted reserves are hard — no schedule means ``InfeasibleError``.
    #: A number [EUR/MW/h]: reserves are soft; an MW not held costs this penalty and is reported
    #: in ``DispatchResult.reserve_shortfall_mw`` (used by the backtest to settle non-delivery).
    non_delivery_penalty_eur_per_mw_h: float | None = None

    def validate(self) -> None:
        self.pool.validate()
        n = len(self.index)
        for name in (
            "day_ahead_volume_mw",
            "heat_demand_mw",
            "source_temperature_c",
            "day_ahead_price_eur_per_mwh",
        ):
            values = np.asarray(getattr(self, name), float)
            if values.shape != (n,) or not np.isfinite(values).all():
                raise ValidationError(name, f"expected {n} finite values")
        for product in self.products:
            values = np.asarray(self.reserve_capacity_mw.get(product.name, np.zeros(n)), float)
            if values.shape != (n,) or (values < 0).any():
                raise ValidationError(
                    f"reserve_capacity_mw.{product.name}", f"expected {n} values >= 0"
                )
        penalty = self.non_delivery_penalty_eur_per_mw_h
        if penalty is not None and not (np.isfinite(penalty) and penalty >= 0):
            raise ValidationError("non_delivery_penalty_eur_per_mw_h", "must be a number >= 0")


@dataclass(frozen=True)
class DispatchResult:
    """Setpoints (H, T) per heat pump, reserve held per unit, pool deviation and costs [EUR]."""

    index: pd.DatetimeIndex
    heat_pump_ids: tuple[str, ...]
    power_mw: np.ndarray
    is_on: np.ndarray
    storage_mwh: np.ndarray
    backup_heat_mw: np.ndarray
    unit_reserve_mw: dict[str, np.ndarray]
    deviation_mw: np.ndarray
    costs_eur: dict[str, float]
    status: str
    #: per product (T,): accepted MW not held (always 0 unless reserves are soft)
    reserve_shortfall_mw: dict[str, np.ndarray] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "costs_eur": {k: round(v, 2) for k, v in self.costs_eur.items()},
            "deviation_mw": np.round(self.deviation_mw, 4).tolist(),
            "schedules": [
                {
                    "heat_pump_id": hp,
                    "power_mw": np.round(self.power_mw[h], 4).tolist(),
                    "is_on": self.is_on[h].astype(bool).tolist(),
                    "storage_mwh": np.round(self.storage_mwh[h], 4).tolist(),
                    "backup_heat_mw": np.round(self.backup_heat_mw[h], 4).tolist(),
                    "reserve_mw": {
                        p: np.round(a[h], 4).tolist() for p, a in self.unit_reserve_mw.items()
                    },
                }
                for h, hp in enumerate(self.heat_pump_ids)
            ],
        }


def dispatch_pool(
    problem: DispatchProblem,
    *,
    time_limit_s: float = 60.0,
    mip_gap: float = 1e-3,
) -> DispatchResult:
    """Solve the dispatch MILP; raises ``InfeasibleError`` naming family and periods.

    At the time limit the best schedule found is returned with ``status="feasible"``.
    """
    problem.validate()
    hps = problem.pool.heat_pumps
    n_h, n_t, n_p = len(hps), len(problem.index), len(problem.products)
    dt = problem.mtu_minutes / 60.0

    def arr(name: str) -> np.ndarray:
        return np.array([getattr(hp, name) for hp in hps], float)

    pmax, pmin = arr("power_max_mw"), arr("power_max_mw") * arr("min_load_fraction")
    capacity = arr("storage_capacity_mwh")
    e_min, e_max = (
        capacity * arr("storage_min_soc_fraction"),
        capacity * arr("storage_max_soc_fraction"),
    )
    e0 = capacity * arr("storage_initial_soc_fraction")
    retention = ((1.0 - arr("storage_loss_fraction_per_h")) ** dt)[:, None]
    cop = coefficient_of_performance(problem.pool, np.asarray(problem.source_temperature_c)[None])[
        :, 0, :
    ]
    demand = problem.pool.heat_demand_shares()[:, None] * np.asarray(problem.heat_demand_mw)[None]
    periods = np.arange(n_t)

    m = lp.SparseProgram(name="pool dispatch")
    p = m.add_variables("power_mw", (n_h, n_t), 0.0, np.broadcast_to(pmax[:, None], (n_h, n_t)))
    u = m.add_variables("is_on", (n_h, n_t), 0.0, 1.0, integer=True)
    su = m.add_variables("start", (n_h, max(n_t - 1, 0)), 0.0, 1.0)
    e = m.add_variables(
        "storage_mwh",
        (n_h, n_t),
        np.broadcast_to(e_min[:, None], (n_h, n_t)),
        np.broadcast_to(e_max[:, None], (n_h, n_t)),
    )
    b = m.add_variables(
        "backup_heat_mw",
        (n_h, n_t),
        0.0,
        np.broadcast_to(arr("backup_heat_max_mw")[:, None], (n_h, n_t)),
    )
    pool_max = float(pmax.sum())
    dev_pos = m.add_variables("deviation_long_mw", n_t, 0.0, pool_max)
    dev_neg = m.add_variables("deviation_short_mw", n_t, 0.0, pool_max)
    headroom = np.maximum(pmax - pmin, 0.0)
    caps = np.array(
        [
            np.minimum(headroom, arr("ramp_mw_per_h") * pr.full_activation_time_min / 60.0)
            for pr in problem.products
        ]
    ).reshape(n_p, n_h, 1)
    r = m.add_variables(
        "reserve_allocation_mw", (n_p, n_h, n_t), 0.0, np.broadcast_to(caps, (n_p, n_h, n_t))
    )

    # objective: deviations at the expected imbalance price (+ penalty), backup heat, starts
    imbalance_price = (
        np.asarray(problem.day_ahead_price_eur_per_mwh, float)
        if problem.expected_imbalance_price_eur_per_mwh is None
        else np.asarray(problem.expected_imbalance_price_eur_per_mwh, float)
    )
    pen = problem.deviation_penalty_eur_per_mwh
    m.add_cost(dev_pos, dt * (imbalance_price + pen))
    m.add_cost(dev_neg, dt * (-imbalance_price + pen))
    m.add_cost(b, dt * problem.pool.backup_heat_cost_eur_per_mwh)
    m.add_cost(su, arr("start_cost_eur")[:, None])

    m.add_constraints(
        "pool_balance",
        [(1.0, p), (-1.0, dev_pos), (1.0, dev_neg)],
        lower=np.asarray(problem.day_ahead_volume_mw, float),
        upper=np.asarray(problem.day_ahead_volume_mw, float),
        shape=(n_t,),
        periods=periods,
    )
    m.add_constraints("min_load", [(1.0, p), (-pmin[:, None], u)], lower=0.0, periods=periods)
    m.add_constraints("max_load", [(1.0, p), (-pmax[:, None], u)], upper=0.0, periods=periods)
    if n_t > 1:
        m.add_constraints(
            "start", [(1.0, su), (-1.0, u[:, 1:]), (1.0, u[:, :-1])], lower=0.0, periods=periods[1:]
        )
        ramp = arr("ramp_mw_per_h")
        finite = np.flatnonzero(np.isfinite(ramp))
        if len(finite):
            limit = (ramp[finite] * dt)[:, None]
            m.add_constraints(
                "ramp",
                [(1.0, p[finite, 1:]), (-1.0, p[finite, :-1])],
                lower=-limit,
                upper=limit,
                periods=periods[1:],
            )
    previous = np.concatenate([e[:, :1], e[:, :-1]], axis=1)
    coef_previous = np.broadcast_to(-retention, (n_h, n_t)).copy()
    coef_previous[:, 0] = 0.0
    rhs = -dt * demand
    rhs[:, 0] += retention[:, 0] * e0
    m.add_constraints(
        "heat_balance",
        [(1.0, e), (coef_previous, previous), (-dt * cop, p), (-dt, b)],
        lower=rhs,
        upper=rhs,
        periods=periods,
    )
    m.add_constraints("terminal_storage", [(1.0, e[:, -1])], lower=e0, periods=n_t - 1)
    if n_p:
        required = np.array(
            [
                np.asarray(problem.reserve_capacity_mw.get(pr.name, np.zeros(n_t)), float)
                for pr in problem.products
            ]
        )
        soft = problem.non_delivery_penalty_eur_per_mw_h is not None
        # soft: sum_h r + shortfall = required, 0 <= shortfall <= required, penalised per MW h
        shortfall = m.add_variables(
            "reserve_shortfall_mw", (n_p, n_t) if soft else (n_p, 0), 0.0, required if soft else 0.0
        )
        if soft:
            m.add_cost(shortfall, dt * problem.non_delivery_penalty_eur_per_mw_h)
        m.add_constraints(
            "reserve_allocation",
            [(1.0, r.transpose(1, 0, 2))] + ([(1.0, shortfall)] if soft else []),
            lower=required,
            upper=required,
            shape=(n_p, n_t),
            periods=periods,
        )
        is_up = [i for i, pr in enumerate(problem.products) if pr.provides_up]
        is_down = [i for i, pr in enumerate(problem.products) if pr.provides_down]
        tau = np.array([pr.endurance_h for pr in problem.products])[:, None, None]
        if is_up:
            m.add_constraints(
                "reserve_headroom_up",
                [(1.0, p), (-pmin[:, None], u), (-1.0, r[is_up])],
                lower=0.0,
                shape=(n_h, n_t),
                periods=periods,
            )
            m.add_constraints(
                "reserve_endurance_up",
                [(1.0, e), (-(tau[is_up] * cop[None]), r[is_up])],
                lower=np.broadcast_to(e_min[:, None], (n_h, n_t)),
                shape=(n_h, n_t),
                periods=periods,
            )
        if is_down:
            m.add_constraints(
                "reserve_headroom_down",
                [(1.0, p), (-pmax[:, None], u), (1.0, r[is_down])],
                upper=0.0,
                shape=(n_h, n_t),
                periods=periods,
            )
            m.add_constraints(
                "reserve_endurance_down",
                [(1.0, e), (tau[is_down] * cop[None], r[is_down])],
                upper=np.broadcast_to(e_max[:, None], (n_h, n_t)),
                shape=(n_h, n_t),
                periods=periods,
            )

    solution = lp.solve(m, method="auto", time_limit_s=time_limit_s, mip_gap=mip_gap)
    v = solution.values
    missing = {
        pr.name: (v[shortfall[i]] if shortfall.shape[1] else np.zeros(n_t))
        for i, pr in enumerate(problem.products)
    }
    deviation = v[dev_pos] - v[dev_neg]
    costs = {
        "deviation": float(dt * (imbalance_price * deviation).sum()),
        "deviation_penalty": float(dt * pen * (v[dev_pos] + v[dev_neg]).sum()),
        "backup": float(dt * problem.pool.backup_heat_cost_eur_per_mwh * v[b].sum()),
        "start": float((arr("start_cost_eur")[:, None] * v[su]).sum()),
    }
    if problem.non_delivery_penalty_eur_per_mw_h is not None:
        costs["non_delivery"] = float(
            dt * problem.non_delivery_penalty_eur_per_mw_h * sum(a.sum() for a in missing.values())
        )
    return DispatchResult(
        index=problem.index,
        heat_pump_ids=tuple(hp.heat_pump_id for hp in hps),
        power_mw=v[p],
        is_on=np.round(v[u]).astype(int),
        storage_mwh=v[e],
        backup_heat_mw=v[b],
        unit_reserve_mw={pr.name: v[r[i]] for i, pr in enumerate(problem.products)},
        deviation_mw=deviation,
        costs_eur=costs,
        status=solution.status,
        reserve_shortfall_mw=missing,
    )
