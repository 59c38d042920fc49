"""Forecast runs end to end: request → job → stored forecasts, look-ahead safety, DST, errors."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from strawberry import relay

from ainergy.jobs.models import Job
from ainergy.timeseries.models import ForecastValue
from forecasting.core import api
from forecasting.models import ForecastRun
from forecasting.selectors import forecast_run_values
from forecasting.services import forecast_run_request
from tests.forecasting.app.conftest import heat_window, utc, write_observations

pytestmark = pytest.mark.django_db

REQUEST = """
mutation Request($input: ForecastRunRequestInput!) {
  forecastRunRequest(input: $input) {
    id status modelName issuedAt horizonStartAt horizonEndAt horizonHours resolutionMinutes
    quantiles scenarioCount series { key } forecastSeries { key } job { status }
  }
}
"""
ISSUED_AT = utc(2015, 2, 9, 9)  # 10:00 Europe/Copenhagen (CET) on the day before delivery


def gid(type_name: str, obj) -> str:
    return str(relay.GlobalID(type_name, str(obj.pk)))


def stored(run: ForecastRun, quantile: float = 0.5, scenario: int = 0) -> list[float]:
    values = forecast_run_values(run)
    member = values[(values["quantile"] == quantile) & (values["scenario"] == scenario)]
    return list(member.sort_values("time")["value"])


def request_run(series, django_capture_on_commit_callbacks, **overrides) -> ForecastRun:
    arguments = {
        "tenant": series.tenant,
        "series": series,
        "model_name": "seasonal_naive",
        "issued_at": ISSUED_AT,
        "delivery_day": dt.date(2015, 2, 10),
        "history_days": 28,
        **overrides,
    }
    with django_capture_on_commit_callbacks(execute=True):
        run = forecast_run_request(**arguments)
    run.refresh_from_db()
    run.job.refresh_from_db()
    return run


def test_request_runs_a_job_that_stores_the_core_forecast_with_quantiles(
    heat_series, token_client, tenant, django_capture_on_commit_callbacks
):
    # given
    client = token_client(tenant)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = client.execute(
            REQUEST,
            {
                "input": {
                    "seriesId": gid("Series", heat_series),
                    "issuedAt": ISSUED_AT.isoformat(),
                    "deliveryDay": "2015-02-10",
                    "historyDays": 28,
                    "quantiles": [0.1, 0.9],
                }
            },
        )
    # then: the mutation answers with the queued run
    data = response["data"]["forecastRunRequest"]
    assert "errors" not in response
    assert {k: v for k, v in data.items() if k != "id"} == {
        "status": "QUEUED",
        "modelName": "SEASONAL_NAIVE",
        "issuedAt": "2015-02-09T09:00:00+00:00",
        "horizonStartAt": "2015-02-09T23:00:00+00:00",
        "horizonEndAt": "2015-02-10T23:00:00+00:00",
        "horizonHours": 24,
        "resolutionMinutes": 60,
        "quantiles": [0.1, 0.5, 0.9],
        "scenarioCount": 0,
        "series": {"key": "flensburg-heat"},
        "forecastSeries": {"key": "flensburg-heat"},
        "job": {"status": "QUEUED"},
    }
    # and the job ran after commit and stored exactly what the core forecasts from the history
    run = ForecastRun.objects.get()
    job = Job.objects.get(pk=run.job_id)
    assert (job.kind, job.queue, job.status, job.progress_fraction) == (
        "forecast_run",
        "forecasting",
        "succeeded",
        1.0,
    )
    history = pd.DataFrame({"target": heat_window(ISSUED_AT - dt.timedelta(days=28), ISSUED_AT)})
    horizon = pd.date_range(utc(2015, 2, 9, 23), periods=24, freq="60min")
    expected = api.day_ahead_forecast(
        history, "target", pd.Timestamp(ISSUED_AT), horizon, quantiles=[0.1, 0.9]
    )
    assert stored(run) == list(expected.mean)
    assert stored(run, 0.1) == list(expected.quantiles[0.1])
    assert stored(run, 0.9) == list(expected.quantiles[0.9])
    assert ForecastValue.objects.filter(series=heat_series).count() == 72
    assert job.result_summary == run.metrics
    assert run.metrics == {
        "forecast_values": 72,
        "horizon_periods": 24,
        "history_values": 28 * 24,
        "history_first_at": "2015-01-12T09:00:00+00:00",
        "history_last_at": "2015-02-09T08:00:00+00:00",
        "fit_predict_seconds": run.metrics["fit_predict_seconds"],
    }


def test_observations_at_or_after_the_issue_time_never_reach_the_forecast(
    make_series, django_capture_on_commit_callbacks
):
    # given two series equal before the issue time; one is poisoned from the issue time on
    clean, poisoned = make_series("clean-heat"), make_series("poisoned-heat")
    history = heat_window(utc(2015, 1, 1), utc(2015, 2, 12))
    write_observations(clean, history)
    write_observations(
        poisoned, history.where(history.index < ISSUED_AT, 9_999_999.0)
    )  # the issue hour itself too
    # when
    clean_run = request_run(clean, django_capture_on_commit_callbacks, scenario_count=3)
    poisoned_run = request_run(poisoned, django_capture_on_commit_callbacks, scenario_count=3)
    # then: identical forecasts, and the newest value used lies before the issue time
    assert poisoned_run.job.status == "succeeded"
    for quantile in (0.1, 0.5, 0.9):
        assert stored(poisoned_run, quantile) == stored(clean_run, quantile)
        assert max(stored(poisoned_run, quantile)) < 1_000_000.0
    for scenario in (1, 2, 3):
        assert stored(poisoned_run, 0.5, scenario) == stored(clean_run, 0.5, scenario)
    assert poisoned_run.metrics["history_last_at"] == "2015-02-09T08:00:00+00:00"


@pytest.mark.parametrize(
    ("delivery_day", "resolution_minutes", "periods", "hours"),
    [
        (dt.date(2015, 3, 29), 60, 23, 23),
        (dt.date(2015, 10, 25), 60, 25, 25),
        (dt.date(2015, 3, 29), 15, 92, 23),
        (dt.date(2015, 10, 25), 15, 100, 25),
    ],
)
def test_a_dst_delivery_day_has_23_or_25_hours(
    make_series,
    django_capture_on_commit_callbacks,
    delivery_day,
    resolution_minutes,
    periods,
    hours,
):
    # given
    series = make_series("heat-dst", resolution_minutes=resolution_minutes)
    day_start = pd.Timestamp(delivery_day, tz="Europe/Copenhagen").tz_convert("UTC")
    issued_at = (day_start - pd.Timedelta(hours=14)).to_pydatetime()  # D-1 10:00 local
    write_observations(
        series,
        heat_window(issued_at - dt.timedelta(days=20), issued_at, resolution_minutes),
    )
    # when
    run = request_run(
        series,
        django_capture_on_commit_callbacks,
        issued_at=issued_at,
        delivery_day=delivery_day,
        history_days=20,
    )
    # then
    times = forecast_run_values(run).query("quantile == 0.5")["time"]
    assert (run.job.status, run.horizon_hours, len(times)) == ("succeeded", hours, periods)
    assert times.iloc[0] == day_start
    assert times.iloc[-1] == day_start + pd.Timedelta(hours=hours) - pd.Timedelta(
        minutes=resolution_minutes
    )


def test_a_prophet_run_stores_a_plausible_day_ahead_heat_forecast(
    heat_series, django_capture_on_commit_callbacks
):
    # when
    run = request_run(heat_series, django_capture_on_commit_callbacks, model_name="prophet")
    # then: 24 hourly values within the range Flensburg saw that winter month
    point = stored(run)
    assert (run.job.status, len(point)) == ("succeeded", 24)
    history = heat_window(utc(2015, 1, 12), ISSUED_AT)
    assert 0.5 * history.min() < min(point) and max(point) < 1.5 * history.max()
