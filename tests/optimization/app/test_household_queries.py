"""List fields of studies and schedules run a fixed number of queries (no N+1)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ainergy.jobs.models import Job, JobStatus
from optimization.models import SizingStudy
from tests.optimization.app.test_household_rest import make_schedule


@pytest.mark.parametrize("count", [1, 5])
def test_schedule_list_with_periods_runs_a_fixed_number_of_queries(
    tenant, house, token_client, count
):
    # given
    for day in range(count):
        make_schedule(house, dt.date(2024, 1, 1 + day), JobStatus.SUCCEEDED, 1.0)
    client = token_client(tenant)
    query = """{ householdSchedules(first: 20) { totalCount edges { node {
        id deliveryDay totalCostEur site { name } job { status } priceSeries { key }
        cost { totalEur } periods { startAt startLocal heatPumpPowerKw } } } } }"""
    # when
    with CaptureQueriesContext(connection) as queries:
        body = client.execute(query)
    # then: token + last-used update + page (series joined) + sites + jobs + periods + the
    # audit record of the token's use; the tenant-scoped related types (site, job) are
    # prefetched through their get_queryset
    edges = body["data"]["householdSchedules"]["edges"]
    assert [len(edge["node"]["periods"]) for edge in edges] == [2] * count
    assert len(queries.captured_queries) == 7, [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("count", [1, 5])
def test_sizing_study_list_runs_a_fixed_number_of_queries(tenant, house, token_client, count):
    # given
    for _ in range(count):
        SizingStudy.objects.create(
            tenant=tenant, site=house["site"], year=2023, discount_rate_fraction=0.04,
            job=Job.objects.create(tenant=tenant, kind="household_sizing", queue="sizing"),
            temperature_series=house["temperature"], solar_irradiance_series=house["irradiance"],
            price_series=house["prices"], annual_heat_demand_kwh=12000.0, tariff_table={},
            design={"heat_pump": "air-water 6 kW", "pv_kwp": 4.0, "battery_energy_kwh": 0.0,
                    "battery_power_kw": 0.0, "has_ev_charger": True},
        )  # fmt: skip
    client = token_client(tenant)
    query = """{ sizingStudies(first: 20) { totalCount edges { node {
        id year site { name } job { status progressFraction } temperatureSeries { key }
        design { heatPump pvKwp } paretoFront { totalCostEurPerYear } } } } }"""
    # when
    with CaptureQueriesContext(connection) as queries:
        body = client.execute(query)
    # then: token + last-used update + page (series joined) + sites + jobs + audit record
    edges = body["data"]["sizingStudies"]["edges"]
    assert [edge["node"]["design"]["heatPump"] for edge in edges] == ["air-water 6 kW"] * count
    assert len(queries.captured_queries) == 6, [q["sql"] for q in queries.captured_queries]


def test_schedules_filter_by_site(tenant, house, token_client):
    # given a schedule of the house and one of a second site (same series, another site)
    from ainergy.assets.models import Site
    from ainergy.common.ids import global_id

    first = make_schedule(house, dt.date(2024, 1, 1), JobStatus.SUCCEEDED, 1.0)
    other_site = Site.objects.create(
        tenant=tenant, name="Cabin", latitude_deg=56.0, longitude_deg=10.0,
        bidding_zone=house["site"].bidding_zone,
    )  # fmt: skip
    second = make_schedule(
        {**house, "site": other_site}, dt.date(2024, 1, 1), JobStatus.SUCCEEDED, 2.0
    )
    query = """query($site: ID!) { householdSchedules(first: 10, filters: {siteId: $site}) {
        edges { node { id } } } }"""
    client = token_client(tenant)
    # when / then
    for site, schedule in ((house["site"], first), (other_site, second)):
        body = client.execute(query, {"site": global_id(site)})
        assert [e["node"]["id"] for e in body["data"]["householdSchedules"]["edges"]] == [
            global_id(schedule)
        ]
