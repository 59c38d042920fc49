"""The (MI)LP assembler loads the same model entry by entry and through scipy.sparse."""

import numpy as np
import pytest
from ortools.linear_solver.python import model_builder as mb

from optimization.core.household._lp import LinearProgram, free_integral_columns, load_model


def small_milp() -> LinearProgram:
    """min −x − 2y + 0.5z  s.t.  x + y ≤ 5 (y's 1 added as 0.5 + 0.5),  y − z ≤ 0.5,  z ≤ 2.7,
    0 ≤ x ≤ 4, y ≥ 0, z ∈ {0, …, 10}: optimum z = 2, y = 2.5, x = 2.5, objective −6.5
    (the relaxation would take z = 2.7, objective −6.85)."""
    program = LinearProgram()
    x = program.add_variables(1, upper=4.0, cost=-1.0)
    y = program.add_variables(1, upper=np.inf, cost=-2.0)
    z = program.add_variables(1, upper=10.0, cost=0.5, is_integral=True)
    rows = program.add_rows("capacity", [(x, 1.0), (y, 0.5)], upper=5.0)
    program.add_terms(rows, y, 0.5)
    program.add_rows("link", [(y, 1.0), (z, -1.0)], upper=0.5)
    program.add_rows("cap", [(z, 1.0)], lower=-np.inf, upper=2.7)
    return program


def contents(model: mb.Model) -> list:
    helper = model.helper
    variables = [
        (
            helper.var_lower_bound(j),
            helper.var_upper_bound(j),
            helper.var_objective_coefficient(j),
            helper.var_is_integral(j),
        )
        for j in range(helper.num_variables())
    ]
    rows = [
        (
            helper.constraint_lower_bound(i),
            helper.constraint_upper_bound(i),
            sorted(
                zip(
                    helper.constraint_var_indices(i),
                    helper.constraint_coefficients(i),
                    strict=True,
                )
            ),
        )
        for i in range(helper.num_constraints())
    ]
    return [variables, rows]


def test_entry_by_entry_and_sparse_loading_give_the_same_model_and_the_hand_optimum():
    # given a small MILP with a duplicated entry, infinite bounds and an integer variable
    data = small_milp().arrays()
    # when it is loaded both ways
    by_entry = load_model(data, max_nonzeros_by_entry=10**9)
    sparse = load_model(data, max_nonzeros_by_entry=0)
    # then the models are identical, duplicates summed
    assert contents(by_entry) == contents(sparse)
    assert contents(by_entry)[1][0] == (-np.inf, 5.0, [(0, 1.0), (1, 1.0)])
    assert contents(by_entry)[0][2] == (0.0, 10.0, 0.5, True)
    # and both solve to the optimum worked out by hand
    for model in (by_entry, sparse):
        solver = mb.Solver("highs")
        assert solver.solve(model) == mb.SolveStatus.OPTIMAL
        assert solver.objective_value == pytest.approx(-6.5, abs=1e-9)
        np.testing.assert_allclose(solver.values(model.get_variables()), [2.5, 2.5, 2.0])


def test_solve_returns_the_hand_optimum():
    # given / when
    solution = small_milp().solve(time_limit_s=10.0)
    # then
    assert solution.is_feasible
    assert solution.objective == pytest.approx(-6.5, abs=1e-9)
    np.testing.assert_allclose(solution.values, [2.5, 2.5, 2.0])


def fixed_integer_program(value: float) -> LinearProgram:
    """min −x s.t. x ≤ z + 0.25, x ≥ 0, z integral with both bounds at ``value``."""
    program = LinearProgram()
    x = program.add_variables(1, cost=-1.0)
    z = program.add_variables(1, lower=value, upper=value, is_integral=True)
    program.add_rows("link", [(x, 1.0), (z, -1.0)], upper=0.25)
    return program


def test_an_integer_fixed_at_an_integer_is_solved_as_a_constant():
    # given z fixed at 1 by its bounds (a design fixed for a probe), z fixed at 0.5 (impossible)
    # and a free integer
    at_one, at_half = fixed_integer_program(1.0), fixed_integer_program(0.5)
    free = small_milp().arrays()
    # when / then only the free integer keeps its integrality, so 0.5 stays infeasible
    assert free_integral_columns(at_one.arrays()).tolist() == [False, False]
    assert free_integral_columns(at_half.arrays()).tolist() == [False, True]
    assert free_integral_columns(free).tolist() == [False, False, True]
    solution = at_one.solve(time_limit_s=10.0)
    assert solution.is_feasible
    assert solution.objective == pytest.approx(-1.25, abs=1e-9)
    assert not at_half.solve(time_limit_s=10.0).is_feasible
