"""Models of the optimization app, one module per part (household, bidding, ...)."""

from optimization.models.household import (
    HouseholdSchedule,
    HouseholdSchedulePeriod,
    SizingStudy,
)

__all__ = ["HouseholdSchedule", "HouseholdSchedulePeriod", "SizingStudy"]
