from __future__ import annotations

import strawberry
import strawberry_django

from ainergy.graphql.connection import Connection
from ainergy.graphql.permissions import READ
from ainergy.markets.graphql.types import (
    BiddingZoneDetailsType,
    BidType,
    MarketAccountType,
    MarketProductType,
)
from ainergy.markets.models import BiddingZone, MarketProduct


@strawberry.type
class Query:
    @strawberry_django.field(extensions=[READ], description="The bidding zones and their areas.")
    def bidding_zones(self) -> list[BiddingZoneDetailsType]:
        return BiddingZone.objects.all()

    @strawberry_django.field(
        extensions=[READ], description="Every market product and its rules (public data)."
    )
    def market_products(self) -> list[MarketProductType]:
        return MarketProduct.objects.prefetch_related("zones")

    market_accounts: Connection[MarketAccountType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's market accounts."
    )
    bids: Connection[BidType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's bids, oldest first."
    )
