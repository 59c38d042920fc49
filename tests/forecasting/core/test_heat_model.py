import numpy as np
import pandas as pd
import pytest

from ainergy.common.errors import ValidationError
from forecasting.core.data import read_frame
from forecasting.core.heat_model import HeatTemperatureModel, fit_heat_temperature_model
from tests.forecasting.core.conftest import WEATHER_FILE


def test_fit_recovers_a_known_piecewise_linear_model():
    # given heat = 20 MW + 3 MW/K * max(0, 14 °C - T), no smoothing, no noise
    index = pd.date_range("2024-01-01", periods=24 * 28, freq="h", tz="UTC")
    temperature = pd.Series(np.linspace(-5.0, 25.0, len(index)), index=index)
    heat = 20.0 + 3.0 * np.maximum(0.0, 14.0 - temperature)
    frame = pd.DataFrame({"heat_mw": heat, "temperature_c": temperature})
    # when
    model = fit_heat_temperature_model(frame, "heat_mw", "temperature_c")
    # then
    assert model.base_temperature_c == 14.0
    assert model.time_constant_h == 0.0
    assert model.slope_per_k == pytest.approx(np.full(24, 3.0), abs=1e-6)
    assert model.fit_rmse == pytest.approx(0.0, abs=1e-6)
    assert model.predict(pd.Series([4.0], index=index[:1])).iloc[0] == pytest.approx(50.0)


def test_flensburg_fit_predicts_danish_demand_from_open_meteo_temperature(heat_frame):
    # given the model fitted on Flensburg 2014 and Open-Meteo temperatures for Jutland
    model = fit_heat_temperature_model(
        heat_frame.loc[:"2014-12-31"], "heat_load_mw", "temperature_c"
    )
    weather = read_frame([WEATHER_FILE])["temperature_c"].loc["2023-01-01":"2023-12-31"]
    # when
    heat = model.predict(weather)
    # then colder months need more heat, all values physical
    assert isinstance(model, HeatTemperatureModel)
    assert heat.name == "heat_load_mw"
    assert heat.index.equals(weather.index)
    assert (heat.dropna() >= 0).all()
    assert heat.loc["2023-01"].mean() > 1.8 * heat.loc["2023-07"].mean()
    assert (model.slope_per_k > 0).all()
    assert 10.0 <= model.base_temperature_c <= 20.0


def test_fit_on_2014_beats_a_constant_on_2015(heat_frame):
    # given
    model = fit_heat_temperature_model(
        heat_frame.loc[:"2014-12-31"], "heat_load_mw", "temperature_c"
    )
    actual = heat_frame.loc["2015", "heat_load_mw"]
    # when
    predicted = model.predict(heat_frame.loc["2014-12-20":, "temperature_c"]).loc["2015"]
    # then out-of-sample MAE well below the MAE of the 2014 mean
    model_mae = float(np.mean(np.abs(predicted - actual)))
    constant_mae = float(np.mean(np.abs(heat_frame.loc["2014", "heat_load_mw"].mean() - actual)))
    assert model_mae < 0.3 * constant_mae


def test_fit_names_missing_column_and_too_little_history(heat_frame):
    # when / then
    with pytest.raises(ValidationError, match=r"^heat_mw: column missing"):
        fit_heat_temperature_model(heat_frame, "heat_mw", "temperature_c")
    with pytest.raises(ValidationError, match=r"^heat_load_mw: too little history: 48 rows"):
        fit_heat_temperature_model(heat_frame.iloc[:48], "heat_load_mw", "temperature_c")


def test_predict_rejects_naive_temperature_index(heat_frame):
    # given
    model = fit_heat_temperature_model(
        heat_frame.loc[:"2014-03-31"], "heat_load_mw", "temperature_c"
    )
    naive = pd.Series([1.0], index=pd.DatetimeIndex(["2024-01-01 00:00"]))
    # when / then
    with pytest.raises(ValidationError, match=r"^temperature: naive timestamps"):
        model.predict(naive)
