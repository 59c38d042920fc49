"""Inputs of the bidding core: pool, market rules, scenarios (frozen dataclasses, numpy arrays).

Market-rule values tagged [U] in DOMAIN.md (FCR block length and endurance, minimum bids, curve
point limit, ...) live in :class:`ReserveProductRules` / :class:`DayAheadRules` instances, never
as constants inside the model. :data:`DEFAULT_PRODUCTS` holds today's best guesses; a market
account or case file overrides any field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ

KELVIN = 273.15


@dataclass(frozen=True)
class HeatPump:
    """One large heat pump with its own thermal storage share and backup boiler.

    Powers are electrical [MW], heat is thermal [MW_th], storage energy [MWh_th].
    COP = carnot_quality_grade * T_sink / (T_sink - T_source) [K], clipped to [1, cop_max], with
    T_source = scenario source temperature + ``source_temperature_offset_c``.
    """

    heat_pump_id: str
    power_max_mw: float
    min_load_fraction: float = 0.0
    ramp_mw_per_h: float = math.inf
    start_cost_eur: float = 0.0
    carnot_quality_grade: float = 0.5
    sink_temperature_c: float = 70.0
    source_temperature_offset_c: float = 0.0
    cop_max: float = 8.0
    storage_capacity_mwh: float = 0.0
    storage_min_soc_fraction: float = 0.0
    storage_max_soc_fraction: float = 1.0
    storage_initial_soc_fraction: float = 0.5
    storage_loss_fraction_per_h: float = 0.0
    backup_heat_max_mw: float = math.inf
    heat_demand_share: float | None = None

    def validate(self, field_prefix: str) -> None:
        def bad(name: str, reason: str) -> ValidationError:
            return ValidationError(f"{field_prefix}.{name}", reason)

        if not (self.power_max_mw > 0 and math.isfinite(self.power_max_mw)):
            raise bad("power_max_mw", "must be a positive finite number")
        if not 0 <= self.min_load_fraction < 1:
            raise bad("min_load_fraction", "must be in [0, 1)")
        if not self.ramp_mw_per_h > 0:
            raise bad("ramp_mw_per_h", "must be positive")
        if self.start_cost_eur < 0:
            raise bad("start_cost_eur", "must be >= 0")
        if not 0 < self.carnot_quality_grade <= 1:
            raise bad("carnot_quality_grade", "must be in (0, 1]")
        if not self.cop_max >= 1:
            raise bad("cop_max", "must be >= 1")
        if self.storage_capacity_mwh < 0:
            raise bad("storage_capacity_mwh", "must be >= 0")
        lo, hi = self.storage_min_soc_fraction, self.storage_max_soc_fraction
        if not 0 <= lo <= hi <= 1:
            raise bad("storage_min_soc_fraction", "need 0 <= min <= max <= 1")
        if not lo <= self.storage_initial_soc_fraction <= hi:
            raise bad("storage_initial_soc_fraction", "must lie between the min and max SoC")
        if not 0 <= self.storage_loss_fraction_per_h < 1:
            raise bad("storage_loss_fraction_per_h", "must be in [0, 1)")
        if self.backup_heat_max_mw < 0:
            raise bad("backup_heat_max_mw", "must be >= 0")
        if self.heat_demand_share is not None and self.heat_demand_share < 0:
            raise bad("heat_demand_share", "must be >= 0")


@dataclass(frozen=True)
class Pool:
    """Heat pumps bid together in one bidding zone; backup heat is priced per MWh_th."""

    pool_id: str
    heat_pumps: tuple[HeatPump, ...]
    backup_heat_cost_eur_per_mwh: float = 120.0
    price_area: str = "DK1"

    def validate(self) -> None:
        if not self.heat_pumps:
            raise ValidationError("pool.heat_pumps", "at least one heat pump is required")
        ids = [hp.heat_pump_id for hp in self.heat_pumps]
        if len(set(ids)) != len(ids):
            raise ValidationError("pool.heat_pumps", "heat_pump_id values must be unique")
        for i, hp in enumerate(self.heat_pumps):
            hp.validate(f"pool.heat_pumps[{i}]")
        if self.backup_heat_cost_eur_per_mwh < 0:
            raise ValidationError("pool.backup_heat_cost_eur_per_mwh", "must be >= 0")

    def heat_demand_shares(self) -> np.ndarray:
        """Share of pool heat demand served by each unit (default: proportional to power_max_mw)."""
        given = [hp.heat_demand_share for hp in self.heat_pumps]
        if all(s is None for s in given):
            raw = np.array([hp.power_max_mw for hp in self.heat_pumps])
        else:
            raw = np.array([0.0 if s is None else s for s in given])
        if raw.sum() <= 0:
            raise ValidationError("pool.heat_pumps.heat_demand_share", "shares sum to zero")
        return raw / raw.sum()


@dataclass(frozen=True)
class ReserveProductRules:
    """Rules of one reserve capacity product (values marked [U] in DOMAIN.md are defaults only).

    ``direction``: ``"up"`` (consumer lowers its power), ``"down"`` (raises it) or ``"symmetric"``
    (one capacity sold both ways). ``block_hours``: offers are constant over local-clock blocks of
    this length (DK1 FCR: 4). ``endurance_h``: storage must absorb a full activation this long.
    ``full_activation_time_min``: a unit can hold at most ``ramp_mw_per_h * FAT/60`` of it.
    """

    name: str
    direction: str
    block_hours: int = 1
    endurance_h: float = 1.0
    min_bid_mw: float = 1.0
    lot_mw: float = 0.1
    full_activation_time_min: float = 15.0

    def validate(self, field_prefix: str = "products") -> None:
        if self.direction not in ("up", "down", "symmetric"):
            raise ValidationError(
                f"{field_prefix}.{self.name}.direction", "must be up, down or symmetric"
            )
        if self.block_hours not in (1, 2, 3, 4, 6, 8, 12, 24):
            raise ValidationError(f"{field_prefix}.{self.name}.block_hours", "must divide 24")
        for name in ("endurance_h", "full_activation_time_min"):
            if getattr(self, name) < 0:
                raise ValidationError(f"{field_prefix}.{self.name}.{name}", "must be >= 0")
        if self.lot_mw <= 0 or self.min_bid_mw < 0:
            raise ValidationError(
                f"{field_prefix}.{self.name}.lot_mw", "lot must be > 0, minimum bid >= 0"
            )

    @property
    def provides_up(self) -> bool:
        return self.direction in ("up", "symmetric")

    @property
    def provides_down(self) -> bool:
        return self.direction in ("down", "symmetric")


#: Defaults from DOMAIN.md §1.3; every [U] value is overridable per market account / case file.
DEFAULT_PRODUCTS: dict[str, ReserveProductRules] = {
    "fcr": ReserveProductRules("fcr", "symmetric", block_hours=4, endurance_h=0.25,
                               min_bid_mw=1.0, full_activation_time_min=0.5),
    "fcr_n": ReserveProductRules("fcr_n", "symmetric", endurance_h=1.0, min_bid_mw=0.1,
                                 full_activation_time_min=3.0),
    "fcr_d_up": ReserveProductRules("fcr_d_up", "up", endurance_h=0.33, min_bid_mw=0.1,
                                    full_activation_time_min=0.5),
    "fcr_d_down": ReserveProductRules("fcr_d_down", "down", endurance_h=0.33, min_bid_mw=0.1,
                                      full_activation_time_min=0.5),
    "afrr_up": ReserveProductRules("afrr_up", "up", endurance_h=1.0, min_bid_mw=1.0,
                                   full_activation_time_min=5.0),
    "afrr_down": ReserveProductRules("afrr_down", "down", endurance_h=1.0, min_bid_mw=1.0,
                                     full_activation_time_min=5.0),
    "mfrr_up": ReserveProductRules("mfrr_up", "up", endurance_h=1.0, min_bid_mw=1.0,
                                   full_activation_time_min=12.5),
}  # fmt: skip


def product_rules(name: str, **overrides: object) -> ReserveProductRules:
    """Default rules of product ``name`` with ``overrides`` applied."""
    if name not in DEFAULT_PRODUCTS:
        raise ValidationError(
            "products", f"unknown product {name!r}; known: {sorted(DEFAULT_PRODUCTS)}"
        )
    rules = replace(DEFAULT_PRODUCTS[name], **overrides)  # type: ignore[arg-type]
    rules.validate()
    return rules


@dataclass(frozen=True)
class DayAheadRules:
    """Nord Pool curve-order rules (DOMAIN.md §1.1). The point limit is [U]."""

    price_floor_eur_per_mwh: float = -500.0
    price_cap_eur_per_mwh: float = 4000.0
    lot_mw: float = 0.1
    tick_eur_per_mwh: float = 0.01
    max_curve_points: int = 64

    def validate(self) -> None:
        if not self.price_floor_eur_per_mwh < self.price_cap_eur_per_mwh:
            raise ValidationError("day_ahead.price_floor_eur_per_mwh", "must be below the cap")
        if self.lot_mw <= 0 or self.tick_eur_per_mwh <= 0:
            raise ValidationError("day_ahead.lot_mw", "lot and tick must be positive")
        if self.max_curve_points < 4:
            raise ValidationError("day_ahead.max_curve_points", "must be >= 4")


@dataclass(frozen=True)
class RiskConfig:
    """Objective = (1 - cvar_weight) * E[cost] + cvar_weight * CVaR_alpha[cost]."""

    cvar_weight: float = 0.0
    cvar_alpha: float = 0.95

    def validate(self) -> None:
        if not 0 <= self.cvar_weight <= 1:
            raise ValidationError("risk.cvar_weight", "must be in [0, 1]")
        if not 0 <= self.cvar_alpha < 1:
            raise ValidationError("risk.cvar_alpha", "must be in [0, 1)")


@dataclass(frozen=True)
class UncertaintyMargin:
    """How far beyond the scenarios reserves and curves must stay deliverable.

    The reserve certificate then covers *every* heat-demand and source-temperature path inside
    a box per MTU, and (``robust_curves``) every scenario's cleared day-ahead path must fit the
    storage even at the box's lowest heat demand (family ``curve_overflow``). The box: heat in ``[min_s D - w, max_s D + w]`` with
    ``w = heat_sigma * std_s(D) + heat_fraction * mean_s(D)``, source temperature in
    ``[min_s T - v, max_s T + v]`` with ``v = temperature_sigma * std_s(T) + temperature_c``
    (probability-weighted moments). All zero: the scenario envelope itself (already stronger
    than scenario by scenario: it also covers paths that mix scenarios).
    """

    heat_sigma: float = 0.0
    heat_fraction: float = 0.0
    temperature_sigma: float = 0.0
    temperature_c: float = 0.0
    robust_curves: bool = True
    #: the curves' box: scenario envelope widened by this many standard deviations (heat and
    #: temperature); kept apart from the reserves' because a curve that over-buys costs a
    #: deviation while one that under-buys costs backup heat in every ordinary day
    curve_sigma: float = 0.0

    def validate(self) -> None:
        for name in (
            "heat_sigma",
            "heat_fraction",
            "temperature_sigma",
            "temperature_c",
            "curve_sigma",
        ):
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValidationError(f"uncertainty_margin.{name}", "must be a number >= 0")


@dataclass(frozen=True)
class Scenarios:
    """Second-stage scenarios of one delivery day: arrays are (S, T) over ``index`` (UTC)."""

    index: pd.DatetimeIndex
    probabilities: np.ndarray
    day_ahead_price_eur_per_mwh: np.ndarray
    imbalance_price_eur_per_mwh: np.ndarray
    heat_demand_mw: np.ndarray
    source_temperature_c: np.ndarray
    capacity_price_eur_per_mw_h: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def n_scenarios(self) -> int:
        return len(self.probabilities)

    @property
    def n_periods(self) -> int:
        return len(self.index)

    def validate(self, products: tuple[ReserveProductRules, ...]) -> None:
        if not isinstance(self.index, pd.DatetimeIndex) or self.index.tz is None:
            raise ValidationError("scenarios.index", "must be a tz-aware DatetimeIndex (UTC)")
        probabilities = np.asarray(self.probabilities, float)
        if probabilities.ndim != 1 or len(probabilities) == 0:
            raise ValidationError("scenarios.probabilities", "must be a non-empty 1-d array")
        if (probabilities < 0).any() or abs(probabilities.sum() - 1) > 1e-6:
            raise ValidationError("scenarios.probabilities", "must be >= 0 and sum to 1")
        shape = (len(probabilities), len(self.index))
        arrays = {
            "day_ahead_price_eur_per_mwh": self.day_ahead_price_eur_per_mwh,
            "imbalance_price_eur_per_mwh": self.imbalance_price_eur_per_mwh,
            "heat_demand_mw": self.heat_demand_mw,
            "source_temperature_c": self.source_temperature_c,
        }
        for product in products:
            if product.name not in self.capacity_price_eur_per_mw_h:
                raise ValidationError(
                    f"scenarios.capacity_price_eur_per_mw_h.{product.name}", "missing"
                )
            arrays[f"capacity_price_eur_per_mw_h.{product.name}"] = (
                self.capacity_price_eur_per_mw_h[product.name]
            )
        for name, values in arrays.items():
            values = np.asarray(values, float)
            if values.shape != shape:
                raise ValidationError(
                    f"scenarios.{name}", f"expected shape {shape}, got {values.shape}"
                )
            if not np.isfinite(values).all():
                raise ValidationError(f"scenarios.{name}", "contains NaN or infinite values")
        if (np.asarray(self.heat_demand_mw) < 0).any():
            raise ValidationError("scenarios.heat_demand_mw", "must be >= 0")


@dataclass(frozen=True)
class BiddingProblem:
    """One pool, one bidding zone, one delivery day (``scenarios.index`` = its MTUs)."""

    pool: Pool
    scenarios: Scenarios
    mtu_minutes: int = 60
    products: tuple[ReserveProductRules, ...] = ()
    day_ahead: DayAheadRules = DayAheadRules()
    risk: RiskConfig = RiskConfig()
    imbalance_penalty_eur_per_mwh: float = 0.0
    #: ``None``: reserves certified scenario by scenario, curves unguarded; else the box
    uncertainty_margin: UncertaintyMargin | None = None

    def validate(self) -> None:
        if self.mtu_minutes not in (15, 30, 60):
            raise ValidationError("mtu_minutes", "must be 15, 30 or 60")
        self.pool.validate()
        self.day_ahead.validate()
        self.risk.validate()
        names = [p.name for p in self.products]
        if len(set(names)) != len(names):
            raise ValidationError("products", "each product may appear once")
        for product in self.products:
            product.validate()
        self.scenarios.validate(self.products)
        steps = (self.scenarios.index[1:] - self.scenarios.index[:-1]) / pd.Timedelta(minutes=1)
        if len(steps) and not np.all(np.asarray(steps) == self.mtu_minutes):
            raise ValidationError("scenarios.index", f"must be regular at {self.mtu_minutes} min")
        if self.imbalance_penalty_eur_per_mwh < 0:
            raise ValidationError("imbalance_penalty_eur_per_mwh", "must be >= 0")
        if self.uncertainty_margin is not None:
            self.uncertainty_margin.validate()

    @property
    def step_h(self) -> float:
        return self.mtu_minutes / 60.0


def block_ids(index: pd.DatetimeIndex, block_hours: int) -> np.ndarray:
    """Block number of every period: local-clock blocks of ``block_hours`` (FCR 00-04, 04-08...).

    On DST days the first block of the day has 3 (spring) or 5 (autumn) clock hours, as the
    local-time products have.
    """
    local = index.tz_convert(LOCAL_TZ)
    keys = pd.Series(list(zip(local.date, local.hour // block_hours, strict=True)))
    codes, _ = pd.factorize(keys)
    return np.asarray(codes, int)
