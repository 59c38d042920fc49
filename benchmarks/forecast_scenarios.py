"""Scenario calibration per year: PIT / 80 % coverage per horizon hour, bounds, reduction.

Run (from the repository root; pure core, no database):

    nice python -m benchmarks.forecast_scenarios --dataset dk1_price --years 2019,2020,2021 \
        [--model seasonal_naive] [--methods bounded,additive] [--samples 200] [--scenarios 10]

For every delivery day D of each year (origin D-1 10:00 Europe/Copenhagen, only data before it)
``forecasting.core.api.day_ahead_samples`` draws S sample paths and ``reduce_paths`` keeps K
scenarios, exactly as the bidding code does. Methods:

* ``bounded`` (the default generator): residuals in the per-target transform chosen on the
  window (asinh or additive), widened by the finite-sample factor, clipped to the target's range
  over the last 365 days, reduced with marginal matching;
* ``asinh``: as ``bounded`` but always in the asinh transform (no choice per origin);
* ``additive`` (the previous generator, measured in the same run as the baseline): raw additive
  residual blocks, not widened, no bounds, reduction by fast forward selection with the
  mean-preserving shift.

Per year: MAE of the point forecast, 80 % coverage (samples' 10-90 % band) overall and the
range over the 24 horizon hours, the PIT histogram (randomised for ties), the same for the K
reduced scenarios (weighted), the lowest/highest scenario value against the lowest/highest
realised value of the year, and the share of scenario values outside the realised range.
Every year's scores use only forecasts issued inside it; nothing is tuned on any year. Per-day
results are cached in ``--cache-dir`` (CSV per dataset, method, model and year).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ainergy.common.timegrid import LOCAL_TZ, delivery_day_periods
from forecasting.core.api import day_ahead_samples
from forecasting.core.backtest import horizon_buckets
from forecasting.core.data import read_frame
from forecasting.core.scenarios import ResidualTransform, TargetErrors, reduce_paths, scenario_paths

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
DATASETS = {
    "dk1_price": (
        ["spot_prices_dk1_dk2_hourly.csv.gz"],
        {"price_area": "DK1"},
        "price_eur_per_mwh",
    ),
    "dk2_price": (
        ["spot_prices_dk1_dk2_hourly.csv.gz"],
        {"price_area": "DK2"},
        "price_eur_per_mwh",
    ),
    "flensburg_heat": (["district_heating_flensburg_hourly_2014_2015.csv"], {}, "heat_load_mw"),
    "house_heat": (["smart_heat_meter_dk_house660_hourly_2018_2020.csv"], {}, "heat_kwh"),
}


def load(dataset: str) -> tuple[pd.DataFrame, str]:
    files, filters, target = DATASETS[dataset]
    frame = read_frame([SHARED_DATA / name for name in files], filters)
    return frame[[target]], target


def origin_of(day: dt.date) -> pd.Timestamp:
    local = dt.datetime.combine(day - dt.timedelta(days=1), dt.time(10))
    return pd.Timestamp(local, tz=LOCAL_TZ).tz_convert("UTC")


def randomised_pit(values: np.ndarray, probabilities: np.ndarray, actual: np.ndarray, rng):
    """P(Y < y) + U · P(Y = y) per period for a discrete distribution (K, T)."""
    below = probabilities @ (values < actual[None, :])
    equal = probabilities @ np.isclose(values, actual[None, :], rtol=0, atol=1e-9)
    return below + rng.uniform(size=len(actual)) * equal


def one_day(frame, target, day, method, model, samples, scenarios, rng):
    horizon = delivery_day_periods(day, 60)
    origin = origin_of(day)
    actual = frame[target].reindex(horizon).to_numpy(dtype=float)
    if not np.isfinite(actual).all():
        return None
    drawn = day_ahead_samples(
        frame,
        [target],
        origin,
        horizon,
        model=model,
        n_samples=samples,
        seed=day.toordinal(),
        residual_transform="asinh" if method == "asinh" else "auto",
    )
    if method == "additive":
        # the previous generator: raw residuals y - ŷ of the same model, no transform, no bounds
        current = drawn.errors[target]
        window = frame[target].reindex(current.residuals.index).to_numpy(dtype=float)
        fitted = current.transform.inverse(
            current.transform.forward(window) - current.residuals.to_numpy(dtype=float)
        )
        residuals = pd.Series(window - fitted, index=current.residuals.index)
        errors = {target: TargetErrors(ResidualTransform(), (-np.inf, np.inf), residuals)}
        paths = scenario_paths(
            drawn.point,
            errors,
            horizon,
            samples,
            np.random.default_rng(day.toordinal()),
            inflate=False,
        )
        values, probabilities = reduce_paths(
            paths, scenarios, preserve_mean=True, preserve_marginals=False
        )
    else:
        paths = drawn.paths
        values, probabilities = reduce_paths(paths, scenarios)
    full = paths[target]
    reduced = values[target]
    uniform = np.full(full.shape[0], 1.0 / full.shape[0])
    return pd.DataFrame(
        {
            "time_utc": horizon,
            "day": day.isoformat(),
            "bucket": horizon_buckets(horizon),
            "actual": actual,
            "point": drawn.point[target],
            "q10": np.quantile(full, 0.1, axis=0),
            "q90": np.quantile(full, 0.9, axis=0),
            "pit": randomised_pit(full, uniform, actual, rng),
            "pit_reduced": randomised_pit(reduced, probabilities, actual, rng),
            "sample_min": full.min(axis=0),
            "sample_max": full.max(axis=0),
            "scenario_min": reduced.min(axis=0),
            "scenario_max": reduced.max(axis=0),
            "transform": drawn.errors[target].transform.kind,
        }
    )


def run_year(frame, target, year, method, model, samples, scenarios, cache: Path) -> pd.DataFrame:
    if cache.exists():
        return pd.read_csv(cache)
    first = max(dt.date(year, 1, 1), (frame.index[0] + pd.Timedelta(days=60)).date())
    last = min(dt.date(year, 12, 31), (frame.index[-1] - pd.Timedelta(hours=23)).date())
    rng = np.random.default_rng(year)
    parts = []
    day = first
    while day <= last:
        part = one_day(frame, target, day, method, model, samples, scenarios, rng)
        if part is not None:
            parts.append(part)
        day += dt.timedelta(days=1)
    result = pd.concat(parts, ignore_index=True)
    cache.parent.mkdir(parents=True, exist_ok=True)
    result.to_csv(cache, index=False)
    return result


def summarise(rows: pd.DataFrame) -> dict:
    inside = (rows["q10"] <= rows["actual"]) & (rows["actual"] <= rows["q90"])
    by_bucket = inside.groupby(rows["bucket"]).mean()
    reduced_inside = (rows["pit_reduced"] >= 0.1) & (rows["pit_reduced"] <= 0.9)
    reduced_by_bucket = reduced_inside.groupby(rows["bucket"]).mean()
    histogram = np.histogram(rows["pit"].clip(0, 1 - 1e-12), bins=10, range=(0, 1))[0]
    histogram_reduced = np.histogram(rows["pit_reduced"].clip(0, 1 - 1e-12), bins=10, range=(0, 1))[
        0
    ]
    low, high = rows["actual"].min(), rows["actual"].max()
    return {
        "days": int(rows["day"].nunique()),
        "buckets": int(rows["bucket"].nunique()),
        "mae": float((rows["actual"] - rows["point"]).abs().mean()),
        "coverage_80": float(inside.mean()),
        "coverage_80_bucket_min": float(by_bucket.min()),
        "coverage_80_bucket_max": float(by_bucket.max()),
        "pit_histogram": [round(float(v), 3) for v in histogram / histogram.sum()],
        "reduced_coverage_80": float(reduced_inside.mean()),
        "reduced_coverage_80_bucket_min": float(reduced_by_bucket.min()),
        "reduced_coverage_80_bucket_max": float(reduced_by_bucket.max()),
        "reduced_pit_histogram": [
            round(float(v), 3) for v in histogram_reduced / histogram_reduced.sum()
        ],
        "realised_min": float(low),
        "realised_max": float(high),
        "sample_min": float(rows["sample_min"].min()),
        "sample_max": float(rows["sample_max"].max()),
        "scenario_min": float(rows["scenario_min"].min()),
        "scenario_max": float(rows["scenario_max"].max()),
        "scenario_hours_below_realised_min": float((rows["scenario_min"] < low - 1e-6).mean()),
        "scenario_hours_above_realised_max": float((rows["scenario_max"] > high + 1e-6).mean()),
        "transform_asinh_share": float((rows["transform"] == "asinh").mean()),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", choices=sorted(DATASETS), required=True)
    parser.add_argument("--years", required=True, help="comma-separated, e.g. 2019,2020")
    parser.add_argument("--model", default="seasonal_naive")
    parser.add_argument("--methods", default="bounded,additive")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--scenarios", type=int, default=10)
    parser.add_argument("--cache-dir", default=str(ROOT / ".benchmark-cache" / "scenarios"))
    arguments = parser.parse_args(argv)
    frame, target = load(arguments.dataset)
    report = {}
    for year in [int(y) for y in arguments.years.split(",")]:
        for method in arguments.methods.split(","):
            started = time.perf_counter()
            cache = Path(arguments.cache_dir) / (
                f"{arguments.dataset}_{method}_{arguments.model}_{year}_"
                f"S{arguments.samples}_K{arguments.scenarios}.csv"
            )
            rows = run_year(
                frame,
                target,
                year,
                method,
                arguments.model,
                arguments.samples,
                arguments.scenarios,
                cache,
            )
            summary = summarise(rows)
            summary["seconds"] = round(time.perf_counter() - started, 1)
            report.setdefault(str(year), {})[method] = summary
            print(json.dumps({"year": year, "method": method, **summary}), file=sys.stderr)
    print(json.dumps({"dataset": arguments.dataset, "model": arguments.model, "years": report}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
