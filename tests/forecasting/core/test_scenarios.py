import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from forecasting.core.api import ScenarioSet, day_ahead_samples, day_ahead_scenarios
from forecasting.core.scenarios import (
    block_bootstrap_paths,
    fast_forward_selection,
    match_marginals,
    reduce_paths,
)

# Stated tolerances of the reduction (documented in docs/forecasting.md): the probability-
# weighted mean of the K >= 10 scenarios equals the sample mean at every period (marginal
# matching, to 1e-6 of the sample standard deviation); the weighted standard deviation,
# averaged over the periods, keeps 85-100 % of the sample's (never more: the scenario values
# are conditional means of the samples); the reduced set puts 7-13 % probability below the
# samples' 10 % quantile and above their 90 % quantile (mean over the periods); every value
# lies inside the samples' range.
MEAN_TOLERANCE_STD = 1e-6
SPREAD_RATIO_BOUNDS = (0.85, 1.0 + 1e-9)
TAIL_PROBABILITY_BOUNDS = (0.07, 0.13)


def test_fast_forward_selection_known_answer():
    # given four equiprobable 1-D samples 0, 1, 2, 10
    samples = np.array([[0.0], [1.0], [2.0], [10.0]])
    # when reducing to one, then to two scenarios
    one, p_one = fast_forward_selection(samples, 1)
    two, p_two = fast_forward_selection(samples, 2)
    # then K=1 keeps the point of least total distance (1: 1+0+1+9 = 11) with all the mass;
    # K=2 adds 10 (remaining cost 0.25*(1+1) = 0.5) and 0, 2 join 1
    assert one.tolist() == [1] and p_one.tolist() == [1.0]
    assert two.tolist() == [1, 3]
    assert p_two == pytest.approx([0.75, 0.25])


def test_fast_forward_selection_rejects_zero_scenarios():
    # when / then
    with pytest.raises(ValidationError, match=r"^n_scenarios: must be at least 1, got 0$"):
        fast_forward_selection(np.zeros((3, 2)), 0)


def test_block_bootstrap_draws_the_same_historical_block_for_all_targets():
    # given residuals that encode their own position, for two targets
    index = pd.date_range("2024-05-01", periods=24 * 10, freq="h", tz="UTC")
    residuals = pd.DataFrame({"a": np.arange(240.0), "b": -np.arange(240.0)}, index=index)
    horizon = delivery_day_periods(dt.date(2024, 5, 20), 60)
    point = {"a": np.zeros(24), "b": np.full(24, 100.0)}
    # when
    paths = block_bootstrap_paths(point, residuals, horizon, 50, np.random.default_rng(1))
    # then each path is one contiguous block starting at local midnight, shared by both targets
    starts = paths["a"][:, 0]
    np.testing.assert_array_equal(paths["a"], starts[:, None] + np.arange(24)[None, :])
    np.testing.assert_array_equal(paths["b"], 100.0 - paths["a"])
    local_start_hours = index[starts.astype(int)].tz_convert(LOCAL_TZ).hour
    assert set(local_start_hours) == {0}


def test_match_marginals_known_answer():
    # given four equiprobable samples 0, 1, 2, 10 of which 1 (probability 0.75) and 10 (0.25)
    # are kept
    samples = np.array([[0.0], [1.0], [2.0], [10.0]])
    # when
    values = match_marginals(samples, np.array([1, 3]), np.array([0.75, 0.25]))
    # then the first takes the mean of the lowest 75 % (0, 1, 2) and the second the top 25 %
    np.testing.assert_allclose(values, [[1.0], [10.0]])
    # and in a period where the kept paths swap ranks, each keeps its rank
    swapped = match_marginals(
        np.array([[10.0], [2.0], [1.0], [0.0]]), np.array([0, 2]), np.array([0.25, 0.75])
    )
    np.testing.assert_allclose(swapped, [[10.0], [1.0]])


def test_reduced_scenarios_keep_mean_tails_and_range_of_the_samples():
    # given 300 correlated random-walk paths of two targets
    rng = np.random.default_rng(7)
    paths = {
        "price_eur_per_mwh": 80 + np.cumsum(rng.normal(0, 5, (300, 24)), axis=1),
        "heat_mw": 150 + np.cumsum(rng.normal(0, 2, (300, 24)), axis=1),
    }
    # when
    values, probabilities = reduce_paths(paths, 10)
    # then
    assert probabilities.shape == (10,)
    assert probabilities.sum() == pytest.approx(1.0)
    assert (probabilities > 0).all()
    _assert_mean_and_spread_preserved(paths, values, probabilities)
    _assert_tails_and_range_kept(paths, values, probabilities)


def _assert_tails_and_range_kept(samples, values, probabilities):
    for column, full in samples.items():
        reduced = values[column]
        assert (reduced >= full.min(axis=0) - 1e-9).all(), column
        assert (reduced <= full.max(axis=0) + 1e-9).all(), column
        below = probabilities @ (reduced <= np.quantile(full, 0.1, axis=0))
        above = probabilities @ (reduced >= np.quantile(full, 0.9, axis=0))
        for share in (below.mean(), above.mean()):
            assert TAIL_PROBABILITY_BOUNDS[0] <= share <= TAIL_PROBABILITY_BOUNDS[1], (
                column,
                share,
            )


def _assert_mean_and_spread_preserved(samples, values, probabilities):
    for column, full in samples.items():
        reduced = values[column]
        mean_full = full.mean(axis=0)
        std_full = full.std(axis=0)
        mean_reduced = probabilities @ reduced
        std_reduced = np.sqrt(probabilities @ (reduced - mean_reduced) ** 2)
        assert np.all(np.abs(mean_reduced - mean_full) <= MEAN_TOLERANCE_STD * std_full + 1e-9), (
            column
        )
        ratio = std_reduced.mean() / std_full.mean()
        assert SPREAD_RATIO_BOUNDS[0] <= ratio <= SPREAD_RATIO_BOUNDS[1], (column, ratio)


def _origin(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(
        dt.datetime.combine(day - dt.timedelta(days=1), dt.time(10)), tz=LOCAL_TZ
    ).tz_convert("UTC")


def test_joint_price_and_heat_scenarios_on_real_data(price_and_house_frame):
    # given DK1 prices and a Danish house's heat use, delivery day 2019-11-20
    day = dt.date(2019, 11, 20)
    horizon = delivery_day_periods(day, 60)
    targets = ["price_eur_per_mwh", "heat_kwh"]
    # when
    result = day_ahead_scenarios(
        price_and_house_frame, targets, _origin(day), horizon, n_samples=200, n_scenarios=10, seed=3
    )
    # then
    assert isinstance(result, ScenarioSet)
    assert result.index.equals(horizon)
    assert result.probabilities.shape == (10,)
    assert result.probabilities.sum() == pytest.approx(1.0)
    for column in targets:
        assert result.values[column].shape == (10, 24)
        assert np.isfinite(result.values[column]).all()


def test_scenarios_are_reproducible_and_ignore_data_after_the_origin(price_and_house_frame):
    # given a copy whose values at or after the origin are poisoned
    day = dt.date(2019, 6, 5)
    horizon = delivery_day_periods(day, 60)
    origin = _origin(day)
    poisoned = price_and_house_frame.copy()
    poisoned.loc[poisoned.index >= origin] = 1e9
    arguments = {
        "targets": ["price_eur_per_mwh", "heat_kwh"],
        "origin_utc": origin,
        "horizon_index": horizon,
    }
    # when
    clean = day_ahead_scenarios(price_and_house_frame, **arguments, seed=11)
    again = day_ahead_scenarios(price_and_house_frame, **arguments, seed=11)
    from_poisoned = day_ahead_scenarios(poisoned, **arguments, seed=11)
    # then
    for column in arguments["targets"]:
        np.testing.assert_array_equal(clean.values[column], again.values[column])
        np.testing.assert_array_equal(clean.values[column], from_poisoned.values[column])
    np.testing.assert_array_equal(clean.probabilities, from_poisoned.probabilities)


@pytest.mark.parametrize(
    ("day", "periods"), [(dt.date(2019, 3, 31), 92), (dt.date(2019, 10, 27), 100)]
)
def test_scenarios_on_dst_days_at_quarter_hours(price_and_house_frame, day, periods):
    # given quarter-hour data around a DST change
    from forecasting.core.data import to_resolution

    frame = to_resolution(price_and_house_frame.loc[:"2019-11-30"], "15min")
    horizon = delivery_day_periods(day, 15)
    # when
    result = day_ahead_scenarios(frame, ["price_eur_per_mwh"], _origin(day), horizon, n_scenarios=5)
    # then
    assert result.values["price_eur_per_mwh"].shape == (5, periods)
    assert result.probabilities.sum() == pytest.approx(1.0)


def test_reduction_of_real_bootstrap_paths_keeps_mean_spread_and_tails(price_and_house_frame):
    # given 400 sample paths of price and heat for a November day
    day = dt.date(2019, 11, 20)
    horizon = delivery_day_periods(day, 60)
    arguments = {
        "history": price_and_house_frame,
        "targets": ["price_eur_per_mwh", "heat_kwh"],
        "origin_utc": _origin(day),
        "horizon_index": horizon,
        "n_samples": 400,
        "seed": 5,
    }
    samples = day_ahead_samples(**arguments)
    # when
    reduced = day_ahead_scenarios(**arguments, n_scenarios=12)
    # then the reduction keeps mean, spread, tails and range of the samples
    _assert_mean_and_spread_preserved(samples.paths, reduced.values, reduced.probabilities)
    _assert_tails_and_range_kept(samples.paths, reduced.values, reduced.probabilities)
    # and every sample lies inside its target's range of the year before
    for column, errors in samples.errors.items():
        low, high = errors.bounds
        assert (samples.paths[column] >= low - 1e-9).all()
        assert (samples.paths[column] <= high + 1e-9).all()


def test_scenarios_name_missing_column_and_naive_origin(price_and_house_frame):
    # given
    horizon = delivery_day_periods(dt.date(2019, 6, 5), 60)
    # when / then
    with pytest.raises(ValidationError, match=r"^heat_mw: column missing"):
        day_ahead_scenarios(
            price_and_house_frame, ["heat_mw"], _origin(dt.date(2019, 6, 5)), horizon
        )
    with pytest.raises(ValidationError, match=r"^origin_utc: naive datetime"):
        day_ahead_scenarios(
            price_and_house_frame, ["heat_kwh"], pd.Timestamp("2019-06-04 08:00"), horizon
        )


def test_scenarios_with_too_little_history_name_the_reason(price_and_house_frame):
    # given only one day of history
    day = dt.date(2019, 1, 3)
    horizon = delivery_day_periods(day, 60)
    # when / then
    with pytest.raises(ValidationError) as raised:
        day_ahead_scenarios(
            price_and_house_frame.loc["2019-01-01":], ["price_eur_per_mwh"], _origin(day), horizon
        )
    assert raised.value.field in {"price_eur_per_mwh", "history"}
    assert "too little history" in raised.value.reason
