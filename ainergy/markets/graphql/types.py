from __future__ import annotations

import strawberry_django
from strawberry import auto, relay

from ainergy.graphql.context import scope_to_tenant
from ainergy.markets import models


@strawberry_django.type(models.BiddingZone, name="BiddingZone")
class BiddingZoneType:
    code: auto
    name: auto
    synchronous_area: auto


@strawberry_django.type(models.MarketProduct, name="MarketProduct")
class MarketProductType:
    code: auto
    name: auto
    direction: auto
    is_capacity_product: auto
    mtu_minutes: auto
    block_hours: auto
    gate_closure_local_time: auto
    gate_closure_days_before: auto
    minimum_bid_mw: auto
    lot_size_mw: auto
    price_floor_eur_per_mwh: auto
    price_cap_eur_per_mwh: auto
    price_tick_eur: auto
    full_activation_time_min: auto
    endurance_min: auto
    pricing: auto
    uncertain_fields: list[str]
    source: auto
    zones: list[BiddingZoneType]


@strawberry_django.type(models.MarketAccount, name="MarketAccount")
class MarketAccountType(relay.Node):
    name: auto
    bidding_zone: BiddingZoneType
    balance_responsible_party_id: auto
    balancing_service_provider_id: auto
    enabled_products: list[MarketProductType]
    created_at: auto

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.MarketResult, name="MarketResult")
class MarketResultType(relay.Node):
    accepted_volume_mw: auto
    clearing_price_eur_per_mwh: auto
    capacity_price_eur_per_mw_h: auto
    received_at: auto

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.Bid, name="Bid")
class BidType(relay.Node):
    market_account: MarketAccountType
    product: MarketProductType
    delivery_start_at: auto
    delivery_end_at: auto
    curve: list[list[float]]
    capacity_mw: auto
    capacity_price_eur_per_mw_h: auto
    status: auto
    created_at: auto
    results: list[MarketResultType]

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)
