"""A forecast run through a real Celery worker on Redis and the PostgreSQL test database."""

from __future__ import annotations

import datetime as dt

import pytest

from ainergy.timeseries.models import ForecastValue
from forecasting.models import ForecastRun
from forecasting.services import forecast_run_request
from tests.forecasting.app.conftest import heat_window, utc, write_observations
from tests.jobs.fixtures import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_forecast_job_runs_on_the_forecasting_queue_of_a_real_worker(worker, make_series):
    # given
    series = make_series("worker-heat")
    issued_at = utc(2015, 2, 9, 9)
    write_observations(series, heat_window(utc(2015, 1, 12), issued_at))
    # when
    run = forecast_run_request(
        tenant=series.tenant,
        series=series,
        model_name="seasonal_naive",
        issued_at=issued_at,
        delivery_day=dt.date(2015, 2, 10),
        history_days=28,
    )
    # then
    job = wait_for(run.job_id, lambda j: j.is_finished)
    assert (job.status, job.queue, job.attempts, job.progress_fraction) == (
        "succeeded",
        "forecasting",
        1,
        1.0,
    )
    assert ForecastRun.objects.get(pk=run.pk).metrics["forecast_values"] == 72
    assert ForecastValue.objects.filter(series=series).count() == 72
