import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from forecasting.core.backtest import BacktestConfig, make_folds, run_backtest
from forecasting.core.data import to_resolution
from forecasting.core.models import make_forecaster

ORIGIN = pd.Timestamp("2015-02-09 10:00", tz=LOCAL_TZ).tz_convert("UTC")
HORIZON = delivery_day_periods(dt.date(2015, 2, 10), 60)


def _poisoned(frame: pd.DataFrame, origin: pd.Timestamp, with_nan: bool = True) -> pd.DataFrame:
    """Copy with every target value at or after ``origin`` replaced by 1e9 (and some NaN)."""
    poisoned = frame.copy()
    later = poisoned.index >= origin
    poisoned.loc[later, "heat_load_mw"] = 1e9
    if with_nan:
        poisoned.loc[later & (poisoned.index.hour % 2 == 0), "heat_load_mw"] = np.nan
    return poisoned


class _RecordingForecaster:
    """Wraps a forecaster and records the latest time of every frame it is given."""

    def __init__(self, inner):
        self.inner = inner
        self.latest_seen: list[pd.Timestamp] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def fit(self, history):
        self.latest_seen.append(history.index.max())
        return self.inner.fit(history)

    def predict(self, history, origin_utc, *args, **kwargs):
        self.latest_seen.append(history.index.max())
        return self.inner.predict(history, origin_utc, *args, **kwargs)


def test_backtest_fold_never_sees_data_at_or_after_its_origin(heat_frame, monkeypatch):
    # given every model wrapped to record what it is shown
    import forecasting.core.backtest as backtest_module

    recorders = []

    def recording_factory(*args, **kwargs):
        recorders.append(_RecordingForecaster(make_forecaster(*args, **kwargs)))
        return recorders[-1]

    monkeypatch.setattr(backtest_module, "make_forecaster", recording_factory)
    config = BacktestConfig(
        target="heat_load_mw",
        regressor_columns=("temperature_c",),
        test_start=dt.date(2014, 3, 1),
        test_end=dt.date(2014, 3, 4),
        models=("seasonal_naive", "temperature_regression"),
    )
    folds = make_folds(config)
    # when
    run_backtest(heat_frame.loc[:"2014-03-31"], config)
    # then each fit/predict saw only data strictly before its fold's origin
    for recorder in recorders:
        seen = recorder.latest_seen
        assert len(seen) == 2 * len(folds)
        for (fit_latest, predict_latest), fold in zip(
            zip(seen[::2], seen[1::2], strict=True), folds, strict=True
        ):
            assert fit_latest < fold.origin_utc
            assert predict_latest < fold.origin_utc
            assert fold.origin_utc - predict_latest == pd.Timedelta("1h")


@pytest.mark.parametrize(
    "model", ["seasonal_naive", "seasonal_naive_7d", "temperature_regression", "lightgbm"]
)
def test_poisoned_future_does_not_change_the_forecast(heat_frame, model):
    # given clean data and a copy poisoned (1e9; NaN would be refused as a gap) from the origin
    frame = heat_frame.loc["2014-12-01":"2015-02-20"]
    config = BacktestConfig(
        target="heat_load_mw",
        regressor_columns=("temperature_c",),
        test_start=dt.date(2015, 2, 10),
        test_end=dt.date(2015, 2, 10),
        models=(model,),
    )
    clean = run_backtest(frame, config).predictions
    poisoned_frame = _poisoned(frame, ORIGIN, with_nan=False)
    # the actuals and regressors on the horizon stay clean; only the target history is poisoned
    poisoned_frame.loc[HORIZON, "heat_load_mw"] = frame.loc[HORIZON, "heat_load_mw"]
    # when
    poisoned = run_backtest(poisoned_frame, config).predictions
    # then
    pd.testing.assert_frame_equal(clean, poisoned)
    assert clean["mean"].notna().all()


def test_poisoned_future_does_not_change_the_prophet_lagged_forecast(heat_frame):
    # given Prophet with lagged-load regressors, trained on 6 weeks
    history = heat_frame.loc["2014-12-28":"2015-02-20"]
    poisoned = _poisoned(history, ORIGIN)
    forecaster = make_forecaster("prophet_lagged", "heat_load_mw", ["temperature_c"])
    # when fitted on data before the origin, predicting from clean vs poisoned frames
    forecaster.fit(history.loc[history.index < ORIGIN])
    future = history.reindex(HORIZON)
    from_clean = forecaster.predict(history.loc[history.index < ORIGIN], ORIGIN, HORIZON, future)
    # the guard refuses a frame that reaches the origin
    with pytest.raises(ValidationError, match=r"^history: contains data at or after the origin"):
        forecaster.predict(poisoned, ORIGIN, HORIZON, future)
    from_poisoned = forecaster.predict(
        poisoned.loc[poisoned.index < ORIGIN], ORIGIN, HORIZON, future
    )
    # then
    np.testing.assert_array_equal(from_clean.mean, from_poisoned.mean)
    assert np.isfinite(from_clean.mean).all()
    assert np.abs(from_clean.mean).max() < 1000.0


def test_seasonal_naive_backtest_known_answer(heat_frame):
    # given one fold: origin 2014-03-09 10:00 local for delivery day 2014-03-10
    config = BacktestConfig(
        target="heat_load_mw",
        test_start=dt.date(2014, 3, 10),
        test_end=dt.date(2014, 3, 10),
        models=("seasonal_naive",),
        quantiles=(0.5,),
    )
    # when
    result = run_backtest(heat_frame.loc[:"2014-03-31"], config)
    # then hours before 10:00 local come from 9 March, later ones from 8 March
    horizon = delivery_day_periods(dt.date(2014, 3, 10), 60)
    actual = heat_frame.loc[horizon, "heat_load_mw"].to_numpy()
    forecast = np.concatenate(
        [
            heat_frame.loc[horizon[:10] - pd.Timedelta("1D"), "heat_load_mw"].to_numpy(),
            heat_frame.loc[horizon[10:] - pd.Timedelta("2D"), "heat_load_mw"].to_numpy(),
        ]
    )
    scores = result.models["seasonal_naive"]
    assert result.folds == 1
    assert scores.mae == pytest.approx(np.mean(np.abs(actual - forecast)))
    assert scores.rmse == pytest.approx(np.sqrt(np.mean((actual - forecast) ** 2)))
    assert sorted(scores.mae_by_horizon_h) == list(range(24))
    assert set(scores.pinball) == {0.5}


def test_backtest_on_dst_days_at_quarter_hours(heat_frame):
    # given 15-minute data and the two DST delivery days of 2015
    frame = to_resolution(heat_frame, "15min")
    for day, periods in ((dt.date(2015, 3, 29), 92), (dt.date(2015, 10, 25), 100)):
        config = BacktestConfig(
            target="heat_load_mw",
            regressor_columns=("temperature_c",),
            test_start=day,
            test_end=day,
            models=("seasonal_naive", "temperature_regression"),
            mtu_minutes=15,
            train_days=30,
        )
        # when
        result = run_backtest(frame, config)
        # then one forecast per quarter-hour of the local day, all finite
        predictions = result.predictions
        for model in config.models:
            rows = predictions[predictions["model"] == model]
            assert len(rows) == periods
            assert rows["mean"].notna().all()
            assert pd.DatetimeIndex(rows["time_utc"]).equals(delivery_day_periods(day, 15))


def test_forty_eight_hour_horizon_spans_two_local_days(heat_frame):
    # given
    config = BacktestConfig(
        target="heat_load_mw",
        test_start=dt.date(2015, 3, 28),
        test_end=dt.date(2015, 3, 28),
        horizon_h=48,
        models=("seasonal_naive",),
    )
    # when
    (fold,) = make_folds(config)
    # then 24 + 23 hours
    assert len(fold.horizon_index) == 47
    result = run_backtest(heat_frame, config)
    assert result.predictions["mean"].notna().all()


def test_backtest_errors_name_the_column(heat_frame):
    # given
    config = BacktestConfig(
        target="heat_load_mw",
        test_start=dt.date(2014, 1, 10),
        test_end=dt.date(2014, 1, 11),
        models=("seasonal_naive",),
    )
    # when / then too little history
    with pytest.raises(ValidationError) as raised:
        run_backtest(heat_frame, config)
    assert raised.value.field == "heat_load_mw"
    assert raised.value.reason.startswith("too little history: 8.4 days before the first origin")
    # and a gap in the target
    gappy = heat_frame.drop(heat_frame.loc["2014-02-03T05:00Z":"2014-02-03T06:00Z"].index)
    gappy = to_resolution(gappy, "60min")
    later = BacktestConfig(
        target="heat_load_mw",
        test_start=dt.date(2014, 2, 10),
        test_end=dt.date(2014, 2, 11),
        models=("seasonal_naive",),
    )
    with pytest.raises(ValidationError, match=r"^heat_load_mw: gap: 2 missing value\(s\)"):
        run_backtest(gappy, later)


def test_lightgbm_residuals_are_out_of_sample_and_give_finite_quantiles(heat_frame):
    # given 150 days of history before the origin
    history = heat_frame.loc["2014-09-12":"2015-02-20"]
    history = history.loc[history.index < ORIGIN]
    forecaster = make_forecaster("lightgbm", "heat_load_mw", ["temperature_c"])
    # when
    forecaster.fit(history)
    forecast = forecaster.predict(history, ORIGIN, HORIZON, heat_frame.reindex(HORIZON))
    # then residuals exist only on the last 56 days (forecast by a model fitted before them)
    residuals = forecaster.residuals_.dropna()
    assert residuals.index[0] >= history.index[-1] - pd.Timedelta(days=56)
    assert len(residuals) >= 50 * 24
    assert np.isfinite(forecast.mean).all()
    for level in (0.1, 0.5, 0.9):
        assert np.isfinite(forecast.quantiles[level]).all()
    assert (forecast.quantiles[0.1] <= forecast.quantiles[0.9]).all()
    # and the point forecast is a plausible Flensburg February load [MW]
    assert 50.0 < forecast.mean.min() and forecast.mean.max() < 400.0


def test_training_window_shorter_than_two_weeks_is_refused(heat_frame):
    # given / when / then
    config = BacktestConfig(
        target="heat_load_mw",
        test_start=dt.date(2015, 2, 10),
        test_end=dt.date(2015, 2, 10),
        train_days=7,
        models=("seasonal_naive",),
    )
    with pytest.raises(ValidationError, match=r"^train_days: must be at least 14 days, got 7$"):
        run_backtest(heat_frame, config)
