"""Per-year backtest table: summarise day records written by ``python -m optimization backtest
CASE.json --out DAYS.jsonl`` (one or more JSONL files of the same case, e.g. two interleaved
every-2nd-day passes) with the backtest's own ``summarize`` and print markdown rows.

    # run a sample of the case's days (resumable, one JSON line per day; progress on stderr)
    python benchmarks/backtest_years.py run CASE.json START END DAY_STEP DAYS.jsonl
    # table
    python benchmarks/backtest_years.py LABEL=CASE.json:DAYS.jsonl[,MORE.jsonl] [...] \
        [--strategies]   # also one table of strategy totals per label

Columns: days settled, days skipped for data (realised data missing / too little history),
dropped days (a compared strategy failed: the day leaves the comparisons), VSS with its 95 %
moving-block bootstrap interval, VSS as a share of the deterministic cost, days with VSS > 0,
VSS per calendar quarter, captured share (stochastic, deterministic) with intervals, reserve
delivered / offered (stochastic), dispatch deviation share of cleared energy (stochastic;
all four compared strategies pooled) and its cost, days the dispatch was not proven optimal,
scenario calibration (realised share inside the scenarios' 10-90 % band, price / heat).
Figures only; nothing is asserted.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from optimization.core.bidding.backtest import COMPARED, run_backtest, summarize  # noqa: E402
from optimization.core.bidding.case import load_case  # noqa: E402


def _records(paths: list[str]) -> list[dict]:
    by_day: dict[str, dict] = {}
    for path in paths:
        for line in Path(path).read_text().splitlines():
            if line.strip():
                record = json.loads(line)
                by_day[record["day"]] = record
    return [by_day[d] for d in sorted(by_day)]


def _pct(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{100 * value:.{digits}f} %"


def _interval(pair: list[float], scale: float = 1.0, digits: int = 1) -> str:
    return f"{pair[0] / scale:,.{digits}f} … {pair[1] / scale:,.{digits}f}"


def row(label: str, summary: dict, has_reserve: bool = True) -> str:
    strategies = summary["strategies"]
    sto = strategies.get("stochastic", {})
    pooled = [strategies[s] for s in COMPARED if s in strategies]
    cleared = sum(s["day_ahead_mwh"] for s in pooled)
    deviating = sum(s["deviation_mwh"] for s in pooled)
    not_optimal = sum(s["dispatch_not_optimal_days"] for s in pooled)
    if "vss_eur" in summary:
        vss = f"{summary['vss_eur'] / 1000:,.1f} k ({_interval(summary['vss_interval_95_eur'], 1000)})"
        share = _pct(summary["vss_share_of_deterministic"])
        positive = f"{summary['vss_positive_days']}/{summary['common_days']}"
        quarters = ", ".join(
            f"{q[-2:]} {v / 1000:+,.1f}k" for q, v in summary["vss_by_quarter_eur"].items()
        )
        captured = (
            f"{summary['captured_share']['stochastic']:.3f} "
            f"({_interval(summary['captured_share_interval_95']['stochastic'], digits=2)}) / "
            f"{summary['captured_share']['deterministic']:.3f}"
        )
    else:
        vss = share = positive = quarters = captured = "n/a"
    reserve = (
        "no reserve price data"
        if not has_reserve
        else "none offered"
        if not sto.get("reserve_offered_mwh")
        else f"{sto['reserve_delivered_share']:.4f} "
        f"({sto['reserve_offered_mwh'] - sto['reserve_not_delivered_mwh']:,.0f}"
        f" / {sto['reserve_offered_mwh']:,.0f} MWh)"
    )
    deviation = (
        f"{_pct(sto.get('deviation_share'), 3)} ({sto.get('deviation_mwh', 0):,.1f} MWh; "
        f"{sto.get('deviation_cost_eur', 0):,.0f} EUR) / {_pct(deviating / cleared, 3)}"
        if cleared
        else "n/a"
    )
    calibration = summary.get("calibration_80", {})
    return (
        f"| {label} | {summary['days']} | {len(summary['skipped'])} | {summary['dropped_days']} "
        f"| {vss} | {share} | {positive} | {quarters} | {captured} | {reserve} | {deviation} "
        f"| {not_optimal} | {calibration.get('price', float('nan')):.3f} / "
        f"{calibration.get('heat', float('nan')):.3f} |"
    )


HEADER = (
    "| run | days | skipped (data) | dropped | VSS EUR (95 % interval) | VSS / deterministic "
    "| VSS > 0 days | VSS by quarter | captured share stochastic (95 %) / deterministic "
    "| reserve delivered / offered (stochastic) | deviation share of cleared energy: "
    "stochastic (MWh; cost) / all four | dispatch not optimal (strategy-days) "
    "| 80 % band coverage price / heat |\n|" + "---|" * 13
)

STRATEGY_HEADER = (
    "| strategy | days | total EUR | day-ahead | reserve | imbalance (energy) | imbalance penalty "
    "| backup | start | non-delivery | cleared MWh | deviation MWh (share) | deviating MTUs "
    "| cost of deviating over DA value EUR | reserve not delivered / offered MWh |\n|" + "---|" * 15
)


def strategy_rows(summary: dict) -> list[str]:
    rows = []
    for name, s in summary["strategies"].items():
        over = s.get("deviation_cost_over_day_ahead_eur")
        rows.append(
            f"| {name} | {s['days']} | {s['total_eur']:,.0f} | {s['day_ahead_eur']:,.0f} "
            f"| {s['reserve_eur']:,.0f} | {s['imbalance_eur']:,.0f} "
            f"| {s['imbalance_penalty_eur']:,.0f} | {s['backup_eur']:,.0f} | {s['start_eur']:,.0f} "
            f"| {s['non_delivery_eur']:,.0f} | {s['day_ahead_mwh']:,.0f} "
            f"| {s['deviation_mwh']:,.1f} ({_pct(s['deviation_share'], 3)}) "
            f"| {s.get('deviation_mtus', 'n/a')} | {'n/a' if over is None else f'{over:,.0f}'} "
            f"| {s['reserve_not_delivered_mwh']:,.1f} / {s['reserve_offered_mwh']:,.0f} |"
        )
    return rows


def run(case_path: str, start: str, end: str, step: str, out: str) -> None:
    """``run_backtest`` over [start, end] every ``step`` days, records appended to ``out``."""
    import datetime as dt
    import time

    started = time.time()

    def progress(record: dict) -> None:
        line = {"day": record["day"], "t": round(time.time() - started)}
        if "skipped" in record:
            line["skipped"] = record["skipped"]
        else:
            line.update({s: round(c["total"], 1) for s, c in record["strategies"].items()})
            line.update({f"failed_{s}": e for s, e in record["failed"].items()})
        print(json.dumps(line), file=sys.stderr, flush=True)

    summary = run_backtest(
        load_case(case_path),
        dt.date.fromisoformat(start),
        dt.date.fromisoformat(end),
        int(step),
        progress,
        out=Path(out),
    )
    Path(out).with_suffix(".summary.json").write_text(json.dumps(summary, indent=1))


def main(argv: list[str]) -> int:
    if argv and argv[0] == "run":
        run(*argv[1:6])
        return 0
    with_strategies = "--strategies" in argv
    specs = [a for a in argv if a != "--strategies"]
    summaries = []
    for spec in specs:
        label, rest = spec.split("=", 1)
        case_path, days = rest.split(":", 1)
        case = load_case(case_path)
        summary = summarize(_records(days.split(",")), case)
        summaries.append((label, summary, bool(case.products)))
    print(HEADER)
    for label, summary, has_reserve in summaries:
        print(row(label, summary, has_reserve))
    if with_strategies:
        for label, summary, _ in summaries:
            print(f"\n{label}\n\n{STRATEGY_HEADER}")
            print("\n".join(strategy_rows(summary)))
            print(
                f"\nsummary: {json.dumps({k: v for k, v in summary.items() if k != 'strategies'})}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
