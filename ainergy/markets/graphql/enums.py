"""Market vocabulary: bidding zones, product codes and their rules' closed sets."""

from __future__ import annotations

import json
from pathlib import Path

from ainergy.graphql.vocabulary import choices_enum, graphql_enum
from ainergy.markets import models

BiddingZoneEnum = graphql_enum(
    "BiddingZone",
    "A Danish bidding zone of the power market.",
    {
        "DK1": ("DK1", "West Denmark (Jutland, Funen), Continental European synchronous area."),
        "DK2": ("DK2", "East Denmark (Zealand, islands), Nordic synchronous area."),
    },
)


def _product_codes() -> dict[str, tuple[str, str]]:
    """Products are data (``markets/data/products.json``, seeded by migrations): one value each."""
    data = json.loads((Path(__file__).parents[1] / "data" / "products.json").read_text())
    return {
        product["code"].upper(): (
            product["code"],
            f"{product['name']} ({', '.join(product['zones'])}; "
            f"{'capacity' if product['is_capacity_product'] else 'energy'}).",
        )
        for product in data["products"]
    }


MarketProductCodeEnum = graphql_enum(
    "MarketProductCode",
    "A market product (its rules: `marketProducts`).",
    _product_codes(),
)

MarketProductDirectionEnum = choices_enum(
    "MarketProductDirection",
    "What a product delivers: energy, or reserve in one or both directions.",
    models.MarketProduct.Direction,
)

MarketPricingEnum = choices_enum(
    "MarketPricing",
    "How accepted bids of a product are paid.",
    models.MarketProduct.Pricing,
)

BidStatusEnum = choices_enum(
    "BidStatus",
    "Where a bid stands in the market.",
    models.Bid.Status,
    {
        "DRAFT": "Made by a bid plan, not sent to the market yet.",
        "SUBMITTED": "Sent to the market, not cleared yet.",
        "CLEARED": "Accepted (wholly or in part) at clearing.",
        "REJECTED": "Not accepted at clearing.",
    },
)
