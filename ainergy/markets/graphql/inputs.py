from __future__ import annotations

import strawberry

from ainergy.markets.graphql.enums import BiddingZoneEnum, MarketProductCodeEnum


@strawberry.input(description="A new market account.")
class MarketAccountInput:
    name: str = strawberry.field(description="Name, unique in the tenant.")
    bidding_zone: BiddingZoneEnum = strawberry.field(  # type: ignore[valid-type]
        description="Zone the account trades in."
    )
    balance_responsible_party_id: str | None = strawberry.field(
        default=None, description="Balance responsible party code at Energinet."
    )
    balancing_service_provider_id: str | None = strawberry.field(
        default=None, description="Balancing service provider code at Energinet."
    )
    enabled_product_codes: list[MarketProductCodeEnum] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list, description="Products the account may bid into."
    )
