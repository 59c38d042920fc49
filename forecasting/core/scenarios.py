"""Scenario generation (joint residual block bootstrap) and reduction (fast forward selection)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from forecasting.core.features import local_times


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


def block_bootstrap_paths(
    point: Mapping[str, np.ndarray],
    residuals: pd.DataFrame,
    horizon_index: pd.DatetimeIndex,
    n_samples: int,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    r"""Sample paths = point forecast + a whole historical block of residuals, joint over targets.

    Notes
    -----
    .. math:: y^{(s)}_{j,t} = \hat y_{j,t} + r_{j,\tau_s + t},\quad \tau_s \sim U(\mathcal B)

    :math:`\mathcal B` are the start positions of gap-free residual blocks of horizon length
    (:func:`block_starts`). One block start per sample for all targets :math:`j` keeps the
    temporal correlation within a path and the cross-correlation between targets.

    Returns
    -------
    dict
        ``{target: array (n_samples, T)}`` [unit of each target].
    """
    columns = list(point)
    starts = block_starts(residuals[columns], horizon_index)
    if len(starts) == 0:
        raise ValidationError(
            "history",
            f"too little history for scenarios: no gap-free block of {len(horizon_index)} "
            f"residuals of {', '.join(columns)}",
        )
    chosen = rng.choice(starts, size=n_samples, replace=True)
    offsets = chosen[:, None] + np.arange(len(horizon_index))[None, :]
    paths = {}
    for column in columns:
        values = residuals[column].to_numpy(dtype=float)
        paths[column] = np.asarray(point[column], dtype=float)[None, :] + values[offsets]
    return paths


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


def reduce_paths(
    paths: Mapping[str, np.ndarray], n_scenarios: int, *, preserve_mean: bool = True
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    r"""Fast-forward-select ``n_scenarios`` joint paths; each target scaled by its spread.

    Parameters
    ----------
    paths
        ``{target: array (S, T)}`` equiprobable sample paths.
    n_scenarios
        K, scenarios to keep.
    preserve_mean
        Shift every kept path of a target by the same per-period offset so that the
        probability-weighted scenario mean equals the sample mean exactly:

        .. math:: x'_{k,t} = x_{k,t} + \bar x_t - \sum_k \pi_k x_{k,t}

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
    reduced = {}
    for name, values in paths.items():
        kept = values[selected]
        if preserve_mean:
            kept = kept + (values.mean(axis=0) - probabilities @ kept)[None, :]
        reduced[name] = kept
    return reduced, probabilities
