"""Reduce a year of hourly series to weighted representative days.

Two methods. :func:`cost_matched_representative_days` (what sizing uses) clusters the days on
what they cost a set of probe designs and weights the representatives so that every probe's
full-year operating cost is reproduced exactly; :func:`select_representative_days` clusters on
the days' hourly profiles.

Profile method
--------------
1. Split the year into local (Europe/Copenhagen) days; each day gets a feature vector of its
   24 local hours per series (23-hour days repeat the hour before the gap, 25-hour days drop the
   repeated hour — for the features only), each series scaled by its yearly standard deviation.
2. k-means (k-means++ seeding, fixed seed, Lloyd iterations) on the 24-hour days' features;
   every cluster is represented by its medoid (the real 24-hour day closest to the centroid),
   weighted by the number of days in the cluster (DST days are assigned to the nearest centroid).
3. The day with the highest daily heat demand is kept as its own cluster (weight 1) so that the
   heat-pump and backup capacity are sized for the coldest day, not for an average.

Annual quantities are Σ_d w_d · (day d's quantity), with Σ_d w_d = number of days in the year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ainergy.common.errors import ValidationError
from ainergy.common.timegrid import LOCAL_TZ


@dataclass(frozen=True)
class DayBlocks:
    """Blocks of consecutive periods (days, or one whole year) with weights.

    ``starts[k]``/``lengths[k]`` index the hourly year arrays; ``weights[k]`` is how many
    days (or years) block k stands for.
    """

    starts: np.ndarray
    lengths: np.ndarray
    weights: np.ndarray
    dates: tuple[dt.date, ...]
    description: str = ""

    @property
    def period_index(self) -> np.ndarray:
        return np.concatenate(
            [np.arange(s, s + n) for s, n in zip(self.starts, self.lengths, strict=True)]
        )

    @property
    def period_weights(self) -> np.ndarray:
        return np.repeat(self.weights, self.lengths)


def local_day_blocks(period_start_utc: pd.DatetimeIndex) -> DayBlocks:
    """Every local day of an hourly index as a block of weight 1 (23/24/25 periods)."""
    local_dates = np.asarray(period_start_utc.tz_convert(LOCAL_TZ).date)
    change = np.flatnonzero(np.r_[True, local_dates[1:] != local_dates[:-1]])
    lengths = np.diff(np.r_[change, len(local_dates)])
    return DayBlocks(
        starts=change,
        lengths=lengths,
        weights=np.ones(len(change)),
        dates=tuple(local_dates[change]),
    )


def whole_horizon_block(period_start_utc: pd.DatetimeIndex) -> DayBlocks:
    """The whole series as one block (one chained, cyclic year)."""
    first = period_start_utc[0].tz_convert(LOCAL_TZ).date()
    return DayBlocks(np.array([0]), np.array([len(period_start_utc)]), np.array([1.0]), (first,))


def _to_24(values: np.ndarray, local_hours: np.ndarray) -> np.ndarray:
    out = np.empty(24)
    for hour in range(24):
        match = np.flatnonzero(local_hours == hour)
        out[hour] = (
            values[match[0]]
            if len(match)
            else values[max(0, np.searchsorted(local_hours, hour) - 1)]
        )
    return out


def _kmeans(features: np.ndarray, clusters: int, seed: int, iterations: int = 100) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centroids = [features[rng.integers(len(features))]]
    for _ in range(1, clusters):
        distance = np.min([((features - c) ** 2).sum(axis=1) for c in centroids], axis=0)
        centroids.append(features[rng.choice(len(features), p=distance / distance.sum())])
    centres = np.array(centroids)
    labels = np.zeros(len(features), dtype=int)
    for _ in range(iterations):
        distance = ((features[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        new_labels = distance.argmin(axis=1)
        if (new_labels == labels).all() and _ > 0:
            break
        labels = new_labels
        for k in range(clusters):
            if (labels == k).any():
                centres[k] = features[labels == k].mean(axis=0)
    return centres


def select_representative_days(
    period_start_utc: pd.DatetimeIndex,
    series: Sequence[np.ndarray],
    count: int,
    peak_series: np.ndarray | None = None,
    seed: int = 0,
) -> DayBlocks:
    """Pick ``count`` weighted representative local days (see module docstring).

    Parameters
    ----------
    period_start_utc : pandas.DatetimeIndex
        Hourly tz-aware UTC index of the year.
    series : sequence of numpy.ndarray
        Hourly series to cluster on (e.g. heat demand, spot price, PV yield, temperature).
    count : int
        Number of representative days including the peak day.
    peak_series : numpy.ndarray, optional
        Series whose highest-total day is kept as its own representative (heat demand).
    seed : int
        Seed of the k-means++ initialisation (the result is deterministic).
    """
    days = local_day_blocks(period_start_utc)
    if not 2 <= count <= len(days.starts):
        raise ValidationError("representative_days", f"must be between 2 and {len(days.starts)}")
    local_hours = np.asarray(period_start_utc.tz_convert(LOCAL_TZ).hour)
    scaled = [np.asarray(s, dtype=float) / (np.std(s) or 1.0) for s in series]
    features = np.array(
        [
            np.concatenate(
                [_to_24(s[start : start + n], local_hours[start : start + n]) for s in scaled]
            )
            for start, n in zip(days.starts, days.lengths, strict=True)
        ]
    )
    full_day = days.lengths == 24
    peak_day = None
    clusters = count
    if peak_series is not None:
        totals = np.array(
            [peak_series[s : s + n].sum() for s, n in zip(days.starts, days.lengths, strict=True)]
        )
        totals[~full_day] = -np.inf
        peak_day = int(totals.argmax())
        clusters -= 1
    candidates = np.flatnonzero(
        full_day & (np.arange(len(days.starts)) != (peak_day if peak_day is not None else -1))
    )
    centres = _kmeans(features[candidates], clusters, seed)
    others = np.setdiff1d(np.arange(len(days.starts)), [] if peak_day is None else [peak_day])
    distance = ((features[others][:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    labels = distance.argmin(axis=1)
    chosen, weights = [], []
    for k in range(clusters):
        members = others[labels == k]
        if len(members) == 0:
            continue
        member_candidates = np.intersect1d(members, candidates)
        pool = member_candidates if len(member_candidates) else candidates
        medoid = pool[((features[pool] - centres[k]) ** 2).sum(axis=1).argmin()]
        chosen.append(int(medoid))
        weights.append(float(len(members)))
    if peak_day is not None:
        chosen.append(peak_day)
        weights.append(1.0)
    order = np.argsort(chosen)
    chosen_array = np.asarray(chosen)[order]
    return DayBlocks(
        starts=days.starts[chosen_array],
        lengths=days.lengths[chosen_array],
        weights=np.asarray(weights)[order],
        dates=tuple(days.dates[i] for i in chosen_array),
    )


def matched_weights(
    features: np.ndarray, totals: np.ndarray, counts: np.ndarray, fixed: np.ndarray
) -> np.ndarray:
    """Weights closest to the cluster sizes that reproduce the year's totals exactly.

    Parameters
    ----------
    features : numpy.ndarray
        (representatives, features): each representative day's value of every feature.
    totals : numpy.ndarray
        (features,): the feature summed over every day of the year.
    counts : numpy.ndarray
        Cluster sizes (the weights without matching).
    fixed : numpy.ndarray
        Booleans: representatives whose weight stays at its count (the peak day).

    Notes
    -----
    min Σ_k (w_k − n_k)²/n_k  s.t.  Σ_k w_k·f_kj = F_j for every feature j, w ≥ 0,
    w_k = n_k for fixed k; solved in closed form (w = n + N·Aᵀλ) with an active set that
    drops representatives whose weight would turn negative. Where the totals cannot all be met
    the least-squares compromise is returned, rescaled so that the first total (the number of
    days, a column of ones) still holds exactly.
    """
    a = np.asarray(features, dtype=float).T  # (features, representatives)
    b = np.asarray(totals, dtype=float) - a[:, fixed] @ counts[fixed]
    scale = np.where(np.abs(b) > 0, np.abs(b), 1.0)
    a, b = a / scale[:, None], b / scale
    active = ~fixed
    weights = counts.astype(float).copy()
    for _ in range(len(counts) + 1):
        spread = np.where(active, counts, 0.0)
        gram = (a * spread) @ a.T
        rhs = b - a @ np.where(active, counts, 0.0)
        multipliers = np.linalg.lstsq(gram, rhs, rcond=None)[0]
        trial = np.where(active, counts + spread * (a.T @ multipliers), 0.0)
        weights = np.where(fixed, counts, trial)
        if (weights >= 0).all():
            break
        active &= weights > 0
    weights = np.maximum(weights, 0.0)
    free = ~fixed & (weights > 0)
    if free.any():
        target = float(totals[0] - features[fixed, 0] @ counts[fixed])
        weights[free] *= target / float(features[free, 0] @ weights[free])
    return weights


def cost_matched_representative_days(
    period_start_utc: pd.DatetimeIndex,
    day_costs: np.ndarray,
    count: int,
    peak_series: np.ndarray,
    extra_day_totals: np.ndarray | None = None,
    seed: int = 0,
) -> DayBlocks:
    """Representative days chosen and weighted by what the days cost a set of probe designs.

    Parameters
    ----------
    period_start_utc : pandas.DatetimeIndex
        Hourly tz-aware UTC index of the year.
    day_costs : numpy.ndarray
        (local days, probes): operating cost of every local day of the year for each probe
        design [EUR], e.g. from a daily-cyclic full-year run with the design fixed.
    count : int
        Number of representative days including the peak day.
    peak_series : numpy.ndarray
        Hourly series whose highest-total (24-hour) day is kept with weight 1 (heat demand:
        the heat pump and backup are sized for the coldest day).
    extra_day_totals : numpy.ndarray, optional
        (local days, k) further daily quantities to reproduce (e.g. heat demand [kWh]).
    seed : int
        Seed of the k-means++ initialisation (deterministic).

    Notes
    -----
    1. Standardise every probe's day costs; k-means (k-means++ seeding) on the 24-hour days;
       every cluster is represented by its member closest to the cluster's mean cost vector.
    2. Weights: :func:`matched_weights` so that Σ_k w_k = days in the year and, for every probe
       j, Σ_k w_k·C_kj = Σ_d C_dj (each probe's full-year operating cost), and the extra totals.
    The probes' annual operating costs are thereby exact; designs between the probes inherit a
    small error (see docs/benchmarks.md), far below that of profile clustering with the same
    number of days, because the days' costs vary much more than their profiles suggest.
    """
    days = local_day_blocks(period_start_utc)
    n = len(days.starts)
    costs = np.asarray(day_costs, dtype=float)
    if costs.shape[0] != n:
        raise ValidationError(
            "day_costs", f"expected one row per local day ({n}), got {costs.shape[0]}"
        )
    if not 2 <= count <= n:
        raise ValidationError("representative_days", f"must be between 2 and {n}")
    features = (costs - costs.mean(axis=0)) / np.where(
        costs.std(axis=0) > 0, costs.std(axis=0), 1.0
    )
    totals = np.array(
        [peak_series[s : s + k].sum() for s, k in zip(days.starts, days.lengths, strict=True)]
    )
    full_day = days.lengths == 24
    peak_day = int(np.argmax(np.where(full_day, totals, -np.inf)))
    others = np.setdiff1d(np.arange(n), [peak_day])
    candidates = others[full_day[others]]
    centres = _kmeans(features[candidates], count - 1, seed)
    labels = ((features[others][:, None, :] - centres[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    chosen, sizes = [], []
    for k in range(count - 1):
        members = others[labels == k]
        if len(members) == 0:
            continue
        pool = np.intersect1d(members, candidates)
        pool = pool if len(pool) else candidates
        mean = features[members].mean(axis=0)
        chosen.append(int(pool[((features[pool] - mean) ** 2).sum(axis=1).argmin()]))
        sizes.append(float(len(members)))
    chosen.append(peak_day)
    sizes.append(1.0)
    chosen_array = np.asarray(chosen)
    columns = [np.ones(n), *costs.T]
    if extra_day_totals is not None:
        columns += list(np.asarray(extra_day_totals, dtype=float).reshape(n, -1).T)
    matrix = np.column_stack(columns)
    fixed = np.zeros(len(chosen_array), dtype=bool)
    fixed[-1] = True
    weights = matched_weights(matrix[chosen_array], matrix.sum(axis=0), np.asarray(sizes), fixed)
    residual = matrix[chosen_array].T @ weights - matrix.sum(axis=0)
    keep = weights > 1e-9
    order = np.argsort(chosen_array[keep])
    picked = chosen_array[keep][order]
    probe_error = np.abs(residual[1 : 1 + costs.shape[1]]) / np.maximum(
        np.abs(costs.sum(axis=0)), 1e-9
    )
    return DayBlocks(
        starts=days.starts[picked],
        lengths=days.lengths[picked],
        weights=weights[keep][order],
        dates=tuple(days.dates[i] for i in picked),
        description=(
            f"{len(picked)} representative days (the peak-heat day {days.dates[peak_day]} kept) "
            f"chosen by k-means on the day costs of {costs.shape[1]} probe designs; weights "
            f"reproduce each probe's full-year operating cost within "
            f"{100 * float(probe_error.max(initial=0.0)):.3g} % and sum to {weights.sum():.2f} days"
        ),
    )
