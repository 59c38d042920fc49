"""Reads of bid plans and dispatches: device REST with a token, another tenant's device reads as
missing, Nord Pool-style export (GraphQL and REST), GraphQL schedules, fixed query counts."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ainergy.common.ids import global_id
from ainergy.jobs.models import JobStatus
from tests.optimization.app.bidding_world import build_pool, make_plan, public_series
from tests.optimization.app.conftest import gid


@pytest.fixture
def stored(tenant):
    public_series()
    world = build_pool(tenant)
    return world, make_plan(tenant, world)


@pytest.fixture
def device(client):
    from tenants.services import api_token_create

    def get(tenant, path: str, scopes=("read",)):
        _, secret = api_token_create(tenant=tenant, name="heat pump", scopes=list(scopes))
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")

    return get


def test_device_reads_its_dispatched_setpoints(tenant, stored, device):
    # given a succeeded dispatch, and a newer failed one of the same day
    world, made = stored
    make_plan(tenant, world, status=JobStatus.FAILED)
    # when the heat pump's device asks with its device id
    response = device(tenant, "/api/v1/heat-pumps/north-hp-1/schedule?day=2024-01-15")
    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("device_id", "heat_pump_id", "delivery_day", "mtu_minutes")} == {
        "device_id": "north-hp-1",
        "heat_pump_id": global_id(world["heat_pumps"][0]),
        "delivery_day": "2024-01-15",
        "mtu_minutes": 60,
    }
    assert body["pool_dispatch_id"] == global_id(made["dispatch"])
    assert body["periods"] == [
        {"start_at": "2024-01-14T23:00:00Z", "end_at": "2024-01-15T00:00:00Z", "power_kw": 1800.0,
         "is_on": True, "storage_kwh": 9000.0, "backup_heat_kw": 0.0,
         "reserve_kw": {"mfrr_up": 1000.0}},
        {"start_at": "2024-01-15T00:00:00Z", "end_at": "2024-01-15T01:00:00Z", "power_kw": 1700.0,
         "is_on": True, "storage_kwh": 9001.0, "backup_heat_kw": 0.0,
         "reserve_kw": {"mfrr_up": 0.0}},
    ]  # fmt: skip


def test_another_tenants_device_is_not_found_exactly_like_a_missing_one(
    other_tenant, stored, device
):
    # when tenant B's token asks for A's device id and for one that exists nowhere
    foreign = device(other_tenant, "/api/v1/heat-pumps/north-hp-1/schedule?day=2024-01-15")
    missing = device(other_tenant, "/api/v1/heat-pumps/nowhere-hp/schedule?day=2024-01-15")
    # then
    assert foreign.status_code == missing.status_code == 404
    assert (
        foreign.json()
        == missing.json()
        == {"errors": [{"message": "Heat pump not found.", "code": "NOT_FOUND"}]}
    )


@pytest.mark.parametrize(
    ("path", "scopes", "status", "error"),
    [
        ("north-hp-2/schedule?day=2024-01-15", ("read",), 404,
         {"message": "No dispatched schedule for this heat pump on 2024-01-15.",
          "code": "NOT_FOUND", "delivery_day": "2024-01-15"}),
        ("north-hp-1/schedule?day=2024-01-16", ("read",), 404,
         {"message": "No dispatched schedule for this heat pump on 2024-01-16.",
          "code": "NOT_FOUND", "delivery_day": "2024-01-16"}),
        ("north-hp-1/schedule", ("read",), 400,
         {"message": "day: missing; give the local delivery day as YYYY-MM-DD",
          "code": "VALIDATION_ERROR", "field": "day",
          "reason": "missing; give the local delivery day as YYYY-MM-DD"}),
        ("north-hp-1/schedule?day=2024-01-15", ("ingest",), 403,
         {"message": "Permission denied: this requires the 'read' permission.",
          "code": "PERMISSION_DENIED", "required": "read"}),
    ],
)  # fmt: skip
def test_schedule_errors_are_explained(tenant, stored, device, path, scopes, status, error):
    response = device(tenant, f"/api/v1/heat-pumps/{path}", scopes=scopes)
    assert response.status_code == status
    assert response.json() == {"errors": [error]}


def test_graphql_heat_pump_schedule(tenant, stored, token_client):
    world, made = stored
    body = token_client(tenant).execute(
        """query($id: ID!) { heatPumpSchedule(heatPumpId: $id, deliveryDay: "2024-01-15") {
            heatPump { name } mtuMinutes poolDispatch { id }
            setpoints { startAt startLocal powerKw isOn } } }""",
        {"id": gid("HeatPump", world["heat_pumps"][0])},
    )
    schedule = body["data"]["heatPumpSchedule"]
    assert schedule["heatPump"] == {"name": "North HP1"}
    assert schedule["poolDispatch"]["id"] == gid("PoolDispatch", made["dispatch"])
    assert schedule["setpoints"][1] == {
        "startAt": "2024-01-15T00:00:00+00:00",
        "startLocal": "2024-01-15T01:00:00+01:00",
        "powerKw": 1700.0,
        "isOn": True,
    }


EXPECTED_CSV = """area_code,portfolio,delivery_start_utc,delivery_end_utc,delivery_start_local,price_eur_per_mwh,volume_mw
DK1,5790000000001,2024-01-14T23:00:00Z,2024-01-15T00:00:00Z,2024-01-15T00:00:00+01:00,-500.00,3.5
DK1,5790000000001,2024-01-14T23:00:00Z,2024-01-15T00:00:00Z,2024-01-15T00:00:00+01:00,50.00,2.0
DK1,5790000000001,2024-01-14T23:00:00Z,2024-01-15T00:00:00Z,2024-01-15T00:00:00+01:00,120.50,0.7
DK1,5790000000001,2024-01-14T23:00:00Z,2024-01-15T00:00:00Z,2024-01-15T00:00:00+01:00,4000.00,0.0
"""


def test_curves_export_as_nord_pool_csv_and_json(tenant, stored, token_client, device):
    # given a plan with two hourly curves
    _, made = stored
    plan_id = gid("BidPlan", made["plan"])
    client = token_client(tenant)
    query = """query($id: ID!) { bidPlan(id: $id) { nordPoolExport {
        bidPlanId auction deliveryDay biddingZone portfolio currency mtuMinutes
        curves { deliveryStartAt deliveryEndAt points { priceEurPerMwh volumeMw } }
        csv: downloadUrl json: downloadUrl(format: JSON) } } }"""
    # when
    order = client.execute(query, {"id": plan_id})["data"]["bidPlan"]["nordPoolExport"]
    csv_download = device(tenant, order["csv"])
    json_download = device(tenant, order["json"])
    csv_text, json_text = csv_download.content.decode(), json_download.content.decode()
    download = device(tenant, f"/api/v1/bid-plans/{plan_id}/curves?format=csv")
    # then: one row per curve point, purchases positive, 0.01 EUR and 0.1 MW
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert len(rows) == 8
    assert csv_text.startswith(EXPECTED_CSV)
    document = json.loads(json_text)
    assert {k: document[k] for k in ("auction", "deliveryDate", "areaCode", "portfolio",
                                      "resolutionMinutes")} == {
        "auction": "SDAC", "deliveryDate": "2024-01-15", "areaCode": "DK1",
        "portfolio": "5790000000001", "resolutionMinutes": 60,
    }  # fmt: skip
    assert document["curves"][1] == {
        "deliveryStart": "2024-01-15T00:00:00Z",
        "deliveryEnd": "2024-01-15T01:00:00Z",
        "curvePoints": [
            {"price": -500.0, "volume": 3.5}, {"price": 50.0, "volume": 2.0},
            {"price": 120.5, "volume": 0.7}, {"price": 4000.0, "volume": 0.0},
        ],
    }  # fmt: skip
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert download.content.decode() == csv_text
    # the typed order says the same as the file
    assert {k: order[k] for k in ("bidPlanId", "auction", "deliveryDay", "biddingZone",
                                  "portfolio", "currency", "mtuMinutes")} == {
        "bidPlanId": plan_id, "auction": "SDAC", "deliveryDay": "2024-01-15",
        "biddingZone": "DK1", "portfolio": "5790000000001", "currency": "EUR", "mtuMinutes": 60,
    }  # fmt: skip
    assert order["curves"][1] == {
        "deliveryStartAt": "2024-01-15T00:00:00+00:00",
        "deliveryEndAt": "2024-01-15T01:00:00+00:00",
        "points": [
            {"priceEurPerMwh": -500.0, "volumeMw": 3.5}, {"priceEurPerMwh": 50.0, "volumeMw": 2.0},
            {"priceEurPerMwh": 120.5, "volumeMw": 0.7}, {"priceEurPerMwh": 4000.0, "volumeMw": 0.0},
        ],
    }  # fmt: skip


def test_another_tenant_cannot_download_curves(other_tenant, stored, device):
    _, made = stored
    foreign = device(other_tenant, f"/api/v1/bid-plans/{made['plan'].pk}/curves")
    missing = device(other_tenant, f"/api/v1/bid-plans/{made['plan'].pk + 999}/curves")
    assert foreign.status_code == missing.status_code == 404
    assert (
        foreign.json()
        == missing.json()
        == {"errors": [{"message": "Bid plan not found.", "code": "NOT_FOUND"}]}
    )


@pytest.mark.parametrize("count", [1, 4])
def test_bid_plan_list_runs_a_fixed_number_of_queries(tenant, token_client, count):
    # given
    public_series()
    world = build_pool(tenant)
    for day in range(count):
        make_plan(tenant, world, day=dt.date(2024, 1, 1 + day))
    client = token_client(tenant)
    query = """{ bidPlans(first: 4) { totalCount edges { node {
        id deliveryDay pool { name } job { status } risk { cvarEur scenarioCosts { costEur } }
        dayAheadCurves { status acceptedVolumeMw points { priceEurPerMwh } }
        reserveOffers { productCode capacityMw acceptedCapacityMw }
        periods { heatPumpId powerKw reserve { productCode powerKw } }
        dispatches { id setpoints { powerKw } } } } } }"""
    # when
    with CaptureQueriesContext(connection) as queries:
        body = client.execute(query)
    # then: token + last-used update + page (with the count) + pools + jobs + curves + their results +
    # offers + their results + periods + dispatches + setpoints + the audit record of the token's use
    edges = body["data"]["bidPlans"]["edges"]
    assert [len(e["node"]["dayAheadCurves"]) for e in edges] == [2] * count
    assert [e["node"]["dayAheadCurves"][0]["acceptedVolumeMw"] for e in edges] == [2.0] * count
    assert [len(e["node"]["dispatches"][0]["setpoints"]) for e in edges] == [2] * count
    assert len(queries.captured_queries) == 13, "\n".join(
        q["sql"][:150] for q in queries.captured_queries
    )


BIDS = """query($filters: BidFilter) { bids(first: 50, filters: $filters) {
    totalCount edges { node { id product { code } deliveryStartAt status } } } }"""


def test_bids_filter_by_plan_product_and_period(tenant, stored, token_client):
    # given a plan with two day-ahead curves (23:00 and 00:00 UTC) and one mFRR offer (23:00),
    # and a second plan the next day
    world, made = stored
    other = make_plan(tenant, world, day=dt.date(2024, 1, 16))
    client = token_client(tenant)
    plan_id = gid("BidPlan", made["plan"])

    def ids(filters):
        body = client.execute(BIDS, {"filters": filters})
        return sorted(edge["node"]["id"] for edge in body["data"]["bids"]["edges"])

    # then
    assert ids({"bidPlanId": plan_id}) == sorted(gid("Bid", bid) for bid in made["bids"])
    assert ids({"bidPlanId": gid("BidPlan", other["plan"])}) == sorted(
        gid("Bid", bid) for bid in other["bids"]
    )
    assert ids({"bidPlanId": plan_id, "productCode": "MFRR_UP"}) == [gid("Bid", made["bids"][2])]
    assert ids(
        {
            "bidPlanId": plan_id,
            "deliveryFrom": "2024-01-15T00:00:00+00:00",
            "deliveryTo": "2024-01-15T01:00:00+00:00",
        }
    ) == [gid("Bid", made["bids"][1])]
    assert len(ids({})) == 6


def test_bids_filter_with_a_malformed_plan_id_names_the_path(tenant, stored, token_client):
    body = token_client(tenant).execute(BIDS, {"filters": {"bidPlanId": "nope"}})
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "field": "filters.bidPlanId",
        "reason": "not a valid id (ids are opaque strings handed out by this API)",
    }


def test_jobs_filter_by_kind_status_and_object(tenant, stored, token_client):
    # given a bid plan (its job succeeded) and its dispatch job, and a queued diagnostic job
    from ainergy.jobs.services import job_enqueue

    _, made = stored
    diagnostic = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    client = token_client(tenant)
    query = """query($filters: JobFilter) { jobs(first: 50, filters: $filters) {
        edges { node { id kind status } } } }"""

    def ids(filters):
        body = client.execute(query, {"filters": filters})
        return sorted(edge["node"]["id"] for edge in body["data"]["jobs"]["edges"])

    plan_jobs = sorted([gid("Job", made["plan"].job), gid("Job", made["dispatch"].job)])
    # then
    assert ids({"objectId": gid("BidPlan", made["plan"])}) == plan_jobs
    assert ids({"objectId": gid("PoolDispatch", made["dispatch"])}) == [
        gid("Job", made["dispatch"].job)
    ]
    assert ids({"kind": "DIAGNOSTIC"}) == [gid("Job", diagnostic)]
    assert ids({"status": "QUEUED", "kind": "DIAGNOSTIC"}) == [gid("Job", diagnostic)]
    assert ids({"kind": "BID_PLAN", "status": "FAILED"}) == []
    body = client.execute(query, {"filters": {"objectId": gid("Site", made["plan"].pool)}})
    assert body["errors"][0]["extensions"]["field"] == "filters.objectId"
