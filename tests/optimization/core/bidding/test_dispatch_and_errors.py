"""Post-clearing dispatch, infeasibility explanation, input validation, purity."""

import subprocess
import sys

import numpy as np
import pytest

from ainergy.common.errors import InfeasibleError, ValidationError
from optimization.core.bidding import (
    DispatchProblem,
    HeatPump,
    Pool,
    dispatch_pool,
    product_rules,
    solve_bidding,
)
from tests.optimization.core.bidding.helpers import hours, single_mtu_problem


def _pool(storage_mwh=0.0, backup_mw=0.0):
    return Pool(
        "p",
        (
            HeatPump(
                "hp1",
                power_max_mw=2.0,
                min_load_fraction=0.5,
                cop_max=3.0,
                sink_temperature_c=40.0,
                storage_capacity_mwh=storage_mwh,
                backup_heat_max_mw=backup_mw,
            ),
        ),
    )


def _dispatch(pool, heat, reserve=None, non_delivery_penalty=None):
    n = len(heat)
    products = (product_rules("mfrr_up"),) if reserve is not None else ()
    return dispatch_pool(
        DispatchProblem(
            pool=pool,
            index=hours(n),
            mtu_minutes=60,
            day_ahead_volume_mw=np.full(n, 1.5),
            heat_demand_mw=np.array(heat, float),
            source_temperature_c=np.full(n, 40.0),
            day_ahead_price_eur_per_mwh=np.full(n, 50.0),
            products=products,
            reserve_capacity_mw={"mfrr_up": np.array(reserve, float)}
            if reserve is not None
            else {},
            non_delivery_penalty_eur_per_mw_h=non_delivery_penalty,
        )
    )


def test_dispatch_meets_heat_with_min_load_and_keeps_reserve_headroom():
    # given heat 4.5 MW_th (1.5 MW at COP 3), 0.5 MW mFRR up accepted in every hour and a
    # 4 MWh storage half full (2 MWh >= the 1 h x COP 3 x 0.5 MW endurance reserve)
    pool = _pool(storage_mwh=4.0)
    # when
    plan = _dispatch(pool, [4.5] * 4, reserve=[0.5] * 4)
    # then the unit runs at 1.5 MW (>= 1.0 min load + 0.5 reserve) and follows the DA volume
    assert plan.power_mw.round(6).tolist() == [[1.5, 1.5, 1.5, 1.5]]
    assert plan.is_on.tolist() == [[1, 1, 1, 1]]
    assert plan.unit_reserve_mw["mfrr_up"].round(6).tolist() == [[0.5] * 4]
    assert plan.deviation_mw.round(6).tolist() == [0.0] * 4


def test_dispatch_names_heat_balance_and_periods_when_heat_cannot_be_met():
    # given no storage, no backup and 9 MW_th demand (> 6 MW_th capacity) in hours 2 and 3
    pool = _pool()
    # when
    with pytest.raises(InfeasibleError) as error:
        _dispatch(pool, [3.0, 3.0, 9.0, 9.0, 3.0])
    # then
    assert error.value.extra["constraint_family"] == "heat_balance"
    assert error.value.extra["periods"] == [2, 3]
    assert "heat_balance" in str(error.value)


def test_bad_problem_names_the_field():
    # given probabilities that do not sum to one
    problem = single_mtu_problem([50.0, 50.0], [40.0, 80.0])
    from dataclasses import replace

    bad = replace(problem, scenarios=replace(problem.scenarios, probabilities=np.array([0.5, 0.6])))
    # when / then
    with pytest.raises(ValidationError) as error:
        solve_bidding(bad)
    assert error.value.field == "scenarios.probabilities"
    assert error.value.reason == "must be >= 0 and sum to 1"


def test_bidding_core_imports_neither_django_nor_celery():
    # when
    code = (
        "import sys, optimization.core.bidding, optimization.core.bidding.cli, optimization.core.solver;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('django', 'celery')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    # then
    assert out.stdout.strip() == "[]"


def test_cli_names_the_bad_field_of_a_case_file(tmp_path, capsys):
    # given a case whose heat pump has a negative storage capacity
    case = tmp_path / "case.json"
    case.write_text(
        '{"pool": {"heat_pumps": [{"heat_pump_id": "a", "power_max_mw": 2.0,'
        ' "storage_capacity_mwh": -1}]}, "data": {}}'
    )
    from optimization.core.bidding.cli import main

    # when
    code = main(["bid", str(case)])
    # then
    import json

    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["error"]["extra"]["field"] == "pool.heat_pumps[0].storage_capacity_mwh"
    assert out["error"]["extra"]["reason"] == "must be >= 0"
