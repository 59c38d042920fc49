from __future__ import annotations

from django.db import transaction

from ainergy.common.errors import ValidationError
from ainergy.markets.models import BiddingZone, MarketAccount, MarketProduct


@transaction.atomic
def market_account_create(
    *,
    tenant,
    name: str,
    bidding_zone: str,
    balance_responsible_party_id: str = "",
    balancing_service_provider_id: str = "",
    enabled_product_codes: list[str] = (),
) -> MarketAccount:
    zone = BiddingZone.objects.filter(code=bidding_zone).first()
    if zone is None:
        raise ValidationError("bidding_zone", f"unknown bidding zone {bidding_zone!r}")
    if not name.strip():
        raise ValidationError("name", "must not be empty")
    if MarketAccount.objects.for_tenant(tenant).filter(name=name).exists():
        raise ValidationError("name", f"a market account called {name!r} exists")
    products = []
    for position, code in enumerate(enabled_product_codes):
        product = MarketProduct.objects.filter(code=code).first()
        if product is None:
            raise ValidationError(f"enabled_product_codes[{position}]", f"unknown product {code!r}")
        if not product.zones.filter(pk=zone.pk).exists():
            raise ValidationError(
                f"enabled_product_codes[{position}]", f"{code} is not traded in {zone.code}"
            )
        products.append(product)
    account = MarketAccount.objects.create(
        tenant=tenant,
        name=name.strip(),
        bidding_zone=zone,
        balance_responsible_party_id=balance_responsible_party_id,
        balancing_service_provider_id=balancing_service_provider_id,
    )
    account.enabled_products.set(products)
    return account
