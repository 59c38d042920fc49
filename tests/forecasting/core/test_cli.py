import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.forecasting.core.conftest import HEAT_FILE, HOUSE_FILE, PRICE_FILE

REPO = Path(__file__).resolve().parents[3]


def _run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "forecasting", *arguments],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def small_heat_csv(tmp_path_factory) -> Path:
    """First ten weeks of the Flensburg file, gzip-compressed like the price file."""
    import gzip

    lines = HEAT_FILE.read_text().splitlines()[: 1 + 24 * 70]
    path = tmp_path_factory.mktemp("data") / "heat.csv.gz"
    with gzip.open(path, "wt") as handle:
        handle.write("\n".join(lines) + "\n")
    return path


def test_backtest_prints_one_json_object_with_the_contract_keys(small_heat_csv):
    # when
    completed = _run(
        "backtest", "--input", str(small_heat_csv), "--target", "heat_load_mw",
        "--regressor", "temperature_c", "--resolution", "60min", "--horizon-h", "24",
        "--origin-local", "10:00", "--test-start", "2014-02-20", "--test-end", "2014-02-26",
        "--train-days", "40", "--models", "seasonal_naive,temperature_regression",
        "--quantiles", "0.1,0.5,0.9", "--json",
    )  # fmt: skip
    # then
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert payload["target"] == "heat_load_mw"
    assert payload["folds"] == 7
    assert set(payload["models"]) == {"seasonal_naive", "temperature_regression"}
    for scores in payload["models"].values():
        assert {"mae", "rmse", "mape", "smape", "pinball", "coverage_80"} <= set(scores)
        assert set(scores["pinball"]) == {"0.1", "0.5", "0.9"}
        assert scores["pinball"]["0.5"] > 0
        assert 0.0 <= scores["coverage_80"] <= 1.0
        assert scores["rmse"] >= scores["mae"] > 0


def test_backtest_joins_several_inputs_and_filters_by_area():
    # given DK1 prices plus the house file, joined on time_utc
    # when
    completed = _run(
        "backtest", "--input", str(PRICE_FILE), "--input", str(HOUSE_FILE),
        "--filter", "price_area=DK1", "--target", "price_eur_per_mwh",
        "--horizon-h", "24", "--test-start", "2019-03-30", "--test-end", "2019-04-01",
        "--train-days", "28", "--models", "seasonal_naive,seasonal_naive_7d", "--json",
    )  # fmt: skip
    # then
    assert completed.returncode == 0, completed.stderr
    payload = json.loads(completed.stdout)
    assert payload["folds"] == 3
    assert set(payload["models"]) == {"seasonal_naive", "seasonal_naive_7d"}


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--target", "heat_mw"],
            "error: heat_mw: column missing; available columns: heat_load_mw, temperature_c",
        ),
        (
            ["--target", "heat_load_mw", "--regressor", "wind_speed_kmh"],
            "error: wind_speed_kmh: column missing; available columns: heat_load_mw, temperature_c",
        ),
        (
            ["--target", "heat_load_mw", "--test-start", "2014-01-08", "--test-end", "2014-01-09"],
            "error: heat_load_mw: too little history: 6.4 days before the first origin "
            "2014-01-07T09:00:00+00:00, need at least 14",
        ),
        (["--target", "heat_load_mw", "--models", "arima"], "error: models: unknown model 'arima'"),
    ],
)
def test_backtest_errors_exit_non_zero_and_name_the_column(small_heat_csv, arguments, message):
    # given
    base = ["backtest", "--input", str(small_heat_csv), "--horizon-h", "24", "--json"]
    if "--test-start" not in arguments:
        arguments = [*arguments, "--test-start", "2014-02-20", "--test-end", "2014-02-21"]
    # when
    completed = (
        _run(*base, *arguments, "--models", "seasonal_naive")
        if "--models" not in arguments
        else _run(*base, *arguments)
    )
    # then
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.strip().startswith(message)


def test_backtest_reports_a_gap_in_the_target(tmp_path):
    # given the heat file with two hours removed
    lines = HEAT_FILE.read_text().splitlines()[: 1 + 24 * 40]
    del lines[1 + 24 * 30 : 1 + 24 * 30 + 2]
    path = tmp_path / "gappy.csv"
    path.write_text("\n".join(lines) + "\n")
    # when
    completed = _run(
        "backtest", "--input", str(path), "--target", "heat_load_mw", "--horizon-h", "24",
        "--test-start", "2014-02-05", "--test-end", "2014-02-06", "--models", "seasonal_naive", "--json",
    )  # fmt: skip
    # then
    assert completed.returncode == 2
    assert completed.stderr.startswith(
        "error: heat_load_mw: gap: 2 missing value(s) between 2014-01-01T00:00:00+00:00 and "
        "2014-02-06T23:00:00+00:00, first at 2014-01-31T00:00:00+00:00"
    )


def test_scenarios_prints_json_and_csv(small_heat_csv):
    # given
    arguments = [
        "scenarios", "--input", str(small_heat_csv), "--target", "heat_load_mw",
        "--regressor", "temperature_c", "--model", "temperature_regression",
        "--day", "2014-03-05", "--origin-local", "10:00", "--samples", "100", "--scenarios", "4",
    ]  # fmt: skip
    # when
    as_json = _run(*arguments, "--format", "json")
    as_csv = _run(*arguments, "--format", "csv", "--resolution", "15min")
    # then
    assert as_json.returncode == 0, as_json.stderr
    payload = json.loads(as_json.stdout)
    assert payload["origin_utc"] == "2014-03-04T09:00:00Z"
    assert payload["time_utc"][0] == "2014-03-04T23:00:00Z"
    assert len(payload["probabilities"]) == 4
    assert sum(payload["probabilities"]) == pytest.approx(1.0)
    assert len(payload["values"]["heat_load_mw"]) == 4
    assert len(payload["values"]["heat_load_mw"][0]) == 24
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert list(rows[0]) == ["time_utc", "scenario", "probability", "heat_load_mw"]
    assert len(rows) == 4 * 96
