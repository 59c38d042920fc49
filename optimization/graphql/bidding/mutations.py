from __future__ import annotations

from typing import Annotated

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.crud import input_data
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import WRITE
from optimization.graphql.bidding.inputs import BidPlanInput, BidPlanResultsInput
from optimization.graphql.bidding.types import BidPlanType, PoolDispatchType
from optimization.selectors.bidding import bid_plan_get, pool_dispatch_get
from optimization.services import bidding as services
from optimization.services import bidding_lifecycle


def _arg(description: str):
    return strawberry.argument(description=description)


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=[WRITE],
        description="Validate and queue a bid plan (curves, reserve offers, expected schedule, "
        "risk); follow `job` until SUCCEEDED.",
    )
    def bid_plan_request(
        self, info: Info, input: Annotated[BidPlanInput, _arg("Pool, day and options.")]
    ) -> BidPlanType:
        plan = services.bid_plan_request(
            tenant=info.context.tenant, created_by=info.context.principal.user, **input_data(input)
        )
        return bid_plan_get(info.context.tenant, plan.pk)

    @strawberry.mutation(
        extensions=[WRITE],
        description="DRAFT → SUBMITTED: checks that no heat pump is offered twice (across pools "
        "and products), marks the bids submitted and freezes the exchange file.",
    )
    def bid_plan_submit(
        self, info: Info, id: Annotated[strawberry.ID, _arg("The bid plan.")]
    ) -> BidPlanType:
        plan = bidding_lifecycle.bid_plan_submit(
            tenant=info.context.tenant,
            bid_plan_id=decode_id(id, "BidPlan"),
            submitted_by=info.context.principal.user,
        )
        return bid_plan_get(info.context.tenant, plan.pk)

    @strawberry.mutation(
        extensions=[WRITE],
        description="Record cleared volumes and accepted reserves (a new results version); "
        "queues the pool's dispatch job.",
    )
    def bid_plan_results_record(
        self, info: Info, input: Annotated[BidPlanResultsInput, _arg("What cleared.")]
    ) -> PoolDispatchType:
        dispatch = bidding_lifecycle.bid_plan_results_record(
            tenant=info.context.tenant, created_by=info.context.principal.user, **input_data(input)
        )
        return pool_dispatch_get(info.context.tenant, dispatch.pk)
