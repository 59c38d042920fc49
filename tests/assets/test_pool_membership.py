"""One pool per heat pump at a time: memberships with validity, refused overlaps named by unit and
pool (service, GraphQL and database constraint), concurrent joins give one membership."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction

from ainergy.assets.lifecycle import pool_membership_create, pool_membership_end
from ainergy.assets.models import Pool, PoolMembership
from ainergy.assets.services import asset_create, asset_update
from ainergy.common.errors import ValidationError
from tests.optimization.app.bidding_world import build_pool
from tests.optimization.app.conftest import gid

POOL = """mutation($input: PoolInput!) {
  poolCreate(input: $input) { id name heatPumps { name } }
}"""
POOL_UPDATE = """mutation($id: ID!, $input: PoolPartialInput!) {
  poolUpdate(id: $id, input: $input) { name heatPumps { name } }
}"""
T0 = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def rows() -> list[tuple]:
    return list(
        PoolMembership.objects.order_by("id").values_list(
            "pool__name", "heat_pump__name", "valid_from_at", "valid_to_at"
        )
    )


@pytest.fixture
def world(tenant):
    return build_pool(tenant)


def test_a_heat_pump_in_a_pool_is_refused_by_a_second_pool(tenant, world, token_client):
    # given North HP1 in "North pool" since always
    client = token_client(tenant)
    before = rows()
    # when another pool is created with it
    body = client.execute(
        POOL,
        {
            "input": {
                "name": "Second pool",
                "biddingZone": "DK1",
                "marketAccountId": gid("MarketAccount", world["account"]),
                "heatPumpIds": [gid("HeatPump", world["heat_pumps"][1])],
            }
        },
    )
    # then the error names the unit and the other pool, and nothing was written
    extensions = body["errors"][0]["extensions"]
    assert (extensions["code"], extensions["field"], extensions["reason"]) == (
        "VALIDATION_ERROR",
        "input.heatPumpIds[0]",
        "heat pump 'North HP2' is already in pool 'North pool' (since always, open-ended); "
        "a heat pump belongs to one pool at a time",
    )
    assert not Pool.objects.filter(name="Second pool").exists()
    assert rows() == before


def test_moving_a_heat_pump_between_pools(tenant, world, token_client):
    # given a second, empty pool
    client = token_client(tenant)
    hp1, hp2 = world["heat_pumps"]
    created = client.execute(
        POOL,
        {
            "input": {
                "name": "Second pool",
                "biddingZone": "DK1",
                "marketAccountId": gid("MarketAccount", world["account"]),
            }
        },
    )["data"]["poolCreate"]
    # when HP2 leaves North pool and joins the second pool
    left = client.execute(
        POOL_UPDATE,
        {"id": gid("Pool", world["pool"]), "input": {"heatPumpIds": [gid("HeatPump", hp1)]}},
    )["data"]["poolUpdate"]
    joined = client.execute(
        POOL_UPDATE, {"id": created["id"], "input": {"heatPumpIds": [gid("HeatPump", hp2)]}}
    )["data"]["poolUpdate"]
    # then: no plan used HP2's membership, so it is gone and HP2 is in the second pool since
    # always (nothing to keep); each pool lists its current members
    assert left["heatPumps"] == [{"name": "North HP1"}]
    assert joined["heatPumps"] == [{"name": "North HP2"}]
    assert rows() == [
        ("North pool", "North HP1", None, None),
        ("Second pool", "North HP2", None, None),
    ]


def test_explicit_memberships_with_validity(tenant, world):
    # given HP2 out of North pool from 2024-01-10 (a membership used until then)
    hp2 = world["heat_pumps"][1]
    membership = PoolMembership.objects.get(heat_pump=hp2)
    pool_membership_end(
        tenant=tenant, membership_id=membership.pk, valid_to_at=T0 + dt.timedelta(days=9)
    )
    second = asset_create(
        tenant=tenant,
        model=Pool,
        data={
            "name": "Second pool",
            "bidding_zone": "DK1",
            "market_account_id": world["account"].pk,
        },
    )
    # when it joins the second pool overlapping North pool by one hour → refused, named
    with pytest.raises(ValidationError) as error:
        pool_membership_create(
            tenant=tenant,
            pool_id=second.pk,
            heat_pump_id=hp2.pk,
            valid_from_at=T0 + dt.timedelta(days=9, hours=-1),
        )
    assert (error.value.field, error.value.reason) == (
        "heat_pump_id",
        "heat pump 'North HP2' is already in pool 'North pool' (since always, until "
        "2024-01-10T00:00:00Z); a heat pump belongs to one pool at a time",
    )
    # and from the moment it left it is accepted (half-open intervals touch, never overlap)
    pool_membership_create(
        tenant=tenant,
        pool_id=second.pk,
        heat_pump_id=hp2.pk,
        valid_from_at=T0 + dt.timedelta(days=9),
    )
    assert rows()[-2:] == [
        ("North pool", "North HP2", None, T0 + dt.timedelta(days=9)),
        ("Second pool", "North HP2", T0 + dt.timedelta(days=9), None),
    ]


@pytest.mark.parametrize(
    ("valid_from_at", "valid_to_at", "field", "reason"),
    [
        (T0, T0, "valid_to_at", "must be after valid_from_at"),
        (dt.datetime(2024, 1, 1), None, "valid_from_at", "naive datetime; give a UTC offset"),
    ],
)
def test_bad_validity_is_named(tenant, world, valid_from_at, valid_to_at, field, reason):
    with pytest.raises(ValidationError) as error:
        pool_membership_create(
            tenant=tenant,
            pool_id=world["pool"].pk,
            heat_pump_id=world["heat_pumps"][0].pk,
            valid_from_at=valid_from_at,
            valid_to_at=valid_to_at,
        )
    assert (error.value.field, error.value.reason) == (field, reason)


def test_the_database_refuses_overlapping_memberships(tenant, world):
    # given HP1 in North pool since always, until 2024-01-10
    hp1 = world["heat_pumps"][0]
    PoolMembership.objects.filter(heat_pump=hp1).update(valid_to_at=T0 + dt.timedelta(days=9))
    second = asset_create(
        tenant=tenant,
        model=Pool,
        data={
            "name": "Second pool",
            "bidding_zone": "DK1",
            "market_account_id": world["account"].pk,
        },
    )
    overlapping = {
        "tenant": tenant,
        "pool": second,
        "heat_pump": hp1,
        "valid_from_at": T0,
        "valid_to_at": T0 + dt.timedelta(days=20),
    }
    # when a closed membership overlapping it is written around the services
    if connection.vendor == "postgresql":
        # then the exclusion constraint refuses it
        with pytest.raises(IntegrityError, match="poolmembership_no_overlap_per_heat_pump"):
            with transaction.atomic():
                PoolMembership.objects.create(**overlapping)
    # and a second open-ended membership is refused everywhere (SQLite included)
    PoolMembership.objects.create(
        tenant=tenant, pool=second, heat_pump=hp1, valid_from_at=T0 + dt.timedelta(days=9)
    )
    message = (
        "poolmembership_one_open_per_heat_pump"
        if connection.vendor == "postgresql"
        else "UNIQUE constraint failed: assets_poolmembership.heat_pump_id"
    )
    with pytest.raises(IntegrityError, match=message):
        with transaction.atomic():
            PoolMembership.objects.create(
                tenant=tenant,
                pool=world["pool"],
                heat_pump=hp1,
                valid_from_at=T0 + dt.timedelta(days=99),
            )


@pytest.mark.django_db(transaction=True)
def test_concurrent_pools_claiming_one_heat_pump_get_one_membership(make_tenant):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and the exclusion constraint are PostgreSQL's")
    # given a heat pump in no pool and two empty pools
    tenant = make_tenant("gamma")
    world = build_pool(tenant)
    hp1 = world["heat_pumps"][0]
    PoolMembership.objects.filter(heat_pump=hp1).delete()
    pools = [
        asset_create(
            tenant=tenant,
            model=Pool,
            data={
                "name": f"Pool {i}",
                "bidding_zone": "DK1",
                "market_account_id": world["account"].pk,
            },
        )
        for i in range(4)
    ]
    barrier = threading.Barrier(len(pools))
    outcomes: list[str] = []

    def claim(pool):
        try:
            barrier.wait()
            asset_update(
                tenant=tenant, model=Pool, asset_id=pool.pk, data={"heat_pump_ids": [hp1.pk]}
            )
            outcomes.append("joined")
        except ValidationError as error:
            outcomes.append(error.reason)
        finally:
            connection.close()

    # when four requests add it to four pools at once
    threads = [threading.Thread(target=claim, args=(pool,)) for pool in pools]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then exactly one pool has it and the three others were told which pool did
    memberships = list(PoolMembership.objects.filter(heat_pump=hp1))
    assert len(memberships) == 1
    winner = memberships[0].pool.name
    refused = (
        f"heat pump 'North HP1' is already in pool '{winner}' (since always, open-ended); "
        "a heat pump belongs to one pool at a time"
    )
    assert sorted(outcomes) == sorted(["joined", refused, refused, refused])


RETIRE = """mutation($id: ID!, $at: DateTime) {
  heatPumpRetire(id: $id, retiredAt: $at) { name retiredAt }
}"""
MEMBERSHIP = """mutation($input: PoolMembershipInput!) {
  poolMembershipCreate(input: $input) { poolId heatPump { name } validFromAt validToAt }
}"""
END = """mutation($id: ID!, $at: DateTime) {
  poolMembershipEnd(id: $id, validToAt: $at) { validToAt }
}"""
MEMBERS = """{ pools { edges { node {
  name heatPumps { name } memberships { heatPump { name } validFromAt validToAt }
} } } }"""


def test_memberships_and_retirement_over_graphql(tenant, world, token_client):
    # given a second pool
    client = token_client(tenant)
    hp1, hp2 = world["heat_pumps"]
    second = asset_create(
        tenant=tenant,
        model=Pool,
        data={
            "name": "Second pool",
            "bidding_zone": "DK1",
            "market_account_id": world["account"].pk,
        },
    )
    membership = PoolMembership.objects.get(heat_pump=hp2)
    # when HP2 leaves North pool at 2024-01-10 and joins the second pool then
    ended = client.execute(
        END, {"id": gid("PoolMembership", membership), "at": "2024-01-10T00:00:00+00:00"}
    )
    joined = client.execute(
        MEMBERSHIP,
        {
            "input": {
                "poolId": gid("Pool", second),
                "heatPumpId": gid("HeatPump", hp2),
                "validFromAt": "2024-01-10T01:00:00+01:00",
            }
        },
    )
    # then
    assert ended["data"]["poolMembershipEnd"] == {"validToAt": "2024-01-10T00:00:00+00:00"}
    assert joined["data"]["poolMembershipCreate"] == {
        "poolId": gid("Pool", second),
        "heatPump": {"name": "North HP2"},
        "validFromAt": "2024-01-10T00:00:00+00:00",
        "validToAt": None,
    }
    pools = client.execute(MEMBERS)["data"]["pools"]["edges"]
    read = next(edge["node"] for edge in pools if edge["node"]["name"] == "North pool")
    assert read == {
        "name": "North pool",
        "heatPumps": [{"name": "North HP1"}],
        "memberships": [
            {"heatPump": {"name": "North HP1"}, "validFromAt": None, "validToAt": None},
            {
                "heatPump": {"name": "North HP2"},
                "validFromAt": None,
                "validToAt": "2024-01-10T00:00:00+00:00",
            },
        ],
    }
    # when HP2 is offered to North pool again over the same time: refused, named
    again = client.execute(
        MEMBERSHIP,
        {"input": {"poolId": gid("Pool", world["pool"]), "heatPumpId": gid("HeatPump", hp2)}},
    )
    assert again["errors"][0]["extensions"]["reason"] == (
        "heat pump 'North HP2' is already in pool 'Second pool' (from 2024-01-10T00:00:00Z, "
        "open-ended); a heat pump belongs to one pool at a time"
    )
    # when HP1 is retired: its membership ends then, and it is not edited any more
    retired = client.execute(
        RETIRE, {"id": gid("HeatPump", hp1), "at": "2024-02-01T00:00:00+00:00"}
    )
    assert retired["data"]["heatPumpRetire"] == {
        "name": "North HP1",
        "retiredAt": "2024-02-01T00:00:00+00:00",
    }
    assert PoolMembership.objects.get(heat_pump=hp1).valid_to_at == dt.datetime(
        2024, 2, 1, tzinfo=dt.UTC
    )
    twice = client.execute(RETIRE, {"id": gid("HeatPump", hp1)})
    assert twice["errors"][0]["extensions"]["reason"] == (
        "heat pump 'North HP1' is retired since 2024-02-01T00:00:00Z; "
        "retired assets are kept as they were"
    )


POOL_DELETE = "mutation($id: ID!) { poolDelete(id: $id) { deletedId } }"
SITE_DELETE = "mutation($id: ID!) { siteDelete(id: $id) { deletedId } }"


def test_pools_and_sites_with_plans_are_retired_not_deleted(tenant, world, token_client):
    # given a stored plan (with a dispatch) of North pool for 2023-12-01
    from ainergy.assets.models import Site
    from tests.optimization.app.bidding_world import make_plan, public_series

    public_series()
    make_plan(tenant, world, day=dt.date(2023, 12, 1))
    client = token_client(tenant)
    # when the pool and its site are deleted: refused, naming what refers to them
    pool = client.execute(POOL_DELETE, {"id": gid("Pool", world["pool"])})
    site = client.execute(SITE_DELETE, {"id": gid("Site", world["site"])})
    assert pool["errors"][0]["extensions"]["reason"] == (
        "pool 'North pool' has history (1 bid plan) and cannot be deleted; "
        "retire it instead (poolRetire)"
    )
    assert site["errors"][0]["extensions"]["reason"] == (
        "site 'North plant' has history (1 bid plan, 1 dispatch) and cannot be deleted; "
        "retire its heat pumps instead (heatPumpRetire); the site stays"
    )
    assert Pool.objects.filter(pk=world["pool"].pk).exists()
    assert Site.objects.filter(pk=world["site"].pk).exists()
    # when the pool is retired, no plan can be requested for a later day
    from ainergy.assets.lifecycle import pool_retire
    from optimization.services.bidding import bid_plan_request
    from tests.optimization.app.bidding_world import load_around

    pool_retire(tenant=tenant, pool_id=world["pool"].pk, retired_at=T0)
    load_around(world, dt.date(2024, 1, 15), history_days=8)
    with pytest.raises(ValidationError) as error:
        bid_plan_request(tenant=tenant, pool_id=world["pool"].pk, delivery_day=dt.date(2024, 1, 15))
    assert (error.value.field, error.value.reason) == (
        "pool_id",
        "pool 'North pool' is retired since 2024-01-01T00:00:00Z",
    )
    assert list(PoolMembership.objects.values_list("valid_to_at", flat=True)) == [T0, T0]
