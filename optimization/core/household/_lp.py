"""A small sparse (MI)LP assembler on top of OR-Tools ``model_builder`` (HiGHS).

Constraints are added in vectorised blocks of rows, each row tagged with its constraint family
and period, so an infeasible model can be explained: :func:`explain_infeasibility` re-solves an
elastic copy (slack on the soft families, minimise total slack) and names the family and the
periods whose rows needed slack.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver.python import model_builder as mb

from ainergy.common.errors import TransientError

INFEASIBLE_STATUSES = {mb.SolveStatus.INFEASIBLE}
# Up to this many non-zeros the matrix is loaded entry by entry (≈1 µs each); above it through
# ``fill_model_from_sparse_data``, whose argument converter imports scipy.sparse (≈0.15 s CPU,
# more than building and solving a day's schedule).
MAX_NONZEROS_LOADED_BY_ENTRY = 50_000
SOLVED_STATUSES = {mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE}


@dataclass(frozen=True)
class LpSolution:
    """Values of every variable, the objective and the solver's status/time."""

    status: str
    is_feasible: bool
    values: np.ndarray
    objective: float
    wall_time_s: float


class LinearProgram:
    """Variables, row blocks and costs collected as arrays, loaded into the solver at once."""

    def __init__(self) -> None:
        self._lower: list[np.ndarray] = []
        self._upper: list[np.ndarray] = []
        self._cost: list[np.ndarray] = []
        self._integral: list[np.ndarray] = []
        self.num_variables = 0
        self._rows: list[np.ndarray] = []
        self._cols: list[np.ndarray] = []
        self._coefs: list[np.ndarray] = []
        self._row_lower: list[np.ndarray] = []
        self._row_upper: list[np.ndarray] = []
        self.row_family: list[np.ndarray] = []
        self.row_period: list[np.ndarray] = []
        self.num_rows = 0
        self._extra_cost: list[tuple[np.ndarray, np.ndarray]] = []

    def add_variables(
        self,
        count: int,
        lower: float | np.ndarray = 0.0,
        upper: float | np.ndarray = np.inf,
        cost: float | np.ndarray = 0.0,
        is_integral: bool = False,
    ) -> np.ndarray:
        """Append ``count`` variables; returns their column indices."""
        index = np.arange(self.num_variables, self.num_variables + count)
        self._lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)).copy())
        self._upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).copy())
        self._cost.append(np.broadcast_to(np.asarray(cost, dtype=float), (count,)).copy())
        self._integral.append(np.full(count, is_integral))
        self.num_variables += count
        return index

    def add_cost(self, columns: np.ndarray, cost: float | np.ndarray) -> None:
        """Add ``cost`` to the objective coefficients of ``columns`` (applied in ``arrays``)."""
        columns = np.asarray(columns).ravel()
        self._extra_cost.append((columns, np.broadcast_to(cost, columns.shape).astype(float)))

    def add_rows(
        self,
        family: str,
        terms: Sequence[tuple[np.ndarray, float | np.ndarray]],
        lower: float | np.ndarray = -np.inf,
        upper: float | np.ndarray = np.inf,
        periods: np.ndarray | None = None,
    ) -> np.ndarray:
        """Append k rows ``lower_i <= Σ_terms Σ_j coef[i, j]·x[idx[i, j]] <= upper_i``.

        Each term is ``(idx, coef)`` with ``idx`` of shape (k,) or (k, m) and ``coef``
        broadcastable to it. ``periods`` tags each row with a period number (-1 = none).
        """
        first = np.asarray(terms[0][0])
        count = first.shape[0]
        row_index = np.arange(self.num_rows, self.num_rows + count)
        for idx, coef in terms:
            idx = np.asarray(idx)
            coef_array = np.broadcast_to(np.asarray(coef, dtype=float), idx.shape)
            if idx.ndim == 1:
                idx, coef_array = idx[:, None], coef_array[:, None]
            rows = np.broadcast_to(row_index[:, None], idx.shape)
            self._rows.append(rows.ravel())
            self._cols.append(idx.ravel())
            self._coefs.append(coef_array.ravel())
        self._row_lower.append(np.broadcast_to(np.asarray(lower, dtype=float), (count,)).copy())
        self._row_upper.append(np.broadcast_to(np.asarray(upper, dtype=float), (count,)).copy())
        self.row_family.append(np.full(count, family, dtype=object))
        self.row_period.append(
            np.full(count, -1) if periods is None else np.asarray(periods, dtype=int)
        )
        self.num_rows += count
        return row_index

    def add_terms(self, rows: np.ndarray, columns: np.ndarray, coef: float | np.ndarray) -> None:
        """Add ``coef · x[columns[i]]`` to existing rows ``rows[i]`` (e.g. a state's lag term)."""
        rows = np.asarray(rows).ravel()
        self._rows.append(rows)
        self._cols.append(np.asarray(columns).ravel())
        self._coefs.append(np.broadcast_to(np.asarray(coef, dtype=float), rows.shape).copy())

    def arrays(self) -> dict[str, np.ndarray]:
        cost = np.concatenate(self._cost) if self._cost else np.zeros(0)
        for columns, extra in self._extra_cost:
            np.add.at(cost, columns, extra)
        return {
            "lower": np.concatenate(self._lower),
            "upper": np.concatenate(self._upper),
            "cost": cost,
            "integral": np.concatenate(self._integral),
            "row_lower": np.concatenate(self._row_lower),
            "row_upper": np.concatenate(self._row_upper),
            "family": np.concatenate(self.row_family),
            "period": np.concatenate(self.row_period),
            **_summed_entries(
                np.concatenate(self._rows),
                np.concatenate(self._cols),
                np.concatenate(self._coefs),
                self.num_variables,
            ),
            "shape": np.array([self.num_rows, self.num_variables]),
        }

    def solve(self, time_limit_s: float = 60.0, relative_gap: float = 1e-4) -> LpSolution:
        """Solve with HiGHS through OR-Tools ``model_builder``."""
        data = self.arrays()
        return _solve_arrays(data, time_limit_s, relative_gap)


def _summed_entries(
    rows: np.ndarray, columns: np.ndarray, coefficients: np.ndarray, column_count: int
) -> dict[str, np.ndarray]:
    """Matrix entries sorted by (row, column), duplicates summed (as a CSR matrix holds them)."""
    keys, inverse = np.unique(
        rows.astype(np.int64) * max(column_count, 1) + columns, return_inverse=True
    )
    return {
        "matrix_rows": keys // max(column_count, 1),
        "matrix_columns": keys % max(column_count, 1),
        "matrix_coefficients": np.bincount(
            inverse.ravel(), weights=coefficients, minlength=len(keys)
        ),
    }


def load_model(
    data: dict[str, np.ndarray], max_nonzeros_by_entry: int = MAX_NONZEROS_LOADED_BY_ENTRY
) -> mb.Model:
    """An OR-Tools model of the arrays (variables, bounds, costs, rows, entries, integrality)."""
    model = mb.Model()
    helper = model.helper
    row_count, column_count = (int(value) for value in data["shape"])
    if len(data["matrix_coefficients"]) <= max_nonzeros_by_entry:
        helper.add_var_array_with_bounds(
            data["lower"], data["upper"], np.zeros(column_count, dtype=bool), ""
        )
        helper.set_objective_coefficients(list(range(column_count)), data["cost"].tolist())
        for row, (lower, upper) in enumerate(
            zip(data["row_lower"].tolist(), data["row_upper"].tolist(), strict=True)
        ):
            helper.add_linear_constraint()
            helper.set_constraint_lower_bound(row, lower)
            helper.set_constraint_upper_bound(row, upper)
        for row, column, coefficient in zip(
            data["matrix_rows"].tolist(),
            data["matrix_columns"].tolist(),
            data["matrix_coefficients"].tolist(),
            strict=True,
        ):
            helper.set_constraint_coefficient(row, column, coefficient)
    else:
        import scipy.sparse as sp

        helper.fill_model_from_sparse_data(
            data["lower"],
            data["upper"],
            data["cost"],
            data["row_lower"],
            data["row_upper"],
            sp.csr_matrix(
                (data["matrix_coefficients"], (data["matrix_rows"], data["matrix_columns"])),
                shape=(row_count, column_count),
            ),
        )
    for column in np.flatnonzero(data["integral"]):
        helper.set_var_integrality(int(column), True)
    return model


def free_integral_columns(data: dict[str, np.ndarray]) -> np.ndarray:
    """Integral columns that are not fixed at an integer by their bounds.

    A column with lower = upper = an integer is a constant, so dropping its integrality leaves
    the optimum unchanged; left integral, it sends HiGHS down its MIP path, which costs a
    sizing probe (a year's LP with the design fixed) ≈4× the CPU of the LP.
    """
    lower, upper = data["lower"], data["upper"]
    fixed = (lower == upper) & np.isfinite(lower) & (np.round(lower) == lower)
    return data["integral"] & ~fixed


def _solve_arrays(
    data: dict[str, np.ndarray], time_limit_s: float, relative_gap: float
) -> LpSolution:
    data = {**data, "integral": free_integral_columns(data)}
    model = load_model(data)
    solver = mb.Solver("highs")
    solver.set_time_limit_in_seconds(time_limit_s)
    parameters = ["output_flag=false", "log_to_console=false"]
    if data["integral"].any():
        parameters.append(f"mip_rel_gap={relative_gap}")
    solver.set_solver_specific_parameters("\n".join(parameters))
    status = solver.solve(model)
    feasible = status in SOLVED_STATUSES
    if not feasible and status not in INFEASIBLE_STATUSES:
        # HiGHS reports "infeasible or unbounded" as ABNORMAL/UNBOUNDED at times; our models are
        # bounded, so anything else without a solution is either a time-out or infeasibility.
        if solver.wall_time >= 0.95 * time_limit_s:
            raise TransientError(
                f"solver stopped at the time limit ({time_limit_s} s) without a solution",
                {"status": status.name},
            )
    values = (
        np.asarray(solver.values(model.get_variables()), dtype=float)
        if feasible
        else np.full(len(data["lower"]), np.nan)
    )
    return LpSolution(
        status=status.name,
        is_feasible=feasible,
        values=values,
        objective=float(solver.objective_value) if feasible else float("nan"),
        wall_time_s=float(solver.wall_time),
    )


@dataclass(frozen=True)
class InfeasibilityExplanation:
    """The soft constraint family that needs relaxing most, and where."""

    constraint_family: str
    periods: tuple[int, ...]
    violation: float
    violation_by_family: dict[str, float]


def explain_infeasibility(
    program: LinearProgram, soft_families: Sequence[str], time_limit_s: float = 30.0
) -> InfeasibilityExplanation | None:
    """Find which soft families must be relaxed, and in which periods, to restore feasibility.

    Notes
    -----
    Elastic program: min Σ_i (s⁺_i + s⁻_i) s.t. l_i ≤ a_i·x + s⁺_i − s⁻_i ≤ u_i for rows i of a
    soft family (s = 0 on the others), with the original objective dropped and integrality
    relaxed. Returns ``None`` when even the elastic program is infeasible (a hard family —
    physical limits — conflicts by itself).
    """
    data = program.arrays()
    soft_rows = np.flatnonzero(np.isin(data["family"], list(soft_families)))
    count = len(soft_rows)
    n = len(data["lower"])
    elastic = {
        "lower": np.concatenate([data["lower"], np.zeros(2 * count)]),
        "upper": np.concatenate([data["upper"], np.full(2 * count, np.inf)]),
        "cost": np.concatenate([np.zeros(n), np.ones(2 * count)]),
        "integral": np.zeros(n + 2 * count, dtype=bool),
        "row_lower": data["row_lower"],
        "row_upper": data["row_upper"],
        # each soft row i gains + s⁺_i − s⁻_i; slack columns follow the n original ones
        **_summed_entries(
            np.concatenate([data["matrix_rows"], soft_rows, soft_rows]),
            np.concatenate([data["matrix_columns"], n + np.arange(2 * count)]),
            np.concatenate([data["matrix_coefficients"], np.ones(count), -np.ones(count)]),
            n + 2 * count,
        ),
        "shape": np.array([program.num_rows, n + 2 * count]),
    }
    solution = _solve_arrays(elastic, time_limit_s, 1e-6)
    if not solution.is_feasible:
        return None
    slack = solution.values[n : n + count] + solution.values[n + count :]
    violated = slack > 1e-6
    if not violated.any():
        return None
    families = data["family"][soft_rows]
    by_family: dict[str, float] = {}
    for family in np.unique(families[violated]):
        by_family[str(family)] = float(slack[violated & (families == family)].sum())
    worst = max(by_family, key=by_family.__getitem__)
    rows = soft_rows[violated & (families == worst)]
    periods = tuple(sorted({int(p) for p in data["period"][rows] if p >= 0}))
    return InfeasibilityExplanation(
        constraint_family=worst,
        periods=periods,
        violation=by_family[worst],
        violation_by_family=by_family,
    )
