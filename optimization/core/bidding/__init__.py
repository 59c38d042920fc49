"""Stochastic pool bidding core (pure Python; no Django/Celery).

Public API::

    from optimization.core.bidding import solve_bidding, dispatch_pool
    bid = solve_bidding(BiddingProblem(...))        # -> BidResult (curves, offers, schedule)
    plan = dispatch_pool(DispatchProblem(...))      # -> DispatchResult (setpoints per unit)
"""

from optimization.core.bidding.dispatch import DispatchProblem, DispatchResult, dispatch_pool
from optimization.core.bidding.engine import solve_bidding
from optimization.core.bidding.problem import (
    DEFAULT_PRODUCTS,
    BiddingProblem,
    DayAheadRules,
    HeatPump,
    Pool,
    ReserveProductRules,
    RiskConfig,
    Scenarios,
    UncertaintyMargin,
    product_rules,
)
from optimization.core.bidding.result import BidResult, PurchaseCurve, ReserveOffer

__all__ = [
    "DEFAULT_PRODUCTS",
    "BidResult",
    "BiddingProblem",
    "DayAheadRules",
    "DispatchProblem",
    "DispatchResult",
    "HeatPump",
    "Pool",
    "PurchaseCurve",
    "UncertaintyMargin",
    "ReserveOffer",
    "ReserveProductRules",
    "RiskConfig",
    "Scenarios",
    "dispatch_pool",
    "product_rules",
    "solve_bidding",
]
