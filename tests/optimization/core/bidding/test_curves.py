"""Nord Pool validity of the purchase curves on random instances (hypothesis)."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from optimization.core.bidding import (
    BiddingProblem,
    DayAheadRules,
    HeatPump,
    Pool,
    Scenarios,
    solve_bidding,
)
from optimization.core.bidding.curves import curve_violations, make_curve
from tests.optimization.core.bidding.helpers import hours

prices = st.sampled_from([-500.0, -20.0, 0.0, 12.344, 12.341, 55.5, 55.5, 80.0, 300.0, 4000.0])


@st.composite
def instances(draw):
    n_s = draw(st.integers(1, 5))
    n_t = draw(st.integers(1, 4))
    day_ahead = np.array(
        [[draw(st.one_of(prices, st.floats(-100, 400))) for _ in range(n_t)] for _ in range(n_s)]
    )
    spread = np.array([[draw(st.floats(-30, 30)) for _ in range(n_t)] for _ in range(n_s)])
    heat = np.array([[draw(st.floats(0, 25)) for _ in range(n_t)] for _ in range(n_s)])
    storage = draw(st.floats(0, 20))
    pool = Pool(
        "p",
        (
            HeatPump("a", power_max_mw=draw(st.floats(0.5, 8)), storage_capacity_mwh=storage),
            HeatPump("b", power_max_mw=draw(st.floats(0.5, 8)), min_load_fraction=0.3),
        ),
    )
    scenarios = Scenarios(
        index=hours(n_t),
        probabilities=np.full(n_s, 1.0 / n_s),
        day_ahead_price_eur_per_mwh=day_ahead,
        imbalance_price_eur_per_mwh=day_ahead + spread,
        heat_demand_mw=heat,
        source_temperature_c=np.full((n_s, n_t), 8.0),
    )
    rules = DayAheadRules(max_curve_points=draw(st.integers(4, 8)))
    return BiddingProblem(pool=pool, scenarios=scenarios, mtu_minutes=60, day_ahead=rules)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_curves_are_valid_nord_pool_orders_and_non_anticipative(problem):
    # when
    result = solve_bidding(problem)
    # then every curve is a valid order
    for curve in result.curves:
        assert curve_violations(curve, problem.day_ahead) == []
    # and scenarios with equal (tick-rounded) prices clear identical volumes
    rounded = np.round(problem.scenarios.day_ahead_price_eur_per_mwh, 2)
    for t in range(rounded.shape[1]):
        for price in np.unique(rounded[:, t]):
            same = rounded[:, t] == price
            assert len(set(result.day_ahead_volume_mw[same, t].tolist())) == 1


def test_make_curve_rounds_to_lots_and_ticks_and_removes_solver_noise():
    # given LP volumes with noise that breaks monotonicity by 1e-9
    rules = DayAheadRules()
    prices = np.array([10.004, 20.0, 30.0])
    volumes = np.array([3.04, 3.0400000001, 1.26])
    # when
    curve = make_curve(hours(1)[0], prices, volumes, rules)
    # then
    assert curve.prices_eur_per_mwh == (-500.0, 20.0, 30.0, 4000.0)
    assert curve.volumes_mw == (3.0, 3.0, 1.3, 1.3)
    assert curve_violations(curve, rules) == []


def test_curve_interpolation_reproduces_the_scenario_volumes():
    # given a curve with points at the scenario prices
    curve = make_curve(hours(1)[0], np.array([40.0, 70.0]), np.array([2.0, 0.5]), DayAheadRules())
    # when / then Nord Pool's linear interpolation
    assert curve.volume_at(40.0) == 2.0
    assert curve.volume_at(55.0) == 1.25
    assert curve.volume_at(-500.0) == 2.0
    assert curve.volume_at(4000.0) == 0.5
