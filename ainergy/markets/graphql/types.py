from __future__ import annotations

import datetime as dt

import strawberry
import strawberry_django
from django.db.models import Q
from strawberry import auto, relay

from ainergy.common.ids import decode_id
from ainergy.graphql.context import scope_to_tenant
from ainergy.graphql.vocabulary import describe
from ainergy.markets import models
from ainergy.markets.graphql.enums import (
    BiddingZoneEnum,
    BidStatusEnum,
    MarketPricingEnum,
    MarketProductCodeEnum,
    MarketProductDirectionEnum,
)


def zone_field(path: str = "bidding_zone", description: str = "Bidding zone."):
    """A ``BiddingZone`` enum read from a foreign key to the zone table (joined, no N+1)."""

    def resolve(root) -> BiddingZoneEnum:  # type: ignore[valid-type]
        return BiddingZoneEnum(getattr(root, path).code)

    return strawberry_django.field(
        resolver=resolve,
        only=[f"{path}__code"],
        select_related=[path],
        description=description,
    )


@strawberry_django.type(
    models.BiddingZone,
    name="BiddingZoneDetails",
    description="A bidding zone's name and synchronous area.",
)
class BiddingZoneDetailsType:
    name: auto = strawberry_django.field(description="Name, e.g. West Denmark.")
    synchronous_area: auto = strawberry_django.field(
        description="Synchronous area: Continental Europe (DK1) or Nordic (DK2)."
    )

    @strawberry_django.field(only=["code"], description="The zone.")
    def zone(self, root: models.BiddingZone) -> BiddingZoneEnum:  # type: ignore[valid-type]
        return BiddingZoneEnum(root.code)


@strawberry_django.type(
    models.MarketProduct,
    name="MarketProduct",
    description="A market product and its rules, as data (public).",
)
class MarketProductType:
    name: auto = strawberry_django.field(description="Human-readable name.")
    direction: MarketProductDirectionEnum = strawberry_django.field(  # type: ignore[valid-type]
        description="Energy, or reserve direction."
    )
    is_capacity_product: auto = strawberry_django.field(
        description="True for reserve capacity products (paid per MW and hour held)."
    )
    mtu_minutes: auto = strawberry_django.field(description="Market time unit [min].")
    block_hours: auto = strawberry_django.field(description="Product block length [h].")
    gate_closure_local_time: auto = strawberry_django.field(
        description="Gate closure on the Europe/Copenhagen clock."
    )
    gate_closure_days_before: auto = strawberry_django.field(
        description="Gate closure this many days before the delivery day [d]."
    )
    minimum_bid_mw: auto = strawberry_django.field(description="Smallest bid [MW].")
    lot_size_mw: auto = strawberry_django.field(description="Bid volume step [MW].")
    price_floor_eur_per_mwh: auto = strawberry_django.field(
        description="Lowest allowed price [EUR/MWh]; null if none."
    )
    price_cap_eur_per_mwh: auto = strawberry_django.field(
        description="Highest allowed price [EUR/MWh]; null if none."
    )
    price_tick_eur: auto = strawberry_django.field(description="Price step [EUR].")
    full_activation_time_min: auto = strawberry_django.field(
        description="Time to full activation [min]; null for energy products."
    )
    endurance_min: auto = strawberry_django.field(
        description="Energy reservoir needed to sustain full activation [min]; null if none."
    )
    pricing: MarketPricingEnum = strawberry_django.field(  # type: ignore[valid-type]
        description="How accepted bids are paid."
    )
    uncertain_fields: list[str] = strawberry_django.field(
        description="Names of rules that are uncertain in the domain notes: recheck them."
    )
    source: auto = strawberry_django.field(description="Where the rules come from.")

    @strawberry_django.field(only=["code"], description="The product.")
    def code(self, root: models.MarketProduct) -> MarketProductCodeEnum:  # type: ignore[valid-type]
        return MarketProductCodeEnum(root.code)

    @strawberry_django.field(
        prefetch_related=["zones"], description="Bidding zones where the product is traded."
    )
    def zones(self, root: models.MarketProduct) -> list[BiddingZoneEnum]:  # type: ignore[valid-type]
        return [BiddingZoneEnum(zone.code) for zone in root.zones.all()]


@strawberry_django.type(
    models.MarketAccount,
    name="MarketAccount",
    description="A tenant's access to one bidding zone's markets (BRP and BSP identities).",
)
class MarketAccountType(relay.Node):
    name: auto = strawberry_django.field(description="Name, unique in the tenant.")
    bidding_zone = zone_field(description="Zone the account trades in.")

    @strawberry_django.field(
        only=["balance_responsible_party_id"],
        description="Balance responsible party code at Energinet; null if not set.",
    )
    def balance_responsible_party_id(self, root: models.MarketAccount) -> str | None:
        return root.balance_responsible_party_id or None

    @strawberry_django.field(
        only=["balancing_service_provider_id"],
        description="Balancing service provider code at Energinet; null if not set.",
    )
    def balancing_service_provider_id(self, root: models.MarketAccount) -> str | None:
        return root.balancing_service_provider_id or None

    enabled_products: list[MarketProductType] = strawberry_django.field(
        description="Products the account may bid into."
    )
    created_at: auto = strawberry_django.field(description="When it was created (UTC).")

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(
    models.MarketResult,
    name="MarketResult",
    description="What cleared for a bid: accepted volume and prices, as recorded.",
)
class MarketResultType(relay.Node):
    accepted_volume_mw: auto = strawberry_django.field(
        description="Accepted volume [MW]: energy bought (day-ahead) or capacity held (reserve)."
    )
    clearing_price_eur_per_mwh: auto = strawberry_django.field(
        description="Energy clearing price [EUR/MWh]; null for capacity products."
    )
    capacity_price_eur_per_mw_h: auto = strawberry_django.field(
        description="Capacity price [EUR/(MW·h)]; null for energy products."
    )
    received_at: auto = strawberry_django.field(description="When it was recorded (UTC).")

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry.type(description="One point of a price-quantity curve.")
class CurvePoint:
    price_eur_per_mwh: float = strawberry.field(description="Price [EUR/MWh].")
    volume_mw: float = strawberry.field(
        description="Volume bought at this price [MW] (purchases positive)."
    )


@strawberry_django.filter_type(models.Bid, lookups=False)
class BidFilter:
    """Narrow the bids; all given conditions must hold."""

    status: BidStatusEnum | None = strawberry_django.filter_field(  # type: ignore[valid-type]
        description="Only bids in this status."
    )

    @strawberry_django.filter_field(description="Only bids of this product.")
    def product_code(self, value: MarketProductCodeEnum, prefix: str) -> Q:  # type: ignore[valid-type]
        return Q(**{f"{prefix}product__code": value.value})

    @strawberry_django.filter_field(description="Only bids of this bid plan.")
    def bid_plan_id(self, value: strawberry.ID, prefix: str) -> Q:
        from optimization.models import BidPlan

        pk = decode_id(value, "BidPlan", "filters.bid_plan_id")
        plan_bids = BidPlan.bids.through.objects.filter(bidplan_id=pk).values("bid_id")
        return Q(**{f"{prefix}pk__in": plan_bids})

    @strawberry_django.filter_field(
        description="Only bids delivering at or after this instant (UTC offset required)."
    )
    def delivery_from(self, value: dt.datetime, prefix: str) -> Q:
        return Q(**{f"{prefix}delivery_end_at__gt": value})

    @strawberry_django.filter_field(
        description="Only bids delivering before this instant (UTC offset required)."
    )
    def delivery_to(self, value: dt.datetime, prefix: str) -> Q:
        return Q(**{f"{prefix}delivery_start_at__lt": value})


@strawberry_django.type(
    models.Bid,
    name="Bid",
    filters=BidFilter,
    description="What was offered: a day-ahead curve or a reserve capacity offer for one period.",
)
class BidType(relay.Node):
    market_account: MarketAccountType = strawberry_django.field(
        description="Account the bid is made on."
    )
    product: MarketProductType = strawberry_django.field(description="Product bid into.")
    delivery_start_at: auto = strawberry_django.field(description="Delivery start (UTC).")
    delivery_end_at: auto = strawberry_django.field(description="Delivery end (UTC), exclusive.")
    capacity_mw: auto = strawberry_django.field(
        description="Capacity offered [MW] (reserve products); null for curves."
    )
    capacity_price_eur_per_mw_h: auto = strawberry_django.field(
        description="Capacity price asked [EUR/(MW·h)]; null if price-taking."
    )
    status: BidStatusEnum = strawberry_django.field(  # type: ignore[valid-type]
        description="Where the bid stands."
    )
    created_at: auto = strawberry_django.field(description="When it was made (UTC).")
    results: list[MarketResultType] = strawberry_django.field(
        description="Recorded clearing results, oldest first."
    )

    @strawberry_django.field(
        only=["curve"],
        description="Price-quantity curve (day-ahead): volumes non-increasing in price; "
        "empty for capacity offers.",
    )
    def curve(self, root: models.Bid) -> list[CurvePoint]:
        return [CurvePoint(price_eur_per_mwh=p, volume_mw=v) for p, v in root.curve]

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


describe(BidFilter, "Narrow the bids; all given conditions must hold.")
