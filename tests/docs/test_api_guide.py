"""docs/api.md is executed: every GraphQL block of a worked example runs, in order, against the
real schema with the variables printed under it; values like "<siteCreate.id>" come from the
answers before. A partner following the guide gets exactly these answers."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.conf import settings

GUIDE = Path(settings.BASE_DIR) / "docs" / "api.md"
BLOCK = re.compile(r"```graphql\n(?P<query>.*?)```\s*(?:```json\n(?P<variables>.*?)```)?", re.S)
PLACEHOLDER = re.compile(r"^<([\w.]+)>$")


def examples(name: str) -> list[dict]:
    found = []
    for match in BLOCK.finditer(GUIDE.read_text()):
        query = match.group("query")
        header = query.splitlines()[0]
        words = header.removeprefix("# example:").split()
        if not header.startswith("# example:") or words[0] != name:
            continue
        operation = re.search(r"(?:query|mutation)\s+(\w+)", query)
        found.append(
            {
                "query": query,
                "variables": json.loads(match.group("variables") or "{}"),
                "operation": operation.group(1) if operation else None,
                "expect_errors": "expect-errors" in words,
            }
        )
    return found


def substitute(value, answers: dict):
    if isinstance(value, dict):
        return {key: substitute(item, answers) for key, item in value.items()}
    if isinstance(value, list):
        return [substitute(item, answers) for item in value]
    if isinstance(value, str) and (match := PLACEHOLDER.match(value)):
        found = answers
        for key in match.group(1).split("."):
            found = found[key]
        return found
    return value


def run(client, steps, capture, hooks=None) -> dict:
    answers: dict = {}
    hooks = hooks or {}
    for step in steps:
        if step["operation"] in hooks:
            hooks[step["operation"]](answers)
        with capture(execute=True):
            body = client.execute(step["query"], substitute(step["variables"], answers))
        if step["expect_errors"]:
            assert body.get("errors"), (step["operation"], body)
            continue
        assert "errors" not in body, (step["operation"], body["errors"])
        answers.update(body["data"])
    return answers


def test_the_guide_has_both_days():
    assert len(examples("aggregator")) >= 10
    assert len(examples("household")) >= 5


@pytest.mark.django_db(transaction=True)
def test_an_aggregators_day_from_zero_to_dispatched_setpoints(
    tenant, token_client, django_capture_on_commit_callbacks
):
    # given an API token and the public DK1 prices of the platform
    from ainergy.assets.models import Pool
    from ainergy.timeseries.models import Series
    from tests.optimization.app.bidding_world import load_around, public_series

    public_series()
    client = token_client(tenant, ["read", "write", "ingest"])

    def three_weeks_of_history(answers):
        world = {
            "pool": Pool.objects.get(tenant=tenant, name="North pool"),
            "heat": Series.objects.get(tenant=tenant, key="north-heat"),
        }
        load_around(world, dt.date(2024, 1, 15))

    # when every step of the guide runs
    answers = run(
        client,
        examples("aggregator"),
        django_capture_on_commit_callbacks,
        hooks={"Coverage": three_weeks_of_history},
    )
    # then the plan was computed, submitted, cleared and dispatched
    plan = answers["bidPlan"]
    assert plan["status"] == "DISPATCHED"
    assert [event["action"] for event in plan["events"]] == [
        "REQUEST",
        "SUBMIT",
        "RESULTS_RECORD",
        "DISPATCH",
    ]
    assert answers["job"]["status"] == "SUCCEEDED"
    schedule = answers["heatPumpSchedule"]
    assert len(schedule["setpoints"]) == 24
    assert all(0 <= s["powerKw"] <= 2000 + 1e-6 for s in schedule["setpoints"])
    kinds = sorted(edge["node"]["kind"] for edge in answers["jobs"]["edges"])
    assert kinds == ["BID_PLAN", "POOL_DISPATCH"]
    assert answers["series"]["observationCount"] >= 21 * 24


@pytest.mark.django_db(transaction=True)
def test_a_households_day(tenant, token_client, django_capture_on_commit_callbacks):
    # given the zone's public prices and N1's stored tariffs
    from ainergy.markets.models import BiddingZone
    from ainergy.timeseries.models import Series
    from ainergy.timeseries.services import observations_write_frame, public_series_get_or_create
    from tests.optimization.app.conftest import _window, dk1_prices_frame, weather_frame

    prices = public_series_get_or_create(
        key="dk1-day-ahead", kind="day_ahead_price", resolution_minutes=60,
        bidding_zone=BiddingZone.objects.get(code="DK1"),
    )  # fmt: skip
    client = token_client(tenant, ["read", "write", "ingest"])
    start = dt.datetime(2024, 1, 12, tzinfo=dt.UTC)
    end = start + dt.timedelta(days=6)

    def weather_and_prices(answers):
        weather = weather_frame()
        for key, column in (
            ("villa-temperature", "temperature_c"),
            ("villa-irradiance", "solar_radiation_w_per_m2"),
        ):
            observations_write_frame(
                series=Series.objects.get(tenant=tenant, key=key),
                frame=_window(weather, column, start, end),
                source="open-meteo",
                tenant=tenant,
            )
        observations_write_frame(
            series=prices, frame=_window(dk1_prices_frame(), "price_eur_per_mwh", start, end),
            source="energidataservice",
        )  # fmt: skip

    # when
    answers = run(
        client,
        examples("household"),
        django_capture_on_commit_callbacks,
        hooks={"Schedule": weather_and_prices},
    )
    # then: 96 quarter-hours, a bill that adds up
    schedule = answers["householdSchedule"]
    assert schedule["job"]["status"] == "SUCCEEDED"
    assert schedule["job"]["result"]["periodCount"] == 96 == len(schedule["periods"])
    cost = schedule["cost"]
    assert cost["totalEur"] == pytest.approx(
        cost["energyEur"] + cost["tariffsEur"] + cost["taxesEur"] - cost["exportRevenueEur"],
        abs=0.01,
    )
    bill = schedule["billDkk"]
    parts = ("spotDkk", "supplierMarkupDkk", "dsoTariffDkk", "energinetTariffDkk",
             "electricityTaxDkk", "vatDkk")  # fmt: skip
    assert bill["dsoTariffDkk"] > 0 and bill["energinetTariffDkk"] > 0
    assert bill["totalDkk"] == pytest.approx(
        sum(bill[k] for k in parts) - bill["exportRevenueDkk"], abs=0.01
    )
    assert "n1" in [company["code"] for company in answers["gridCompanies"]]
    assert answers["householdSchedules"]["totalCount"] == 1
