import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from forecasting.core.api import (
    HeatTemperatureModel,
    ScenarioSet,
    day_ahead_forecast,
    day_ahead_scenarios,
    fit_heat_temperature_model,
)

DAY = dt.date(2015, 2, 10)
ORIGIN = pd.Timestamp("2015-02-09 10:00", tz=LOCAL_TZ).tz_convert("UTC")
HORIZON = delivery_day_periods(DAY, 60)


def test_day_ahead_forecast_quantiles_are_ordered_around_the_point(heat_frame):
    # given
    history = heat_frame.loc["2014-11-01":"2015-02-28"]
    # when
    forecast = day_ahead_forecast(
        history,
        "heat_load_mw",
        ORIGIN,
        HORIZON,
        regressors_future=history,
        regressor_columns=["temperature_c"],
        model="temperature_regression",
        quantiles=(0.1, 0.5, 0.9),
    )
    # then
    assert forecast.index.equals(HORIZON)
    assert forecast.mean.shape == (24,)
    assert np.all(forecast.quantiles[0.1] <= forecast.quantiles[0.5])
    assert np.all(forecast.quantiles[0.5] <= forecast.quantiles[0.9])
    assert np.all(forecast.quantiles[0.1] < forecast.mean) and np.all(
        forecast.mean < forecast.quantiles[0.9]
    )


def test_result_types_are_frozen_dataclasses(heat_frame):
    # given
    model = fit_heat_temperature_model(
        heat_frame.loc[:"2014-02-28"], "heat_load_mw", "temperature_c"
    )
    scenarios = ScenarioSet(index=HORIZON, values={}, probabilities=np.ones(1))
    # when / then
    assert isinstance(model, HeatTemperatureModel)
    for value in (model, scenarios):
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.index = None  # type: ignore[misc]


def test_scenario_set_to_frame_is_long_format():
    # given
    scenarios = ScenarioSet(
        index=HORIZON[:2],
        values={"heat_mw": np.array([[1.0, 2.0], [3.0, 4.0]])},
        probabilities=np.array([0.25, 0.75]),
    )
    # when
    frame = scenarios.to_frame()
    # then
    assert frame.columns.tolist() == ["time_utc", "scenario", "probability", "heat_mw"]
    assert frame["heat_mw"].tolist() == [1.0, 2.0, 3.0, 4.0]
    assert frame["probability"].tolist() == [0.25, 0.25, 0.75, 0.75]


def test_prophet_lagged_heat_scenarios_with_temperature(heat_frame):
    # given eight weeks of heat and temperature and a perfect temperature forecast
    history = heat_frame.loc["2014-12-15":"2015-02-28"]
    # when
    result = day_ahead_scenarios(
        history,
        ["heat_load_mw"],
        ORIGIN,
        HORIZON,
        regressors_future=history.reindex(HORIZON),
        regressor_columns=["temperature_c"],
        model={"heat_load_mw": "prophet_lagged"},
        n_samples=100,
        n_scenarios=8,
    )
    # then the scenario mean is close to what happened (day-ahead MAE well under 20 % of load)
    values = result.values["heat_load_mw"]
    assert values.shape == (8, 24)
    assert result.probabilities.sum() == pytest.approx(1.0)
    actual = heat_frame.loc[HORIZON, "heat_load_mw"].to_numpy()
    expected = result.probabilities @ values
    assert np.mean(np.abs(expected - actual)) < 0.2 * actual.mean()
