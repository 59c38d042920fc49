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
