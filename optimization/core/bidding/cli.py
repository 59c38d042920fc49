"""``python -m optimization bid CASE.json`` /
``python -m optimization backtest CASE.json [--out DAYS.jsonl]`` (resumable: one JSON line per
day in DAYS.jsonl; days already there are not re-run).

JSON on stdout; errors as ``{"error": {"code", "message", "extra"}}`` on stdout with exit code 1
(bad case file: the field is named in ``extra.field``).
"""

from __future__ import annotations

import json
import sys

from ainergy.common.errors import ApplicationError, ValidationError
from optimization.core.bidding.case import load_case, parse_day


def bid(case_path: str) -> dict:
    from optimization.core.bidding.backtest import forecast_scenarios, load_case_data, on_mtu
    from optimization.core.bidding.engine import solve_bidding
    from optimization.core.bidding.problem import BiddingProblem

    case = load_case(case_path)
    if "delivery_day" not in case.raw:
        raise ValidationError("delivery_day", "missing")
    day = parse_day(case.raw["delivery_day"], "delivery_day")
    forecast = forecast_scenarios(case, load_case_data(case), day)
    problem = BiddingProblem(
        pool=case.pool,
        scenarios=on_mtu(forecast, case.mtu_minutes),
        mtu_minutes=case.mtu_minutes,
        products=case.products,
        day_ahead=case.day_ahead,
        risk=case.risk,
        imbalance_penalty_eur_per_mwh=case.imbalance_penalty_eur_per_mwh,
        uncertainty_margin=case.uncertainty_margin,
    )
    result = solve_bidding(problem, formulation=case.raw.get("formulation", "auto"))
    return {"delivery_day": str(day), "pool_id": case.pool.pool_id, **result.to_json()}


def backtest(case_path: str, out: str | None = None) -> dict:
    from pathlib import Path

    from optimization.core.bidding.backtest import run_backtest

    case = load_case(case_path)
    period = case.raw.get("period")
    if not isinstance(period, dict):
        raise ValidationError("period", "missing; give {'start': date, 'end': date}")
    start = parse_day(period.get("start"), "period.start")
    end = parse_day(period.get("end"), "period.end")
    if end < start:
        raise ValidationError("period.end", "before period.start")

    def progress(record) -> None:  # one JSON line per day on stderr (long runs)
        line = {"day": record["day"]}
        if "skipped" in record:
            line["skipped"] = record["skipped"]
        else:
            line.update({s: round(c["total"], 2) for s, c in record["strategies"].items()})
            line.update({f"failed_{s}": e for s, e in record["failed"].items()})
        print(json.dumps(line), file=sys.stderr, flush=True)

    return run_backtest(
        case,
        start,
        end,
        int(period.get("day_step", 1)),
        progress,
        out=Path(out) if out else None,
    )


def main(argv: list[str]) -> int:
    out = None
    if len(argv) == 4 and argv[0] == "backtest" and argv[2] == "--out":
        out, argv = argv[3], argv[:2]
    if len(argv) != 2 or argv[0] not in ("bid", "backtest"):
        print(
            "usage: python -m optimization bid CASE.json | "
            "python -m optimization backtest CASE.json [--out DAYS.jsonl]",
            file=sys.stderr,
        )
        return 2
    try:
        output = bid(argv[1]) if argv[0] == "bid" else backtest(argv[1], out)
    except ApplicationError as error:
        print(
            json.dumps(
                {"error": {"code": error.code, "message": error.message, "extra": error.extra}},
                default=str,
            )
        )
        return 1
    print(json.dumps(output))
    return 0
