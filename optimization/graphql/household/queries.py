from __future__ import annotations

from typing import Annotated

import strawberry
import strawberry_django

from ainergy.graphql.connection import Connection
from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import READ
from optimization.graphql.household.types import (
    ExchangeRate,
    GridCompanyType,
    HouseholdScheduleType,
    SizingStudyType,
)
from optimization.selectors.household import (
    grid_company_list,
    household_schedule_get,
    sizing_study_get,
)
from optimization.services.household_tariffs import bill_constants


@strawberry.type
class Query:
    sizing_studies: Connection[SizingStudyType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's household sizing studies, oldest first."
    )
    household_schedules: Connection[HouseholdScheduleType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's household schedules, oldest first."
    )

    @strawberry.field(extensions=[READ], description="One sizing study by id.")
    def sizing_study(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The study's id.")],
    ) -> SizingStudyType:
        return sizing_study_get(info.context.tenant, decode_id(id, "SizingStudy"))

    @strawberry.field(extensions=[READ], description="One household schedule by id.")
    def household_schedule(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The schedule's id.")],
    ) -> HouseholdScheduleType:
        return household_schedule_get(info.context.tenant, decode_id(id, "HouseholdSchedule"))

    @strawberry.field(
        extensions=[READ],
        description="Grid companies whose household tariffs are stored (public data), by code.",
    )
    def grid_companies(self) -> list[GridCompanyType]:
        return list(grid_company_list())

    @strawberry.field(
        extensions=[READ],
        description="The DKK/EUR rate household bills use: households see DKK, markets EUR.",
    )
    def exchange_rate(self) -> ExchangeRate:
        constants = bill_constants()
        return ExchangeRate(
            dkk_per_eur=float(constants["exchange_rate_dkk_per_eur"]),
            source=str(constants["exchange_rate_source"]),
        )
