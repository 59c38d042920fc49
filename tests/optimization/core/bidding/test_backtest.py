"""Backtest honesty: 15-minute data kept at 15 minutes, one strategy's failure keeps the day for
the others, comparisons with exact sums and intervals, the non-delivery penalty sensitivity."""

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from optimization.core.bidding.backtest import (
    COMPARED,
    _learn_unsettled_days,
    load_case_data,
    summarize,
)
from optimization.core.bidding.case import load_case, on_grid, read_series

EXAMPLE = Path(__file__).resolve().parents[4] / "docs" / "examples" / "bidding_dk1_mfrr.json"


@pytest.fixture
def case():
    return load_case(EXAMPLE)


def test_quarter_hour_prices_are_kept_and_averaged_onto_hourly_mtus(tmp_path, case):
    # given a 15-minute imbalance price file (4 different quarters per hour)
    index = pd.date_range("2025-03-18T00:00Z", periods=8, freq="15min")
    values = [10.0, 20.0, 30.0, 100.0, -40.0, 0.0, 40.0, 80.0]
    path = tmp_path / "imbalance.csv"
    pd.DataFrame(
        {"time_utc": index.strftime("%Y-%m-%dT%H:%M:%SZ"), "imbalance_price_eur_per_mwh": values}
    ).to_csv(path, index=False)
    spec = {"file": str(path), "column": "imbalance_price_eur_per_mwh"}
    # when
    series = read_series(case, spec, "data.imbalance_price")
    hours = pd.date_range("2025-03-18T00:00Z", periods=2, freq="60min")
    quarters = pd.date_range("2025-03-18T00:00Z", periods=8, freq="15min")
    # then every quarter survives (not only :00), the hourly MTU gets the mean of its quarters
    assert series.tolist() == values
    assert on_grid(series, hours, 60).tolist() == [40.0, 20.0]
    assert on_grid(series, quarters, 15).tolist() == values
    # and an hourly series on quarter-hour MTUs holds its value for each quarter
    hourly = pd.Series([5.0, 7.0], index=hours)
    assert on_grid(hourly, quarters, 15).tolist() == [5.0] * 4 + [7.0] * 4


def _row(total, missing=0.0):
    return {
        "total": total, "day_ahead": total, "reserve": 0.0, "imbalance": 0.0,
        "imbalance_penalty": 0.0, "backup": 0.0, "start": 0.0, "non_delivery": 100.0 * missing,
        "day_ahead_mwh": 10.0, "deviation_mwh": 0.1, "deviation_short_mwh": 0.1,
        "deviation_long_mwh": 0.0, "deviation_mtus": 1, "deviation_at_day_ahead_eur": 0.0,
        "deviation_reasons_mwh": {"storage_capacity": 0.1},
        "reserve_offered_mwh": 5.0, "reserve_not_delivered_mwh": missing,
        "deviation_penalty_eur_per_mwh": 400.0, "dispatch_status": "optimal",
        "highest_buy_price_eur_per_mwh": 300.0, "bid_s": 0.1, "dispatch_s": 0.2,
    }  # fmt: skip


def _day(day, sto, det, pf, hl, missing_det=0.0):
    return {
        "day": day,
        "strategies": {
            "stochastic": _row(sto),
            "deterministic": _row(det, missing_det),
            "perfect_foresight": _row(pf),
            "heat_led": _row(hl),
        },
        "failed": {},
    }


def test_a_failing_strategy_keeps_the_day_for_the_others_and_is_reported(case):
    # given three days; on the second the deterministic strategy failed
    days = [
        _day("2024-01-01", 100.0, 110.0, 90.0, 150.0),
        _day("2024-01-02", 200.0, 0.0, 180.0, 260.0),
        _day("2024-04-01", 300.0, 330.0, 270.0, 390.0, missing_det=1.0),
    ]
    del days[1]["strategies"]["deterministic"]
    days[1]["failed"]["deterministic"] = "TransientError: solver time limit"
    # when
    summary = summarize(days, case)
    # then each strategy keeps every day it settled; comparisons use the days all four settled
    assert summary["days"] == 3
    assert summary["failed"] == [
        {"day": "2024-01-02", "deterministic": "TransientError: solver time limit"}
    ]
    assert summary["strategies"]["stochastic"]["days"] == 3
    assert summary["strategies"]["stochastic"]["total_eur"] == 600.0
    assert summary["strategies"]["deterministic"]["days"] == 2
    assert summary["strategies"]["deterministic"]["failed_days"] == 1
    assert summary["common_days"] == 2
    assert summary["dropped_days"] == 1
    assert summary["vss_eur"] == (110.0 + 330.0) - (100.0 + 300.0)
    assert summary["evpi_eur"] == (100.0 + 300.0) - (90.0 + 270.0)
    # captured = (heat-led - strategy) / (heat-led - perfect foresight), summed over days
    assert summary["captured_share"]["stochastic"] == round(140.0 / 180.0, 4)
    assert summary["vss_by_quarter_eur"] == {"2024Q1": 10.0, "2024Q2": 30.0}
    low, high = summary["vss_interval_95_eur"]
    assert 10.0 * 2 - 1e-9 <= low <= high <= 30.0 * 2 + 1e-9
    assert set(COMPARED) == set(summary["strategies"])


def test_deviation_share_and_cost_of_deviating_are_summed_over_days(case):
    # given two days of 10 MWh cleared each; day 1 bought 0.5 MWh short (2 MTUs) at a DA price
    # of 40 EUR/MWh, settled at an imbalance price of 60 plus a 10 EUR/MWh fee; day 2 consumed
    # 0.25 MWh too much (1 MTU) at DA 60, settled at 100 plus 10
    days = [
        _day("2024-01-01", 100.0, 110.0, 90.0, 150.0),
        _day("2024-01-02", 200.0, 210.0, 180.0, 260.0),
    ]
    for record, (mwh, sign, mtus, da, imb) in zip(
        days, [(0.5, -1.0, 2, 40.0, 60.0), (0.25, 1.0, 1, 60.0, 100.0)], strict=True
    ):
        row = record["strategies"]["stochastic"]
        row.update(
            deviation_mwh=mwh, deviation_mtus=mtus, imbalance=sign * mwh * imb,
            imbalance_penalty=10.0 * mwh, deviation_at_day_ahead_eur=sign * mwh * da,
        )  # fmt: skip
    # when
    stochastic = summarize(days, case)["strategies"]["stochastic"]
    # then share = 0.75 / 20 MWh; cost = imbalance + fee = (-30 + 5) + (25 + 2.5) = 2.5 EUR;
    # over day-ahead: day 1 (-30 + 5) - (-20) = -5, day 2 (25 + 2.5) - 15 = 12.5 -> 7.5 EUR
    assert stochastic["deviation_mwh"] == 0.75
    assert stochastic["deviation_share"] == round(0.75 / 20.0, 5)
    assert stochastic["deviation_mtus"] == 3
    assert stochastic["deviation_cost_eur"] == 2.5
    assert stochastic["deviation_cost_over_day_ahead_eur"] == 7.5
    assert summarize(days, case)["dropped_days"] == 0


def test_vss_sensitivity_resettles_the_reserve_not_delivered_at_each_penalty(case):
    # given the deterministic strategy left 1 MWh of reserve undelivered (100 EUR at the case's
    # 100 EUR/MW/h, included in its total)
    days = [_day("2024-04-01", 300.0, 330.0, 270.0, 390.0, missing_det=1.0)]
    # when
    sensitivity = {
        row["non_delivery_penalty_eur_per_mw_h"]: row["vss_eur"]
        for row in summarize(days, case)["vss_sensitivity"]
    }
    # then VSS moves one for one with the penalty on that MWh
    assert sensitivity[0.0] == 30.0 - 100.0
    assert sensitivity[100.0] == 30.0
    assert sensitivity[1000.0] == 30.0 + 900.0


def test_a_sampled_run_calibrates_on_every_unsettled_day_of_the_window(case):
    # given the example case with a 4-day calibration window, one day already settled (D-3)
    from dataclasses import replace

    case = replace(case, margin_calibration={"coverage": 0.9, "window_days": 4, "min_days": 2})
    data = load_case_data(case)
    day = dt.date(2024, 2, 9)
    settled = dt.date(2024, 2, 6)
    history = [(settled, {"heat_exceedance_sigma": 9.0})]
    tried = {settled}
    # when the backtest is about to run D (its gate: D-1 12:00, so D-2 is the last known day)
    _learn_unsettled_days(case, data, history, tried, day)
    learned = sorted(d for d, _ in history)
    _learn_unsettled_days(case, data, history, tried, day)  # nothing is computed twice
    # then every day D-4..D-2 is known once, the settled one kept as it was
    assert learned == [dt.date(2024, 2, 5), settled, dt.date(2024, 2, 7)]
    assert len(history) == 3
    assert dict(history)[settled] == {"heat_exceedance_sigma": 9.0}
    assert all("heat_exceedance_sigma" in c for _, c in history)
    assert tried == {dt.date(2024, 2, 5), settled, dt.date(2024, 2, 7)}


def test_backtest_cli_writes_resumable_day_records(tmp_path, capsys):
    # given the example case cut to one January day, 3 scenarios
    from optimization.core.bidding.cli import main

    raw = json.loads(EXAMPLE.read_text())
    raw["period"] = {"start": "2024-01-16", "end": "2024-01-16", "day_step": 1}
    raw["scenarios"] = {"count": 3, "seed": 0}
    for spec in [
        raw["data"]["day_ahead_price"],
        raw["data"]["outdoor_temperature"],
        raw["data"]["capacity_price"]["mfrr_up"],
        raw["data"]["heat_demand"]["model"],
    ]:
        spec["file"] = str((EXAMPLE.parent / spec["file"]).resolve())  # fmt: skip
    path = tmp_path / "case.json"
    path.write_text(json.dumps(raw))
    out = tmp_path / "days.jsonl"
    # when
    assert main(["backtest", str(path), "--out", str(out)]) == 0
    first = json.loads(capsys.readouterr().out)
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert main(["backtest", str(path), "--out", str(out)]) == 0  # resumed: nothing re-run
    second = json.loads(capsys.readouterr().out)
    # then one day, every strategy settled, no failure, identical summary on resume
    assert [r["day"] for r in records] == ["2024-01-16"]
    assert records[0]["failed"] == {}
    assert set(records[0]["strategies"]) == set(COMPARED)
    assert out.read_text().count("\n") == 1
    assert first == second
    stochastic = first["strategies"]["stochastic"]
    parts = ("day_ahead", "reserve", "imbalance", "imbalance_penalty", "backup", "start",
             "non_delivery")  # fmt: skip
    assert stochastic["total_eur"] == pytest.approx(
        sum(stochastic[f"{k}_eur"] for k in parts), abs=0.05
    )
    # perfect foresight settles no worse than the others on the same rules
    totals = {s: first["strategies"][s]["total_eur"] for s in COMPARED}
    assert totals["perfect_foresight"] <= min(totals.values()) + 1e-6
    assert np.isfinite(first["captured_share"]["stochastic"])
