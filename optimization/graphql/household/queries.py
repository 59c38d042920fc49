from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import READ
from optimization.graphql.household.types import HouseholdScheduleType, SizingStudyType
from optimization.selectors.household import household_schedule_get, sizing_study_get


@strawberry.type
class Query:
    sizing_studies: DjangoListConnection[SizingStudyType] = strawberry_django.connection(
        extensions=[READ]
    )
    household_schedules: DjangoListConnection[HouseholdScheduleType] = strawberry_django.connection(
        extensions=[READ]
    )

    @strawberry.field(extensions=[READ])
    def sizing_study(self, info: Info, id: relay.GlobalID) -> SizingStudyType:
        return sizing_study_get(info.context.tenant, decode_id(id, "SizingStudy", "Sizing study"))

    @strawberry.field(extensions=[READ])
    def household_schedule(self, info: Info, id: relay.GlobalID) -> HouseholdScheduleType:
        return household_schedule_get(
            info.context.tenant, decode_id(id, "HouseholdSchedule", "Household schedule")
        )
