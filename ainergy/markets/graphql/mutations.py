from __future__ import annotations

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.crud import input_data
from ainergy.graphql.permissions import WRITE
from ainergy.markets import services
from ainergy.markets.graphql.inputs import MarketAccountInput
from ainergy.markets.graphql.types import MarketAccountType


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[WRITE], description="Create a market account.")
    def market_account_create(
        self,
        info: Info,
        input: MarketAccountInput,
    ) -> MarketAccountType:
        return services.market_account_create(tenant=info.context.tenant, **input_data(input))
