import numpy as np
import pytest

from ainergy.common.errors import ValidationError
from forecasting.core import metrics

ACTUAL = [10.0, 20.0, 0.0, 40.0]
FORECAST = [12.0, 15.0, 1.0, 40.0]


def test_mae_and_rmse_known_answer():
    # given errors 2, -5, 1, 0 (actual - forecast: -2, 5, -1, 0)
    # when
    mae = metrics.mae(ACTUAL, FORECAST)
    rmse = metrics.rmse(ACTUAL, FORECAST)
    # then (2 + 5 + 1 + 0) / 4 and sqrt((4 + 25 + 1 + 0) / 4)
    assert mae == pytest.approx(2.0)
    assert rmse == pytest.approx(np.sqrt(7.5))


def test_mape_skips_zero_actuals():
    # when
    mape = metrics.mape(ACTUAL, FORECAST)
    # then (2/10 + 5/20 + 0/40) / 3 * 100; the zero actual is skipped
    assert mape == pytest.approx(15.0)


def test_smape_known_answer_and_zero_zero_counts_as_zero():
    # given
    actual = [10.0, 0.0, 0.0]
    forecast = [30.0, 0.0, 5.0]
    # when
    smape = metrics.smape(actual, forecast)
    # then |10-30|/20 = 1, 0/0 -> 0, 5/2.5 = 2 -> mean 1 -> 100 %
    assert smape == pytest.approx(100.0)


def test_pinball_known_answer():
    # given actual 10, forecasts 8 (under) and 13 (over)
    actual = [10.0, 10.0]
    forecast = [8.0, 13.0]
    # when
    loss_90 = metrics.pinball(actual, forecast, 0.9)
    loss_10 = metrics.pinball(actual, forecast, 0.1)
    # then q=0.9: (0.9*2 + 0.1*3) / 2; q=0.1: (0.1*2 + 0.9*3) / 2
    assert loss_90 == pytest.approx(1.05)
    assert loss_10 == pytest.approx(1.45)


def test_pinball_at_median_is_half_the_mae():
    # when / then
    assert metrics.pinball(ACTUAL, FORECAST, 0.5) == pytest.approx(
        metrics.mae(ACTUAL, FORECAST) / 2
    )


def test_pinball_rejects_quantile_outside_unit_interval():
    # when / then
    with pytest.raises(ValidationError, match=r"^quantile: must lie in \(0, 1\), got 1.0$"):
        metrics.pinball(ACTUAL, FORECAST, 1.0)


def test_coverage_counts_closed_interval():
    # given actuals on the lower bound, inside, on the upper bound and outside
    actual = [1.0, 5.0, 9.0, 11.0]
    lower = [1.0, 1.0, 1.0, 1.0]
    upper = [9.0, 9.0, 9.0, 9.0]
    # when / then
    assert metrics.coverage(actual, lower, upper) == pytest.approx(0.75)


def test_metrics_ignore_nan_pairs():
    # given a NaN actual that must not count
    # when / then
    assert metrics.mae([1.0, np.nan, 3.0], [2.0, 100.0, 3.0]) == pytest.approx(0.5)


def test_shape_mismatch_is_a_validation_error():
    # when / then
    with pytest.raises(ValidationError, match=r"^forecast: shape \(1,\) != actual shape \(2,\)$"):
        metrics.mae([1.0, 2.0], [1.0])
