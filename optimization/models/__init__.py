"""Models of the optimization app, one module per part (household, bidding, ...)."""

from optimization.models.bidding import *  # noqa: F403  (BidPlan, PoolDispatch, ...)
from optimization.models.household import (
    HouseholdSchedule,
    HouseholdSchedulePeriod,
    SizingStudy,
)
from optimization.models.tariffs import GridCompany, GridTariffPrice

__all__ = [
    "GridCompany",
    "GridTariffPrice",
    "HouseholdSchedule",
    "HouseholdSchedulePeriod",
    "SizingStudy",
]
