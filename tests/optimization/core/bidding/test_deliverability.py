"""No MW sold twice; every accepted offer deliverable by the per-unit dispatch in every scenario."""

import datetime as dt
from dataclasses import replace

import numpy as np
import pytest

from optimization.core.bidding import DispatchProblem, dispatch_pool, product_rules, solve_bidding
from optimization.core.bidding.model import build_units
from optimization.core.bidding.scaling import reserve_deliverability, select_scenarios
from optimization.core.bidding.synthetic import synthetic_problem


def _check_every_scenario(problem, result):
    products = problem.products
    scen = problem.scenarios
    pmax = np.array([hp.power_max_mw for hp in problem.pool.heat_pumps])[:, None]
    pmin = pmax * np.array([hp.min_load_fraction for hp in problem.pool.heat_pumps])[:, None]
    # the certified per-unit split adds up to the offer, in every period
    for product in products:
        assert result.unit_reserve_mw[product.name].sum(axis=0) == pytest.approx(
            result.reserve_capacity_mw[product.name], abs=1e-6
        )
    allocation = np.array([result.unit_reserve_mw[p.name] for p in products])
    assert reserve_deliverability(
        build_units(problem), allocation, products, problem.step_h
    ).all_feasible
    for s in range(scen.n_scenarios):
        plan = dispatch_pool(
            DispatchProblem(
                pool=problem.pool,
                index=scen.index,
                mtu_minutes=problem.mtu_minutes,
                day_ahead_volume_mw=result.day_ahead_volume_mw[s],
                heat_demand_mw=scen.heat_demand_mw[s],
                source_temperature_c=scen.source_temperature_c[s],
                day_ahead_price_eur_per_mwh=scen.day_ahead_price_eur_per_mwh[s],
                products=products,
                reserve_capacity_mw=result.reserve_capacity_mw,
            )
        )
        up = sum(plan.unit_reserve_mw[p.name] for p in products if p.provides_up)
        down = sum(plan.unit_reserve_mw[p.name] for p in products if p.provides_down)
        # no MW twice: reserve up sits above min load, reserve down below max, on running units
        assert (plan.power_mw - up >= pmin * plan.is_on - 1e-6).all()
        assert (plan.power_mw + down <= pmax * plan.is_on + 1e-6).all()
        for product in products:
            assert plan.unit_reserve_mw[product.name].sum(axis=0) == pytest.approx(
                result.reserve_capacity_mw[product.name], abs=1e-6
            )


def test_per_unit_offers_are_deliverable_in_every_scenario():
    # given three heat pumps, four scenarios, FCR + aFRR down + mFRR up
    problem = synthetic_problem(3, 4, mtu_minutes=60, seed=2)
    # when
    result = solve_bidding(problem, formulation="per_unit")
    # then
    assert sum(v.sum() for v in result.reserve_capacity_mw.values()) > 0
    _check_every_scenario(problem, result)


@pytest.mark.slow
def test_clustered_offers_are_certified_unit_by_unit_in_every_scenario():
    # given eight heat pumps bid as three clusters
    problem = synthetic_problem(8, 2, mtu_minutes=60, seed=3)
    # when
    result = solve_bidding(problem, formulation="clustered", n_clusters=3)
    # then
    assert result.formulation == "clustered(3)"
    assert sum(v.sum() for v in result.reserve_capacity_mw.values()) > 0
    _check_every_scenario(problem, result)


def test_reserve_stage_offers_are_certified_in_all_scenarios_not_only_the_selected_ones():
    # given three heat pumps and six scenarios, reserves decided on three representative ones
    problem = synthetic_problem(3, 6, mtu_minutes=60, seed=2)
    # when
    result = solve_bidding(problem, formulation="per_unit", reserve_scenarios=3)
    # then the curve is optimised on all six, the offers certified and dispatchable in all six
    assert result.formulation == "per_unit+reserves(3/6)"
    assert result.day_ahead_volume_mw.shape == (6, 24)
    assert sum(v.sum() for v in result.reserve_capacity_mw.values()) > 0
    _check_every_scenario(problem, result)


def test_scenario_selection_merges_identical_scenarios_first():
    # given scenarios 0 and 1 identical, scenario 2 different, equiprobable
    problem = synthetic_problem(1, 3, mtu_minutes=60, seed=1)
    scen = problem.scenarios
    twin = {
        "day_ahead_price_eur_per_mwh": scen.day_ahead_price_eur_per_mwh[[0, 0, 2]],
        "imbalance_price_eur_per_mwh": scen.imbalance_price_eur_per_mwh[[0, 0, 2]],
        "heat_demand_mw": scen.heat_demand_mw[[0, 0, 2]],
        "source_temperature_c": scen.source_temperature_c[[0, 0, 2]],
        "capacity_price_eur_per_mw_h": {
            k: v[[0, 0, 2]] for k, v in scen.capacity_price_eur_per_mw_h.items()
        },
    }
    # when two are kept
    keep, probabilities = select_scenarios(replace(scen, **twin), 2)
    # then one of the twins carries both their probabilities
    assert sorted(keep.tolist()) in ([0, 2], [1, 2])
    assert probabilities.tolist() == pytest.approx([2 / 3, 1 / 3])


def test_symmetric_fcr_is_offered_in_constant_four_hour_blocks():
    # given FCR with a full activation time long enough for these heat pumps
    problem = synthetic_problem(2, 2, mtu_minutes=60, products=("fcr",), seed=5)
    problem = replace(problem, products=(product_rules("fcr", full_activation_time_min=15.0),))
    # when
    result = solve_bidding(problem)
    # then
    fcr = result.reserve_capacity_mw["fcr"]
    assert fcr.reshape(6, 4).std(axis=1).max() == 0.0
    assert all((o.end_at - o.start_at) == np.timedelta64(4, "h") for o in result.reserve_offers)
    _check_every_scenario(problem, result)


def test_certificate_rejects_reserve_the_storage_cannot_absorb():
    # given a unit with a tiny storage asked to hold 1 MW down for an hour of endurance
    problem = synthetic_problem(1, 1, mtu_minutes=60, products=("afrr_down",), seed=0)
    hp = replace(problem.pool.heat_pumps[0], storage_capacity_mwh=0.5)
    problem = replace(problem, pool=replace(problem.pool, heat_pumps=(hp,)))
    units = build_units(problem)
    allocation = np.zeros((1, 1, 24))
    allocation[0, 0, 5] = 1.0
    # when
    check = reserve_deliverability(units, allocation, problem.products, 1.0)
    # then the unit fails in period 5, the first it holds reserve
    assert check.feasible.tolist() == [[False]]
    assert check.first_failure_period.tolist() == [[5]]


@pytest.mark.parametrize(
    ("day", "periods", "first_block"),
    [(dt.date(2024, 3, 31), 92, 12), (dt.date(2024, 10, 27), 100, 20)],
)
def test_dst_days_have_92_or_100_mtus_and_local_fcr_blocks(day, periods, first_block):
    # given a quarter-hour day with a clock change
    problem = synthetic_problem(2, 2, day=day, mtu_minutes=15, products=("fcr", "mfrr_up"), seed=6)
    problem = replace(
        problem,
        products=(product_rules("fcr", full_activation_time_min=15.0), product_rules("mfrr_up")),
    )
    # when
    result = solve_bidding(problem)
    # then
    assert len(result.curves) == periods == len(result.index)
    assert result.day_ahead_volume_mw.shape == (2, periods)
    from optimization.core.bidding.problem import block_ids

    blocks = block_ids(problem.scenarios.index, 4)
    assert int((blocks == 0).sum()) == first_block
    fcr = result.reserve_capacity_mw["fcr"]
    assert len(set(fcr[blocks == 0].tolist())) == 1


def _one_unit_problem(margin=None):
    from optimization.core.bidding import BiddingProblem, HeatPump, Pool, Scenarios
    from tests.optimization.core.bidding.helpers import hours

    pool = Pool(
        "p",
        (
            HeatPump(
                "hp1",
                power_max_mw=2.0,
                min_load_fraction=0.5,
                cop_max=3.0,
                sink_temperature_c=40.0,
                storage_capacity_mwh=10.0,
                backup_heat_max_mw=np.inf,
            ),
        ),
    )
    n = 4
    scenarios = Scenarios(
        index=hours(n),
        probabilities=np.array([0.5, 0.5]),
        day_ahead_price_eur_per_mwh=np.full((2, n), 50.0),
        imbalance_price_eur_per_mwh=np.full((2, n), 50.0),
        heat_demand_mw=np.full((2, n), 4.5),
        source_temperature_c=np.full((2, n), 40.0),
        capacity_price_eur_per_mw_h={"mfrr_up": np.full((2, n), 40.0)},
    )
    return BiddingProblem(
        pool=pool,
        scenarios=scenarios,
        mtu_minutes=60,
        products=(product_rules("mfrr_up", min_bid_mw=0.1, endurance_h=0.0),),
        imbalance_penalty_eur_per_mwh=300.0,
        uncertainty_margin=margin,
    )


def test_robust_certificate_covers_lower_heat_than_any_scenario():
    from optimization.core.bidding import UncertaintyMargin
    from optimization.core.bidding.model import uncertainty_box
    from optimization.core.bidding.scaling import robust_reserve_deliverability

    # given heat 4.5 MW_th in both scenarios (1.5 MW at COP 3) and 5 MWh of storage room; a unit
    # holding r MW up must draw 1 + r MW, i.e. 3 r MW_th more than the scenarios need
    problem = _one_unit_problem(UncertaintyMargin(heat_fraction=1 / 3))
    units = build_units(problem)
    box = uncertainty_box(problem)
    assert box.demand_low_mw.round(9).tolist() == [[3.0] * 4]
    held = np.full((1, 1, 4), 0.5)
    # when / then: 0.5 MW holds in both scenarios (storage +1.5 MWh over 4 h) ...
    assert reserve_deliverability(units, held, problem.products, 1.0).all_feasible
    # ... but not if heat may be as low as 3.0 MW_th (+6 MWh > 5 MWh of room) ...
    assert not robust_reserve_deliverability(units, box, held, problem.products, 1.0).all_feasible
    # ... while 5/12 MW does: 4 h x 3 x 5/12 = 5 MWh exactly
    fits = np.full((1, 1, 4), 5 / 12 - 1e-6)
    assert robust_reserve_deliverability(units, box, fits, problem.products, 1.0).all_feasible


def test_offers_are_derated_to_what_holds_over_the_whole_box():
    from optimization.core.bidding import UncertaintyMargin
    from optimization.core.bidding.model import uncertainty_box
    from optimization.core.bidding.scaling import robust_reserve_deliverability

    # given the same unit, bid with and without the box (heat down to 3.0 MW_th)
    margin = UncertaintyMargin(heat_fraction=1 / 3)
    in_sample = solve_bidding(_one_unit_problem())
    robust = solve_bidding(_one_unit_problem(margin))
    problem = _one_unit_problem(margin)
    units, box = build_units(problem), uncertainty_box(problem)

    def holds(bid) -> bool:
        split = np.array([bid.unit_reserve_mw["mfrr_up"]])
        return robust_reserve_deliverability(units, box, split, problem.products, 1.0).all_feasible

    # then the in-sample offer breaks inside the box, the robust one holds and is smaller
    offered = {b: float(bid.reserve_capacity_mw["mfrr_up"].sum()) for b, bid in
               (("in_sample", in_sample), ("robust", robust))}  # fmt: skip
    assert not holds(in_sample)
    assert holds(robust)
    assert 0 < offered["robust"] < offered["in_sample"]
