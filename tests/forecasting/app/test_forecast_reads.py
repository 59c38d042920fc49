"""Readers of stored forecasts pick one run: two models issued at the same time are never mixed.

Hand-checkable values: per run a constant forecast (run A 1000, run B 2000, a failed run C 9000,
a directly written forecast 500 issued an hour earlier), so any mixing shows as a foreign value.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.jobs.models import Job, JobStatus
from ainergy.timeseries.selectors import forecast_issue, forecast_values
from ainergy.timeseries.services import forecasts_write
from forecasting.models import ForecastRun
from forecasting.selectors import regressor_forecast
from optimization.services.bidding_data import latest_heat_forecast
from tests.optimization.app.bidding_world import build_pool, make_plan, public_series

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 1, 15)
INDEX = pd.date_range("2024-01-14T23:00Z", periods=24, freq="h")


def write_run(tenant, series, issued_at, value, *, model, status=JobStatus.SUCCEEDED):
    """A forecast run of ``model`` with a constant point forecast and 0.1/0.9 quantiles ±100."""
    job = Job.objects.create(tenant=tenant, kind="forecast_run", queue="forecasting", status=status)
    run = ForecastRun.objects.create(
        tenant=tenant, series=series, forecast_series=series, model_name=model,
        issued_at=issued_at, horizon_start_at=INDEX[0], horizon_end_at=INDEX[-1] + INDEX.freq,
        horizon_hours=24, resolution_minutes=60, history_days=28, quantiles=[0.1, 0.5, 0.9],
        job=job,
    )  # fmt: skip
    frame = pd.concat(
        pd.DataFrame({"time": INDEX, "value": np.full(24, value + shift), "quantile": q})
        for q, shift in ((0.1, -100.0), (0.5, 0.0), (0.9, 100.0))
    )
    forecasts_write(
        tenant=tenant, series=series, issued_at=issued_at, frame=frame, source="test", run=run
    )
    return run


@pytest.fixture
def two_models(tenant):
    """Plan of 2024-01-15 (gate 2024-01-14 12:00 UTC); heat forecasts issued after the gate:
    a direct write at 13:00, then at 14:00 run A (lightgbm), run B (prophet_lagged) and a
    failed run C (created last)."""
    public_series()
    world = build_pool(tenant)
    plan = make_plan(tenant, world, day=DAY)["plan"]
    heat = world["heat"]
    issued = plan.gate_closure_at + dt.timedelta(hours=2)
    forecasts_write(
        tenant=tenant, series=heat, issued_at=issued - dt.timedelta(hours=1),
        frame=pd.DataFrame({"time": INDEX, "value": np.full(24, 500.0)}), source="direct",
    )  # fmt: skip
    a = write_run(tenant, heat, issued, 1000.0, model="lightgbm")
    b = write_run(tenant, heat, issued, 2000.0, model="prophet_lagged")
    c = write_run(tenant, heat, issued, 9000.0, model="prophet", status=JobStatus.FAILED)
    return plan, heat, issued, (a, b, c)


def test_two_models_issued_at_the_same_time_are_not_mixed(two_models):
    plan, heat, issued, (a, b, c) = two_models
    # the latest succeeded run (B: created after A; C failed) and nothing else
    assert forecast_issue(heat) == (issued, b.pk)
    latest = forecast_values(heat)
    assert len(latest) == 72
    assert sorted(set(latest["value"])) == [1900.0, 2000.0, 2100.0]
    # an explicit run: only its values; a failed run is never read
    assert sorted(set(forecast_values(heat, run_id=a.pk)["value"])) == [900.0, 1000.0, 1100.0]
    assert forecast_values(heat, run_id=c.pk).empty
    # at or before an earlier time: the direct write of 13:00
    earlier = forecast_values(heat, issued_at=issued - dt.timedelta(minutes=1))
    assert (len(earlier), set(earlier["value"])) == (24, {500.0})
    # regressor reads (household/pipeline weather, forecast runs' regressors): one run per issue
    assert set(regressor_forecast(heat, issued_at=issued, index=INDEX)) == {2000.0}
    # the pool dispatch's fresher heat forecast [MW]: run B's values, named by its issue time
    values, source = latest_heat_forecast(plan, INDEX, issued + dt.timedelta(hours=1))
    assert values.tolist() == [2.0] * 24
    assert source == "forecast of 'north-heat' issued 2024-01-14T14:00Z"


def test_an_unfinished_later_run_is_not_read_until_it_succeeds(tenant, two_models):
    plan, heat, issued, (a, b, c) = two_models
    later = issued + dt.timedelta(hours=1)
    d = write_run(tenant, heat, later, 3000.0, model="lightgbm", status=JobStatus.RUNNING)
    assert forecast_issue(heat) == (issued, b.pk)
    assert set(regressor_forecast(heat, issued_at=later, index=INDEX)) == {2000.0}
    Job.objects.filter(pk=d.job_id).update(status=JobStatus.SUCCEEDED)
    assert forecast_issue(heat) == (later, d.pk)
    assert set(regressor_forecast(heat, issued_at=later, index=INDEX)) == {3000.0}
    values, _ = latest_heat_forecast(plan, INDEX, later)
    assert values.tolist() == [3.0] * 24
