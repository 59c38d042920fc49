from __future__ import annotations

import strawberry

from ainergy.assets.graphql.types import SiteType
from ainergy.graphql.context import Info
from ainergy.graphql.crud import input_data
from ainergy.graphql.permissions import WRITE
from optimization.graphql.household.inputs import (
    HouseholdScheduleInput,
    SiteGridCompanyInput,
    SizingStudyInput,
)
from optimization.graphql.household.types import HouseholdScheduleType, SizingStudyType
from optimization.selectors.household import household_schedule_get, sizing_study_get
from optimization.services import household as services
from optimization.services.household_tariffs import site_grid_company_set


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=[WRITE],
        description="Validate and queue a sizing study; follow ``job`` for progress, then read results.",
    )
    def sizing_study_request(self, info: Info, input: SizingStudyInput) -> SizingStudyType:
        study = services.sizing_study_request(
            tenant=info.context.tenant, created_by=info.context.principal.user, **input_data(input)
        )
        return sizing_study_get(info.context.tenant, study.pk)

    @strawberry.mutation(
        extensions=[WRITE],
        description="Validate and queue a day-ahead schedule of the site's household assets.",
    )
    def household_schedule_request(
        self, info: Info, input: HouseholdScheduleInput
    ) -> HouseholdScheduleType:
        schedule = services.household_schedule_request(
            tenant=info.context.tenant, created_by=info.context.principal.user, **input_data(input)
        )
        return household_schedule_get(info.context.tenant, schedule.pk)

    @strawberry.mutation(
        extensions=[WRITE],
        description="Name the grid company of a site; its household schedules and sizing "
        "studies are then billed with that company's stored tariffs.",
    )
    def household_site_grid_company_set(self, info: Info, input: SiteGridCompanyInput) -> SiteType:
        return site_grid_company_set(tenant=info.context.tenant, **input_data(input))
