from __future__ import annotations

import strawberry


@strawberry.input
class MarketAccountInput:
    name: str
    bidding_zone: str
    balance_responsible_party_id: str = ""
    balancing_service_provider_id: str = ""
    enabled_product_codes: list[str] = strawberry.field(default_factory=list)
