from __future__ import annotations

from django.db import transaction

from ainergy.common.errors import Issues
from ainergy.markets.models import BiddingZone, MarketAccount, MarketProduct


@transaction.atomic
def market_account_create(
    *,
    tenant,
    name: str,
    bidding_zone: str,
    balance_responsible_party_id: str | None = "",
    balancing_service_provider_id: str | None = "",
    enabled_product_codes: list[str] = (),
) -> MarketAccount:
    issues = Issues()
    zone = BiddingZone.objects.filter(code=bidding_zone).first()
    if zone is None:
        issues.add("bidding_zone", f"unknown bidding zone {bidding_zone!r}")
    if not name.strip():
        issues.add("name", "must not be empty")
    elif MarketAccount.objects.for_tenant(tenant).filter(name=name).exists():
        issues.add("name", f"a market account called {name!r} exists")
    products = []
    for position, code in enumerate(enabled_product_codes):
        product = MarketProduct.objects.filter(code=code).first()
        if product is None:
            issues.add(f"enabled_product_codes[{position}]", f"unknown product {code!r}")
        elif zone is not None and not product.zones.filter(pk=zone.pk).exists():
            issues.add(f"enabled_product_codes[{position}]", f"{code} is not traded in {zone.code}")
        else:
            products.append(product)
    issues.raise_if_any()
    account = MarketAccount.objects.create(
        tenant=tenant,
        name=name.strip(),
        bidding_zone=zone,
        balance_responsible_party_id=balance_responsible_party_id or "",
        balancing_service_provider_id=balancing_service_provider_id or "",
    )
    account.enabled_products.set(products)
    return account
