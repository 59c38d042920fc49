"""Day-ahead forecast accuracy per year, with the model chosen on the quarter before the year.

Run (from the repository root; pure core, no database; slow: Prophet fits, so ``nice`` it):

    nice python -m benchmarks.forecast_years --dataset dk1_price --years 2019,2020,2021,2022,2023,2024 \
        [--models seasonal_naive,seasonal_naive_7d,prophet,prophet_lagged,lightgbm] \
        [--refit-days 7,prophet=28,prophet_lagged=28] [--train-days 365] [--lagged COL ...]

Rolling origin: one fold per delivery day, issued D-1 10:00 Europe/Copenhagen, each model
fitted on the ``--train-days`` before its origin (refitted every N folds; the folds in between
use that fit but their own history up to their origin for lags and residuals). Runs are chunked
by calendar quarter and cached in ``--cache-dir`` (predictions CSV per dataset, model and
quarter), newest quarter first, so an interrupted run keeps what it finished.

Model selection, never on the year reported: for year Y every candidate's MAE over October to
December of Y-1 picks ``selected`` (all models) and ``selected_prophet`` (Prophet family); their
Y scores are then reported next to every candidate's. Ratios are MAE / MAE of seasonal naive
over the same folds of the same run. Calibration: 80 % coverage (10-90 % band of each model's
own residual-based quantiles, i.e. the scenario marginals) overall and per horizon hour, and
the PIT histogram.
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

from forecasting.core import metrics
from forecasting.core.backtest import DECILES, BacktestConfig, run_backtest
from forecasting.core.data import read_frame

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
DATASETS = {
    "dk1_price": (
        ["spot_prices_dk1_dk2_hourly.csv.gz"],
        {"price_area": "DK1"},
        "price_eur_per_mwh",
    ),
    "flensburg_heat": (["district_heating_flensburg_hourly_2014_2015.csv"], {}, "heat_load_mw"),
    "house_heat": (["smart_heat_meter_dk_house660_hourly_2018_2020.csv"], {}, "heat_kwh"),
}
PROPHET_FAMILY = ("prophet", "prophet_lagged")


def quarters(year: int) -> list[tuple[dt.date, dt.date]]:
    starts = [dt.date(year, month, 1) for month in (1, 4, 7, 10)]
    ends = [dt.date(year, 3, 31), dt.date(year, 6, 30), dt.date(year, 9, 30), dt.date(year, 12, 31)]
    return list(zip(starts, ends, strict=True))


def chunk(frame, target, model, start, end, arguments, cache: Path) -> pd.DataFrame | None:
    """Predictions of one model over [start, end] (cached)."""
    if cache.exists():
        return pd.read_csv(cache)
    first_known = frame[target].dropna().index[0].date()
    start = max(start, first_known + dt.timedelta(days=60))
    last_known = (frame[target].dropna().index[-1] - pd.Timedelta(hours=23)).date()
    end = min(end, last_known)
    if end < start:
        return None
    refit = arguments.refit.get(model, arguments.refit.get("*", 7))
    config = BacktestConfig(
        target=target,
        test_start=start,
        test_end=end,
        lagged_columns=tuple(arguments.lagged),
        train_days=arguments.train_days,
        models=(model,),
        quantiles=(0.1, 0.5, 0.9),
        refit_days=refit,
    )
    started = time.perf_counter()
    result = run_backtest(frame, config)
    predictions = result.predictions
    predictions["fit_seconds"] = result.models[model].fit_seconds
    predictions["wall_seconds"] = time.perf_counter() - started
    cache.parent.mkdir(parents=True, exist_ok=True)
    predictions.to_csv(cache, index=False)
    return predictions


def scores(rows: pd.DataFrame) -> dict:
    actual, mean = rows["actual"].to_numpy(), rows["mean"].to_numpy()
    inside = (rows["q0.1"] <= rows["actual"]) & (rows["actual"] <= rows["q0.9"])
    valid = rows["q0.1"].notna() & rows["q0.9"].notna()
    by_bucket = inside[valid].groupby(rows["horizon_h"][valid]).mean()
    deciles = rows[[f"q{q}" for q in DECILES]].to_numpy().T
    return {
        "folds": int(rows["origin_utc"].nunique()),
        "mae": metrics.mae(actual, mean),
        "rmse": metrics.rmse(actual, mean),
        "pinball_0.1": metrics.pinball(actual, rows["q0.1"], 0.1),
        "pinball_0.9": metrics.pinball(actual, rows["q0.9"], 0.9),
        "coverage_80": float(inside[valid].mean()) if valid.any() else float("nan"),
        "coverage_80_bucket_min": float(by_bucket.min()) if len(by_bucket) else float("nan"),
        "coverage_80_bucket_max": float(by_bucket.max()) if len(by_bucket) else float("nan"),
        "buckets": int(len(by_bucket)),
        "pit_histogram": [round(v, 3) for v in metrics.pit_histogram(actual, deciles)],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dataset", choices=sorted(DATASETS), required=True)
    parser.add_argument("--years", required=True)
    parser.add_argument(
        "--models", default="seasonal_naive,seasonal_naive_7d,prophet,prophet_lagged,lightgbm"
    )
    parser.add_argument(
        "--refit-days",
        default="7,prophet=28,prophet_lagged=28",
        help="N for all, MODEL=N per model",
    )
    parser.add_argument("--train-days", type=int, default=365)
    parser.add_argument("--lagged", action="append", default=[], help="FILE:COLUMN to join")
    parser.add_argument("--cache-dir", default=str(ROOT / ".benchmark-cache" / "years"))
    parser.add_argument("--tag", default="", help="cache/report label, e.g. exog")
    arguments = parser.parse_args(argv)
    arguments.refit = {}
    for item in arguments.refit_days.split(","):
        key, _, value = item.rpartition("=")
        arguments.refit[key or "*"] = int(value)
    files, filters, target = DATASETS[arguments.dataset]
    frame = read_frame([SHARED_DATA / name for name in files], filters)
    lagged = []
    for item in arguments.lagged:
        name, _, column = item.partition(":")
        if column not in frame:
            extra = read_frame([SHARED_DATA / name], filters)[[column]]
            frame = frame.join(extra, how="left")
        lagged.append(column)
    arguments.lagged = lagged
    frame = frame[[target, *lagged]]
    models = arguments.models.split(",")
    years = sorted(int(y) for y in arguments.years.split(","))
    periods = []
    for year in sorted(set(years) | {y - 1 for y in years}, reverse=True):
        for start, end in reversed(quarters(year)):
            if year in years or start.month == 10:
                periods.append((start, end))
    results: dict[tuple[str, dt.date], pd.DataFrame] = {}
    for start, end in periods:
        for model in models:
            cache = Path(arguments.cache_dir) / (
                f"{arguments.dataset}{arguments.tag}_{model}_{start:%Y-%m}_T{arguments.train_days}"
                f"_R{arguments.refit.get(model, arguments.refit.get('*', 7))}.csv"
            )
            rows = chunk(frame, target, model, start, end, arguments, cache)
            if rows is not None:
                results[(model, start)] = rows
                print(f"{model} {start} done ({len(rows)} rows)", file=sys.stderr, flush=True)
    report = {}
    for year in years:
        entry: dict = {"models": {}}
        year_rows = {
            model: pd.concat(
                [results[(model, s)] for s, _ in quarters(year) if (model, s) in results],
                ignore_index=True,
            )
            for model in models
            if any((model, s) in results for s, _ in quarters(year))
        }
        selection_rows = {
            model: results[(model, dt.date(year - 1, 10, 1))]
            for model in models
            if (model, dt.date(year - 1, 10, 1)) in results
        }
        if "seasonal_naive" not in year_rows:
            continue
        naive = scores(year_rows["seasonal_naive"])
        for model, rows in year_rows.items():
            entry["models"][model] = {**scores(rows), "mae_vs_seasonal_naive": None}
            entry["models"][model]["mae_vs_seasonal_naive"] = (
                entry["models"][model]["mae"] / naive["mae"] - 1.0
            )
            entry["models"][model]["fit_seconds"] = float(
                sum(results[(model, s)]["fit_seconds"].iloc[0] for s, _ in quarters(year)
                    if (model, s) in results)
            )  # fmt: skip
        selection_mae = {m: scores(r)["mae"] for m, r in selection_rows.items()}
        complete = set(selection_mae) == set(models) and set(year_rows) == set(models)
        if selection_mae:
            entry["selection_period"] = f"{year - 1}-10-01..{year - 1}-12-31"
            entry["selection_mae"] = selection_mae
            entry["selected"] = min(selection_mae, key=selection_mae.get)
            family = {m: v for m, v in selection_mae.items() if m in PROPHET_FAMILY}
            if family:
                entry["selected_prophet"] = min(family, key=family.get)
            entry["selection_complete"] = complete
        report[str(year)] = entry
    print(json.dumps({"dataset": arguments.dataset, "tag": arguments.tag, "years": report},
                     default=lambda v: None if isinstance(v, float) and np.isnan(v) else v))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
