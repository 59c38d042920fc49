"""Assets over GraphQL: validation names field and reason, nothing half-written, catalogue overrides."""

import pytest
from strawberry import relay

from ainergy.assets.models import Battery, HeatPump, Pool, Site, ThermalStorage

SITE = "mutation($input: SiteInput!) { siteCreate(input: $input) { id name biddingZone } }"
PUMP = "mutation($input: HeatPumpInput!) { heatPumpCreate(input: $input) { id name minimumLoadFraction kind } }"
PUMP_UPDATE = "mutation($id: ID!, $input: HeatPumpPartialInput!) { heatPumpUpdate(id: $id, input: $input) { powerMaxKw minimumLoadFraction } }"
STORAGE = "mutation($input: ThermalStorageInput!) { thermalStorageCreate(input: $input) { id } }"
BATTERY = "mutation($input: BatteryInput!) { batteryCreate(input: $input) { id } }"
POOL = "mutation($input: PoolInput!) { poolCreate(input: $input) { id heatPumps { name } marketAccount { name } } }"
ACCOUNT = "mutation($input: MarketAccountInput!) { marketAccountCreate(input: $input) { id enabledProducts { code } } }"


@pytest.fixture
def client(tenant, token_client):
    return token_client(tenant, ["read", "write"])


@pytest.fixture
def site_id(client):
    body = client.execute(
        SITE,
        {
            "input": {
                "name": "Plant",
                "latitudeDeg": 56.2,
                "longitudeDeg": 10.5,
                "biddingZone": "DK1",
            }
        },
    )
    return body["data"]["siteCreate"]["id"]


def pump_input(site_id, **overrides):
    return {
        "siteId": site_id,
        "name": "HP1",
        "kind": "LARGE",
        "powerMinKw": 400.0,
        "powerMaxKw": 1000.0,
        "carnotQualityGrade": 0.5,
        "sourceTemperatureC": 8.0,
        "sinkTemperatureC": 75.0,
        **overrides,
    }


def test_heat_pump_is_created_with_derived_minimum_load(client, site_id):
    body = client.execute(PUMP, {"input": pump_input(site_id)})
    assert body["data"]["heatPumpCreate"]["minimumLoadFraction"] == 0.4
    body = client.execute(
        PUMP_UPDATE, {"id": body["data"]["heatPumpCreate"]["id"], "input": {"powerMaxKw": 2000.0}}
    )
    assert body["data"]["heatPumpUpdate"] == {"powerMaxKw": 2000.0, "minimumLoadFraction": 0.2}


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        (
            {"powerMinKw": 1200.0},
            "input.powerMinKw",
            "minimum load 1200 kW exceeds maximum 1000 kW",
        ),
        ({"powerMaxKw": -1.0}, "input.powerMaxKw", "must be > 0, got -1"),
        ({"carnotQualityGrade": 1.5}, "input.carnotQualityGrade", "must be ≤ 1, got 1.5"),
        (
            {"sinkTemperatureC": 5.0},
            "input.sinkTemperatureC",
            "must be above the source temperature",
        ),
        (
            {
                "copModel": "TABLE",
                "copTable": [{"sourceTemperatureC": 5, "sinkTemperatureC": 60, "cop": 30}],
            },
            "input.copTable[0].cop",
            "must be ≤ 20, got 30",
        ),
        (
            {"sourceTemperatureMode": "SERIES"},
            "input.sourceTemperatureSeriesId",
            "required when the source temperature is a series",
        ),
    ],
)
def test_bad_heat_pump_names_field_and_writes_nothing(client, site_id, overrides, field, reason):
    body = client.execute(PUMP, {"input": pump_input(site_id, **overrides)})
    error = body["errors"][0]
    assert (error["message"], error["extensions"]) == (
        f"{field}: {reason}",
        {"code": "VALIDATION_ERROR", "field": field, "reason": reason},
    )
    assert HeatPump.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"capacityKwh": -5.0}, "input.capacityKwh: must be > 0, got -5"),
        (
            {"socMinFraction": 0.6, "socMaxFraction": 0.5},
            "input.socMinFraction: must not exceed soc_initial_fraction (0.6 > 0.5)",
        ),
        ({"lossFractionPerH": 1.5}, "input.lossFractionPerH: must be ≤ 1, got 1.5"),
    ],
)
def test_bad_storage_is_refused(client, site_id, overrides, message):
    body = client.execute(
        STORAGE, {"input": {"siteId": site_id, "name": "Tank", "capacityKwh": 1000.0, **overrides}}
    )
    assert body["errors"][0]["message"] == message
    assert ThermalStorage.objects.count() == 0


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"dischargeEfficiency": 0.0}, "input.dischargeEfficiency", "must be > 0, got 0"),
        ({"chargeEfficiency": 1.2}, "input.chargeEfficiency", "must be ≤ 1, got 1.2"),
        ({"energyCapacityKwh": -5.6}, "input.energyCapacityKwh", "must be > 0, got -5.6"),
        ({"powerMaxKw": -2.0}, "input.powerMaxKw", "must be > 0, got -2"),
    ],
)
def test_battery_physics_names_the_field_and_writes_nothing(
    client, site_id, overrides, field, reason
):
    # given a home battery with one impossible value (issue 10: a zero efficiency is an input
    # error, not a division by zero later in the schedule)
    battery = {"siteId": site_id, "name": "Home battery", "energyCapacityKwh": 5.6}
    # when
    body = client.execute(BATTERY, {"input": {**battery, "powerMaxKw": 2.5, **overrides}})
    # then
    error = body["errors"][0]
    assert (error["message"], error["extensions"]) == (
        f"{field}: {reason}",
        {"code": "VALIDATION_ERROR", "field": field, "reason": reason},
    )
    assert Battery.objects.count() == 0


def test_ev_charger_need_must_fit_the_plugged_hours(client, site_id):
    query = "mutation($input: EvChargerInput!) { evChargerCreate(input: $input) { id } }"
    body = client.execute(
        query,
        {
            "input": {
                "siteId": site_id,
                "name": "EV",
                "powerMaxKw": 3.7,
                "evArrivalLocalTime": "22:00:00",
                "evDepartureLocalTime": "06:00:00",
                "evEnergyNeedKwh": 40.0,
                "efficiency": 0.9,
            }
        },
    )
    assert (
        body["errors"][0]["message"]
        == "input.evEnergyNeedKwh: 40 kWh cannot be charged in 8 h at 3.7 kW (at most 26.6 kWh)"
    )


def test_pool_members_must_share_the_zone_and_be_large(client, site_id, tenant):
    # given a DK1 pump, a DK2 site pump and a household pump
    dk1 = client.execute(PUMP, {"input": pump_input(site_id)})["data"]["heatPumpCreate"]["id"]
    dk2_site = client.execute(
        SITE,
        {
            "input": {
                "name": "East",
                "latitudeDeg": 55.7,
                "longitudeDeg": 12.6,
                "biddingZone": "DK2",
            }
        },
    )["data"]["siteCreate"]["id"]
    dk2 = client.execute(PUMP, {"input": pump_input(dk2_site, name="HP east")})["data"][
        "heatPumpCreate"
    ]["id"]
    account = client.execute(
        ACCOUNT,
        {
            "input": {
                "name": "DK1 desk",
                "biddingZone": "DK1",
                "enabledProductCodes": ["DAY_AHEAD", "MFRR_UP"],
            }
        },
    )["data"]["marketAccountCreate"]
    assert sorted(p["code"] for p in account["enabledProducts"]) == ["DAY_AHEAD", "MFRR_UP"]
    # when / then
    body = client.execute(
        POOL,
        {
            "input": {
                "name": "Pool",
                "biddingZone": "DK1",
                "marketAccountId": account["id"],
                "heatPumpIds": [dk1, dk2],
            }
        },
    )
    assert (
        body["errors"][0]["message"]
        == "input.heatPumpIds[1]: HP east stands in DK2, the pool bids in DK1"
    )
    assert Pool.objects.count() == 0
    body = client.execute(
        POOL,
        {
            "input": {
                "name": "Pool",
                "biddingZone": "DK1",
                "marketAccountId": account["id"],
                "heatPumpIds": [dk1],
            }
        },
    )
    assert body["data"]["poolCreate"]["heatPumps"] == [{"name": "HP1"}]


def test_market_account_refuses_products_of_another_zone(client):
    body = client.execute(
        ACCOUNT,
        {"input": {"name": "DK1 desk", "biddingZone": "DK1", "enabledProductCodes": ["FCR_N"]}},
    )
    assert body["errors"][0]["message"] == (
        "input.enabledProductCodes[0]: fcr_n is not traded in DK1"
    )


def test_catalogue_override_replaces_the_default_for_that_tenant_only(
    client, tenant, other_tenant, token_client
):
    query = "mutation($input: CatalogueEntryInput!) { technologyCatalogueOverride(input: $input) { name isTenantOverride parameters } }"
    parameters = {
        "investment_eur_per_kwh": 400.0,
        "investment_eur_per_kw": 100.0,
        "fixed_investment_eur": 800.0,
        "lifetime_years": 15.0,
        "max_energy_kwh": 20.0,
        "max_power_kw": 10.0,
        "charge_efficiency": 0.96,
        "discharge_efficiency": 0.96,
    }
    body = client.execute(
        query,
        {
            "input": {
                "technology": "BATTERY",
                "name": "default",
                "parameters": parameters,
                "source": "supplier quote 2026",
            }
        },
    )
    assert body["data"]["technologyCatalogueOverride"]["isTenantOverride"] is True
    from ainergy.assets.selectors import household_catalogue

    assert household_catalogue(tenant).battery.investment_eur_per_kwh == 400.0
    assert household_catalogue(other_tenant).battery.investment_eur_per_kwh == 550.0
    listed = token_client(other_tenant).execute(
        "{ technologyCatalogue { name technology isTenantOverride } }"
    )
    assert all(not row["isTenantOverride"] for row in listed["data"]["technologyCatalogue"])


def test_catalogue_override_is_checked_against_the_core(client):
    query = "mutation($input: CatalogueEntryInput!) { technologyCatalogueOverride(input: $input) { name } }"
    body = client.execute(
        query,
        {
            "input": {
                "technology": "BATTERY",
                "name": "default",
                "parameters": {"lifetime_years": 10},
                "source": "x",
            }
        },
    )
    assert body["errors"][0]["extensions"]["field"].startswith("input.parameters.")


def test_sites_list_query_count_is_constant(client, tenant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ainergy.assets.services import asset_create

    for i in range(12):
        asset_create(
            tenant=tenant,
            model=Site,
            data={
                "name": f"S{i}",
                "latitude_deg": 56.0,
                "longitude_deg": 10.0,
                "bidding_zone": "DK1",
            },
        )
    with CaptureQueriesContext(connection) as queries:
        body = client.execute("{ sites(first: 50) { edges { node { name biddingZone } } } }")
    assert len(body["data"]["sites"]["edges"]) == 12
    assert len(queries.captured_queries) == 4  # + the audit log's record of the token's use


def test_global_id_of_another_type_is_a_validation_error_naming_the_argument(client, site_id):
    wrong = str(relay.GlobalID("Job", relay.GlobalID.from_id(site_id).node_id))
    body = client.execute("mutation($id: ID!) { siteDelete(id: $id) { deletedId } }", {"id": wrong})
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "field": "id",
        "reason": "expected the id of a Site, got the id of a Job",
    }
    assert Site.objects.count() == 1


@pytest.mark.parametrize("malformed", ["1", "not base64!", "U2l0ZQ==", "U2l0ZTp4"])
def test_malformed_ids_are_validation_errors_naming_the_argument(client, site_id, malformed):
    # "U2l0ZQ==" is base64 of "Site" (no primary key), "U2l0ZTp4" of "Site:x"
    body = client.execute("query($id: ID!) { site(id: $id) { name } }", {"id": malformed})
    assert body == {
        "data": None,
        "errors": [
            {
                "message": "id: not a valid id (ids are opaque strings handed out by this API)",
                "locations": [{"line": 1, "column": 19}],
                "path": ["site"],
                "extensions": {
                    "code": "VALIDATION_ERROR",
                    "field": "id",
                    "reason": "not a valid id (ids are opaque strings handed out by this API)",
                },
            }
        ],
    }


def test_every_invalid_field_of_an_input_is_reported_at_once(client, site_id):
    # given a heat pump with four mistakes (a negative maximum also undercuts the minimum)
    body = client.execute(
        PUMP,
        {
            "input": pump_input(
                site_id,
                powerMaxKw=-1.0,
                carnotQualityGrade=None,
                copMax=50.0,
                sourceTemperatureC=None,
            )
        },
    )
    # then: one error per field, each with its GraphQL input path
    assert [(e["extensions"]["field"], e["extensions"]["reason"]) for e in body["errors"]] == [
        ("input.powerMaxKw", "must be > 0, got -1"),
        ("input.copMax", "must be ≤ 20, got 50"),
        ("input.powerMinKw", "minimum load 400 kW exceeds maximum -1 kW"),
        ("input.carnotQualityGrade", "required for the Carnot COP model"),
        ("input.sourceTemperatureC", "required when the source temperature is fixed"),
    ]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"VALIDATION_ERROR"}
    assert HeatPump.objects.count() == 0


def test_malformed_ids_inside_an_input_are_all_named(client, site_id):
    body = client.execute(
        POOL,
        {
            "input": {
                "name": "Pool",
                "biddingZone": "DK1",
                "marketAccountId": "nope",
                "heatPumpIds": ["x", site_id],
            }
        },
    )
    assert [(e["extensions"]["field"], e["extensions"]["reason"]) for e in body["errors"]] == [
        ("input.marketAccountId", "not a valid id (ids are opaque strings handed out by this API)"),
        ("input.heatPumpIds[0]", "not a valid id (ids are opaque strings handed out by this API)"),
        ("input.heatPumpIds[1]", "expected the id of a HeatPump, got the id of a Site"),
    ]
    assert Pool.objects.count() == 0


def test_unknown_enum_value_is_bad_user_input_not_internal(client, site_id):
    body = client.execute(PUMP, {"input": pump_input(site_id, kind="jumbo")})
    assert body["errors"][0]["extensions"] == {
        "code": "BAD_USER_INPUT",
        "field": "input.kind",
        "reason": "Value 'jumbo' does not exist in 'HeatPumpKind' enum.",
    }
    assert "HeatPumpKind" in body["errors"][0]["message"]
