from __future__ import annotations

import dataclasses

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import WRITE
from optimization.graphql.bidding.inputs import BidPlanInput, BidPlanResultsInput
from optimization.graphql.bidding.types import BidPlanType, PoolDispatchType
from optimization.selectors.bidding import bid_plan_get, pool_dispatch_get
from optimization.services import bidding as services

ID_TYPES = {
    "pool_id": ("Pool", "Pool"),
    "bid_plan_id": ("BidPlan", "Bid plan"),
    "price_series_id": ("Series", "Series"),
    "heat_demand_series_id": ("Series", "Series"),
}


def _arguments(input) -> dict:
    """Input fields as service keywords: ids decoded in order (pool / plan first)."""
    arguments = {}
    for field in dataclasses.fields(input):
        value = getattr(input, field.name)
        if field.name in ID_TYPES and value is not None:
            value = decode_id(value, *ID_TYPES[field.name])
        elif isinstance(value, list):
            value = [dataclasses.asdict(v) if dataclasses.is_dataclass(v) else v for v in value]
        arguments[field.name] = value
    return arguments


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[WRITE])
    def bid_plan_request(self, info: Info, input: BidPlanInput) -> BidPlanType:
        """Validate and queue a bid plan (curves, reserve offers, expected schedule, risk)."""
        plan = services.bid_plan_request(
            tenant=info.context.tenant, created_by=info.context.principal.user, **_arguments(input)
        )
        return bid_plan_get(info.context.tenant, plan.pk)

    @strawberry.mutation(extensions=[WRITE])
    def bid_plan_results_record(self, info: Info, input: BidPlanResultsInput) -> PoolDispatchType:
        """Record cleared volumes and accepted reserves; queues the pool's dispatch job."""
        dispatch = services.bid_plan_results_record(
            tenant=info.context.tenant, created_by=info.context.principal.user, **_arguments(input)
        )
        return pool_dispatch_get(info.context.tenant, dispatch.pk)
