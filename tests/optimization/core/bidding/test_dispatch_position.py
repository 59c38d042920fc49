"""Dispatch = the cleared position: zero deviation where deliverable, named reasons where not,
prices only settle, and a schedule always comes back."""

import numpy as np
import pytest

from ainergy.common.errors import TransientError
from optimization.core.bidding import DispatchProblem, HeatPump, Pool, dispatch_pool, product_rules
from optimization.core.bidding.dispatch import (
    DEVIATION_PENALTY_MARGIN_EUR_PER_MWH,
    conservative_penalty,
)
from tests.optimization.core.bidding.helpers import hours


def _pool(*, pmax=10.0, min_load=0.0, storage=6.0, backup=np.inf, start_cost=0.0, units=1):
    """Units with COP exactly 3 (source = sink gives cop_max), lossless storage half full."""
    return Pool(
        "p",
        tuple(
            HeatPump(
                f"hp{i}",
                power_max_mw=pmax,
                min_load_fraction=min_load,
                start_cost_eur=start_cost,
                cop_max=3.0,
                sink_temperature_c=40.0,
                storage_capacity_mwh=storage,
                backup_heat_max_mw=backup,
            )
            for i in range(units)
        ),
        backup_heat_cost_eur_per_mwh=120.0,
    )


def _problem(pool, volume, heat, prices=None, **kwargs):
    n = len(volume)
    return DispatchProblem(
        pool=pool,
        index=hours(n),
        mtu_minutes=60,
        day_ahead_volume_mw=np.array(volume, float),
        heat_demand_mw=np.array(heat, float),
        source_temperature_c=np.full(n, 40.0),
        day_ahead_price_eur_per_mwh=np.array(prices or [50.0] * n, float),
        **kwargs,
    )


def test_deliverable_position_is_followed_exactly_at_zero_cost():
    # given 15 MW_th demand and a cleared 6 then 4 MW (18 then 12 MW_th): storage +3 then -3
    problem = _problem(_pool(), [6.0, 4.0], [15.0, 15.0])
    # when
    plan = dispatch_pool(problem)
    # then the pool consumes exactly the cleared volume, without backup heat or deviation
    assert plan.status == "optimal"
    assert plan.power_mw.round(6).tolist() == [[6.0, 4.0]]
    assert plan.deviation_mw.tolist() == [0.0, 0.0]
    assert plan.deviation_reasons == ("", "")
    assert plan.objective_eur == pytest.approx(0.0, abs=1e-6)
    assert plan.costs_eur["imbalance"] == 0.0
    assert plan.costs_eur["imbalance_penalty"] == 0.0


def test_undeliverable_position_deviates_only_as_much_as_the_storage_forces_and_names_it():
    # given 3 MWh of room in the storage, 15 MW_th demand and 10 MW (30 MW_th) cleared in hour 0
    problem = _problem(
        _pool(), [10.0, 3.0], [15.0, 15.0], [40.0, 90.0], deviation_penalty_eur_per_mwh=1000.0
    )
    # when
    plan = dispatch_pool(problem)
    # then hour 0 can absorb only 18 MW_th: 4 MW short; hour 1 is delivered, 3 MWh_th of backup
    # refill the storage to its initial level (cheaper than deviating)
    assert plan.deviation_mw.round(6).tolist() == [-4.0, 0.0]
    assert plan.deviation_reasons == ("storage_capacity", "")
    assert plan.objective_eur == pytest.approx(4 * 1000.0 + 3 * 120.0, abs=1e-6)
    # settled at the recorded price of hour 0 (no imbalance price published) plus the penalty
    assert plan.costs_eur["imbalance"] == pytest.approx(-4 * 40.0, abs=1e-6)
    assert plan.costs_eur["imbalance_penalty"] == pytest.approx(4 * 1000.0, abs=1e-6)
    assert plan.costs_eur["backup"] == pytest.approx(360.0, abs=1e-6)
    assert plan.deviation_price_source == ("penalty", "penalty")


def test_published_imbalance_prices_settle_deviations_but_never_steer_them():
    # given the same undeliverable hour 0 and a published imbalance price only in hour 0
    problem = _problem(
        _pool(),
        [10.0, 3.0],
        [15.0, 15.0],
        [40.0, 90.0],
        imbalance_price_eur_per_mwh=np.array([-300.0, np.nan]),
        imbalance_fee_eur_per_mwh=2.0,
    )
    # when
    plan = dispatch_pool(problem)
    # then the schedule is the same (a -300 price would pay for consuming more: not chased)
    assert plan.deviation_mw.round(6).tolist() == [-4.0, 0.0]
    assert plan.costs_eur["imbalance"] == pytest.approx(-4 * -300.0, abs=1e-6)
    assert plan.costs_eur["imbalance_penalty"] == pytest.approx(4 * 2.0, abs=1e-6)
    assert plan.deviation_price_source == ("imbalance_price", "penalty")


def test_minimum_load_makes_a_small_volume_undeliverable_and_is_named():
    # given a 10 MW unit with 3 MW minimum load, 1 MW cleared, 3 MW_th demand, storage room 1 MWh
    problem = _problem(
        _pool(min_load=0.3, storage=2.0), [1.0], [3.0], deviation_penalty_eur_per_mwh=1000.0
    )
    # when
    plan = dispatch_pool(problem)
    # then running (>= 3 MW, 9 MW_th) cannot fit the storage: the unit stays off, the pool is
    # 1 MW short and backup heat serves the demand
    assert plan.is_on.tolist() == [[0]]
    assert plan.deviation_mw.round(6).tolist() == [-1.0]
    assert plan.deviation_reasons == ("min_load",)
    assert plan.objective_eur == pytest.approx(1000.0 + 3 * 120.0, abs=1e-6)


def test_reserve_beyond_the_units_headroom_is_reported_short_with_its_reason():
    # given 1.0 MW headroom (2.0 max - 1.0 min load) but 1.4 MW mFRR up accepted in hour 1, the
    # cleared 1.5 MW meeting the 4.5 MW_th demand exactly
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
                backup_heat_max_mw=10.0,
            ),
        ),
    )
    problem = _problem(
        pool,
        [1.5, 1.5, 1.5],
        [4.5, 4.5, 4.5],
        products=(product_rules("mfrr_up"),),
        reserve_capacity_mw={"mfrr_up": np.array([0.0, 1.4, 0.0])},
        non_delivery_penalty_eur_per_mw_h=100.0,
    )
    # when
    plan = dispatch_pool(problem)
    # then the reserve comes first: the unit holds its 1.0 MW headroom, which needs 2.0 MW of
    # consumption (0.5 MW above the cleared volume); exactly the 0.4 MW it cannot hold is
    # missing, settled at 100 EUR/MW/h
    assert plan.reserve_shortfall_mw["mfrr_up"].round(6).tolist() == [0.0, 0.4, 0.0]
    assert plan.unit_reserve_mw["mfrr_up"].round(6).tolist() == [[0.0, 1.0, 0.0]]
    assert plan.deviation_mw.round(6).tolist() == [0.0, 0.5, 0.0]
    assert plan.costs_eur["non_delivery"] == pytest.approx(40.0, abs=1e-6)
    assert plan.deviation_reasons == ("", "reserve_headroom_up", "")


def test_conservative_penalty_is_above_the_day_spread_and_what_a_deviation_could_save():
    # given prices spanning 20..700 EUR/MWh and backup heat at 120 EUR/MWh_th, COP 3
    spread_day = _problem(_pool(), [1.0, 1.0], [3.0, 3.0], [20.0, 700.0])
    calm_day = _problem(_pool(min_load=0.5, start_cost=50.0), [1.0, 1.0], [3.0, 3.0])
    # when / then: the spread dominates; on a calm day the backup value 360 + start 50/5/1
    assert conservative_penalty(spread_day) == 680.0 + DEVIATION_PENALTY_MARGIN_EUR_PER_MWH
    assert conservative_penalty(calm_day) == 360.0 + 10.0 + DEVIATION_PENALTY_MARGIN_EUR_PER_MWH


def test_a_milp_without_incumbent_no_longer_drops_the_day():
    # given a pool whose MILP is stopped before it finds any schedule (no nodes, no heuristics:
    # what a time limit did to 6 of 321 days of the evaluated months)
    pool = _pool(pmax=4.0, min_load=0.4, storage=8.0, start_cost=40.0, units=3)
    rng = np.random.default_rng(3)
    volume = np.round(rng.uniform(0.0, 12.0, 24), 1)
    heat = np.round(rng.uniform(6.0, 30.0, 24), 1)
    problem = _problem(pool, volume, heat)
    stop = "mip_max_nodes=0\nmip_heuristic_effort=0\npresolve=off"
    # when the MILP runs alone it has nothing to return
    with pytest.raises(TransientError):
        dispatch_pool(problem, heuristics=False, milp_parameters=stop)
    # when the heuristics run first
    plan = dispatch_pool(problem, milp_parameters=stop)
    # then a schedule comes back: heat met (storage within bounds, terminal level kept)
    assert plan.status == "fallback"
    assert plan.solver["milp_status"] == "no solution"
    storage = plan.storage_mwh
    assert storage.min() >= -1e-6 and storage.max() <= 8.0 + 1e-6
    assert (storage[:, -1] >= 4.0 - 1e-6).all()
    on = plan.is_on.astype(bool)
    assert (plan.power_mw[on] >= 1.6 - 1e-6).all() and (plan.power_mw[~on] <= 1e-6).all()
    assert (plan.deviation_mw == plan.power_mw.sum(axis=0) - volume).all() or np.allclose(
        plan.deviation_mw, plan.power_mw.sum(axis=0) - volume, atol=1e-6
    )
