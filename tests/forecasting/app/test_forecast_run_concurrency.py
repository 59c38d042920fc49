"""Concurrent identical forecast requests create exactly one run (real PostgreSQL, 8 threads)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from ainergy.common.errors import ValidationError
from ainergy.jobs.models import Job
from ainergy.timeseries.models import ForecastValue
from forecasting.models import ForecastRun
from forecasting.services import forecast_run_request
from tests.forecasting.app.conftest import heat_window, utc, write_observations

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


def test_eight_concurrent_identical_requests_create_one_run(make_series):
    # given a heat series with four weeks of history
    series = make_series("concurrent-heat")
    issued_at = utc(2015, 2, 9, 9)
    write_observations(series, heat_window(utc(2015, 1, 12), issued_at))
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def fire() -> None:
        try:
            barrier.wait(timeout=30)
            run = forecast_run_request(
                tenant=series.tenant,
                series=series,
                model_name="seasonal_naive",
                issued_at=issued_at,
                delivery_day=dt.date(2015, 2, 10),
                history_days=28,
            )
            outcome: object = run.pk
        except ValidationError as error:
            outcome = error.message
        except Exception as error:  # any other failure is a finding, shown in the assertion
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=fire) for _ in range(THREADS)]
    # when all eight fire at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then exactly one run, one job and one set of values exist; the others were refused
    run_ids = [o for o in outcomes if isinstance(o, int)]
    refusals = [o for o in outcomes if isinstance(o, str)]
    assert len(outcomes) == THREADS
    assert len(run_ids) == 1
    assert refusals == [
        "issued_at: concurrent-heat already has a seasonal_naive forecast issued at "
        "2015-02-09T09:00:00+00:00"
    ] * (THREADS - 1)
    assert list(ForecastRun.objects.values_list("pk", flat=True)) == run_ids
    assert Job.objects.filter(kind="forecast_run").count() == 1
    assert ForecastValue.objects.filter(run_id=run_ids[0]).count() == 72
    assert ForecastValue.objects.count() == 72


def test_eight_concurrent_forecast_run_requests_over_graphql_have_one_effect(make_series):
    """The attack of issue 15 (finding 3) over the whole stack: ``forecastRunRequest`` from 8
    threads at once (own HTTP client and database connection each, real commits)."""
    from django.test import Client
    from strawberry import relay

    from tenants.services import api_token_create

    # given a heat series with four weeks of history and a token of its tenant
    series = make_series("graphql-heat")
    issued_at = utc(2015, 2, 9, 9)
    write_observations(series, heat_window(utc(2015, 1, 12), issued_at))
    _, secret = api_token_create(tenant=series.tenant, name="race", scopes=["read", "write"])
    mutation = """mutation($input: ForecastRunRequestInput!) {
      forecastRunRequest(input: $input) { id status }
    }"""
    variables = {
        "input": {
            "seriesId": str(relay.GlobalID("Series", str(series.pk))),
            "issuedAt": issued_at.isoformat(),
            "deliveryDay": "2015-02-10",
            "historyDays": 28,
        }
    }
    barrier = threading.Barrier(THREADS)
    bodies: list[dict] = []
    lock = threading.Lock()

    def fire() -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        try:
            barrier.wait(timeout=30)
            response = client.post(
                "/graphql",
                {"query": mutation, "variables": variables},
                content_type="application/json",
            )
            body = response.json()
        finally:
            connection.close()
        with lock:
            bodies.append(body)

    threads = [threading.Thread(target=fire) for _ in range(THREADS)]
    # when all eight fire at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then one request was accepted; the seven others got the named refusal, none INTERNAL
    accepted = [body["data"]["forecastRunRequest"] for body in bodies if not body.get("errors")]
    refused = [error["extensions"] for body in bodies for error in body.get("errors", [])]
    assert len(bodies) == THREADS
    assert len(accepted) == 1
    assert refused == [
        {
            "code": "VALIDATION_ERROR",
            "field": "input.issuedAt",
            "reason": "graphql-heat already has a seasonal_naive forecast issued at "
            "2015-02-09T09:00:00+00:00",
        }
    ] * (THREADS - 1)
    run_id = int(relay.GlobalID.from_id(accepted[0]["id"]).node_id)
    assert list(ForecastRun.objects.values_list("pk", flat=True)) == [run_id]
    assert Job.objects.filter(kind="forecast_run").count() == 1
