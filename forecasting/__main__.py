"""Command line: ``python -m forecasting backtest|scenarios ...`` on ../shared/data-style CSVs.

A contract other tools rely on: one JSON object on stdout; on bad input a message naming the
column on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Sequence

import pandas as pd

from ainergy.common.errors import ApplicationError, ValidationError
from ainergy.common.timegrid import LOCAL_TZ
from forecasting.core.backtest import (
    DEFAULT_TRAIN_DAYS,
    BacktestConfig,
    horizon_periods,
    run_backtest,
)
from forecasting.core.data import parse_filters, read_frame, to_resolution
from forecasting.core.models import MODEL_NAMES

RESOLUTION_MINUTES = {"60min": 60, "15min": 15}


def _time(value: str) -> dt.time:
    try:
        return dt.time.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected HH:MM, got {value!r}") from error


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected YYYY-MM-DD, got {value!r}") from error


def _floats(value: str) -> tuple[float, ...]:
    try:
        levels = tuple(float(v) for v in value.split(",") if v)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"expected numbers like 0.1,0.5,0.9: {value!r}") from error
    if not levels or any(not 0 < q < 1 for q in levels):
        raise argparse.ArgumentTypeError("quantiles must lie in (0, 1)")
    return levels


def _clean(value):
    """JSON-safe: NaN/inf become null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _add_data_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--input", action="append", required=True, help="CSV or CSV.GZ file")
    parser.add_argument(
        "--filter", action="append", default=[], help="COL=VALUE, e.g. price_area=DK1"
    )
    parser.add_argument(
        "--regressor",
        action="append",
        default=[],
        help="regressor column needed on the horizon (its observed values stand in for a "
        "forecast in backtests)",
    )
    parser.add_argument(
        "--lagged-regressor",
        action="append",
        default=[],
        help="exogenous column used only through its values before the origin (e.g. measured "
        "wind or solar production); look-ahead-free",
    )
    parser.add_argument("--resolution", choices=sorted(RESOLUTION_MINUTES), default="60min")
    parser.add_argument("--origin-local", type=_time, default=dt.time(10, 0), help="HH:MM local")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m forecasting", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    backtest = commands.add_parser("backtest", help="rolling-origin backtest, prints JSON")
    _add_data_arguments(backtest)
    backtest.add_argument("--target", required=True)
    backtest.add_argument("--horizon-h", type=int, default=24)
    backtest.add_argument("--test-start", type=_date, required=True)
    backtest.add_argument("--test-end", type=_date, required=True)
    backtest.add_argument(
        "--train-days",
        type=int,
        default=DEFAULT_TRAIN_DAYS,
        help=f"training window before each origin [d] (default {DEFAULT_TRAIN_DAYS}; 0 = all)",
    )
    backtest.add_argument(
        "--models",
        default="seasonal_naive,prophet",
        help=f"comma-separated, from {','.join(MODEL_NAMES)}",
    )
    backtest.add_argument("--quantiles", type=_floats, default=(0.1, 0.5, 0.9))
    backtest.add_argument("--refit-days", type=int, default=1, help="refit every N folds")
    backtest.add_argument("--predictions-csv", default=None, help="also write every forecast")
    backtest.add_argument("--json", action="store_true", help="print one JSON object")

    scenarios = commands.add_parser("scenarios", help="joint scenarios for one delivery day")
    _add_data_arguments(scenarios)
    scenarios.add_argument("--target", action="append", required=True)
    scenarios.add_argument("--day", type=_date, required=True, help="delivery day (local)")
    scenarios.add_argument(
        "--model", action="append", default=[], help="NAME for all targets or COL=NAME per target"
    )
    scenarios.add_argument("--samples", type=int, default=200)
    scenarios.add_argument("--scenarios", type=int, default=10)
    scenarios.add_argument("--seed", type=int, default=0)
    scenarios.add_argument(
        "--train-days", type=int, default=DEFAULT_TRAIN_DAYS, help="history used [d]; 0 = all"
    )
    scenarios.add_argument("--format", choices=("json", "csv"), default="json")
    return parser


def _load(arguments: argparse.Namespace) -> pd.DataFrame:
    for path in arguments.input:
        try:
            open(path, "rb").close()
        except OSError as error:
            raise ValidationError("input", f"cannot read {path}: {error.strerror}") from error
    frame = read_frame(arguments.input, parse_filters(arguments.filter))
    return to_resolution(frame, arguments.resolution)


def command_backtest(arguments: argparse.Namespace) -> int:
    models = tuple(m.strip() for m in arguments.models.split(",") if m.strip())
    unknown = [m for m in models if m not in MODEL_NAMES]
    if unknown:
        raise ValidationError(
            "models", f"unknown model {unknown[0]!r}; choose from {', '.join(MODEL_NAMES)}"
        )
    if arguments.refit_days < 1:
        raise ValidationError("refit_days", "must be at least 1")
    frame = _load(arguments)
    config = BacktestConfig(
        target=arguments.target,
        regressor_columns=tuple(arguments.regressor),
        lagged_columns=tuple(arguments.lagged_regressor),
        horizon_h=arguments.horizon_h,
        origin_local=arguments.origin_local,
        test_start=arguments.test_start,
        test_end=arguments.test_end,
        train_days=arguments.train_days or None,
        models=models,
        quantiles=arguments.quantiles,
        refit_days=arguments.refit_days,
        mtu_minutes=RESOLUTION_MINUTES[arguments.resolution],
    )
    result = run_backtest(frame, config)
    if arguments.predictions_csv:
        result.predictions.to_csv(arguments.predictions_csv, index=False)
    payload = result.to_json()
    if arguments.json:
        print(json.dumps(_clean(payload)))
    else:
        print(f"target {payload['target']}, {payload['folds']} folds")
        for name, scores in payload["models"].items():
            print(
                f"{name:24s} MAE {scores['mae']:.3f}  RMSE {scores['rmse']:.3f}  "
                f"sMAPE {scores['smape']:.1f} %  coverage_80 {scores['coverage_80']:.3f}"
            )
    return 0


def command_scenarios(arguments: argparse.Namespace) -> int:
    from forecasting.core.api import day_ahead_scenarios

    frame = _load(arguments)
    model: str | dict[str, str] = "seasonal_naive"
    per_target = dict(item.split("=", 1) for item in arguments.model if "=" in item)
    plain = [item for item in arguments.model if "=" not in item]
    if plain:
        model = plain[-1]
    if per_target:
        model = {
            target: per_target.get(target, plain[-1] if plain else "seasonal_naive")
            for target in arguments.target
        }
    for name in [model] if isinstance(model, str) else model.values():
        if name not in MODEL_NAMES:
            raise ValidationError(
                "model", f"unknown model {name!r}; choose from {', '.join(MODEL_NAMES)}"
            )
    origin_local = dt.datetime.combine(arguments.day - dt.timedelta(days=1), arguments.origin_local)
    origin = pd.Timestamp(origin_local, tz=LOCAL_TZ).tz_convert("UTC")
    horizon = horizon_periods(arguments.day, 24, RESOLUTION_MINUTES[arguments.resolution])
    result = day_ahead_scenarios(
        frame,
        list(arguments.target),
        origin,
        horizon,
        regressors_future=frame.reindex(horizon) if arguments.regressor else None,
        regressor_columns=list(arguments.regressor),
        lagged_columns=list(arguments.lagged_regressor),
        model=model,
        n_samples=arguments.samples,
        n_scenarios=arguments.scenarios,
        seed=arguments.seed,
        train_days=arguments.train_days or None,
    )
    if arguments.format == "csv":
        table = result.to_frame()
        table["time_utc"] = table["time_utc"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
        sys.stdout.write(table.to_csv(index=False))
    else:
        payload = {
            "origin_utc": origin.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "delivery_day": arguments.day.isoformat(),
            "time_utc": [t.strftime("%Y-%m-%dT%H:%M:%SZ") for t in result.index],
            "probabilities": result.probabilities.tolist(),
            "values": {column: values.tolist() for column, values in result.values.items()},
        }
        print(json.dumps(_clean(payload)))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    try:
        if arguments.command == "backtest":
            return command_backtest(arguments)
        return command_scenarios(arguments)
    except ApplicationError as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
