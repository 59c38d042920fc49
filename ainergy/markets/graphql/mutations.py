from __future__ import annotations

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.permissions import WRITE
from ainergy.markets import services
from ainergy.markets.graphql.inputs import MarketAccountInput
from ainergy.markets.graphql.types import MarketAccountType


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[WRITE])
    def market_account_create(self, info: Info, input: MarketAccountInput) -> MarketAccountType:
        return services.market_account_create(
            tenant=info.context.tenant, **strawberry.asdict(input)
        )
