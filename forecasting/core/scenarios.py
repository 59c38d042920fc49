"""Scenario generation and reduction.

Marginals: point forecast plus the model's own day-ahead residuals of the recent window, taken in
a variance-stabilising space (``asinh`` of the median/MAD-standardised target, or plain additive,
chosen per target by pinball loss on the window) and clipped to the range the target took in the
bound window before the origin. Paths: whole historical residual blocks starting at the same
local clock time as the horizon, one block per path for all targets (joint residual block
bootstrap), so the temporal and cross-target dependence of the errors is kept. Reduction: fast
forward selection, then the kept paths are re-valued per period to carry the samples' marginal
distribution (mean, tails, range).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from forecasting.core.features import local_times

TRANSFORM_KINDS = ("additive", "asinh")
MAD_TO_STD = 1.4826  # MAD of a normal distribution times this is its standard deviation
SELECTION_LEVELS = (0.1, 0.5, 0.9)  # pinball levels that choose the residual transform


@dataclass(frozen=True)
class ResidualTransform:
    r"""Monotone map in which residuals are bootstrapped.

    Notes
    -----
    ``additive``: :math:`z = y`. ``asinh``: :math:`z = \operatorname{asinh}((y - c) / s)` with
    centre :math:`c` (median) and scale :math:`s` (MAD · 1.4826) of the target before the origin
    (Uniejewski, Weron & Ziel 2018, variance-stabilising transformations for electricity
    prices): errors grow with the distance from the usual level, so a spike day's error cannot
    be added at full size to an ordinary hour, and a path never leaves the transform's range.
    """

    kind: str = "additive"
    center: float = 0.0
    scale: float = 1.0

    def forward(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        if self.kind == "asinh":
            return np.arcsinh((values - self.center) / self.scale)
        return values

    def inverse(self, values: np.ndarray) -> np.ndarray:
        values = np.asarray(values, dtype=float)
        if self.kind == "asinh":
            return self.center + self.scale * np.sinh(values)
        return values


def fit_transform(kind: str, values: np.ndarray) -> ResidualTransform:
    """``ResidualTransform`` of ``kind`` with centre and scale from ``values`` (finite ones)."""
    if kind not in TRANSFORM_KINDS:
        raise ValidationError(
            "residual_transform", f"unknown {kind!r}; choose from {', '.join(TRANSFORM_KINDS)}"
        )
    if kind == "additive":
        return ResidualTransform("additive")
    finite = np.asarray(values, dtype=float)
    finite = finite[np.isfinite(finite)]
    if len(finite) == 0:
        return ResidualTransform("additive")
    center = float(np.median(finite))
    scale = MAD_TO_STD * float(np.median(np.abs(finite - center)))
    if not scale > 0:
        scale = float(np.std(finite))
    if not scale > 0:
        return ResidualTransform("additive")
    return ResidualTransform("asinh", center, scale)


@dataclass(frozen=True)
class TargetErrors:
    """One target's recent day-ahead errors, as used for its quantiles and scenario paths.

    Attributes
    ----------
    transform
        Space in which residuals are drawn.
    bounds
        (lowest, highest) per horizon period, shape (T,) each [unit of the target]: the range
        the target took in the bound window before the origin (widened to the point forecast
        where that lies beyond); every quantile and path is clipped to it.
    residuals
        ``transform(actual) - transform(fitted)`` on the residual window (UTC index).
    """

    transform: ResidualTransform
    bounds: tuple[np.ndarray | float, np.ndarray | float]
    residuals: pd.Series


def block_starts(residuals: pd.DataFrame, horizon_index: pd.DatetimeIndex) -> np.ndarray:
    """Positions in ``residuals`` where a gap-free block of ``len(horizon_index)`` periods starts.

    Prefers starts at the same local clock time as the first horizon period so that every block
    carries the error pattern of the same hours of the day; falls back to any start.
    """
    length = len(horizon_index)
    if len(residuals) < length:
        return np.array([], dtype=int)
    times = residuals.index
    step = horizon_index[1] - horizon_index[0] if length > 1 else pd.Timedelta("1h")
    finite = np.isfinite(residuals.to_numpy(dtype=float)).all(axis=1)
    bad_cumulative = np.concatenate([[0], np.cumsum(~finite)])
    positions = np.arange(len(times) - length + 1)
    contiguous = (times[positions + length - 1] - times[positions]) == step * (length - 1)
    complete = (bad_cumulative[positions + length] - bad_cumulative[positions]) == 0
    usable = positions[np.asarray(contiguous) & complete]
    if len(usable) == 0:
        return usable
    first_local = local_times(horizon_index[:1])[0]
    local = local_times(times[usable])
    same_clock = (local.hour == first_local.hour) & (local.minute == first_local.minute)
    return usable[np.asarray(same_clock)] if same_clock.any() else usable


def _blocks(frame: pd.DataFrame, horizon_index: pd.DatetimeIndex, what: str) -> np.ndarray:
    starts = block_starts(frame, horizon_index)
    if len(starts) == 0:
        raise ValidationError(
            "history",
            f"too little history for {what}: no gap-free block of {len(horizon_index)} "
            f"residuals of {', '.join(map(str, frame.columns))}",
        )
    return starts[:, None] + np.arange(len(horizon_index))[None, :]


def finite_sample_inflation(blocks: int) -> float:
    r"""Spread factor that makes ``blocks`` bootstrap blocks cover like the true distribution.

    Notes
    -----
    The empirical 10-90 % band of :math:`n` values (linear interpolation between order
    statistics) covers on average :math:`0.8\,(n-1)/(n+1)` of the true distribution (77 % for
    :math:`n = 56`). For normal errors the band must be widened by

    .. math:: c_n = z_{0.9} \,/\, z_{(1 + 0.8 (n-1)/(n+1))/2}

    (:math:`c_{56} = 1.063`, :math:`c_{20} = 1.18`), applied about each period's median.
    """
    if blocks < 3:
        return 1.0
    covered = 0.8 * (blocks - 1) / (blocks + 1)
    normal = NormalDist()
    return normal.inv_cdf(0.9) / normal.inv_cdf(0.5 + covered / 2)


def _inflated(block_residuals: np.ndarray) -> np.ndarray:
    """Block residuals (B, T) widened about each period's median by
    :func:`finite_sample_inflation` (B)."""
    median = np.median(block_residuals, axis=0, keepdims=True)
    factor = finite_sample_inflation(block_residuals.shape[0])
    return median + factor * (block_residuals - median)


def _mapped(point: np.ndarray, shifts: np.ndarray, errors: TargetErrors) -> np.ndarray:
    """``clip(T⁻¹(T(point) + shifts), bounds)`` (broadcasting)."""
    transform = errors.transform
    values = transform.inverse(transform.forward(point) + shifts)
    return np.clip(values, *errors.bounds)


def range_bounds(values: pd.Series, point: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lowest and highest value of ``values`` (the bound window), widened to contain ``point``.

    A point forecast beyond the past range (a model expecting a new extreme) is never clipped;
    no value at all gives (-inf, inf).
    """
    point = np.asarray(point, dtype=float)
    finite = values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    if len(finite) == 0:
        return np.full(point.shape, -np.inf), np.full(point.shape, np.inf)
    low = np.minimum(float(finite.min()), np.where(np.isfinite(point), point, np.inf))
    high = np.maximum(float(finite.max()), np.where(np.isfinite(point), point, -np.inf))
    return low, high


def _pinball(actual: np.ndarray, forecast: np.ndarray, level: float) -> float:
    difference = actual - forecast
    return float(np.nanmean(np.maximum(level * difference, (level - 1) * difference)))


def target_errors(
    actual: pd.Series,
    fitted: pd.Series,
    horizon_index: pd.DatetimeIndex,
    point: np.ndarray,
    *,
    bound_values: pd.Series,
    transform: str = "auto",
) -> TargetErrors:
    """Errors of one target on its residual window, with the transform chosen or given.

    Parameters
    ----------
    actual, fitted
        Observed values and the model's day-ahead fitted values on the residual window.
    horizon_index
        The forecast horizon (sets the block length and clock time for the choice).
    point
        The point forecast on the horizon (the bounds always contain it).
    bound_values
        The target before the origin over the bound window: its centre and spread set the
        ``asinh`` transform, its range the bounds (:func:`range_bounds`).
    transform
        ``"additive"``, ``"asinh"``, or ``"auto"``: the one with the lower mean pinball loss at
        levels 0.1/0.5/0.9 when the window's own residual quantiles are put on the window's
        fitted values (data before the origin only).
    """
    finite = bound_values.to_numpy(dtype=float)
    finite = finite[np.isfinite(finite)]
    bounds = range_bounds(bound_values, point)
    kinds = TRANSFORM_KINDS if transform == "auto" else (transform,)
    actual = actual.astype(float)
    fitted = fitted.reindex(actual.index).astype(float)
    candidates = []
    for kind in kinds:
        fitted_transform = fit_transform(kind, finite)
        residuals = pd.Series(
            fitted_transform.forward(actual.to_numpy())
            - fitted_transform.forward(fitted.to_numpy()),
            index=actual.index,
            name=actual.name,
        )
        candidate = TargetErrors(fitted_transform, bounds, residuals)
        if len(kinds) == 1:
            return candidate
        try:
            rows = _blocks(residuals.to_frame(), horizon_index, "the residual transform")
        except ValidationError:
            return TargetErrors(ResidualTransform("additive"), bounds, residuals)
        shifts = _inflated(residuals.to_numpy()[rows])
        observed = actual.to_numpy()[rows]
        loss = 0.0
        for level in SELECTION_LEVELS:
            quantile = np.quantile(shifts, level, axis=0)[None, :]
            loss += _pinball(observed, _mapped(fitted.to_numpy()[rows], quantile, candidate), level)
        candidates.append((loss, len(candidates), candidate))
    return min(candidates, key=lambda item: (item[0], item[1]))[2]


def marginal_quantiles(
    point: np.ndarray,
    errors: TargetErrors,
    horizon_index: pd.DatetimeIndex,
    levels: Sequence[float],
) -> dict[float, np.ndarray]:
    r"""Per-period quantiles of the scenario marginal: the same residual blocks as the paths.

    Notes
    -----
    .. math:: q_t(u) = \operatorname{clip}\big(T^{-1}(T(\hat y_t) + Q_u\{r_{b,t}\}_b),
              [y_{\min}, y_{\max}]\big)

    with :math:`r_{b,t}` the transformed residual at offset ``t`` of block ``b`` (blocks start at
    the horizon's local clock time), so each horizon period has its own error distribution,
    widened about its median by :func:`finite_sample_inflation`.
    """
    if not levels:
        return {}
    rows = _blocks(errors.residuals.to_frame(), horizon_index, "quantiles")
    shifts = _inflated(errors.residuals.to_numpy(dtype=float)[rows])
    ordered = sorted(float(q) for q in levels)
    quantiles = np.quantile(shifts, ordered, axis=0)
    point = np.asarray(point, dtype=float)
    return {q: _mapped(point, quantiles[i], errors) for i, q in enumerate(ordered)}


def scenario_paths(
    point: Mapping[str, np.ndarray],
    errors: Mapping[str, TargetErrors],
    horizon_index: pd.DatetimeIndex,
    n_samples: int,
    rng: np.random.Generator,
    *,
    inflate: bool = True,
) -> dict[str, np.ndarray]:
    r"""Equiprobable sample paths, one historical residual block per path for all targets.

    Notes
    -----
    .. math:: y^{(s)}_{j,t} = \operatorname{clip}\big(T_j^{-1}(T_j(\hat y_{j,t})
              + r_{j,\tau_s + t}),\ [y^{\min}_j, y^{\max}_j]\big),\quad \tau_s \sim U(\mathcal B)

    :math:`\mathcal B` are the starts of gap-free residual blocks of horizon length
    (:func:`block_starts`); one start per sample for all targets :math:`j` keeps the temporal
    correlation within a path and the cross-correlation between targets. With ``inflate`` the
    blocks are first widened about each period's median by :func:`finite_sample_inflation`.

    Returns
    -------
    dict
        ``{target: array (n_samples, T)}`` [unit of each target].
    """
    columns = list(point)
    frame = pd.DataFrame({column: errors[column].residuals for column in columns})
    rows = _blocks(frame, horizon_index, "scenarios")
    chosen = rng.integers(0, len(rows), size=n_samples)
    paths = {}
    for column in columns:
        blocks = frame[column].to_numpy(dtype=float)[rows]
        if inflate:
            blocks = _inflated(blocks)
        point_row = np.asarray(point[column], dtype=float)[None, :]
        paths[column] = _mapped(point_row, blocks[chosen], errors[column])
    return paths


def block_bootstrap_paths(
    point: Mapping[str, np.ndarray],
    residuals: pd.DataFrame,
    horizon_index: pd.DatetimeIndex,
    n_samples: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Additive, unbounded special case of :func:`scenario_paths` on raw residuals."""
    errors = {
        column: TargetErrors(ResidualTransform("additive"), (-np.inf, np.inf), residuals[column])
        for column in point
    }
    return scenario_paths(point, errors, horizon_index, n_samples, rng, inflate=False)


def fast_forward_selection(
    samples: np.ndarray, n_scenarios: int, probabilities: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    r"""Reduce ``S`` equiprobable (or weighted) samples to ``K`` scenarios.

    Parameters
    ----------
    samples
        Shape (S, N): one row per sample, features already scaled to comparable units.
    n_scenarios
        K, number of scenarios to keep (``1 <= K``; capped at S).
    probabilities
        Shape (S,), sums to 1; uniform if omitted.

    Returns
    -------
    selected, reduced_probabilities
        Row indices of the kept samples, shape (K,), and their probabilities, shape (K,),
        summing to 1.

    Notes
    -----
    Fast forward selection (Heitsch & Römisch, 2003) greedily adds the sample :math:`u` that
    minimises the Kantorovich distance between the full and the reduced distribution,

    .. math:: u_i = \arg\min_{u \notin J_{i-1}} \sum_{k} p_k
              \min\big(c_{k u},\ \min_{j \in J_{i-1}} c_{k j}\big),

    with Euclidean costs :math:`c_{kj} = \lVert x_k - x_j \rVert_2`. Each dropped sample then
    gives its probability to the nearest kept one (optimal redistribution).
    """
    samples = np.asarray(samples, dtype=float)
    count = samples.shape[0]
    if n_scenarios < 1:
        raise ValidationError("n_scenarios", f"must be at least 1, got {n_scenarios}")
    p = np.full(count, 1.0 / count) if probabilities is None else np.asarray(probabilities, float)
    k = min(n_scenarios, count)
    squared = np.sum(samples**2, axis=1)
    cost = np.sqrt(np.maximum(squared[:, None] + squared[None, :] - 2 * samples @ samples.T, 0))
    np.fill_diagonal(cost, 0.0)
    nearest = np.full(count, np.inf)
    selected: list[int] = []
    is_selected = np.zeros(count, dtype=bool)
    for _ in range(k):
        candidate_cost = p @ np.minimum(cost, nearest[:, None])
        candidate_cost[is_selected] = np.inf
        choice = int(np.argmin(candidate_cost))
        selected.append(choice)
        is_selected[choice] = True
        nearest = np.minimum(nearest, cost[:, choice])
    selected_array = np.array(selected)
    owner = np.argmin(cost[:, selected_array], axis=1)
    reduced = np.bincount(owner, weights=p, minlength=k)
    return selected_array, reduced / reduced.sum()


def match_marginals(
    paths: np.ndarray, selected: np.ndarray, probabilities: np.ndarray
) -> np.ndarray:
    r"""Values of the kept paths that reproduce the samples' marginal distribution per period.

    Parameters
    ----------
    paths
        Shape (S, T): equiprobable samples of one target.
    selected, probabilities
        The K kept rows and their probabilities (summing to 1).

    Returns
    -------
    numpy.ndarray
        Shape (K, T): at each period the kept paths keep their rank order, and the path whose
        cumulative probability interval is :math:`[c_{k-1}, c_k]` takes the mean of the sample
        quantile function over that interval.

    Notes
    -----
    .. math:: x'_{k,t} = \frac{1}{c_k - c_{k-1}} \int_{c_{k-1}}^{c_k} F_{S,t}^{-1}(u)\,du

    So the reduced set has exactly the sample mean at every period, carries the lowest and
    highest probability mass of the samples in its lowest and highest scenario (the tails keep
    their probability instead of being merged into central scenarios by the selection), stays
    inside the samples' range (bounds hold), and keeps the kept paths' joint rank structure
    (copula) across periods and targets.
    """
    samples = np.asarray(paths, dtype=float)
    count, periods = samples.shape
    kept = samples[selected]
    order = np.argsort(kept, axis=0, kind="stable")
    weights = np.asarray(probabilities, dtype=float)[order]
    upper = np.minimum(np.cumsum(weights, axis=0), 1.0)
    lower = upper - weights
    ordered = np.sort(samples, axis=0)
    partial = np.vstack([np.zeros((1, periods)), np.cumsum(ordered, axis=0)]) / count
    columns = np.arange(periods)[None, :]

    def integral(level: np.ndarray) -> np.ndarray:
        # ∫_0^level of the empirical quantile function (piecewise constant)
        position = np.clip(np.floor(level * count).astype(int), 0, count - 1)
        return partial[position, columns] + (level - position / count) * ordered[position, columns]

    width = np.maximum(upper - lower, 1e-15)
    values = (integral(upper) - integral(lower)) / width
    result = np.empty_like(kept)
    np.put_along_axis(result, order, values, axis=0)
    return result


def reduce_paths(
    paths: Mapping[str, np.ndarray],
    n_scenarios: int,
    *,
    preserve_mean: bool = False,
    preserve_marginals: bool = True,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    r"""Fast-forward-select ``n_scenarios`` joint paths; each target scaled by its spread.

    Parameters
    ----------
    paths
        ``{target: array (S, T)}`` equiprobable sample paths.
    n_scenarios
        K, scenarios to keep.
    preserve_mean
        Only with ``preserve_marginals=False``: shift every kept path of a target by one
        per-period offset so that the weighted mean equals the sample mean,
        :math:`x'_{k,t} = x_{k,t} + \bar x_t - \sum_k \pi_k x_{k,t}` (can leave the bounds).
    preserve_marginals
        Re-value the kept paths with :func:`match_marginals` (when K < S): exact mean, tail
        probabilities and range of the samples at every period.

    Returns
    -------
    values, probabilities
        ``{target: array (K, T)}`` and probabilities, shape (K,), summing to 1.
    """
    scaled = []
    for values in paths.values():
        scale = float(np.std(values))
        scaled.append(values / scale if scale > 0 else values * 0.0)
    selected, probabilities = fast_forward_selection(np.hstack(scaled), n_scenarios)
    count = next(iter(paths.values())).shape[0]
    reduced = {}
    for name, values in paths.items():
        values = np.asarray(values, dtype=float)
        if preserve_marginals and len(selected) < count:
            kept = match_marginals(values, selected, probabilities)
        else:
            kept = values[selected]
            if preserve_mean:
                kept = kept + (values.mean(axis=0) - probabilities @ kept)[None, :]
        reduced[name] = kept
    return reduced, probabilities
