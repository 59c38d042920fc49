"""Every reserve product a demo market account enables is biddable in the demo: a plan offering
just that product, on a day the committed sample prices it, succeeds (real solver, real data)."""

from __future__ import annotations

import pytest

from ainergy.demo.seed import DEMO_PRODUCT_DAYS, seed_demo
from tests.optimization.app.conftest import gid

REQUEST = """mutation($input: BidPlanInput!) {
  bidPlanRequest(input: $input) { id productCodes }
}"""
READ = """query($id: ID!) {
  bidPlan(id: $id) {
    job { status errorCode errorMessage }
    reserveOffers { productCode capacityMw }
    periods { reserve { productCode } }
  }
}"""


@pytest.fixture(scope="module")
def cases():
    return [
        (pool, product, day)
        for pool, products in DEMO_PRODUCT_DAYS.items()
        for product, day in products.items()
    ]


def test_each_enabled_product_of_the_demo_gets_a_bid_plan(
    db, token_client, django_capture_on_commit_callbacks, cases
):
    # given the demo world: a DK1 and a DK2 pool, their accounts' enabled products
    from ainergy.assets.models import Pool

    aggregator, _ = seed_demo(email="demo@example.com", password="pw-demo-123")
    client = token_client(aggregator)
    enabled = {
        pool.name: sorted(
            p.code for p in pool.market_account.enabled_products.all() if p.is_capacity_product
        )
        for pool in Pool.objects.filter(tenant=aggregator)
    }
    assert enabled == {name: sorted(days) for name, days in DEMO_PRODUCT_DAYS.items()}
    assert sorted({product for _, product, _ in cases}) == [
        "afrr_down", "afrr_up", "fcr_d_up", "fcr_n", "mfrr_down", "mfrr_up",
    ]  # fmt: skip
    for pool_name, product, day in cases:
        pool = Pool.objects.get(tenant=aggregator, name=pool_name)
        # when a plan offering only this product is requested for its sample day
        with django_capture_on_commit_callbacks(execute=True):
            body = client.execute(
                REQUEST,
                {
                    "input": {
                        "poolId": gid("Pool", pool),
                        "deliveryDay": day.isoformat(),
                        "productCodes": [product.upper()],
                        "scenarioCount": 3,
                    }
                },
            )
        assert "errors" not in body, (pool_name, product, body["errors"])
        plan = client.execute(READ, {"id": body["data"]["bidPlanRequest"]["id"]})
        plan = plan["data"]["bidPlan"]
        # then its job succeeded and offers (possibly 0 MW of) that product only
        assert plan["job"]["status"] == "SUCCEEDED", (pool_name, product, plan["job"])
        assert {offer["productCode"] for offer in plan["reserveOffers"]} <= {product.upper()}
        assert all(
            {r["productCode"] for r in period["reserve"]} == {product.upper()}
            for period in plan["periods"]
        )
