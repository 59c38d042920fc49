"""Hand-solvable cases with exact objectives (DOMAIN.md §4.1)."""

import numpy as np
import pytest

from optimization.core.bidding import solve_bidding
from optimization.core.bidding.synthetic import synthetic_problem
from tests.optimization.core.bidding.helpers import single_mtu_problem


def test_newsvendor_buys_the_whole_need_day_ahead_when_cheaper_than_expected_imbalance():
    # given heat 6 MW_th at COP 3 = 2 MW; DA 50 in both scenarios, imbalance 40 / 80 (mean 60),
    # and a 15 EUR/MWh penalty on |imbalance| so that buying more than the need to resell does
    # not pay (without it the linear model speculates up to the pool's maximum)
    problem = single_mtu_problem([50.0, 50.0], [40.0, 80.0], penalty=15.0)
    # when
    result = solve_bidding(problem)
    # then everything is bought day-ahead: 2 MW x 50 EUR/MWh x 1 h
    assert result.objective_eur == pytest.approx(100.0, abs=1e-6)
    assert result.curves[0].prices_eur_per_mwh == (-500.0, 4000.0)
    assert result.curves[0].volumes_mw == (2.0, 2.0)
    assert result.expected_components_eur["imbalance"] == pytest.approx(0.0, abs=1e-6)


def test_newsvendor_buys_nothing_day_ahead_when_expected_imbalance_is_cheaper():
    # given DA 50, imbalance 20 / 40 plus penalty 15 (mean 45 < 50)
    problem = single_mtu_problem([50.0, 50.0], [20.0, 40.0], penalty=15.0)
    # when
    result = solve_bidding(problem)
    # then all 2 MW settle at the imbalance price: 2 x (0.5 * 35 + 0.5 * 55)
    assert result.objective_eur == pytest.approx(90.0, abs=1e-6)
    assert result.curves[0].volumes_mw == (0.0, 0.0)


def test_one_mtu_two_prices_gives_a_price_dependent_curve_with_exact_objective():
    # given DA 40 / 70 and imbalance 50 / 50 with a 15 EUR/MWh imbalance penalty
    problem = single_mtu_problem([40.0, 70.0], [50.0, 50.0], penalty=15.0)
    # when
    result = solve_bidding(problem)
    # then buy at 40 (40 < 65) and not at 70 (70 > 65): 0.5 * 80 + 0.5 * 2 * 65
    assert result.objective_eur == pytest.approx(105.0, abs=1e-6)
    curve = result.curves[0]
    assert curve.prices_eur_per_mwh == (-500.0, 40.0, 70.0, 4000.0)
    assert curve.volumes_mw == (2.0, 2.0, 0.0, 0.0)
    assert result.day_ahead_volume_mw[:, 0].tolist() == [2.0, 0.0]


def test_full_cvar_weight_hedges_the_imbalance_exposure():
    # given DA 50, imbalance 20 / 70: risk-neutral buys 0 (E = 45 < 50)
    neutral = solve_bidding(single_mtu_problem([50.0, 50.0], [20.0, 70.0]))
    # when the objective is CVaR_0.5 (the worse scenario) only
    averse = solve_bidding(single_mtu_problem([50.0, 50.0], [20.0, 70.0], cvar_weight=1.0))
    # then risk-neutral: E = 90, CVaR = 140; averse buys 2 MW: 100 in both scenarios
    assert neutral.objective_eur == pytest.approx(90.0, abs=1e-6)
    assert neutral.cvar_eur == pytest.approx(140.0, abs=1e-6)
    assert averse.objective_eur == pytest.approx(100.0, abs=1e-6)
    assert averse.curves[0].volumes_mw == (2.0, 2.0)
    assert averse.scenario_cost_eur.tolist() == pytest.approx([100.0, 100.0])


def test_cvar_weight_zero_equals_the_risk_neutral_result():
    # given the same small pool with CVaR weight 0 at two different alphas
    problems = [synthetic_problem(2, 3, mtu_minutes=60, seed=4) for _ in range(2)]
    base = solve_bidding(problems[0])
    from dataclasses import replace

    from optimization.core.bidding import RiskConfig

    other = solve_bidding(replace(problems[1], risk=RiskConfig(cvar_weight=0.0, cvar_alpha=0.5)))
    # then the objective is the expected cost and does not depend on alpha
    assert base.objective_eur == pytest.approx(base.expected_cost_eur, rel=1e-9)
    assert other.objective_eur == pytest.approx(base.objective_eur, rel=1e-9)
    assert [c.volumes_mw for c in other.curves] == [c.volumes_mw for c in base.curves]


def test_positive_cvar_weight_never_raises_cvar_and_never_lowers_expected_cost():
    # given
    problem = synthetic_problem(2, 4, mtu_minutes=60, seed=1)
    from dataclasses import replace

    from optimization.core.bidding import RiskConfig

    # when
    neutral = solve_bidding(problem)
    averse = solve_bidding(replace(problem, risk=RiskConfig(cvar_weight=0.8, cvar_alpha=0.75)))
    # then (up to the lot rounding of curves and offers)
    tolerance = 1e-3 * abs(neutral.expected_cost_eur) + 50.0
    assert averse.cvar_eur <= neutral.cvar_eur + tolerance
    assert averse.expected_cost_eur >= neutral.expected_cost_eur - tolerance
    assert np.isfinite(averse.scenario_cost_eur).all()
