import json
import subprocess
import sys
from pathlib import Path

import pytest

from optimization.core.household.cli import main

ROOT = Path(__file__).resolve().parents[4]
EXAMPLES = ROOT / "docs" / "examples"
DATA = ROOT.parent / "shared" / "data"

pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder not present")


def absolute_case(name: str) -> dict:
    """An example case with every path made absolute, so it can be written anywhere."""
    case = json.loads((EXAMPLES / name).read_text())
    specs = [*case["weather"].values(), case["spot_price"]]
    specs += [case[k]["series"] for k in ("heat_demand", "co2_intensity") if k in case]
    for spec in specs:
        spec["file"] = str((EXAMPLES / spec["file"]).resolve())
    for key in ("tariff_table", "catalogue"):
        if key in case:
            case[key] = str(EXAMPLES / case[key])
    return case


def test_schedule_example_on_the_25_hour_day_prints_100_quarter_hours_with_cost(capsys):
    # given the tank example on 2024-10-27 (DST end) at 15 min
    case = EXAMPLES / "household_schedule_tank.json"
    # when
    code = main(["schedule", str(case)])
    output = json.loads(capsys.readouterr().out)
    # then
    assert code == 0
    assert output["periods"] == 100
    assert output["schedule"][0]["start_utc"] == "2024-10-26T22:00:00Z"
    assert output["schedule"][-1]["start_utc"] == "2024-10-27T22:45:00Z"
    cost = output["cost_eur"]
    assert cost["total"] == pytest.approx(
        cost["energy"] + cost["tariffs"] + cost["taxes"] - cost["export_revenue"], abs=2e-4
    )
    assert output["unserved_heat_kwh"] == 0.0
    assert any("household electricity: no metered series" in note for note in output["assumptions"])


def test_size_example_prints_design_cost_split_and_pareto_points(tmp_path, capsys):
    # given the sizing example with a 3-point Pareto front
    case = absolute_case("household_size.json")
    case["pareto_points"] = 3
    case["representative_days"] = 8
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    # when
    code = main(["size", str(path)])
    output = json.loads(capsys.readouterr().out)
    # then
    assert code == 0
    cost = output["annual_cost_eur"]
    assert cost["total"] == pytest.approx(
        cost["capex"]["total"]
        + cost["energy"]
        + cost["tariffs"]
        + cost["taxes"]
        - cost["export_revenue"]
        + cost["ev_charging_elsewhere"]
        + cost["unserved_heat_penalty"],
        abs=0.05,
    )
    assert output["design"]["heat_pump"].startswith("air-water")
    assert len(output["pareto_front"]) == 3
    emissions = [p["emissions_kg_co2_per_year"] for p in output["pareto_front"]]
    assert emissions == sorted(emissions, reverse=True)
    assert sum(d["weight_days"] for d in output["representative_days"]) == pytest.approx(365)
    assert any("never joined to the weather year by timestamp" in n for n in output["assumptions"])


def test_bad_case_names_the_field(tmp_path, capsys):
    # given the schedule example with a column that does not exist
    case = absolute_case("household_schedule_tank.json")
    case["spot_price"]["column"] = "price_eur"
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    # when
    code = main(["schedule", str(path)])
    error = json.loads(capsys.readouterr().err)
    # then
    assert code == 2
    assert error["error"] == "VALIDATION_ERROR"
    assert error["extra"]["field"] == "spot_price.column"
    assert error["message"].startswith(
        "spot_price.column: no column 'price_eur' in spot_prices_dk1_dk2_hourly.csv.gz"
    )


def test_missing_field_is_named(tmp_path, capsys):
    # given a case without a delivery day
    path = tmp_path / "case.json"
    path.write_text(json.dumps({"mtu_minutes": 15}))
    # when
    code = main(["schedule", str(path)])
    # then
    assert code == 2
    assert json.loads(capsys.readouterr().err)["message"] == "delivery_day: missing"


def test_core_imports_neither_django_nor_celery():
    # given a fresh interpreter
    script = (
        "import sys, optimization.core.household.cli; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'celery')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    # when
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True
    )
    # then
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_schedule_with_pv_imports_neither_pvlib_nor_scipy_nor_the_sizing_model():
    # given a fresh interpreter and the tank example, which has PV
    script = (
        "import io, sys, contextlib\nfrom optimization.core.household.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()): code = main(['schedule', sys.argv[1]])\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('pvlib', 'scipy') "
        "or m.startswith('optimization.core.household.sizing')]; "
        "print(code, sorted(heavy))"
    )
    # when
    completed = subprocess.run(
        [sys.executable, "-c", script, str(EXAMPLES / "household_schedule_tank.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    # then the case had a PV yield to compute, and it was computed without them
    assert completed.stdout.strip() == "0 []", completed.stdout + completed.stderr
    assert json.loads((EXAMPLES / "household_schedule_tank.json").read_text())["pv"]["kwp"] > 0
