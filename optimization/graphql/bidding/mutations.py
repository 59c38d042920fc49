from __future__ import annotations

import strawberry
from strawberry import relay

from ainergy.graphql.context import Info
from ainergy.graphql.crud import input_data
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import WRITE
from optimization.graphql.bidding.inputs import BidPlanInput, BidPlanResultsInput
from optimization.graphql.bidding.types import BidPlanType, PoolDispatchType
from optimization.selectors.bidding import bid_plan_get, pool_dispatch_get
from optimization.services import bidding as services
from optimization.services import bidding_lifecycle


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[WRITE])
    def bid_plan_request(self, info: Info, input: BidPlanInput) -> BidPlanType:
        """Validate and queue a bid plan (curves, reserve offers, expected schedule, risk)."""
        plan = services.bid_plan_request(
            tenant=info.context.tenant, created_by=info.context.principal.user, **input_data(input)
        )
        return bid_plan_get(info.context.tenant, plan.pk)

    @strawberry.mutation(extensions=[WRITE])
    def bid_plan_submit(self, info: Info, id: relay.GlobalID) -> BidPlanType:
        """Draft → submitted: checks that no heat pump is offered twice (across pools and
        products), marks the bids submitted and freezes the exchange file."""
        plan = bidding_lifecycle.bid_plan_submit(
            tenant=info.context.tenant,
            bid_plan_id=decode_id(id, "BidPlan", "Bid plan"),
            submitted_by=info.context.principal.user,
        )
        return bid_plan_get(info.context.tenant, plan.pk)

    @strawberry.mutation(extensions=[WRITE])
    def bid_plan_results_record(self, info: Info, input: BidPlanResultsInput) -> PoolDispatchType:
        """Record cleared volumes and accepted reserves; queues the pool's dispatch job."""
        dispatch = bidding_lifecycle.bid_plan_results_record(
            tenant=info.context.tenant, created_by=info.context.principal.user, **input_data(input)
        )
        return pool_dispatch_get(info.context.tenant, dispatch.pk)
