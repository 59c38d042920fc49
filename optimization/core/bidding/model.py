"""Two-stage stochastic bidding LP for a pool of heat pumps (vectorised, PyPSA-style steps).

Indices: ``h`` unit (a heat pump, or a cluster of them), ``s`` scenario, ``t`` MTU, ``p`` reserve
product, ``j`` reserve block, ``k`` point of the purchase curve of MTU ``t``.

First stage (same in every scenario): curve volumes ``x[t,k]`` at price points ``g[t,k]`` and
reserve capacities ``R[p,j]``. Second stage per (h, s, t): power ``p``, on-fraction ``u`` (the LP
relaxation of on/off — no per-scenario binaries), starts ``su``, storage ``E``, backup heat ``B``,
reserve allocation ``r[p]``; per (s, t): imbalance ``imb+ / imb-``.

The day-ahead volume cleared in scenario s is the Nord Pool interpolation of the curve,
``P_DA[s,t] = w_lo x[t,k] + w_hi x[t,k+1]`` with ``g[t,k] <= lambda[s,t] <= g[t,k+1]``; price
points are the scenario prices themselves (rounded to the tick) while they fit in the point limit,
so equal prices give equal volumes by construction (non-anticipativity).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from ainergy.common.errors import ValidationError
from optimization.core import solver as lp
from optimization.core.bidding.problem import (
    KELVIN,
    BiddingProblem,
    Pool,
    UncertaintyMargin,
    block_ids,
)

#: curve points kept free for the value steps (8) and the minimum-load step (4) (value.py)
EXTENSION_POINTS = 12


@dataclass
class UnitArrays:
    """Per-unit parameters as arrays: scalars (H,), scenario data (H, S, T)."""

    power_max_mw: np.ndarray
    power_min_mw: np.ndarray
    ramp_mw_per_h: np.ndarray
    start_cost_eur: np.ndarray
    storage_min_mwh: np.ndarray
    storage_max_mwh: np.ndarray
    storage_initial_mwh: np.ndarray
    storage_retention_per_step: np.ndarray
    backup_heat_max_mw: np.ndarray
    cop: np.ndarray
    heat_demand_mw: np.ndarray

    @property
    def n_units(self) -> int:
        return len(self.power_max_mw)


def coefficient_of_performance(pool: Pool, source_temperature_c: np.ndarray) -> np.ndarray:
    """COP (H, S, T) from the Carnot quality grade.

    Notes
    -----
    ``COP = eta * (T_sink + 273.15) / (T_sink - T_source)``, T_source = scenario source
    temperature + unit offset [°C], clipped to ``[1, cop_max]`` (and ``cop_max`` when
    ``T_sink - T_source <= 1 K``).
    """
    hps = pool.heat_pumps
    eta = np.array([hp.carnot_quality_grade for hp in hps])[:, None, None]
    sink = np.array([hp.sink_temperature_c for hp in hps])[:, None, None]
    offset = np.array([hp.source_temperature_offset_c for hp in hps])[:, None, None]
    cop_max = np.array([hp.cop_max for hp in hps])[:, None, None]
    lift = sink - (np.asarray(source_temperature_c, float)[None] + offset)
    with np.errstate(divide="ignore", invalid="ignore"):
        cop = np.where(lift > 1.0, eta * (sink + KELVIN) / lift, cop_max)
    return np.clip(cop, 1.0, cop_max)


def build_units(problem: BiddingProblem) -> UnitArrays:
    """Unit arrays of the pool's heat pumps for the problem's scenarios."""
    hps = problem.pool.heat_pumps
    step_h = problem.step_h

    def arr(name: str) -> np.ndarray:
        return np.array([getattr(hp, name) for hp in hps], float)

    capacity = arr("storage_capacity_mwh")
    shares = problem.pool.heat_demand_shares()
    demand = shares[:, None, None] * np.asarray(problem.scenarios.heat_demand_mw, float)[None]
    return UnitArrays(
        power_max_mw=arr("power_max_mw"),
        power_min_mw=arr("power_max_mw") * arr("min_load_fraction"),
        ramp_mw_per_h=arr("ramp_mw_per_h"),
        start_cost_eur=arr("start_cost_eur"),
        storage_min_mwh=capacity * arr("storage_min_soc_fraction"),
        storage_max_mwh=capacity * arr("storage_max_soc_fraction"),
        storage_initial_mwh=capacity * arr("storage_initial_soc_fraction"),
        storage_retention_per_step=(1.0 - arr("storage_loss_fraction_per_h")) ** step_h,
        backup_heat_max_mw=arr("backup_heat_max_mw"),
        cop=coefficient_of_performance(problem.pool, problem.scenarios.source_temperature_c),
        heat_demand_mw=demand,
    )


@dataclass(frozen=True)
class UncertaintyBox:
    """Per unit and MTU (H, T): heat demand and COP ranges any realisation stays in."""

    demand_low_mw: np.ndarray
    demand_high_mw: np.ndarray
    cop_low: np.ndarray
    cop_high: np.ndarray


def uncertainty_box(problem: BiddingProblem, *, for_curves: bool = False) -> UncertaintyBox:
    """The box of :class:`UncertaintyMargin` per heat pump and MTU (H, T); ``for_curves``: with
    the curves' own (smaller) widening ``curve_sigma`` instead of the reserves'."""
    margin = problem.uncertainty_margin or UncertaintyMargin()
    if for_curves:
        margin = UncertaintyMargin(
            heat_sigma=margin.curve_sigma, temperature_sigma=margin.curve_sigma
        )
    scen = problem.scenarios
    pi = np.asarray(scen.probabilities, float)[:, None]

    def bounds(values: np.ndarray, sigma: float, fraction: float, absolute: float):
        values = np.asarray(values, float)
        mean = (pi * values).sum(axis=0)
        std = np.sqrt((pi * (values - mean) ** 2).sum(axis=0))
        width = sigma * std + fraction * np.abs(mean) + absolute
        return values.min(axis=0) - width, values.max(axis=0) + width

    heat_low, heat_high = bounds(scen.heat_demand_mw, margin.heat_sigma, margin.heat_fraction, 0)
    temp_low, temp_high = bounds(
        scen.source_temperature_c, margin.temperature_sigma, 0.0, margin.temperature_c
    )
    shares = problem.pool.heat_demand_shares()[:, None]
    cop = coefficient_of_performance(problem.pool, np.vstack([temp_low, temp_high]))
    return UncertaintyBox(
        demand_low_mw=shares * np.maximum(heat_low, 0.0)[None],
        demand_high_mw=shares * heat_high[None],
        cop_low=np.minimum(cop[:, 0], cop[:, 1]),
        cop_high=np.maximum(cop[:, 0], cop[:, 1]),
    )


@dataclass
class PriceGrid:
    """Curve price points per MTU (flattened) and the interpolation weights of each scenario."""

    prices: np.ndarray  # (K_total,) price of every curve point
    period: np.ndarray  # (K_total,) its MTU
    lower: np.ndarray  # (S, T) flat index of the point at or below the scenario price
    upper: np.ndarray  # (S, T) flat index of the point above (== lower when exact)
    weight_upper: np.ndarray  # (S, T) interpolation weight on ``upper``


def build_price_grid(prices: np.ndarray, tick: float, max_points: int) -> PriceGrid:
    """Curve points per MTU from scenario prices (already on the tick grid).

    Points are the distinct scenario prices of the MTU; when there are more than
    ``max_points - 2`` (two are reserved for the floor and cap end points), quantiles of them.
    """
    n_scenarios, n_periods = prices.shape
    inner = max_points - 2
    all_prices, all_periods = [], []
    lower = np.zeros((n_scenarios, n_periods), int)
    upper = np.zeros((n_scenarios, n_periods), int)
    weight = np.zeros((n_scenarios, n_periods))
    offset = 0
    for t in range(n_periods):  # loop over MTUs only; everything inside is vectorised
        grid = np.unique(prices[:, t])
        if len(grid) > inner:
            grid = np.unique(np.round(np.quantile(grid, np.linspace(0, 1, inner)) / tick) * tick)
        k = np.clip(np.searchsorted(grid, prices[:, t], side="right") - 1, 0, len(grid) - 1)
        k_up = np.minimum(k + 1, len(grid) - 1)
        span = grid[k_up] - grid[k]
        w = np.where(span > 0, (prices[:, t] - grid[k]) / np.where(span > 0, span, 1.0), 0.0)
        lower[:, t], upper[:, t], weight[:, t] = offset + k, offset + k_up, np.clip(w, 0, 1)
        all_prices.append(grid)
        all_periods.append(np.full(len(grid), t))
        offset += len(grid)
    return PriceGrid(np.concatenate(all_prices), np.concatenate(all_periods), lower, upper, weight)


class PoolBiddingModel:
    """The extensive-form two-stage LP; ``units`` may be heat pumps or clusters of them."""

    def __init__(
        self,
        problem: BiddingProblem,
        units: UnitArrays | None = None,
        *,
        scenario_allocation: bool = True,
    ) -> None:
        """``scenario_allocation=False`` fixes the split of each reserve MW over units in the
        first stage (same in every scenario): smaller, and deliverable without re-allocation."""
        problem.validate()
        self.problem = problem
        self.scenario_allocation = scenario_allocation
        self.units = units if units is not None else build_units(problem)
        self.program = lp.SparseProgram(name="pool bidding")
        self.scenario_terms: list[tuple[str, np.ndarray, np.ndarray]] = []
        self.build_time_s = 0.0
        scen = problem.scenarios
        tick = problem.day_ahead.tick_eur_per_mwh
        floor, cap = (
            problem.day_ahead.price_floor_eur_per_mwh,
            problem.day_ahead.price_cap_eur_per_mwh,
        )
        self.day_ahead_price = np.clip(
            np.round(np.asarray(scen.day_ahead_price_eur_per_mwh, float) / tick) * tick, floor, cap
        )
        self.probabilities = np.asarray(scen.probabilities, float)

    # ------------------------------------------------------------------ build
    def build(self) -> PoolBiddingModel:
        """Run every build step; record the build time."""
        started = time.perf_counter()
        self.build_variables()
        self.add_curve_monotonicity_constraints()
        self.add_pool_balance_constraints()
        self.add_storage_balance_constraints()
        self.add_terminal_storage_constraints()
        self.add_start_constraints()
        self.add_ramp_constraints()
        margin = self.problem.uncertainty_margin
        if margin is not None and margin.robust_curves:
            self.add_curve_overflow_constraints()
        if self.problem.products:
            self.add_reserve_allocation_constraints()
            self.add_reserve_headroom_constraints()
            self.add_reserve_endurance_constraints()
        self.set_objective()
        self.build_time_s = time.perf_counter() - started
        return self

    def build_variables(self) -> None:
        """Create all variable blocks with their bounds."""
        prob, units, m = self.problem, self.units, self.program
        n_h, n_s, n_t = units.cop.shape
        pool_max = float(units.power_max_mw.sum())
        # points kept free for the value steps above the top scenario price (value.py)
        self.grid = build_price_grid(
            self.day_ahead_price,
            prob.day_ahead.tick_eur_per_mwh,
            max(prob.day_ahead.max_curve_points - EXTENSION_POINTS, 4),
        )
        self.x = m.add_variables("curve_volume_mw", len(self.grid.prices), 0.0, pool_max)
        shape = (n_h, n_s, n_t)
        pmax = units.power_max_mw[:, None, None]
        self.p = m.add_variables("power_mw", shape, 0.0, np.broadcast_to(pmax, shape))
        has_start_cost = (units.start_cost_eur > 0).any() and n_t > 1
        # start proxy in MW of on-fraction rise (su / Pmax = started fraction): unit coefficients
        self.su = m.add_variables(
            "start_mw",
            (n_h, n_s, n_t - 1) if has_start_cost else (n_h, n_s, 0),
            0.0,
            np.broadcast_to(pmax, (n_h, n_s, max(n_t - 1, 0)) if has_start_cost else (n_h, n_s, 0)),
        )
        self.e = m.add_variables(
            "storage_mwh",
            shape,
            np.broadcast_to(units.storage_min_mwh[:, None, None], shape),
            np.broadcast_to(units.storage_max_mwh[:, None, None], shape),
        )
        self.b = m.add_variables(
            "backup_heat_mw",
            shape,
            0.0,
            np.broadcast_to(units.backup_heat_max_mw[:, None, None], shape),
        )
        # |sum p - P_DA| <= pool_max; the bound also removes the free ray imb+ = imb- -> inf
        self.imb_pos = m.add_variables("imbalance_long_mw", (n_s, n_t), 0.0, pool_max)
        self.imb_neg = m.add_variables("imbalance_short_mw", (n_s, n_t), 0.0, pool_max)
        # first-stage reserve capacities per product and block, expanded to (P, T)
        self.block_of = [block_ids(prob.scenarios.index, p.block_hours) for p in prob.products]
        self.reserve_blocks = []
        expanded = []
        for product, blocks in zip(prob.products, self.block_of, strict=True):
            r_block = m.add_variables(
                f"reserve_{product.name}_mw", int(blocks.max()) + 1, 0.0, pool_max
            )
            self.reserve_blocks.append(r_block)
            expanded.append(r_block[blocks])
        self.reserve = np.array(expanded, int).reshape(len(prob.products), n_t)
        headroom = np.maximum(units.power_max_mw - units.power_min_mw, 0.0)
        caps = [
            np.minimum(headroom, units.ramp_mw_per_h * pr.full_activation_time_min / 60.0)
            for pr in prob.products
        ]
        n_p = len(prob.products)
        alloc_shape = (n_p, n_h, n_s if self.scenario_allocation else 1, n_t)
        self.r_own = m.add_variables(
            "reserve_allocation_mw",
            alloc_shape,
            0.0,
            np.broadcast_to(np.array(caps).reshape(n_p, n_h, 1, 1), alloc_shape) if n_p else 0.0,
        )
        self.r = np.broadcast_to(self.r_own, (n_p, *shape))

    def _periods(self) -> np.ndarray:
        return np.arange(self.units.cop.shape[2])

    def add_curve_monotonicity_constraints(self) -> None:
        """Purchase volumes non-increasing in price: ``x[t,k] - x[t,k+1] >= 0``."""
        same = self.grid.period[:-1] == self.grid.period[1:]
        first = np.flatnonzero(same)
        if len(first):
            self.program.add_constraints(
                "curve_monotonicity",
                [(1.0, self.x[first]), (-1.0, self.x[first + 1])],
                lower=0.0,
                periods=self.grid.period[first],
            )

    def add_pool_balance_constraints(self) -> None:
        """``sum_h p[h,s,t] - P_DA[s,t] - imb+[s,t] + imb-[s,t] = 0`` (single-price imbalance)."""
        g = self.grid
        self.program.add_constraints(
            "pool_balance",
            [
                (1.0, self.p),
                (-(1.0 - g.weight_upper), self.x[g.lower]),
                (-g.weight_upper, self.x[g.upper]),
                (-1.0, self.imb_pos),
                (1.0, self.imb_neg),
            ],
            lower=0.0,
            upper=0.0,
            shape=self.imb_pos.shape,
            periods=self._periods()[None, :],
        )

    def add_storage_balance_constraints(self) -> None:
        """``E[t] - a E[t-1] - dt (COP p[t] + B[t]) = -dt D[t]``, ``E[-1] = E0``, a = (1-loss)^dt."""
        u, dt = self.units, self.problem.step_h
        a = u.storage_retention_per_step[:, None, None]
        rhs = -dt * u.heat_demand_mw
        rhs[:, :, 0] += a[:, :, 0] * u.storage_initial_mwh[:, None]
        # E[t-1] for t >= 1; for t = 0 a zero coefficient on E[0] itself (summed away).
        previous = np.concatenate([self.e[:, :, :1], self.e[:, :, :-1]], axis=2)
        coef_previous = np.broadcast_to(-a, self.e.shape).copy()
        coef_previous[:, :, 0] = 0.0
        self.program.add_constraints(
            "storage_balance",
            [(1.0, self.e), (coef_previous, previous), (-dt * u.cop, self.p), (-dt, self.b)],
            lower=rhs,
            upper=rhs,
            periods=self._periods(),
        )

    def add_terminal_storage_constraints(self) -> None:
        """``E[h,s,T-1] >= E0[h]``: the day leaves the storage at least as full as it found it."""
        u = self.units
        self.program.add_constraints(
            "terminal_storage",
            [(1.0, self.e[:, :, -1])],
            lower=np.broadcast_to(u.storage_initial_mwh[:, None], self.e[:, :, -1].shape),
            periods=self.units.cop.shape[2] - 1,
        )

    def add_start_constraints(self) -> None:
        """Start-cost proxy ``su[t] >= p[t] - p[t-1]`` [MW] for t >= 1, costed ``c_start su / Pmax``.

        With the on-fraction relaxed to ``u = p / Pmax`` a start is a rise of the on-fraction;
        exact starts (binaries) are left to the dispatch MILP. (``su`` is kept in MW rather than
        as a fraction so that the rows have unit coefficients: better conditioned for the IPM.)
        """
        if self.su.shape[2] == 0:
            return
        self.program.add_constraints(
            "start",
            [(1.0, self.su), (-1.0, self.p[:, :, 1:]), (1.0, self.p[:, :, :-1])],
            lower=0.0,
            periods=self._periods()[1:],
        )

    def add_ramp_constraints(self) -> None:
        """``|p[t] - p[t-1]| <= ramp dt`` for units with a finite ramp limit."""
        finite = np.flatnonzero(np.isfinite(self.units.ramp_mw_per_h))
        if not len(finite) or self.p.shape[2] < 2:
            return
        limit = (self.units.ramp_mw_per_h[finite] * self.problem.step_h)[:, None, None]
        p = self.p[finite]
        self.program.add_constraints(
            "ramp",
            [(1.0, p[:, :, 1:]), (-1.0, p[:, :, :-1])],
            lower=-limit,
            upper=limit,
            periods=self._periods()[1:],
        )

    def add_curve_overflow_constraints(self) -> None:
        """Each scenario's cleared path fits the pool's storage even at the lowest heat demand.

        Notes
        -----
        A shadow pool storage per scenario, ``F[s,t] = a F[s,t-1] + dt (c_hi[t] P_DA[s,t] +
        G[s,t] - D_lo[t])``, ``sum Emin <= F <= sum Emax``, ``F[s,-1] = sum E0``, ``G >= 0``
        (backup heat tops up): the dispatch must draw exactly ``P_DA`` (no deviation), and at
        the box's lowest heat ``D_lo`` and highest COP ``c_hi`` (uncertainty_box) that heat must
        still fit the storage. Pooled storage and the best COP: a relaxation of the unit split
        (the dispatch routes power to units with room), conservative in heat.
        """
        box = uncertainty_box(self.problem, for_curves=True)
        demand_low = box.demand_low_mw.sum(axis=0)  # (T,)
        cop_high = box.cop_high.max(axis=0)
        u, m, g = self.units, self.program, self.grid
        dt = self.problem.step_h
        n_s, n_t = g.lower.shape
        a = float(u.storage_retention_per_step.max())
        shadow = m.add_variables(
            "shadow_storage_mwh", (n_s, n_t), float(u.storage_min_mwh.sum()),
            float(u.storage_max_mwh.sum()),
        )  # fmt: skip
        topped = m.add_variables("shadow_backup_heat_mw", (n_s, n_t), 0.0)
        previous = np.concatenate([shadow[:, :1], shadow[:, :-1]], axis=1)
        coef_previous = np.full((n_s, n_t), -a)
        coef_previous[:, 0] = 0.0
        rhs = np.broadcast_to(-dt * demand_low, (n_s, n_t)).copy()
        rhs[:, 0] += a * float(u.storage_initial_mwh.sum())
        m.add_constraints(
            "curve_overflow",
            [
                (1.0, shadow),
                (coef_previous, previous),
                (-dt * cop_high * (1.0 - g.weight_upper), self.x[g.lower]),
                (-dt * cop_high * g.weight_upper, self.x[g.upper]),
                (-dt, topped),
            ],
            lower=rhs,
            upper=rhs,
            periods=self._periods()[None, :],
        )

    def add_reserve_allocation_constraints(self) -> None:
        """``sum_h r[p,h,s,t] = R[p, block(t)]``: each sold MW is held by some unit in every scenario."""
        n_p, _, n_s, n_t = self.r_own.shape
        self.program.add_constraints(
            "reserve_allocation",
            [
                (1.0, self.r_own.transpose(1, 0, 2, 3)),
                (-1.0, np.broadcast_to(self.reserve[:, None, :], (n_p, n_s, n_t))),
            ],
            lower=0.0,
            upper=0.0,
            shape=(n_p, n_s, n_t),
            periods=self._periods(),
        )

    def _direction_terms(self, direction: str, scale: np.ndarray | float) -> list:
        products = self.problem.products
        chosen = [
            i
            for i, pr in enumerate(products)
            if (pr.provides_up if direction == "up" else pr.provides_down)
        ]
        if not chosen:
            return []
        if np.ndim(scale) == 0 or np.shape(scale)[0] == 1:
            return [(scale, self.r[chosen])]
        return [(scale[chosen], self.r[chosen])]

    def add_reserve_headroom_constraints(self) -> None:
        """No MW twice: ``p + down <= Pmax`` and ``Pmax up + Pmin down <= (Pmax - Pmin) p``.

        Notes
        -----
        This is the exact projection of the on/off relaxation ``Pmin u <= p - up``,
        ``p + down <= Pmax u``, ``0 <= u <= 1`` onto (p, up, down): a u exists iff both rows hold.
        So reserve held at low power respects the minimum load, without per-scenario binaries.
        """
        u = self.units
        pmax = u.power_max_mw[:, None, None]
        pmin = u.power_min_mw[:, None, None]
        up = self._direction_terms("up", 1.0)
        down = self._direction_terms("down", 1.0)
        if down:
            self.program.add_constraints(
                "reserve_headroom_down",
                [(1.0, self.p), *down],
                upper=np.broadcast_to(pmax, self.p.shape),
                shape=self.p.shape,
                periods=self._periods(),
            )
        # divided by Pmax (unit coefficient on ``up``) so that cluster-sized units stay well scaled
        frac = pmin / pmax
        terms = [(-(1.0 - frac), self.p)]
        terms += self._direction_terms("up", 1.0) if up else []
        terms += (
            self._direction_terms("down", np.broadcast_to(frac, self.p.shape)[None]) if down else []
        )
        self.program.add_constraints(
            "reserve_headroom_up",
            terms,
            upper=0.0,
            shape=self.p.shape,
            periods=self._periods(),
        )

    def add_reserve_endurance_constraints(self) -> None:
        """Storage absorbs a full activation: ``E - COP sum_up tau r >= Emin``, ``E + COP sum_dn tau r <= Emax``."""
        u = self.units
        tau = np.array([pr.endurance_h for pr in self.problem.products])[:, None, None, None]
        scale = tau * u.cop[None]
        up = self._direction_terms("up", -scale)
        down = self._direction_terms("down", scale)
        if up:
            self.program.add_constraints(
                "reserve_endurance_up",
                [(1.0, self.e), *up],
                lower=np.broadcast_to(u.storage_min_mwh[:, None, None], self.e.shape),
                shape=self.e.shape,
                periods=self._periods(),
            )
        if down:
            self.program.add_constraints(
                "reserve_endurance_down",
                [(1.0, self.e), *down],
                upper=np.broadcast_to(u.storage_max_mwh[:, None, None], self.e.shape),
                shape=self.e.shape,
                periods=self._periods(),
            )

    def _build_scenario_terms(self) -> None:
        """Cost of each scenario as (component, coefficient, index) with scenarios on the last axis."""
        prob, u, g = self.problem, self.units, self.grid
        dt = prob.step_h
        lam = self.day_ahead_price
        imb = np.asarray(prob.scenarios.imbalance_price_eur_per_mwh, float)
        pen = prob.imbalance_penalty_eur_per_mwh
        terms = [
            ("day_ahead", (dt * lam * (1 - g.weight_upper)).T, self.x[g.lower].T),
            ("day_ahead", (dt * lam * g.weight_upper).T, self.x[g.upper].T),
            ("imbalance", (dt * imb).T, self.imb_pos.T),
            ("imbalance", (-dt * imb).T, self.imb_neg.T),
            (
                "backup",
                np.full(self.b.shape, dt * prob.pool.backup_heat_cost_eur_per_mwh).transpose(
                    0, 2, 1
                ),
                self.b.transpose(0, 2, 1),
            ),
        ]
        if pen > 0:
            terms += [
                ("imbalance_penalty", np.full(self.imb_pos.T.shape, dt * pen), self.imb_pos.T),
                ("imbalance_penalty", np.full(self.imb_neg.T.shape, dt * pen), self.imb_neg.T),
            ]
        if self.su.shape[2] > 0:
            terms.append(
                (
                    "start",
                    np.broadcast_to(
                        (u.start_cost_eur / u.power_max_mw)[:, None, None], self.su.shape
                    ).transpose(0, 2, 1),
                    self.su.transpose(0, 2, 1),
                )
            )
        for i, product in enumerate(prob.products):
            price = np.asarray(prob.scenarios.capacity_price_eur_per_mw_h[product.name], float)
            idx = np.broadcast_to(self.reserve[i][:, None], price.T.shape)
            terms.append(("reserve_revenue", -dt * price.T, idx))
        self.scenario_terms = [(name, np.asarray(c, float), np.asarray(i)) for name, c, i in terms]

    def set_objective(self) -> None:
        """``min (1-beta) sum_s pi_s c_s + beta (zeta + 1/(1-alpha) sum_s pi_s eta_s)``,
        ``eta_s >= c_s - zeta``, ``eta >= 0`` (Rockafellar–Uryasev CVaR of the scenario cost c_s).

        c_s = sum_t dt (lambda_DA P_DA + lambda_imb (imb+ - imb-) + c_B sum_h B) + start costs
        - sum_p sum_t dt lambda_cap R. With beta = 0 no CVaR rows are built.
        """
        self._build_scenario_terms()
        pi = self.probabilities
        beta, alpha = self.problem.risk.cvar_weight, self.problem.risk.cvar_alpha
        m = self.program
        if beta == 0:
            for _, coef, idx in self.scenario_terms:
                m.add_cost(idx, coef * pi)
            return
        n_s = len(pi)
        self.scenario_cost = m.add_variables("scenario_cost_eur", n_s, -np.inf, np.inf)
        self.var_level = m.add_variables("value_at_risk_eur", 1, -np.inf, np.inf)
        self.excess = m.add_variables("cvar_excess_eur", n_s, 0.0)
        m.add_constraints(
            "scenario_cost",
            [(1.0, self.scenario_cost)] + [(-coef, idx) for _, coef, idx in self.scenario_terms],
            lower=0.0,
            upper=0.0,
            shape=(n_s,),
        )
        m.add_constraints(
            "cvar_excess",
            [
                (1.0, self.excess),
                (-1.0, self.scenario_cost),
                (1.0, np.broadcast_to(self.var_level, (n_s,))),
            ],
            lower=0.0,
        )
        m.add_cost(self.scenario_cost, (1 - beta) * pi)
        m.add_cost(self.var_level, beta)
        m.add_cost(self.excess, beta * pi / (1 - alpha))

    # ------------------------------------------------------------------ solve
    def solve(
        self, time_limit_s: float | None = 60.0, method: str = "auto", backend: str = "ortools"
    ) -> lp.SolveResult:
        """Solve with HiGHS; ``auto`` = simplex below 50k variables (exact vertices), else IPM.
        ``backend="scipy"`` also returns the row duals (the curves' value steps use them)."""
        if method == "auto":
            method = "simplex" if self.program.n_variables < 50_000 else "ipm"
        self.result = lp.solve(
            self.program, method=method, time_limit_s=time_limit_s, backend=backend
        )
        return self.result

    def scenario_costs(self, values: np.ndarray) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Cost per scenario (S,) and per component (S,) from a solution vector."""
        n_s = len(self.probabilities)
        components: dict[str, np.ndarray] = {}
        for name, coef, idx in self.scenario_terms:
            contribution = (coef * values[idx]).reshape(-1, n_s).sum(axis=0)
            components[name] = components.get(name, np.zeros(n_s)) + contribution
        total = np.sum(list(components.values()), axis=0)
        return total, components


def cvar(costs: np.ndarray, probabilities: np.ndarray, alpha: float) -> float:
    """CVaR_alpha of a discrete cost distribution (mean of the worst 1-alpha probability mass)."""
    order = np.argsort(-costs)
    c, p = costs[order], probabilities[order]
    tail = 1.0 - alpha
    if tail <= 0:
        return float(c[0])
    taken = np.minimum(p, np.maximum(tail - np.concatenate([[0.0], np.cumsum(p)[:-1]]), 0.0))
    return float((taken * c).sum() / tail)


def check_problem_size(problem: BiddingProblem) -> None:
    """Reject problems whose shapes are inconsistent before building anything."""
    n = problem.scenarios.n_periods
    if n == 0:
        raise ValidationError("scenarios.index", "no periods")
