from __future__ import annotations

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from ainergy.graphql.permissions import READ
from ainergy.markets.graphql.types import (
    BiddingZoneType,
    BidType,
    MarketAccountType,
    MarketProductType,
)
from ainergy.markets.models import BiddingZone, MarketProduct


@strawberry.type
class Query:
    @strawberry_django.field(extensions=[READ])
    def bidding_zones(self) -> list[BiddingZoneType]:
        return BiddingZone.objects.all()

    @strawberry_django.field(extensions=[READ])
    def market_products(self) -> list[MarketProductType]:
        return MarketProduct.objects.prefetch_related("zones")

    market_accounts: DjangoListConnection[MarketAccountType] = strawberry_django.connection(
        extensions=[READ]
    )
    bids: DjangoListConnection[BidType] = strawberry_django.connection(extensions=[READ])
