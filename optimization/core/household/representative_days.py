"""Reduce a year of hourly series to weighted representative days (k-medoids + peak day).

Method
------
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
