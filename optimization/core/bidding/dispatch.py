"""Post-clearing dispatch: the cleared position (day-ahead volumes + accepted reserves) ->
setpoints per unit, deviating only where the position is physically undeliverable.

Binaries ``u[h,t]`` (on/off) make minimum load and starts exact here (the bidding LP relaxes
them). The dispatch *minimises cost subject to delivering the position*: the day-ahead volume
cleared in every MTU and every accepted reserve MW. Both are soft only so that a schedule
always exists; a deviation [MWh] or a reserve MW not held [MW h] costs the deviation penalty,
which is above every alternative the dispatch has (see :func:`conservative_penalty`), so the
optimum deviates only where no deviation-free schedule exists. Each deviating MTU then names the
binding constraint family (elastic re-solve, :func:`explain_deviations`).

Prices never steer the schedule: the recorded clearing prices and published imbalance prices
only *settle* it (``DispatchResult.costs_eur``): a deviation is settled at the published
imbalance price plus ``imbalance_fee_eur_per_mwh`` where one exists, else at the recorded
day-ahead price plus the deviation penalty (so a long position pays more than any price of the
day and a short one earns less) — never at a pre-gate forecast.

Always answers: heuristic schedules (the LP relaxation rounded at several thresholds, the bid's
expected schedule, heat-led with backup heat, all units on) are evaluated as LPs with the on/off
pattern fixed, the MILP runs in the time left, and the better of MILP and heuristics is returned
(OR-Tools' HiGHS backend takes no MIP start: ``add_hint`` crashes it). ``status``: ``optimal``,
``feasible`` (time limit with incumbent) or ``fallback`` (heuristic only). :class:`InfeasibleError` (naming family and periods) remains only for inputs no
schedule can meet, e.g. heat demand above heat-pump, storage and backup capacity.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ainergy.common.errors import ApplicationError, InfeasibleError, ValidationError
from optimization.core import solver as lp
from optimization.core.bidding.model import coefficient_of_performance
from optimization.core.bidding.problem import Pool, ReserveProductRules

#: added to the larger of the day's price spread and the value bound [EUR/MWh]
DEVIATION_PENALTY_MARGIN_EUR_PER_MWH = 50.0
#: deviations and shortfalls below this are solver tolerance, not deviations [MW]
DEVIATION_TOLERANCE_MW = 1e-3
#: families that *are* the position (kept hard when explaining a deviation)
POSITION_FAMILIES = ("pool_balance", "reserve_allocation")
#: weight of a reserve MW h not held relative to a deviating MWh
RESERVE_PRIORITY = 2.0
#: physics is violated last in the elastic re-solve, so the bound that binds is named
EXPLAIN_WEIGHTS = {"heat_balance": 100.0, "terminal_storage": 10.0}


@dataclass(frozen=True)
class DispatchProblem:
    """One pool and delivery day after clearing; arrays are (T,) over ``index`` (UTC).

    ``day_ahead_price_eur_per_mwh`` are the *recorded clearing prices* (they settle the day
    and set the conservative penalty). ``imbalance_price_eur_per_mwh``: published imbalance
    prices, NaN (or ``None`` for all) where none is published. ``deviation_penalty_eur_per_mwh``:
    ``None`` = :func:`conservative_penalty`. ``non_delivery_penalty_eur_per_mw_h`` settles
    accepted reserve MW not held (``None`` = the deviation penalty); the schedule itself always
    weighs a missing reserve MW h twice a deviating MWh. ``hint_power_mw`` (H, T), e.g. the bid's
    expected schedule, is one of the warm starts.
    """

    pool: Pool
    index: pd.DatetimeIndex
    mtu_minutes: int
    day_ahead_volume_mw: np.ndarray
    heat_demand_mw: np.ndarray
    source_temperature_c: np.ndarray
    day_ahead_price_eur_per_mwh: np.ndarray
    products: tuple[ReserveProductRules, ...] = ()
    reserve_capacity_mw: dict[str, np.ndarray] = field(default_factory=dict)
    imbalance_price_eur_per_mwh: np.ndarray | None = None
    deviation_penalty_eur_per_mwh: float | None = None
    imbalance_fee_eur_per_mwh: float = 0.0
    non_delivery_penalty_eur_per_mw_h: float | None = None
    hint_power_mw: np.ndarray | None = None
    #: weight of an accepted reserve MW h not held relative to a deviating MWh (> 1: reserves
    #: first; a feasibility check of the reserves alone sets it very high)
    reserve_priority: float = RESERVE_PRIORITY

    def validate(self) -> None:
        self.pool.validate()
        if self.mtu_minutes not in (15, 30, 60):
            raise ValidationError("mtu_minutes", "must be 15, 30 or 60")
        n = len(self.index)
        if n == 0:
            raise ValidationError("index", "no periods")
        for name in (
            "day_ahead_volume_mw",
            "heat_demand_mw",
            "source_temperature_c",
            "day_ahead_price_eur_per_mwh",
        ):
            values = np.asarray(getattr(self, name), float)
            if values.shape != (n,) or not np.isfinite(values).all():
                raise ValidationError(name, f"expected {n} finite values")
        if (np.asarray(self.day_ahead_volume_mw, float) < 0).any():
            raise ValidationError("day_ahead_volume_mw", "purchases must be >= 0")
        if (np.asarray(self.heat_demand_mw, float) < 0).any():
            raise ValidationError("heat_demand_mw", "must be >= 0")
        if self.imbalance_price_eur_per_mwh is not None:
            values = np.asarray(self.imbalance_price_eur_per_mwh, float)
            if values.shape != (n,) or np.isinf(values).any():
                raise ValidationError(
                    "imbalance_price_eur_per_mwh", f"expected {n} values (NaN where unpublished)"
                )
        for product in self.products:
            values = np.asarray(self.reserve_capacity_mw.get(product.name, np.zeros(n)), float)
            if values.shape != (n,) or (values < 0).any() or not np.isfinite(values).all():
                raise ValidationError(
                    f"reserve_capacity_mw.{product.name}", f"expected {n} values >= 0"
                )
        if not (np.isfinite(self.reserve_priority) and self.reserve_priority > 0):
            raise ValidationError("reserve_priority", "must be a number > 0")
        for name in (
            "deviation_penalty_eur_per_mwh",
            "non_delivery_penalty_eur_per_mw_h",
            "imbalance_fee_eur_per_mwh",
        ):
            value = getattr(self, name)
            if value is not None and not (np.isfinite(value) and value >= 0):
                raise ValidationError(name, "must be a number >= 0")
        if self.hint_power_mw is not None:
            hint = np.asarray(self.hint_power_mw, float)
            if hint.shape != (len(self.pool.heat_pumps), n) or not np.isfinite(hint).all():
                raise ValidationError(
                    "hint_power_mw", f"expected ({len(self.pool.heat_pumps)}, {n}) finite values"
                )


@dataclass(frozen=True)
class DispatchResult:
    """Setpoints (H, T) per heat pump, reserve held per unit, pool deviation and settlement.

    ``deviation_mw`` = power − cleared volume (T,) (positive: consumed more than bought).
    ``deviation_reasons`` (T,): the binding constraint family where the pool deviates or holds
    less reserve than accepted, else ``""``. ``costs_eur``: settlement of the schedule —
    ``imbalance`` (deviation at the published imbalance price, else at the recorded day-ahead
    price), ``imbalance_penalty`` (fee where published, the deviation penalty elsewhere),
    ``backup``, ``start``, ``non_delivery``.
    """

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
    reserve_shortfall_mw: dict[str, np.ndarray] = field(default_factory=dict)
    deviation_reasons: tuple[str, ...] = ()
    deviation_price_source: tuple[str, ...] = ()
    deviation_penalty_eur_per_mwh: float = float("nan")
    objective_eur: float = float("nan")
    solver: dict[str, object] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "status": self.status,
            "costs_eur": {k: round(v, 2) for k, v in self.costs_eur.items()},
            "deviation_mw": np.round(self.deviation_mw, 4).tolist(),
            "deviation_reasons": list(self.deviation_reasons),
            "deviation_price_source": list(self.deviation_price_source),
            "deviation_penalty_eur_per_mwh": round(self.deviation_penalty_eur_per_mwh, 2),
            "reserve_shortfall_mw": {
                p: np.round(a, 4).tolist() for p, a in self.reserve_shortfall_mw.items()
            },
            "solver": self.solver,
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


def conservative_penalty(problem: DispatchProblem) -> float:
    """Penalty on |deviation| [EUR/MWh] where no imbalance price is published.

    Notes
    -----
    ``max(spread, c_B COP_max + max_h c_start,h / (max(Pmin_h, 0.1 Pmax_h) dt)) + margin``:
    above the spread of the day's recorded day-ahead prices (no deviation can gain from a price
    difference of the day), and above the most a deviating MWh could save inside the dispatch
    (backup heat it replaces, at the best COP of the day, plus a start it avoids), so the
    optimum deviates only where delivering is physically impossible.
    """
    prices = np.asarray(problem.day_ahead_price_eur_per_mwh, float)
    spread = float(prices.max() - prices.min())
    hps = problem.pool.heat_pumps
    cop = coefficient_of_performance(problem.pool, np.asarray(problem.source_temperature_c)[None])
    dt = problem.mtu_minutes / 60.0
    start = max(
        hp.start_cost_eur
        / (max(hp.power_max_mw * hp.min_load_fraction, 0.1 * hp.power_max_mw) * dt)
        for hp in hps
    )
    value = problem.pool.backup_heat_cost_eur_per_mwh * float(cop.max()) + start
    return float(np.ceil(max(spread, value) + DEVIATION_PENALTY_MARGIN_EUR_PER_MWH))


class DispatchModel:
    """The dispatch MILP of one problem, built in named steps (families as in the docstrings)."""

    def __init__(self, problem: DispatchProblem) -> None:
        problem.validate()
        self.problem = problem
        hps = problem.pool.heat_pumps
        self.n_h, self.n_t, self.n_p = len(hps), len(problem.index), len(problem.products)
        self.dt = problem.mtu_minutes / 60.0

        def arr(name: str) -> np.ndarray:
            return np.array([getattr(hp, name) for hp in hps], float)

        self.pmax = arr("power_max_mw")
        self.pmin = self.pmax * arr("min_load_fraction")
        self.ramp = arr("ramp_mw_per_h")
        self.start_cost = arr("start_cost_eur")
        capacity = arr("storage_capacity_mwh")
        self.e_min = capacity * arr("storage_min_soc_fraction")
        self.e_max = capacity * arr("storage_max_soc_fraction")
        self.e0 = capacity * arr("storage_initial_soc_fraction")
        self.bmax = arr("backup_heat_max_mw")
        self.retention = (1.0 - arr("storage_loss_fraction_per_h")) ** self.dt
        self.cop = coefficient_of_performance(
            problem.pool, np.asarray(problem.source_temperature_c, float)[None]
        )[:, 0, :]
        self.demand = (
            problem.pool.heat_demand_shares()[:, None]
            * np.asarray(problem.heat_demand_mw, float)[None]
        )
        self.volume = np.asarray(problem.day_ahead_volume_mw, float)
        self.required = np.array(
            [
                np.asarray(problem.reserve_capacity_mw.get(pr.name, np.zeros(self.n_t)), float)
                for pr in problem.products
            ]
        ).reshape(self.n_p, self.n_t)
        self.penalty = (
            conservative_penalty(problem)
            if problem.deviation_penalty_eur_per_mwh is None
            else float(problem.deviation_penalty_eur_per_mwh)
        )

    # ------------------------------------------------------------------ build
    def build(self, *, explain: bool = False) -> lp.SparseProgram:
        """The MILP. ``explain``: the position made hard (deviation and shortfall fixed at 0)
        and the storage and backup bounds turned into rows, for the elastic re-solve."""
        self.m = lp.SparseProgram(name="pool dispatch")
        self.explain = explain
        self.build_variables()
        self.add_pool_balance_constraints()
        self.add_on_off_constraints()
        self.add_start_constraints()
        self.add_ramp_constraints()
        self.add_heat_balance_constraints()
        self.add_terminal_storage_constraints()
        if explain:
            self.add_bound_constraints()
        if self.n_p:
            self.add_reserve_allocation_constraints()
            self.add_reserve_headroom_constraints()
            self.add_reserve_endurance_constraints()
        self.set_objective()
        return self.m

    def build_variables(self) -> None:
        m, n_h, n_t, n_p = self.m, self.n_h, self.n_t, self.n_p
        shape = (n_h, n_t)
        self.p = m.add_variables("power_mw", shape, 0.0, np.broadcast_to(self.pmax[:, None], shape))
        self.u = m.add_variables("is_on", shape, 0.0, 1.0, integer=True)
        self.su = m.add_variables("start", (n_h, max(n_t - 1, 0)), 0.0, 1.0)
        if self.explain:
            self.e = m.add_variables("storage_mwh", shape, -np.inf, np.inf)
            self.b = m.add_variables("backup_heat_mw", shape, 0.0, np.inf)
        else:
            self.e = m.add_variables(
                "storage_mwh",
                shape,
                np.broadcast_to(self.e_min[:, None], shape),
                np.broadcast_to(self.e_max[:, None], shape),
            )
            self.b = m.add_variables(
                "backup_heat_mw", shape, 0.0, np.broadcast_to(self.bmax[:, None], shape)
            )
        pool_max = float(self.pmax.sum())
        hard = 0.0 if self.explain else None
        self.dev_pos = m.add_variables(
            "deviation_long_mw", n_t, 0.0, hard if hard is not None else pool_max
        )
        self.dev_neg = m.add_variables(
            "deviation_short_mw", n_t, 0.0, hard if hard is not None else self.volume
        )
        headroom = np.maximum(self.pmax - self.pmin, 0.0)
        caps = np.array(
            [
                np.minimum(headroom, self.ramp * pr.full_activation_time_min / 60.0)
                for pr in self.problem.products
            ]
        ).reshape(n_p, n_h, 1)
        self.reserve_caps = np.broadcast_to(caps, (n_p, n_h, n_t))
        self.r = m.add_variables(
            "reserve_allocation_mw",
            (n_p, n_h, n_t),
            0.0,
            np.inf if self.explain else self.reserve_caps,
        )
        self.shortfall = m.add_variables(
            "reserve_shortfall_mw", (n_p, n_t), 0.0, 0.0 if self.explain else self.required
        )

    def _periods(self) -> np.ndarray:
        return np.arange(self.n_t)

    def add_pool_balance_constraints(self) -> None:
        """``sum_h p[h,t] - dev+[t] + dev-[t] = V[t]``: the cleared volume, deviations soft."""
        self.m.add_constraints(
            "pool_balance",
            [(1.0, self.p), (-1.0, self.dev_pos), (1.0, self.dev_neg)],
            lower=self.volume,
            upper=self.volume,
            shape=(self.n_t,),
            periods=self._periods(),
        )

    def add_on_off_constraints(self) -> None:
        """``Pmin u <= p <= Pmax u`` (families ``min_load``, ``max_load``)."""
        periods = self._periods()
        self.m.add_constraints(
            "min_load", [(1.0, self.p), (-self.pmin[:, None], self.u)], lower=0.0, periods=periods
        )
        self.m.add_constraints(
            "max_load", [(1.0, self.p), (-self.pmax[:, None], self.u)], upper=0.0, periods=periods
        )

    def add_start_constraints(self) -> None:
        """``su[t] >= u[t] - u[t-1]``, costed at the unit's start cost."""
        if self.n_t > 1:
            self.m.add_constraints(
                "start",
                [(1.0, self.su), (-1.0, self.u[:, 1:]), (1.0, self.u[:, :-1])],
                lower=0.0,
                periods=self._periods()[1:],
            )

    def add_ramp_constraints(self) -> None:
        """``|p[t] - p[t-1]| <= ramp dt`` for units with a finite ramp limit."""
        finite = np.flatnonzero(np.isfinite(self.ramp))
        if self.n_t > 1 and len(finite):
            limit = (self.ramp[finite] * self.dt)[:, None]
            self.m.add_constraints(
                "ramp",
                [(1.0, self.p[finite, 1:]), (-1.0, self.p[finite, :-1])],
                lower=-limit,
                upper=limit,
                periods=self._periods()[1:],
            )

    def add_heat_balance_constraints(self) -> None:
        """``E[t] - a E[t-1] - dt (COP p[t] + B[t]) = -dt D[t]``, ``E[-1] = E0``."""
        n_h, n_t, dt = self.n_h, self.n_t, self.dt
        previous = np.concatenate([self.e[:, :1], self.e[:, :-1]], axis=1)
        coef_previous = np.broadcast_to(-self.retention[:, None], (n_h, n_t)).copy()
        coef_previous[:, 0] = 0.0
        rhs = -dt * self.demand
        rhs[:, 0] += self.retention * self.e0
        self.m.add_constraints(
            "heat_balance",
            [(1.0, self.e), (coef_previous, previous), (-dt * self.cop, self.p), (-dt, self.b)],
            lower=rhs,
            upper=rhs,
            periods=self._periods(),
        )

    def add_terminal_storage_constraints(self) -> None:
        """``E[T-1] >= E0``: the day leaves the storage at least as full as it found it."""
        self.m.add_constraints(
            "terminal_storage", [(1.0, self.e[:, -1])], lower=self.e0, periods=self.n_t - 1
        )

    def add_bound_constraints(self) -> None:
        """Explain mode: ``E <= Emax`` (``storage_capacity``), ``E >= Emin`` (``storage_minimum``),
        ``r <= min(Pmax - Pmin, ramp FAT)`` (``reserve_unit_capacity``), ``B <= Bmax``
        (``backup_capacity``) as rows, so that they can be named."""
        periods = self._periods()
        shape = (self.n_h, self.n_t)
        self.m.add_constraints(
            "storage_capacity",
            [(1.0, self.e)],
            upper=np.broadcast_to(self.e_max[:, None], shape),
            periods=periods,
        )
        self.m.add_constraints(
            "storage_minimum",
            [(1.0, self.e)],
            lower=np.broadcast_to(self.e_min[:, None], shape),
            periods=periods,
        )
        if self.n_p:
            self.m.add_constraints(
                "reserve_unit_capacity",
                [(1.0, self.r)],
                upper=self.reserve_caps,
                periods=periods,
            )
        finite = np.flatnonzero(np.isfinite(self.bmax))
        if len(finite):
            self.m.add_constraints(
                "backup_capacity",
                [(1.0, self.b[finite])],
                upper=np.broadcast_to(self.bmax[finite, None], (len(finite), self.n_t)),
                periods=periods,
            )

    def add_reserve_allocation_constraints(self) -> None:
        """``sum_h r[p,h,t] + shortfall[p,t] = R[p,t]``: every accepted MW held by some unit."""
        self.m.add_constraints(
            "reserve_allocation",
            [(1.0, self.r.transpose(1, 0, 2)), (1.0, self.shortfall)],
            lower=self.required,
            upper=self.required,
            shape=(self.n_p, self.n_t),
            periods=self._periods(),
        )

    def _direction(self, up: bool) -> list[int]:
        return [
            i
            for i, pr in enumerate(self.problem.products)
            if (pr.provides_up if up else pr.provides_down)
        ]

    def add_reserve_headroom_constraints(self) -> None:
        """``p - Pmin u - sum_up r >= 0`` and ``p - Pmax u + sum_down r <= 0``."""
        periods, shape = self._periods(), (self.n_h, self.n_t)
        is_up, is_down = self._direction(True), self._direction(False)
        if is_up:
            self.m.add_constraints(
                "reserve_headroom_up",
                [(1.0, self.p), (-self.pmin[:, None], self.u), (-1.0, self.r[is_up])],
                lower=0.0,
                shape=shape,
                periods=periods,
            )
        if is_down:
            self.m.add_constraints(
                "reserve_headroom_down",
                [(1.0, self.p), (-self.pmax[:, None], self.u), (1.0, self.r[is_down])],
                upper=0.0,
                shape=shape,
                periods=periods,
            )

    def add_reserve_endurance_constraints(self) -> None:
        """``E - COP sum_up tau r >= Emin`` and ``E + COP sum_down tau r <= Emax``."""
        periods, shape = self._periods(), (self.n_h, self.n_t)
        tau = np.array([pr.endurance_h for pr in self.problem.products])[:, None, None]
        is_up, is_down = self._direction(True), self._direction(False)
        if is_up:
            self.m.add_constraints(
                "reserve_endurance_up",
                [(1.0, self.e), (-(tau[is_up] * self.cop[None]), self.r[is_up])],
                lower=np.broadcast_to(self.e_min[:, None], shape),
                shape=shape,
                periods=periods,
            )
        if is_down:
            self.m.add_constraints(
                "reserve_endurance_down",
                [(1.0, self.e), (tau[is_down] * self.cop[None], self.r[is_down])],
                upper=np.broadcast_to(self.e_max[:, None], shape),
                shape=shape,
                periods=periods,
            )

    def set_objective(self) -> None:
        """``dt M (dev+ + dev-) + 2 dt M shortfall + dt c_B B + c_start su``: no market prices.

        An accepted reserve MW h weighs twice a deviating MWh: where both cannot be delivered,
        the dispatch keeps the reserve and deviates in energy."""
        m, dt = self.m, self.dt
        m.add_cost(self.dev_pos, dt * self.penalty)
        m.add_cost(self.dev_neg, dt * self.penalty)
        m.add_cost(self.shortfall, dt * self.problem.reserve_priority * self.penalty)
        m.add_cost(self.b, dt * self.problem.pool.backup_heat_cost_eur_per_mwh)
        m.add_cost(self.su, self.start_cost[:, None])

    # -------------------------------------------------------------- heuristics
    def fixed_pattern(self, is_on: np.ndarray) -> lp.SparseProgram:
        """The LP left when the on/off pattern (H, T) is fixed."""
        lower, upper = self.m._bounds()
        lower, upper = lower.copy(), upper.copy()
        pattern = np.asarray(is_on, float).ravel()
        lower[self.u.ravel()] = pattern
        upper[self.u.ravel()] = pattern
        return self.m.variant(
            lower=lower,
            upper=upper,
            integer=np.zeros(self.m.n_variables, bool),
            name="pool dispatch (on/off fixed)",
        )

    def relaxation(self) -> lp.SparseProgram:
        return self.m.variant(
            integer=np.zeros(self.m.n_variables, bool), name="pool dispatch (relaxed)"
        )

    def candidate_patterns(self, relaxed: np.ndarray | None) -> dict[str, np.ndarray]:
        """On/off patterns worth trying as incumbents (name -> (H, T) of 0/1)."""
        patterns: dict[str, np.ndarray] = {}
        need_on = np.zeros((self.n_h, self.n_t), bool)
        if relaxed is not None:
            p_lp, u_lp = relaxed[self.p], relaxed[self.u]
            for name, on in (
                ("rounded_lp", u_lp >= 0.5),
                ("rounded_lp_any", p_lp > 1e-6),
                ("rounded_lp_min_load", p_lp >= 0.5 * self.pmin[:, None] + 1e-9),
            ):
                patterns[name] = on | need_on
        if self.problem.hint_power_mw is not None:
            hint = np.asarray(self.problem.hint_power_mw, float)
            patterns["bid_schedule"] = hint >= 0.5 * self.pmin[:, None] + 1e-9
        # heat-led: a unit runs where its heat share at minimum load fits, backup does the rest
        heat_led = self.demand >= self.cop * self.pmin[:, None]
        patterns["heat_led"] = heat_led
        patterns["all_off"] = np.zeros((self.n_h, self.n_t), bool)
        patterns["all_on"] = np.ones((self.n_h, self.n_t), bool)
        unique: dict[bytes, str] = {}
        chosen = {}
        for name, pattern in patterns.items():
            key = np.packbits(pattern).tobytes()
            if key not in unique:
                unique[key] = name
                chosen[name] = pattern.astype(float)
        return chosen


def _solve_quietly(
    program: lp.SparseProgram, time_limit_s: float
) -> lp.SolveResult | ApplicationError:
    try:
        return lp.solve(program, method="auto", time_limit_s=time_limit_s, explain=False)
    except ApplicationError as error:
        return error


def dispatch_pool(
    problem: DispatchProblem,
    *,
    time_limit_s: float = 60.0,
    mip_gap: float = 1e-3,
    heuristics: bool = True,
    backend: str = "ortools",
    milp_parameters: str = "",
) -> DispatchResult:
    """Schedule the pool for its cleared position; see the module docstring.

    ``heuristics=False`` runs the MILP alone (the behaviour before the fallback; benchmarks).
    ``backend``: ``ortools`` (HiGHS through OR-Tools, warm-started) or ``scipy``
    (``scipy.optimize.milp``). ``milp_parameters``: extra HiGHS options for the MILP (OR-Tools),
    one ``key=value`` per line. Raises ``InfeasibleError`` naming the family and periods when no
    schedule exists (heat demand the pool cannot serve), ``TransientError`` only with
    ``heuristics=False`` when the MILP finds nothing in time.
    """
    started = time.perf_counter()
    model = DispatchModel(problem)
    program = model.build()
    deadline = started + time_limit_s
    candidates: dict[str, lp.SolveResult] = {}
    info: dict[str, object] = {"backend": backend}
    if heuristics:
        relaxed = _solve_quietly(model.relaxation(), max(time_limit_s / 4, 1.0))
        if isinstance(relaxed, InfeasibleError):  # no schedule at all, not even relaxed
            raise _explain_infeasible(program, time_limit_s)
        relaxed_values = relaxed.values if isinstance(relaxed, lp.SolveResult) else None
        for name, pattern in model.candidate_patterns(relaxed_values).items():
            result = _solve_quietly(
                model.fixed_pattern(pattern), max(deadline - time.perf_counter(), 1.0)
            )
            if isinstance(result, lp.SolveResult):
                candidates[name] = result
        info["heuristics_s"] = round(time.perf_counter() - started, 3)
        info["heuristic_objectives_eur"] = {k: round(v.objective, 2) for k, v in candidates.items()}
    best_name = min(candidates, key=lambda k: candidates[k].objective) if candidates else None
    remaining = max(deadline - time.perf_counter(), 1.0)
    milp_started = time.perf_counter()
    try:
        solution = lp.solve(
            program,
            method="auto",
            time_limit_s=remaining,
            mip_gap=mip_gap,
            explain=False,
            backend=backend,
            parameters=milp_parameters,
        )
    except InfeasibleError:
        if candidates:  # numerically a heuristic found one; trust the verified LP schedule
            solution = None
        else:
            raise _explain_infeasible(program, time_limit_s) from None
    except ApplicationError:  # time limit without incumbent
        if not heuristics:
            raise
        solution = None
    info["milp_s"] = round(time.perf_counter() - milp_started, 3)
    info["milp_status"] = solution.status if solution is not None else "no solution"
    if solution is not None and (
        best_name is None or solution.objective <= candidates[best_name].objective + 1e-6
    ):
        chosen, status, info["path"] = solution, solution.status, "milp"
    elif best_name is not None:
        chosen, status, info["path"] = candidates[best_name], "fallback", f"heuristic:{best_name}"
        if solution is not None and solution.status == "optimal":
            status = "optimal"  # the heuristic matched the proven optimum within tolerance
    else:  # pragma: no cover - guarded above
        raise _explain_infeasible(program, time_limit_s)
    info["total_s"] = round(time.perf_counter() - started, 3)
    return _result(model, chosen.values, status, info, max(deadline - time.perf_counter(), 5.0))


def _explain_infeasible(program: lp.SparseProgram, time_limit_s: float) -> InfeasibleError:
    return lp._infeasible(program, True, time_limit_s)


def explain_deviations(
    model: DispatchModel, values: np.ndarray, status: str, time_limit_s: float = 30.0
) -> list[str]:
    """The binding constraint family of every deviating MTU (``""`` where the position holds).

    Notes
    -----
    The position is made hard (no deviation, every accepted reserve MW held), on/off relaxed, and
    every other family elastic (storage and backup bounds as rows; the heat balance weighted
    high so the bound that binds is named, e.g. ``storage_capacity`` = storage full). A family
    violated there makes the position undeliverable whatever the units' on/off state
    (``storage_capacity``, ``storage_minimum``, ``max_load``, ``ramp``, ``backup_capacity``,
    ``reserve_*``...); an MTU without a violation of its own takes the nearest violated period's
    family. Where the relaxation delivers, only whole on/off decisions stand in the way:
    ``min_load`` for a proven optimum, ``time_limit`` when the solver stopped early.
    """
    n_t = model.n_t
    deviation = values[model.dev_pos] + values[model.dev_neg]
    shortfall = values[model.shortfall].sum(axis=0) if model.n_p else np.zeros(n_t)
    deviating = (deviation > DEVIATION_TOLERANCE_MW) | (shortfall > DEVIATION_TOLERANCE_MW)
    reasons = [""] * n_t
    if not deviating.any():
        return reasons
    explain = DispatchModel(model.problem)
    program = explain.build(explain=True)
    families = [f.name for f in program.families if f.name not in POSITION_FAMILIES]
    relaxed = program.variant(integer=np.zeros(program.n_variables, bool))
    todo = set(np.flatnonzero(deviating).tolist())
    conflicts = lp.explain_infeasibility(
        relaxed, families=families, time_limit_s=time_limit_s, weights=EXPLAIN_WEIGHTS
    )
    if conflicts:
        by_period: dict[int, str] = {}
        for conflict in conflicts:  # largest violation first
            for period in conflict.periods:
                by_period.setdefault(period, conflict.constraint_family)
        if not by_period:
            by_period = {-1: conflicts[0].constraint_family}
        known = np.array(sorted(by_period))
        for t in sorted(todo):
            nearest = int(known[np.argmin(np.abs(known - t))])
            reasons[t] = by_period[nearest]
        todo.clear()
    for t in todo:  # deliverable with fractional on/off: the minimum load binds
        reasons[t] = "min_load" if status == "optimal" else "time_limit"
    return reasons


def _result(
    model: DispatchModel, v: np.ndarray, status: str, info: dict, explain_s: float
) -> DispatchResult:
    problem, dt = model.problem, model.dt
    n_t = model.n_t
    dev_pos, dev_neg = v[model.dev_pos], v[model.dev_neg]
    deviation = dev_pos - dev_neg
    small = np.abs(deviation) < DEVIATION_TOLERANCE_MW * 1e-2
    deviation = np.where(small, 0.0, deviation)
    shortfall = v[model.shortfall] if model.n_p else np.zeros((0, n_t))
    shortfall = np.where(shortfall < DEVIATION_TOLERANCE_MW * 1e-2, 0.0, shortfall)
    published = (
        np.full(n_t, np.nan)
        if problem.imbalance_price_eur_per_mwh is None
        else np.asarray(problem.imbalance_price_eur_per_mwh, float)
    )
    has_price = np.isfinite(published)
    day_ahead = np.asarray(problem.day_ahead_price_eur_per_mwh, float)
    settle_price = np.where(has_price, published, day_ahead)
    surcharge = np.where(has_price, problem.imbalance_fee_eur_per_mwh, model.penalty)
    non_delivery = (
        model.penalty
        if problem.non_delivery_penalty_eur_per_mw_h is None
        else problem.non_delivery_penalty_eur_per_mw_h
    )
    costs = {
        "imbalance": float(dt * (settle_price * deviation).sum()),
        "imbalance_penalty": float(dt * (surcharge * np.abs(deviation)).sum()),
        "backup": float(dt * problem.pool.backup_heat_cost_eur_per_mwh * v[model.b].sum()),
        "start": float((model.start_cost[:, None] * v[model.su]).sum()),
        "non_delivery": float(dt * non_delivery * shortfall.sum()),
    }
    reasons = explain_deviations(model, v, status, time_limit_s=min(explain_s, 30.0))
    return DispatchResult(
        index=problem.index,
        heat_pump_ids=tuple(hp.heat_pump_id for hp in problem.pool.heat_pumps),
        power_mw=v[model.p],
        is_on=np.round(v[model.u]).astype(int),
        storage_mwh=v[model.e],
        backup_heat_mw=v[model.b],
        unit_reserve_mw={pr.name: v[model.r[i]] for i, pr in enumerate(problem.products)},
        deviation_mw=deviation,
        costs_eur=costs,
        status=status,
        reserve_shortfall_mw={pr.name: shortfall[i] for i, pr in enumerate(problem.products)},
        deviation_reasons=tuple(reasons),
        deviation_price_source=tuple(
            "imbalance_price" if published_here else "penalty" for published_here in has_price
        ),
        deviation_penalty_eur_per_mwh=model.penalty,
        objective_eur=float(
            dt
            * model.penalty
            * (dev_pos.sum() + dev_neg.sum() + problem.reserve_priority * shortfall.sum())
            + costs["backup"]
            + costs["start"]
        ),
        solver=info,
    )
