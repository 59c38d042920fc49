"""Small shared OR-Tools/HiGHS layer: sparse LP/MILP building, solving, infeasibility explanation.

Pure Python (numpy, scipy.sparse, OR-Tools ``model_builder``); no Django.

A model is a :class:`SparseProgram`: variables are added in named blocks of any shape and
constraints in named *families* of rows, each row optionally tagged with a period index. All
blocks are built with numpy, never with a Python loop per variable; the matrix goes to HiGHS in
one ``fill_model_from_sparse_data`` call.

Public API
----------
``SparseProgram``            add_variables / add_constraints / add_cost / fix
``solve(program, ...)``      -> :class:`SolveResult` (raises on infeasible / time-out)
``explain_infeasibility``    elastic re-solve, -> list of :class:`Conflict`

Methods: ``"ipm"`` = HiGHS interior point with crossover (fastest on the big stochastic LPs,
see SOLVER_NOTES), ``"simplex"`` = HiGHS dual simplex (exact vertices; used for small models and
MILPs), ``"auto"`` = let HiGHS choose.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from ortools.linear_solver.python import model_builder as mb

from ainergy.common.errors import InfeasibleError, TransientError

INF = np.inf
_METHOD_PARAMETERS = {
    # Crossover stays on: without it HiGHS reports "unknown" (IPM optimal but non-basic) and
    # OR-Tools' model_builder then returns no solution at all; it costs ~15 % (SOLVER_NOTES).
    "ipm": "solver=ipm\nrun_crossover=on",
    "simplex": "solver=simplex",
    "auto": "",
}
_QUIET = "output_flag=false\nlog_to_console=false"


@dataclass
class _Family:
    name: str
    rows: slice
    periods: np.ndarray  # per row, -1 when the row belongs to no period


@dataclass
class SparseProgram:
    """A minimisation LP/MILP assembled block by block from numpy index arrays."""

    name: str = "program"
    lower: list[np.ndarray] = field(default_factory=list)
    upper: list[np.ndarray] = field(default_factory=list)
    integer: list[np.ndarray] = field(default_factory=list)
    variable_blocks: dict[str, np.ndarray] = field(default_factory=dict)
    families: list[_Family] = field(default_factory=list)
    n_variables: int = 0
    n_rows: int = 0
    _rows: list[np.ndarray] = field(default_factory=list)
    _cols: list[np.ndarray] = field(default_factory=list)
    _vals: list[np.ndarray] = field(default_factory=list)
    _row_lower: list[np.ndarray] = field(default_factory=list)
    _row_upper: list[np.ndarray] = field(default_factory=list)
    _cost_idx: list[np.ndarray] = field(default_factory=list)
    _cost_val: list[np.ndarray] = field(default_factory=list)
    objective_offset: float = 0.0

    # ---------------------------------------------------------------- variables
    def add_variables(
        self,
        name: str,
        shape: int | Sequence[int],
        lower: float | np.ndarray = 0.0,
        upper: float | np.ndarray = INF,
        *,
        cost: float | np.ndarray | None = None,
        integer: bool = False,
    ) -> np.ndarray:
        """Add a block of variables; return their column indices with the block's ``shape``."""
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        n = int(np.prod(shape)) if shape else 1
        idx = np.arange(self.n_variables, self.n_variables + n).reshape(shape)
        self.lower.append(np.broadcast_to(np.asarray(lower, float), shape).ravel().copy())
        self.upper.append(np.broadcast_to(np.asarray(upper, float), shape).ravel().copy())
        self.integer.append(np.full(n, integer))
        self.n_variables += n
        self.variable_blocks[name] = idx
        if cost is not None:
            self.add_cost(idx, cost)
        return idx

    def add_cost(self, idx: np.ndarray, coefficient: float | np.ndarray) -> None:
        """Add ``coefficient * x[idx]`` to the (minimised) objective; repeated indices add up."""
        idx = np.asarray(idx)
        self._cost_idx.append(idx.ravel())
        self._cost_val.append(np.broadcast_to(np.asarray(coefficient, float), idx.shape).ravel())

    # -------------------------------------------------------------- constraints
    def add_constraints(
        self,
        family: str,
        terms: Sequence[tuple[float | np.ndarray, np.ndarray]],
        lower: float | np.ndarray = -INF,
        upper: float | np.ndarray = INF,
        *,
        shape: Sequence[int] | None = None,
        periods: np.ndarray | int | None = None,
    ) -> slice:
        """Add the rows ``lower <= sum_k coef_k * x[idx_k] <= upper`` of one constraint family.

        The row shape is ``shape`` (default: the shape of the first term's indices). A term whose
        index array has *extra leading axes* is summed over them, e.g. ``(1.0, p[h, t, s])`` with
        row shape ``(T, S)`` gives ``sum_h p[h, t, s]``. Coefficients broadcast to the index
        array. ``periods`` (broadcast to the row shape) tags each row with its period for
        infeasibility reports.
        """
        if shape is None:
            shape = np.asarray(terms[0][1]).shape
        shape = tuple(shape)
        n = int(np.prod(shape)) if shape else 1
        row_ids = np.arange(self.n_rows, self.n_rows + n).reshape(shape)
        for coefficient, idx in terms:
            idx = np.asarray(idx)
            rows = np.broadcast_to(row_ids, idx.shape)
            vals = np.broadcast_to(np.asarray(coefficient, float), idx.shape)
            self._rows.append(rows.ravel())
            self._cols.append(idx.ravel())
            self._vals.append(vals.ravel())
        self._row_lower.append(np.broadcast_to(np.asarray(lower, float), shape).ravel().copy())
        self._row_upper.append(np.broadcast_to(np.asarray(upper, float), shape).ravel().copy())
        tags = np.full(shape, -1) if periods is None else np.broadcast_to(periods, shape)
        rows = slice(self.n_rows, self.n_rows + n)
        self.families.append(_Family(family, rows, np.asarray(tags, int).ravel().copy()))
        self.n_rows += n
        return rows

    def variant(
        self,
        *,
        lower: np.ndarray | None = None,
        upper: np.ndarray | None = None,
        integer: np.ndarray | None = None,
        name: str | None = None,
    ) -> SparseProgram:
        """A copy sharing the rows and costs, with other variable bounds or integrality."""
        base_lower, base_upper = self._bounds()
        other = SparseProgram(name=name or self.name)
        other.lower = [base_lower.copy() if lower is None else np.asarray(lower, float)]
        other.upper = [base_upper.copy() if upper is None else np.asarray(upper, float)]
        other.integer = [self.is_integer() if integer is None else np.asarray(integer, bool)]
        other.variable_blocks = dict(self.variable_blocks)
        other.families = list(self.families)
        other.n_variables, other.n_rows = self.n_variables, self.n_rows
        other._rows, other._cols, other._vals = list(self._rows), list(self._cols), list(self._vals)
        other._row_lower, other._row_upper = list(self._row_lower), list(self._row_upper)
        other._cost_idx, other._cost_val = list(self._cost_idx), list(self._cost_val)
        other.objective_offset = self.objective_offset
        return other

    def fix(self, idx: np.ndarray, value: float | np.ndarray) -> None:
        """Fix variables ``x[idx] = value`` through their bounds (used to evaluate a decision)."""
        lower, upper = self._bounds()
        flat = np.asarray(idx).ravel()
        values = np.broadcast_to(np.asarray(value, float), np.asarray(idx).shape).ravel()
        lower[flat] = values
        upper[flat] = values
        self.lower, self.upper = [lower], [upper]

    # ----------------------------------------------------------------- assembly
    def _bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lower = np.concatenate(self.lower) if self.lower else np.zeros(0)
        upper = np.concatenate(self.upper) if self.upper else np.zeros(0)
        return lower, upper

    def matrix(self) -> sp.csr_matrix:
        """Constraint matrix (duplicates summed)."""
        if not self._rows:
            return sp.csr_matrix((self.n_rows, self.n_variables))
        coo = sp.coo_matrix(
            (np.concatenate(self._vals), (np.concatenate(self._rows), np.concatenate(self._cols))),
            shape=(self.n_rows, self.n_variables),
        )
        matrix = coo.tocsr()
        matrix.eliminate_zeros()
        return matrix

    def family_rows(self, name: str) -> slice:
        """Rows of the (first) constraint family ``name``."""
        for fam in self.families:
            if fam.name == name:
                return fam.rows
        raise KeyError(name)

    def objective(self) -> np.ndarray:
        c = np.zeros(self.n_variables)
        if self._cost_idx:
            np.add.at(c, np.concatenate(self._cost_idx), np.concatenate(self._cost_val))
        return c

    def row_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        lower = np.concatenate(self._row_lower) if self._row_lower else np.zeros(0)
        upper = np.concatenate(self._row_upper) if self._row_upper else np.zeros(0)
        return lower, upper

    def is_integer(self) -> np.ndarray:
        return np.concatenate(self.integer) if self.integer else np.zeros(0, bool)

    @property
    def n_nonzeros(self) -> int:
        return int(sum(len(r) for r in self._rows))


@dataclass(frozen=True)
class SolveResult:
    """Outcome of one solve. ``values`` are the variable values by column index."""

    status: str  # "optimal" | "feasible" (time limit with incumbent)
    objective: float
    values: np.ndarray
    solve_time_s: float
    load_time_s: float
    n_variables: int
    n_rows: int
    n_nonzeros: int
    #: row duals of an LP (``d objective / d row bound``) from the ``scipy`` backend; ``None``
    #: for MILPs and the OR-Tools backend (its HiGHS bridge returns row activities instead)
    duals: np.ndarray | None = None

    def __getitem__(self, idx: np.ndarray) -> np.ndarray:
        return self.values[np.asarray(idx)]


@dataclass(frozen=True)
class Conflict:
    """One violated constraint family in the elastic re-solve."""

    constraint_family: str
    periods: list[int]
    violation: float


def _to_model(program: SparseProgram) -> mb.Model:
    model = mb.Model()
    lower, upper = program._bounds()
    row_lower, row_upper = program.row_bounds()
    model.helper.fill_model_from_sparse_data(
        lower, upper, program.objective(), row_lower, row_upper, program.matrix()
    )
    if program.objective_offset:
        model.helper.set_objective_offset(program.objective_offset)
    for j in np.flatnonzero(program.is_integer()):
        model.helper.set_var_integrality(int(j), True)
    return model


def _run(
    program: SparseProgram,
    method: str,
    time_limit_s: float | None,
    mip_gap: float,
    extra: str = "",
) -> tuple[mb.SolveStatus, mb.Solver, float, float]:
    if method not in _METHOD_PARAMETERS:
        raise ValueError(f"method must be one of {sorted(_METHOD_PARAMETERS)}, got {method!r}")
    started = time.perf_counter()
    model = _to_model(program)
    load_time = time.perf_counter() - started
    solver = mb.Solver("highs")
    parameters = [_QUIET, _METHOD_PARAMETERS[method], extra]
    if program.is_integer().any():
        parameters.append(f"mip_rel_gap={mip_gap}")
    solver.set_solver_specific_parameters("\n".join(p for p in parameters if p))
    if time_limit_s is not None:
        solver.set_time_limit_in_seconds(float(time_limit_s))
    started = time.perf_counter()
    status = solver.solve(model)
    return status, solver, time.perf_counter() - started, load_time


BACKENDS = ("ortools", "scipy")


def solve(
    program: SparseProgram,
    *,
    method: str = "simplex",
    time_limit_s: float | None = 60.0,
    mip_gap: float = 1e-4,
    explain: bool = True,
    parameters: str = "",
    backend: str = "ortools",
) -> SolveResult:
    """Solve ``program`` with HiGHS through OR-Tools (default) or ``scipy.optimize.milp``.

    ``parameters``: extra HiGHS options, one ``key=value`` per line (OR-Tools only). (Not
    ``mip_max_improving_sols``: through model_builder it reports feasible MILPs infeasible.) A
    MILP stopped by the time limit with an incumbent returns it with status ``"feasible"``.
    (No MIP start: ``add_hint`` on OR-Tools 9.15's HiGHS backend crashes the process, and
    ``objective_bound`` is not used as a MIP cutoff; callers keep their own incumbent.)

    Raises
    ------
    InfeasibleError
        The model has no solution; with ``explain`` the message and ``extra`` name the
        constraint family and periods of the smallest elastic violation.
    TransientError
        Time limit reached without a feasible point (worth retrying with more time).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    if backend == "scipy":
        return _solve_scipy(program, time_limit_s, mip_gap, explain, method)
    status, solver, solve_time, load_time = _run(program, method, time_limit_s, mip_gap, parameters)
    helper = solver._Solver__solve_helper  # vectorised access to values
    timed_out_with_incumbent = (
        status not in (mb.SolveStatus.INFEASIBLE, mb.SolveStatus.UNBOUNDED)
        and program.is_integer().any()
        and helper.has_solution()
    )  # HiGHS "time limit reached" with an incumbent comes back as NOT_SOLVED/UNKNOWN
    if (
        status in (mb.SolveStatus.OPTIMAL, mb.SolveStatus.FEASIBLE) and helper.has_solution()
    ) or timed_out_with_incumbent:
        return SolveResult(
            status="optimal" if status == mb.SolveStatus.OPTIMAL else "feasible",
            objective=float(solver.objective_value),
            values=np.asarray(helper.variable_values(), float),
            solve_time_s=solve_time,
            load_time_s=load_time,
            n_variables=program.n_variables,
            n_rows=program.n_rows,
            n_nonzeros=program.n_nonzeros,
        )
    if status == mb.SolveStatus.INFEASIBLE:
        raise _infeasible(program, explain, time_limit_s)
    if status == mb.SolveStatus.UNBOUNDED:
        raise InfeasibleError(f"{program.name}: unbounded", {"constraint_family": "objective"})
    if status in (
        mb.SolveStatus.NOT_SOLVED,
        mb.SolveStatus.UNKNOWN_STATUS,
        mb.SolveStatus.FEASIBLE,
    ):
        # HiGHS reports "unknown" both for a time-out and for an infeasible-or-unbounded presolve.
        if time_limit_s is not None and solve_time >= 0.95 * time_limit_s:
            raise TransientError(
                f"{program.name}: solver time limit of {time_limit_s:g} s reached without a solution",
                {"time_limit_s": time_limit_s},
            )
        if program.is_integer().any():
            # a MILP proven infeasible comes back INFEASIBLE; "unknown" without a point means a
            # search limit (nodes, time) stopped it before any incumbent
            raise TransientError(
                f"{program.name}: the MILP search stopped without a solution",
                {"status": status.name},
            )
        raise _infeasible(program, explain, time_limit_s)
    raise TransientError(f"{program.name}: solver returned {status.name}", {"status": status.name})


def _solve_scipy(
    program: SparseProgram,
    time_limit_s: float | None,
    mip_gap: float,
    explain: bool,
    method: str = "auto",
) -> SolveResult:
    """The same program through SciPy's bundled HiGHS: ``linprog`` for an LP (with row duals,
    which OR-Tools 9.15's HiGHS bridge does not return: its ``dual_values`` are row
    activities), ``milp`` for a MILP."""
    from scipy.optimize import Bounds, LinearConstraint, linprog, milp

    started = time.perf_counter()
    lower, upper = program._bounds()
    row_lower, row_upper = program.row_bounds()
    matrix = program.matrix()
    load_time = time.perf_counter() - started
    integer = program.is_integer()
    options: dict[str, float | bool] = {"disp": False}
    if time_limit_s is not None:
        options["time_limit"] = float(time_limit_s)
    started = time.perf_counter()
    duals = None
    if not integer.any():
        equal = row_lower == row_upper
        upper_rows = np.isfinite(row_upper) & ~equal
        lower_rows = np.isfinite(row_lower) & ~equal
        inequality = sp.vstack([matrix[upper_rows], -matrix[lower_rows]]).tocsr()
        result = linprog(
            program.objective(),
            A_ub=inequality if inequality.shape[0] else None,
            b_ub=np.concatenate([row_upper[upper_rows], -row_lower[lower_rows]])
            if inequality.shape[0]
            else None,
            A_eq=matrix[equal] if equal.any() else None,
            b_eq=row_lower[equal] if equal.any() else None,
            bounds=np.column_stack([lower, upper]),
            method={"ipm": "highs-ipm", "simplex": "highs-ds"}.get(method, "highs"),
            options=options,
        )
        if result.status == 0:
            duals = np.zeros(program.n_rows)
            duals[equal] = result.eqlin.marginals
            n_upper = int(upper_rows.sum())
            duals[upper_rows] += result.ineqlin.marginals[:n_upper]
            duals[lower_rows] -= result.ineqlin.marginals[n_upper:]
    else:
        options["mip_rel_gap"] = mip_gap
        result = milp(
            program.objective(),
            integrality=integer.astype(int),
            bounds=Bounds(lower, upper),
            constraints=LinearConstraint(matrix, row_lower, row_upper) if program.n_rows else None,
            options=options,
        )
    solve_time = time.perf_counter() - started
    if result.x is not None and result.status in (0, 1):
        return SolveResult(
            status="optimal" if result.status == 0 else "feasible",
            objective=float(result.fun) + program.objective_offset,
            values=np.asarray(result.x, float),
            solve_time_s=solve_time,
            load_time_s=load_time,
            n_variables=program.n_variables,
            n_rows=program.n_rows,
            n_nonzeros=program.n_nonzeros,
            duals=duals,
        )
    if result.status == 1:
        raise TransientError(
            f"{program.name}: solver time limit of {time_limit_s:g} s reached without a solution",
            {"time_limit_s": time_limit_s},
        )
    if result.status == 3:
        raise InfeasibleError(f"{program.name}: unbounded", {"constraint_family": "objective"})
    raise _infeasible(program, explain, time_limit_s)


def _infeasible(
    program: SparseProgram, explain: bool, time_limit_s: float | None
) -> InfeasibleError:
    if not explain:
        return InfeasibleError(f"{program.name}: infeasible", {"constraint_family": None})
    conflicts = explain_infeasibility(program, time_limit_s=time_limit_s)
    if not conflicts:
        return InfeasibleError(
            f"{program.name}: infeasible (variable bounds conflict)",
            {"constraint_family": "variable_bounds", "periods": []},
        )
    first = conflicts[0]
    return InfeasibleError(
        f"{program.name}: infeasible; constraint family '{first.constraint_family}' cannot hold in "
        f"periods {first.periods}",
        {
            "constraint_family": first.constraint_family,
            "periods": first.periods,
            "conflicts": [c.__dict__ for c in conflicts],
        },
    )


def explain_infeasibility(
    program: SparseProgram,
    *,
    families: Sequence[str] | None = None,
    time_limit_s: float | None = 60.0,
    tolerance: float = 1e-6,
    weights: dict[str, float] | None = None,
) -> list[Conflict]:
    """Elastic re-solve: give every row of ``families`` (default all) a non-negative slack.

    ``weights``: cost per unit of slack by family (default 1), e.g. a high weight on a physical
    balance so that the bound that really binds (a full storage) is named instead.

    Notes
    -----
    Solves ``min sum(s_lo + s_up)`` s.t. ``lower - s_lo <= A x + s_up ... <= upper + s_up`` with the
    original variable bounds and integrality kept. Families whose slacks are positive are the
    conflict, reported with the periods of their violated rows, largest violation first.
    """
    lower, upper = program.row_bounds()
    selected = np.zeros(program.n_rows, bool)
    row_weight = np.ones(program.n_rows)
    for fam in program.families:
        if families is None or fam.name in families:
            selected[fam.rows] = True
            row_weight[fam.rows] = (weights or {}).get(fam.name, 1.0)
    elastic = SparseProgram(name=f"{program.name} (elastic)")
    base_lower, base_upper = program._bounds()
    elastic.lower, elastic.upper = [base_lower], [base_upper]
    elastic.integer = [program.is_integer()]
    elastic.n_variables = program.n_variables
    elastic._rows, elastic._cols, elastic._vals = program._rows, program._cols, program._vals
    elastic._row_lower, elastic._row_upper = [lower], [upper]
    elastic.n_rows = program.n_rows
    rows = np.flatnonzero(selected)
    slack_up = elastic.add_variables("slack_up", len(rows), cost=row_weight[rows])
    slack_down = elastic.add_variables("slack_down", len(rows), cost=row_weight[rows])
    elastic._rows = [*program._rows, rows, rows]
    elastic._cols = [*program._cols, slack_up, slack_down]
    elastic._vals = [*program._vals, np.ones(len(rows)), -np.ones(len(rows))]
    status, solver, _, _ = _run(elastic, "simplex", time_limit_s, 1e-4)
    helper = solver._Solver__solve_helper
    if not helper.has_solution():
        return []
    values = np.asarray(helper.variable_values())
    violation = np.zeros(program.n_rows)
    violation[rows] = values[slack_up] + values[slack_down]
    conflicts = []
    for fam in program.families:
        v = violation[fam.rows]
        bad = v > tolerance
        if bad.any():
            periods = sorted({int(p) for p in fam.periods[bad] if p >= 0})
            conflicts.append(Conflict(fam.name, periods, float(v[bad].sum())))
    conflicts.sort(key=lambda c: -c.violation)
    return conflicts
