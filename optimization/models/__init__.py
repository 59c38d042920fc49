"""Models of the optimization app, one module per part (household, bidding, ...)."""

from optimization.models.bidding import *  # noqa: F403  (BidPlan, PoolDispatch, ...)
from optimization.models.household import (
    HouseholdSchedule,
    HouseholdSchedulePeriod,
    SizingStudy,
)

__all__ = ["HouseholdSchedule", "HouseholdSchedulePeriod", "SizingStudy"]
