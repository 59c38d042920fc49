from __future__ import annotations

import dataclasses

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import WRITE
from optimization.graphql.household.inputs import HouseholdScheduleInput, SizingStudyInput
from optimization.graphql.household.types import HouseholdScheduleType, SizingStudyType
from optimization.selectors.household import household_schedule_get, sizing_study_get
from optimization.services import household as services

ID_TYPES = {
    "site_id": ("Site", "Site"),
    "temperature_series_id": ("Series", "Series"),
    "solar_irradiance_series_id": ("Series", "Series"),
    "price_series_id": ("Series", "Series"),
    "heat_demand_series_id": ("Series", "Series"),
}


def _arguments(input) -> dict:
    """Input fields as service keywords: ids decoded in order (site first), nested inputs as dicts."""
    arguments = {}
    for field in dataclasses.fields(input):
        value = getattr(input, field.name)
        if field.name in ID_TYPES and value is not None:
            value = decode_id(value, *ID_TYPES[field.name])
        elif dataclasses.is_dataclass(value):
            value = dataclasses.asdict(value)
        arguments[field.name] = value
    return arguments


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[WRITE])
    def sizing_study_request(self, info: Info, input: SizingStudyInput) -> SizingStudyType:
        """Validate and queue a sizing study; follow ``job`` for progress, then read results."""
        study = services.sizing_study_request(
            tenant=info.context.tenant, created_by=info.context.principal.user, **_arguments(input)
        )
        return sizing_study_get(info.context.tenant, study.pk)

    @strawberry.mutation(extensions=[WRITE])
    def household_schedule_request(
        self, info: Info, input: HouseholdScheduleInput
    ) -> HouseholdScheduleType:
        """Validate and queue a day-ahead schedule of the site's household assets."""
        schedule = services.household_schedule_request(
            tenant=info.context.tenant, created_by=info.context.principal.user, **_arguments(input)
        )
        return household_schedule_get(info.context.tenant, schedule.pk)
