"""GraphQL of forecast runs: bad input, accuracy, values, isolation, query counts, prices."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from strawberry import relay

from ainergy.jobs.models import Job
from ainergy.timeseries.models import ForecastValue, Series
from ainergy.timeseries.services import forecasts_write, series_create
from forecasting.models import ForecastRun
from forecasting.services import forecast_run_request
from tests.forecasting.app.conftest import dk1_prices, flensburg, utc, write_observations

pytestmark = pytest.mark.django_db

REQUEST = """
mutation Request($input: ForecastRunRequestInput!) {
  forecastRunRequest(input: $input) { id status }
}
"""
ISSUED_AT = utc(2015, 2, 9, 9)


def gid(type_name: str, obj) -> str:
    return str(relay.GlobalID(type_name, str(obj.pk)))


@pytest.fixture
def temperature_series(make_series):
    series = make_series("flensburg-temperature", kind="outdoor_temperature")
    temperature = flensburg()["temperature_c"]
    write_observations(series, temperature[utc(2015, 1, 12) : utc(2015, 2, 9, 8)])
    return series


def base_input(series) -> dict:
    return {
        "seriesId": gid("Series", series),
        "issuedAt": ISSUED_AT.isoformat(),
        "deliveryDay": "2015-02-10",
        "historyDays": 28,
    }


BAD_INPUTS = [
    (
        {"quantiles": [0.1, 1.0]},
        "input.quantiles[1]",
        "input.quantiles[1]: must lie in (0, 1), got 1",
    ),
    (
        {"deliveryDay": None, "horizonHours": 0},
        "input.horizonHours",
        "input.horizonHours: must be between 1 and 168, got 0",
    ),
    (
        {"horizonHours": 24},
        "input.deliveryDay",
        "input.deliveryDay: give either delivery_day or horizon_hours",
    ),
    (
        {"deliveryDay": "2015-02-09"},
        "input.deliveryDay",
        "input.deliveryDay: 2015-02-09 starts before the issue time 2015-02-09T09:00:00+00:00",
    ),
    (
        {"historyDays": 7},
        "input.historyDays",
        "input.historyDays: must be between 14 and 1100, got 7",
    ),
    (
        {"issuedAt": "2015-01-20T09:00:00+00:00", "deliveryDay": "2015-01-21"},
        "input.issuedAt",
        "input.issuedAt: too little history: 201 of 336 values of flensburg-heat in the 14 days "
        "before the issue time; need at least 90%",
    ),
    (
        {"issuedAt": "2015-02-09T09:00:00"},
        "input.issuedAt",
        "input.issuedAt: naive datetime; give a UTC offset or time zone",
    ),
    (
        {"scenarioCount": 51},
        "input.scenarioCount",
        "input.scenarioCount: must be between 0 and 50, got 51",
    ),
    (
        {"backtestDays": 20},
        "input.backtestDays",
        "input.backtestDays: 20 backtest days need history_days of at least 35",
    ),
    (
        {"regressorSeriesIds": "temperature"},
        "input.regressorSeriesIds",
        "input.regressorSeriesIds: seasonal_naive uses no regressors",
    ),
    (
        {"modelName": "TEMPERATURE_REGRESSION"},
        "input.regressorSeriesIds",
        "input.regressorSeriesIds: temperature_regression needs an outdoor_temperature series",
    ),
    (
        {"modelName": "TEMPERATURE_REGRESSION", "regressorSeriesIds": "temperature"},
        "input.regressorSeriesIds[0]",
        "input.regressorSeriesIds[0]: no forecast of flensburg-temperature issued by the issue time "
        "covers 24 of 24 horizon periods",
    ),
    (
        {"seriesId": "temperature"},
        "input.seriesId",
        "input.seriesId: outdoor_temperature series cannot be forecast; use one of heat_demand, "
        "heat_output, electricity_consumption, electric_power, pv_generation, day_ahead_price",
    ),
]


@pytest.mark.parametrize(("overrides", "field", "message"), BAD_INPUTS)
def test_bad_input_names_the_field_and_writes_nothing(
    heat_series,
    temperature_series,
    token_client,
    tenant,
    django_capture_on_commit_callbacks,
    overrides,
    field,
    message,
):
    # given
    ids = {"temperature": gid("Series", temperature_series)}
    variables = {**base_input(heat_series), **overrides}
    if variables.get("regressorSeriesIds") == "temperature":
        variables["regressorSeriesIds"] = [ids["temperature"]]
    if variables.get("seriesId") == "temperature":
        variables["seriesId"] = ids["temperature"]
    series_before = Series.objects.count()
    # when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = token_client(tenant).execute(REQUEST, {"input": variables})
    # then
    error = response["errors"][0]
    assert (error["message"], error["extensions"]["code"], error["extensions"]["field"]) == (
        message,
        "VALIDATION_ERROR",
        field,
    )
    assert response["data"] is None
    assert (ForecastRun.objects.count(), Job.objects.count(), len(callbacks)) == (0, 0, 0)
    assert ForecastValue.objects.count() == 0
    assert Series.objects.count() == series_before


def request(series, capture, **overrides) -> ForecastRun:
    arguments = {
        "tenant": series.tenant,
        "series": series,
        "model_name": "seasonal_naive",
        "issued_at": ISSUED_AT,
        "delivery_day": dt.date(2015, 2, 10),
        "history_days": 28,
        **overrides,
    }
    with capture(execute=True):
        run = forecast_run_request(**arguments)
    run.refresh_from_db()
    return run


ACCURACY = """
query Accuracy($id: ID!) {
  forecastRunAccuracy(id: $id) {
    unit horizonPeriods observedPeriods mae rmse pinball { quantile pinballLoss }
    intervalLowerQuantile intervalUpperQuantile intervalCoverageFraction
  }
}
"""


def test_accuracy_against_a_hand_checkable_case(
    make_series, token_client, tenant, django_capture_on_commit_callbacks
):
    # given a flat 10 kW history: seasonal naive forecasts 10 kW with a zero-width interval
    series = make_series("flat-heat")
    flat = pd.Series(10.0, index=pd.date_range(utc(2015, 1, 20), ISSUED_AT, freq="60min"))
    write_observations(series, flat[flat.index < ISSUED_AT])
    run = request(series, django_capture_on_commit_callbacks, delivery_day=None, horizon_hours=4)
    client = token_client(tenant)
    # when nothing has been realised yet
    empty = client.execute(ACCURACY, {"id": gid("ForecastRun", run)})["data"]
    # then
    assert empty["forecastRunAccuracy"]["observedPeriods"] == 0
    assert empty["forecastRunAccuracy"]["mae"] is None
    # when the four hours are realised as 12, 8, 10, 14 kW (errors +2, -2, 0, +4)
    write_observations(
        series,
        pd.Series([12.0, 8.0, 10.0, 14.0], index=pd.date_range(ISSUED_AT, periods=4, freq="60min")),
    )
    data = client.execute(ACCURACY, {"id": gid("ForecastRun", run)})["data"]["forecastRunAccuracy"]
    # then: MAE = 8/4, RMSE = sqrt(24/4), pinball_q = mean(max(q·e, (q-1)·e)), 1 of 4 inside [10, 10]
    assert data == {
        "unit": "kW",
        "horizonPeriods": 4,
        "observedPeriods": 4,
        "mae": 2.0,
        "rmse": math.sqrt(6.0),
        "pinball": [
            {"quantile": 0.1, "pinballLoss": pytest.approx((0.2 + 1.8 + 0.0 + 0.4) / 4)},
            {"quantile": 0.5, "pinballLoss": 1.0},
            {"quantile": 0.9, "pinballLoss": pytest.approx((1.8 + 0.2 + 0.0 + 3.6) / 4)},
        ],
        "intervalLowerQuantile": 0.1,
        "intervalUpperQuantile": 0.9,
        "intervalCoverageFraction": 0.25,
    }


VALUES = """
query Values($id: ID!) {
  forecastRunValues(id: $id) {
    unit times pointValues quantiles { quantile values } scenarios { scenario probability values }
  }
}
"""


def test_values_give_quantiles_and_scenarios_with_probabilities_summing_to_one(
    heat_series, token_client, tenant, django_capture_on_commit_callbacks
):
    # given
    run = request(heat_series, django_capture_on_commit_callbacks, scenario_count=4)
    # when
    data = token_client(tenant).execute(VALUES, {"id": gid("ForecastRun", run)})["data"]
    values = data["forecastRunValues"]
    # then
    assert (values["unit"], len(values["times"]), values["times"][0]) == (
        "kW",
        24,
        "2015-02-09T23:00:00+00:00",
    )
    assert [q["quantile"] for q in values["quantiles"]] == [0.1, 0.5, 0.9]
    assert values["quantiles"][1]["values"] == values["pointValues"]
    assert all(
        low <= mid <= high
        for low, mid, high in zip(*(q["values"] for q in values["quantiles"]), strict=True)
    )
    assert [s["scenario"] for s in values["scenarios"]] == [1, 2, 3, 4]
    assert sum(s["probability"] for s in values["scenarios"]) == pytest.approx(1.0, abs=1e-12)
    assert all(len(s["values"]) == 24 for s in values["scenarios"])


RUNS = """
query Runs {
  forecastRuns(first: 10) {
    edges { node { id modelName status series { key } forecastSeries { key }
      regressorSeries { key } job { status } } }
  }
}
"""


def test_runs_list_with_a_fixed_number_of_queries_and_only_the_tenants_runs(
    heat_series, make_series, other_tenant, token_client, tenant, django_capture_on_commit_callbacks
):
    # given three runs of the tenant and one of another tenant
    for day in (10, 11, 12):
        request(
            heat_series,
            django_capture_on_commit_callbacks,
            issued_at=utc(2015, 2, day - 1, 9),
            delivery_day=dt.date(2015, 2, day),
        )
    foreign = make_series("foreign-heat", owner=other_tenant)
    write_observations(foreign, flensburg()["heat_kw"][utc(2015, 1, 12) : utc(2015, 2, 9, 8)])
    request(foreign, django_capture_on_commit_callbacks)
    client = token_client(tenant)
    # when
    with CaptureQueriesContext(connection) as queries:
        data = client.execute(RUNS)["data"]
    # then: token lookup + count-free page of runs with series and job joined + regressors
    # + the audit record of the token's use
    nodes = [edge["node"] for edge in data["forecastRuns"]["edges"]]
    assert [(n["series"]["key"], n["status"], n["job"]["status"]) for n in nodes] == [
        ("flensburg-heat", "SUCCEEDED", "SUCCEEDED")
    ] * 3
    assert len(queries) == 5


def test_other_tenant_cannot_read_a_run_or_its_values(
    heat_series, other_tenant, token_client, tenant, django_capture_on_commit_callbacks
):
    # given
    run = request(heat_series, django_capture_on_commit_callbacks)
    attacker = token_client(other_tenant)
    # when
    responses = [
        attacker.execute(
            f"query Q($id: ID!) {{ {field}(id: $id) {{ __typename }} }}",
            {"id": gid("ForecastRun", run)},
        )
        for field in ("forecastRun", "forecastRunValues", "forecastRunAccuracy")
    ]
    listed = attacker.execute("{ forecastRuns { edges { node { id } } } }")
    # then
    assert [(r["data"], r["errors"][0]["message"]) for r in responses] == [
        (None, "Forecast run not found.")
    ] * 3
    assert listed == {"data": {"forecastRuns": {"edges": []}}}


def test_a_public_price_forecast_is_stored_in_the_tenants_private_series(
    tenant, other_tenant, django_capture_on_commit_callbacks
):
    # given public DK1 prices
    prices = series_create(
        tenant=None, key="dk1-spot", kind="day_ahead_price", resolution_minutes=60
    )
    write_observations(prices, dk1_prices()[utc(2024, 1, 1) : utc(2024, 2, 1)])
    issued_at = utc(2024, 1, 30, 9)
    # when both tenants forecast it
    runs = [
        request(
            prices,
            django_capture_on_commit_callbacks,
            tenant=owner,
            issued_at=issued_at,
            delivery_day=dt.date(2024, 1, 31),
        )
        for owner in (tenant, other_tenant)
    ]
    # then each forecast lives in the owner's own series; the public series gets none
    assert [(r.forecast_series.key, r.forecast_series.tenant_id) for r in runs] == [
        ("dk1-spot-forecast", tenant.pk),
        ("dk1-spot-forecast", other_tenant.pk),
    ]
    assert [r.job.status for r in runs] == ["succeeded", "succeeded"]
    assert ForecastValue.objects.filter(series=prices).count() == 0
    assert [ForecastValue.objects.filter(series=r.forecast_series).count() for r in runs] == [
        72,
        72,
    ]


def test_temperature_regression_uses_the_temperature_forecast_issued_before_the_run(
    heat_series, temperature_series, django_capture_on_commit_callbacks
):
    # given a temperature forecast for the delivery day issued an hour before the run
    horizon = pd.date_range(utc(2015, 2, 9, 23), periods=24, freq="60min")
    forecasts_write(
        tenant=heat_series.tenant,
        series=temperature_series,
        issued_at=ISSUED_AT - dt.timedelta(hours=1),
        frame=pd.DataFrame({"time": horizon, "value": flensburg()["temperature_c"][horizon]}),
        source="weather",
    )
    # when
    run = request(
        heat_series,
        django_capture_on_commit_callbacks,
        model_name="temperature_regression",
        regressor_series=[temperature_series],
    )
    # then
    run.job.refresh_from_db()
    assert (run.job.status, run.metrics["forecast_values"]) == ("succeeded", 72)


def test_a_run_over_a_gap_fails_naming_the_reason_and_writes_nothing(
    make_series, django_capture_on_commit_callbacks
):
    # given the last day before the issue time is missing (enough history otherwise)
    series = make_series("gappy-heat")
    heat = flensburg()["heat_kw"][utc(2015, 1, 12) : utc(2015, 2, 9, 8)]
    write_observations(series, heat[heat.index < utc(2015, 2, 8, 9)])
    # when
    run = request(series, django_capture_on_commit_callbacks)
    # then
    run.job.refresh_from_db()
    assert (run.job.status, run.job.error_code, run.job.error_message) == (
        "failed",
        "VALIDATION_ERROR",
        "issued_at: too little history before the issue time: no forecast for 24 of 24 horizon "
        "periods (gaps in the observations the model needs)",
    )
    assert ForecastValue.objects.count() == 0


def test_two_models_at_one_issue_time_keep_their_own_values_and_a_repeat_is_refused(
    heat_series, django_capture_on_commit_callbacks
):
    # given a seasonal-naive run
    first = request(heat_series, django_capture_on_commit_callbacks)
    # when the 7-day seasonal naive is issued at the same time
    second = request(
        heat_series, django_capture_on_commit_callbacks, model_name="seasonal_naive_7d"
    )
    # then both runs keep their own 72 values (24 h x quantiles 0.1/0.5/0.9), which differ
    from forecasting.selectors import forecast_run_values

    first_values, second_values = forecast_run_values(first), forecast_run_values(second)
    assert (len(first_values), len(second_values)) == (72, 72)
    assert ForecastValue.objects.filter(series=heat_series).count() == 144
    assert not first_values["value"].equals(second_values["value"])
    # and the same model again at the same issue time is refused, writing nothing
    from ainergy.common.errors import ValidationError

    with pytest.raises(ValidationError) as error:
        request(heat_series, django_capture_on_commit_callbacks, model_name="seasonal_naive_7d")
    assert error.value.message == (
        "issued_at: flensburg-heat already has a seasonal_naive_7d forecast issued at "
        "2015-02-09T09:00:00+00:00"
    )
    assert ForecastRun.objects.count() == 2
    assert ForecastValue.objects.filter(series=heat_series).count() == 144


def test_backtest_metrics_are_stored_on_the_run(heat_series, django_capture_on_commit_callbacks):
    # when
    run = request(heat_series, django_capture_on_commit_callbacks, backtest_days=3)
    # then: three folds on the days before the issue day, all before the issue time
    backtest = run.metrics["backtest"]
    assert (backtest["target"], backtest["folds"], list(backtest["models"])) == (
        "target",
        3,
        ["seasonal_naive"],
    )
    assert backtest["models"]["seasonal_naive"]["mae"] > 0
