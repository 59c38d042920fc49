"""Curves priced by value: above the highest scenario price a curve steps down at the pool's
marginal value of electricity (backup heat x COP, storage, must-buy), and says why."""

import numpy as np
import pytest

from optimization.core.bidding import BiddingProblem, HeatPump, Pool, Scenarios, solve_bidding
from optimization.core.bidding.curves import curve_violations
from tests.optimization.core.bidding.helpers import hours


def _pool(*, storage=0.0, backup=np.inf):
    """One 10 MW unit, COP exactly 3, lossless storage half full, backup at 120 EUR/MWh_th."""
    return Pool(
        "p",
        (
            HeatPump(
                "hp1",
                power_max_mw=10.0,
                cop_max=3.0,
                sink_temperature_c=40.0,
                storage_capacity_mwh=storage,
                backup_heat_max_mw=backup,
            ),
        ),
        backup_heat_cost_eur_per_mwh=120.0,
    )


def _problem(pool, prices, heat=6.0, **kwargs):
    prices = np.atleast_2d(np.asarray(prices, float))
    n_s, n_t = prices.shape
    return BiddingProblem(
        pool=pool,
        scenarios=Scenarios(
            index=hours(n_t),
            probabilities=np.full(n_s, 1.0 / n_s),
            day_ahead_price_eur_per_mwh=prices,
            imbalance_price_eur_per_mwh=prices,
            heat_demand_mw=np.full((n_s, n_t), heat),
            source_temperature_c=np.full((n_s, n_t), 40.0),
        ),
        mtu_minutes=60,
        imbalance_penalty_eur_per_mwh=5.0,
        **kwargs,
    )


def _points(curve):
    return list(zip(curve.prices_eur_per_mwh, curve.volumes_mw, strict=True))


def test_above_the_scenarios_the_curve_steps_down_at_backup_heat_times_cop():
    # given scenario prices 50 and 100, heat 6 MW_th = 2 MW at COP 3, unlimited backup heat
    problem = _problem(_pool(), [[50.0], [100.0]])
    # when
    bid = solve_bidding(problem)
    # then the pool buys its 2 MW up to 3 x 120 = 360 EUR/MWh, and nothing above: never at the cap
    curve = bid.curves[0]
    assert _points(curve) == [(-500.0, 2.0), (360.0, 2.0), (360.01, 0.0), (4000.0, 0.0)]
    assert curve_violations(curve, problem.day_ahead) == []
    diagnostics = bid.diagnostics[0]
    assert diagnostics.highest_buy_price_eur_per_mwh == 360.01
    assert diagnostics.highest_buy_reason == "backup_value"
    assert diagnostics.explanation == "backup heat 120.00 EUR/MWh_th x COP 3.00 (hp1)"
    assert diagnostics.must_buy_mw == 0.0


def test_without_value_pricing_the_top_scenario_volume_reaches_the_cap():
    # given the same day (the behaviour issue 16 reported: 4000 EUR/MWh buy prices)
    problem = _problem(_pool(), [[50.0], [100.0]])
    # when
    bid = solve_bidding(problem, value_pricing=False)
    # then
    assert bid.curves[0].volume_at(4000.0) == 2.0


def test_heat_no_backup_can_make_is_bought_at_any_price_and_named():
    # given no backup heat and no storage: the 2 MW are the only way to meet the heat
    problem = _problem(_pool(backup=0.0), [[50.0], [100.0]])
    # when
    bid = solve_bidding(problem)
    # then
    assert _points(bid.curves[0]) == [(-500.0, 2.0), (4000.0, 2.0)]
    diagnostics = bid.diagnostics[0]
    assert diagnostics.highest_buy_price_eur_per_mwh == 4000.0
    assert diagnostics.highest_buy_reason == "must_buy"
    assert diagnostics.must_buy_mw == pytest.approx(2.0)


def test_storage_value_prices_the_cheap_hour_and_the_empty_hour_is_explained():
    # given no backup heat, one scenario: 30 EUR/MWh at hour 0, 90 at hour 1, 10 MWh of room
    problem = _problem(_pool(storage=20.0, backup=0.0), [[30.0, 90.0]])
    # when
    bid = solve_bidding(problem)
    # then hour 0 makes the heat of both hours (12 MWh_th = 4 MW; the storage ends where it
    # started) and would pay up to 90: the heat it stores would otherwise be bought at hour 1 at
    # 90 / COP 3 = 30 EUR/MWh_th, x COP 3
    assert _points(bid.curves[0]) == [(-500.0, 4.0), (90.0, 4.0), (90.01, 0.0), (4000.0, 0.0)]
    first = bid.diagnostics[0]
    assert (first.highest_buy_reason, first.explanation) == (
        "storage_value",
        "storage value 30.00 EUR/MWh_th x COP 3.00 (hp1)",
    )
    # hour 1 buys nothing at any price, and says why
    assert _points(bid.curves[1]) == [(-500.0, 0.0), (4000.0, 0.0)]
    second = bid.diagnostics[1]
    assert second.highest_buy_price_eur_per_mwh is None
    assert second.zero_volume_reason == "heat_cheaper_elsewhere"
    assert second.explanation == (
        "buys nothing: electricity here is worth at most 30.00 EUR/MWh (heat from storage or "
        "backup x COP), below the lowest scenario price 90.00"
    )


def test_value_curves_stay_valid_nord_pool_orders_on_many_scenarios():
    # given 40 random scenarios over 24 hours with a storage and reserve-free pool
    rng = np.random.default_rng(7)
    prices = rng.uniform(-50.0, 300.0, (40, 24))
    problem = _problem(_pool(storage=30.0), prices)
    # when
    bid = solve_bidding(problem)
    # then every curve is a valid order, and none buys above 3 x 120 EUR/MWh
    for curve in bid.curves:
        assert curve_violations(curve, problem.day_ahead) == []
        assert curve.volume_at(360.02) == 0.0
    assert {d.highest_buy_reason for d in bid.diagnostics} <= {
        "backup_value", "storage_value", "scenario_plan", "none"
    }  # fmt: skip


def test_pool_gaps_are_the_powers_no_on_off_combination_can_draw():
    from optimization.core.bidding.value import pool_gaps

    # three units with 1.2, 1.2 and 0.6 MW minimum load: only (0, 0.6) is out of reach
    assert pool_gaps(np.array([1.2, 1.2, 0.6]), np.array([4.0, 3.0, 2.0])) == [(0.0, 0.6)]
    # a 0.5 MW unit without minimum load and a 2 MW unit with 0.6 MW: (0.5, 0.6)
    assert pool_gaps(np.array([0.0, 0.6]), np.array([0.5, 2.0])) == [(0.5, 0.6)]


def test_a_curve_crossing_the_minimum_load_gap_steps_over_it_within_one_tick():
    from optimization.core.bidding.value import deliverable_points

    # given a curve from 1.0 MW at 0 EUR/MWh to 0 MW at 100, and a 0.6 MW minimum load
    prices, volumes = deliverable_points(
        np.array([0.0, 100.0]), np.array([1.0, 0.0]), [(0.0, 0.6)], 0.0, 0.01, 0.1
    )
    # then the interpolation reaches 0.6 MW at 40, holds it to the midpoint 70, and steps to 0
    assert prices.tolist() == [0.0, 40.0, 70.0, 70.01, 100.0]
    assert volumes.round(9).tolist() == [1.0, 0.6, 0.6, 0.0, 0.0]
    grid = np.arange(0.0, 100.0, 0.005)
    cleared = np.interp(grid, prices, volumes)
    undeliverable = grid[(cleared > 1e-9) & (cleared < 0.6 - 1e-9)]
    assert undeliverable.min() > 70.0 and undeliverable.max() < 70.01
    # and a reserve floor lifts every volume to what the reserve-holding units must draw
    _, lifted = deliverable_points(np.array([0.0, 100.0]), np.array([1.0, 0.0]), [], 0.8, 0.01, 0.1)
    assert lifted.round(9).tolist() == [1.0, 0.8]


def test_robust_curves_fit_the_storage_when_heat_comes_in_lower_than_forecast():
    from dataclasses import replace

    from optimization.core.bidding import UncertaintyMargin

    # given a cheap scenario with high heat and a dear one with low heat, and a storage of 6 MWh
    # (half full); the guard: each scenario's cleared path must fit with 3 MW_th less heat
    prices = np.array([[20.0, 25.0, 30.0], [60.0, 65.0, 70.0]])
    heat = np.array([[12.0, 12.0, 12.0], [6.0, 6.0, 6.0]])
    shift = 3.0

    def problem(margin):
        base = _problem(_pool(storage=6.0), prices, uncertainty_margin=margin)
        return replace(base, scenarios=replace(base.scenarios, heat_demand_mw=heat))

    def worst_fill(bid) -> float:
        level = np.full(2, 3.0)
        worst = level.max()
        for t in range(3):  # each scenario's cleared path, its heat 3 MW_th lower, COP 3
            level = np.maximum(
                level + 3.0 * bid.day_ahead_volume_mw[:, t] - (heat[:, t] - shift), 0.0
            )
            worst = max(worst, level.max())
        return worst

    # when
    guarded = solve_bidding(problem(UncertaintyMargin(curve_heat_mw=shift)))
    free = solve_bidding(problem(None))
    # then only the guarded curves keep every scenario's path within the 6 MWh storage
    assert worst_fill(free) > 6.0 + 1e-6
    assert worst_fill(guarded) <= 6.0 + 0.31  # volumes rounded to 0.1 MW lots (x COP 3)
