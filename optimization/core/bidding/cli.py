"""``python -m optimization bid CASE.json`` / ``python -m optimization backtest CASE.json``.

JSON on stdout; errors as ``{"error": {"code", "message", "extra"}}`` on stdout with exit code 1
(bad case file: the field is named in ``extra.field``).
"""

from __future__ import annotations

import json
import sys

from ainergy.common.errors import ApplicationError, ValidationError
from optimization.core.bidding.case import load_case, parse_day


def bid(case_path: str) -> dict:
    from optimization.core.bidding.backtest import _on_mtu, day_scenarios, load_case_data
    from optimization.core.bidding.engine import solve_bidding
    from optimization.core.bidding.problem import BiddingProblem

    case = load_case(case_path)
    if "delivery_day" not in case.raw:
        raise ValidationError("delivery_day", "missing")
    day = parse_day(case.raw["delivery_day"], "delivery_day")
    forecast, _ = day_scenarios(case, load_case_data(case), day)
    problem = BiddingProblem(
        pool=case.pool,
        scenarios=_on_mtu(forecast, case.mtu_minutes),
        mtu_minutes=case.mtu_minutes,
        products=case.products,
        day_ahead=case.day_ahead,
        risk=case.risk,
        imbalance_penalty_eur_per_mwh=case.imbalance_penalty_eur_per_mwh,
    )
    result = solve_bidding(problem, formulation=case.raw.get("formulation", "auto"))
    return {"delivery_day": str(day), "pool_id": case.pool.pool_id, **result.to_json()}


def backtest(case_path: str) -> dict:
    from optimization.core.bidding.backtest import run_backtest

    case = load_case(case_path)
    period = case.raw.get("period")
    if not isinstance(period, dict):
        raise ValidationError("period", "missing; give {'start': date, 'end': date}")
    start = parse_day(period.get("start"), "period.start")
    end = parse_day(period.get("end"), "period.end")
    if end < start:
        raise ValidationError("period.end", "before period.start")

    def progress(day, costs) -> None:  # one JSON line per day on stderr (long runs)
        line = {"day": str(day)}
        if costs is None:
            line["skipped"] = True
        else:
            line.update({s: {k: round(v, 2) for k, v in c.items()} for s, c in costs.items()})
        print(json.dumps(line), file=sys.stderr, flush=True)

    return run_backtest(case, start, end, int(period.get("day_step", 1)), progress)


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("bid", "backtest"):
        print("usage: python -m optimization {bid,backtest} CASE.json", file=sys.stderr)
        return 2
    try:
        output = (bid if argv[0] == "bid" else backtest)(argv[1])
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
