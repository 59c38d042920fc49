"""Scenario marginals: known quantiles, calibration on synthetic data, bounds, horizon buckets."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from forecasting.core import metrics
from forecasting.core.backtest import BacktestConfig, horizon_buckets, run_backtest
from forecasting.core.scenarios import (
    ResidualTransform,
    TargetErrors,
    finite_sample_inflation,
    fit_transform,
    marginal_quantiles,
    range_bounds,
    scenario_paths,
    target_errors,
)


def _hourly(start: str, days: int) -> pd.DatetimeIndex:
    first = pd.Timestamp(start, tz=LOCAL_TZ).tz_convert("UTC")
    return pd.date_range(first, periods=24 * days, freq="h")


def test_marginal_quantiles_are_the_quantiles_of_the_blocks_at_each_hour():
    # given five days of residuals: day d has residual d - 2 at every hour, except hour 5
    # (local) whose residual is 10 * (d - 2)
    index = _hourly("2024-03-01", 5)
    day = np.repeat(np.arange(5.0), 24)
    hour = np.asarray(index.tz_convert(LOCAL_TZ).hour)
    residuals = pd.Series(np.where(hour == 5, 10 * (day - 2), day - 2), index=index)
    errors = TargetErrors(ResidualTransform(), (-np.inf, np.inf), residuals)
    horizon = delivery_day_periods(dt.date(2024, 3, 7), 60)
    # when
    quantiles = marginal_quantiles(np.full(24, 100.0), errors, horizon, [0.25, 0.5, 0.75])
    # then np.quantile([-2, -1, 0, 1, 2], 0.25) = -1 (ten times that at 05:00), widened about
    # the median 0 by c_5 = z_0.9 / z_(0.5 + 0.4 * 4/6) = 1.2816 / 0.7279 = 1.7606
    c5 = finite_sample_inflation(5)
    assert c5 == pytest.approx(1.2816 / 0.7279, rel=1e-3)
    expected_low = np.full(24, 100.0 - c5)
    expected_low[5] = 100.0 - 10 * c5
    np.testing.assert_allclose(quantiles[0.25], expected_low)
    np.testing.assert_allclose(quantiles[0.5], np.full(24, 100.0))
    np.testing.assert_allclose(quantiles[0.75], 200.0 - expected_low)


def test_paths_never_leave_the_range_of_the_past_year():
    # given a year between 45 and 55 with one -700 dip at 18:00 local three days before the
    # origin (the seasonal-naive error of that day is -750 at 18:00) and one 90 in December
    index = _hourly("2023-03-01", 400)
    values = pd.Series(50.0 + 5 * np.sin(np.arange(len(index)) / 3.0), index=index)
    local = index.tz_convert(LOCAL_TZ)
    values[(local.date == dt.date(2024, 4, 1)) & (local.hour == 18)] = -700.0
    values[(local.date == dt.date(2023, 12, 1)) & (local.hour == 3)] = 90.0
    horizon = delivery_day_periods(dt.date(2024, 4, 4), 60)
    known = values.loc[values.index < horizon[0] - pd.Timedelta(hours=14)]
    window = known.loc[known.index >= horizon[0] - pd.Timedelta(days=56)]
    point = np.full(24, 45.0)
    point[0] = 120.0  # a model expecting a new high at midnight
    errors = target_errors(
        window,
        values.shift(24).reindex(window.index),
        horizon,
        point,
        bound_values=known.loc[known.index >= known.index[-1] - pd.Timedelta(days=365)],
        transform="additive",
    )
    # when
    paths = scenario_paths(
        {"price": point}, {"price": errors}, horizon, 500, np.random.default_rng(0)
    )["price"]
    quantiles = marginal_quantiles(point, errors, horizon, [0.01, 0.99])
    # then nothing leaves [-700, 90] except up to the point forecast of 120 at midnight
    low, high = errors.bounds
    np.testing.assert_array_equal(low, np.full(24, -700.0))
    np.testing.assert_array_equal(high, [120.0, *[90.0] * 23])
    assert (paths >= -700.0).all() and (paths <= high[None, :]).all()
    assert (quantiles[0.01] >= -700.0).all() and (quantiles[0.99] <= high).all()
    # and the -750 error does reach the paths (the bound binds): some paths sit at -700
    assert (paths == -700.0).any()


def test_range_bounds_contain_the_point_and_ignore_missing_values():
    # given
    values = pd.Series([3.0, np.nan, -2.0, 7.0])
    # when
    low, high = range_bounds(values, np.array([0.0, 9.0, -5.0]))
    # then
    np.testing.assert_array_equal(low, [-2.0, -2.0, -5.0])
    np.testing.assert_array_equal(high, [7.0, 9.0, 7.0])
    # and no history gives no bounds
    low, high = range_bounds(pd.Series([], dtype=float), np.zeros(2))
    assert np.isneginf(low).all() and np.isposinf(high).all()


def test_asinh_transform_round_trips_and_is_chosen_only_when_it_scores_better():
    # given
    transform = fit_transform("asinh", np.array([10.0, 20.0, 30.0, 40.0, 1000.0]))
    values = np.array([-500.0, 0.0, 30.0, 4000.0])
    # then centre = median, scale = 1.4826 * MAD; inverse(forward(x)) = x
    assert (transform.center, transform.scale) == (30.0, pytest.approx(1.4826 * 10.0))
    np.testing.assert_allclose(transform.inverse(transform.forward(values)), values, atol=1e-9)
    # given additive N(0, 1) errors around a level far from the median of the bound window,
    # the additive transform scores better and "auto" picks it
    rng = np.random.default_rng(2)
    index = _hourly("2024-01-01", 56)
    fitted = pd.Series(200.0, index=index)
    actual = fitted + rng.normal(0, 1, len(index))
    horizon = delivery_day_periods(dt.date(2024, 2, 27), 60)
    bound = pd.Series(
        np.r_[np.full(2000, 20.0), actual.to_numpy()][-2000:],
        index=_hourly("2023-11-10", 2000 // 24 + 1)[:2000],
    )
    chosen = target_errors(actual, fitted, horizon, np.full(24, 200.0), bound_values=bound)
    assert chosen.transform.kind == "additive"


def test_seasonal_naive_intervals_are_calibrated_on_synthetic_data_with_known_quantiles():
    # given a daily profile plus i.i.d. N(0, sigma_h) noise with an hour-dependent sigma: the
    # seasonal-naive error at hour h is N(0, 2 sigma_h^2), so its 10-90 % band has half-width
    # 1.2816 * sqrt(2) * sigma_h and covers 80 %
    rng = np.random.default_rng(11)
    index = _hourly("2023-01-01", 200)
    hour = np.asarray(index.tz_convert(LOCAL_TZ).hour)
    sigma = 1.0 + hour / 6.0
    values = 100 + 20 * np.sin(2 * np.pi * hour / 24) + rng.normal(0, sigma)
    frame = pd.DataFrame({"load_mw": values}, index=index)
    config = BacktestConfig(
        target="load_mw",
        test_start=dt.date(2023, 4, 1),
        test_end=dt.date(2023, 7, 15),
        models=("seasonal_naive",),
        residual_transform="additive",
    )
    # when
    result = run_backtest(frame, config)
    scores = result.models["seasonal_naive"]
    predictions = result.predictions
    # then coverage and the PIT histogram are close to their nominal values
    assert 0.75 <= scores.coverage_80 <= 0.85
    assert sorted(scores.coverage_80_by_horizon_h) == list(range(24))
    assert all(0.65 <= c <= 0.92 for c in scores.coverage_80_by_horizon_h.values())
    assert len(scores.pit_histogram) == 10 and sum(scores.pit_histogram) == pytest.approx(1.0)
    assert all(0.06 <= share <= 0.14 for share in scores.pit_histogram)
    # and the band's half-width matches the known one: within 10 % over the day, 30 % per hour
    width = (predictions["q0.9"] - predictions["mean"]).groupby(predictions["horizon_h"]).mean()
    local_hours = np.arange(24)
    known = 1.2816 * np.sqrt(2) * (1.0 + local_hours / 6.0)
    ratio = width.to_numpy() / known
    assert 0.9 <= ratio.mean() <= 1.12, ratio
    assert ((0.7 <= ratio) & (ratio <= 1.3)).all(), ratio


def test_pit_histogram_known_answer():
    # given deciles 1..9 for three periods and actuals 0.5, 5.5, 9.5
    deciles = np.repeat(np.arange(1.0, 10.0)[:, None], 3, axis=1)
    # when
    histogram = metrics.pit_histogram([0.5, 5.5, 9.5], deciles)
    # then bins 0, 5 and 9 get a third each
    assert histogram == pytest.approx([1 / 3, 0, 0, 0, 0, 1 / 3, 0, 0, 0, 1 / 3])


def test_weighted_quantile_known_answer():
    # given three scenarios with probabilities 0.1, 0.6, 0.3
    values = np.array([[1.0, 30.0], [2.0, 10.0], [3.0, 20.0]])
    probabilities = np.array([0.1, 0.6, 0.3])
    # then
    np.testing.assert_array_equal(metrics.weighted_quantile(values, probabilities, 0.1), [1, 10])
    np.testing.assert_array_equal(metrics.weighted_quantile(values, probabilities, 0.5), [2, 10])
    np.testing.assert_array_equal(metrics.weighted_quantile(values, probabilities, 0.9), [3, 20])
    np.testing.assert_array_equal(metrics.weighted_quantile(values, probabilities, 0.95), [3, 30])


@pytest.mark.parametrize(
    ("day", "mtu", "periods", "per_bucket"),
    [
        (dt.date(2024, 3, 31), 60, 23, None),
        (dt.date(2024, 6, 1), 60, 24, None),
        (dt.date(2024, 10, 27), 60, 25, 2),
        (dt.date(2024, 10, 27), 15, 100, 8),
    ],
)
def test_a_day_horizon_has_at_most_24_hour_buckets(day, mtu, periods, per_bucket):
    # given a local delivery day
    horizon = delivery_day_periods(day, mtu)
    # when
    buckets = horizon_buckets(horizon)
    # then the buckets are local clock hours: 0-23 (no 2 on the 23-hour day), never 24
    assert len(buckets) == periods
    expected = set(range(24)) - ({2} if periods == 23 else set())
    assert set(buckets) == expected
    if per_bucket is not None:
        assert (buckets == 2).sum() == per_bucket


def test_forty_eight_hours_give_48_buckets():
    # given two days from the spring-forward day
    first = delivery_day_periods(dt.date(2024, 3, 31), 60)
    second = delivery_day_periods(dt.date(2024, 4, 1), 60)
    # then
    assert sorted(set(horizon_buckets(first.append(second)))) == sorted(
        (set(range(24)) - {2}) | set(range(24, 48))
    )
