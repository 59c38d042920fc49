"""Physics violations are refused with the field the user wrote, in the core and the CLI.

Each CLI test also asserts that nothing was printed on stdout (no half result) and that the
error is one JSON object on stderr with exit code 2, never a traceback.
"""

import dataclasses
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ainergy.common.errors import ValidationError
from optimization.core.household.cli import main
from optimization.core.household.scheduling import (
    Battery,
    BuildingModel,
    HouseholdState,
    replan_from_state,
    schedule_household,
)
from optimization.core.household.tariffs import price_components

from .factories import flat_components, hourly_index, tank_problem
from .test_cli import DATA, absolute_case

UTC = dt.UTC


def battery(**changes) -> Battery:
    values = {
        "energy_kwh": 5.6,
        "power_kw": 2.2,
        "charge_efficiency": 0.95,
        "discharge_efficiency": 0.95,
        "initial_energy_kwh": 2.0,
    }
    return Battery(**{**values, **changes})


def battery_problem(**changes):
    index = hourly_index(4)
    return tank_problem(
        index,
        flat_components(index, [0.1, 0.3, 0.2, 0.4]),
        np.full(4, 1.0),
        initial_kwh=5.0,
        battery=battery(**changes),
    )


def refused(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"discharge_efficiency": 0.0}, "battery.discharge_efficiency", "must be in (0, 1], got 0"),
        ({"charge_efficiency": 1.2}, "battery.charge_efficiency", "must be in (0, 1], got 1.2"),
        ({"energy_kwh": -5.0}, "battery.energy_kwh", "must be ≥ 0, got -5"),
        ({"power_kw": -1.0}, "battery.power_kw", "must be ≥ 0, got -1"),
        (
            {"initial_energy_kwh": 7.0},
            "battery.initial_energy_kwh",
            "7 kWh lies outside [min_energy_kwh, energy_kwh] = [0, 5.6] kWh",
        ),
        ({"terminal_energy_mode": "around"}, "battery.terminal_energy_mode", None),
        ({"energy_kwh": float("nan")}, "battery.energy_kwh", "must be a finite number, got nan"),
    ],
)
def test_battery_physics_is_refused_with_the_field(changes, field, reason):
    # when
    error = refused(lambda: schedule_household(battery_problem(**changes)))
    # then
    assert error.field == field
    if reason is not None:
        assert error.reason == reason


def test_tank_capacity_and_losses_are_checked():
    index = hourly_index(2)
    problem = tank_problem(index, flat_components(index, 0.1), [0.0, 0.0], capacity_kwh=-1.0)
    assert refused(lambda: schedule_household(problem)).field == "heat_store.capacity_kwh"


def test_inverted_comfort_band_names_the_first_period():
    # given comfort min 21 °C but max 19 °C from 02:00Z
    index = hourly_index(4)
    problem = tank_problem(index, flat_components(index, 0.1), np.zeros(4))
    building = BuildingModel(
        thermal_resistance_k_per_kw=5.0,
        thermal_capacitance_kwh_per_k=10.0,
        initial_indoor_temperature_c=21.0,
        outdoor_temperature_c=np.zeros(4),
        comfort_min_c=np.full(4, 20.0),
        comfort_max_c=np.array([22.0, 22.0, 19.0, 19.0]),
    )
    # when
    error = refused(lambda: schedule_household(dataclasses.replace(problem, heat_store=building)))
    # then
    assert error.field == "heat_store.comfort_max_c"
    assert error.reason == (
        "below comfort_min_c (19 < 20 °C) in 2 period(s), first 2025-01-15T02:00:00Z"
    )


def test_nan_in_a_price_series_names_the_series_and_the_first_bad_time(tariff_table):
    # given a spot price with a hole at 03:00Z
    index = hourly_index(6)
    spot = np.array([50.0, 60.0, 70.0, np.nan, np.inf, 40.0])
    # when
    error = refused(lambda: price_components(index, spot, tariff_table))
    # then
    assert error.field == "spot_price_eur_per_mwh"
    assert error.reason == ("2 missing or non-finite value(s), first at 2025-01-15T03:00:00Z (nan)")


def test_nan_in_a_load_names_the_load_and_its_time():
    index = hourly_index(3)
    problem = tank_problem(index, flat_components(index, 0.1), np.zeros(3))
    problem = dataclasses.replace(problem, base_load_kw=np.array([0.3, np.inf, 0.3]))
    error = refused(lambda: schedule_household(problem))
    assert (error.field, error.reason) == (
        "base_load_kw",
        "1 missing or non-finite value(s), first at 2025-01-15T01:00:00Z (inf)",
    )


def test_nan_in_the_weather_names_the_series_and_its_time():
    # given a building whose outdoor temperature (weather) has a hole at 02:00Z
    index = hourly_index(4)
    problem = tank_problem(index, flat_components(index, 0.1), np.zeros(4))
    building = BuildingModel(
        thermal_resistance_k_per_kw=5.0,
        thermal_capacitance_kwh_per_k=10.0,
        initial_indoor_temperature_c=21.0,
        outdoor_temperature_c=np.array([1.0, 0.5, np.nan, 0.0]),
        comfort_min_c=np.full(4, 20.0),
        comfort_max_c=np.full(4, 22.0),
    )
    # when
    error = refused(lambda: schedule_household(dataclasses.replace(problem, heat_store=building)))
    # then
    assert (error.field, error.reason) == (
        "heat_store.outdoor_temperature_c",
        "1 missing or non-finite value(s), first at 2025-01-15T02:00:00Z (nan)",
    )


def test_inf_in_the_pv_yield_names_the_series_and_its_time():
    index = hourly_index(3)
    problem = tank_problem(index, flat_components(index, 0.1), np.zeros(3), pv_kw=[0, np.inf, 1])
    error = refused(lambda: schedule_household(problem))
    assert (error.field, error.reason) == (
        "pv_power_kw",
        "1 missing or non-finite value(s), first at 2025-01-15T01:00:00Z (inf)",
    )


@pytest.mark.parametrize(
    ("state", "field", "reason"),
    [
        (
            {"battery_energy_kwh": 12.0},
            "state.battery_energy_kwh",
            "12 kWh is outside the battery's physical range [0, 5.6] kWh",
        ),
        (
            {"battery_energy_kwh": -3.0},
            "state.battery_energy_kwh",
            "-3 kWh is outside the battery's physical range [0, 5.6] kWh",
        ),
        (
            {"tank_energy_kwh": 10.5},
            "state.tank_energy_kwh",
            "10.5 kWh is outside the tank's physical range [0, 10] kWh",
        ),
        ({"indoor_temperature_c": 21.0}, "state.indoor_temperature_c", None),
    ],
)
def test_telemetry_outside_the_physical_range_is_refused_not_clamped(state, field, reason):
    # given a plan for 4 hours and telemetry at 01:00Z
    problem = battery_problem()
    at = problem.period_start_utc[1].to_pydatetime()
    # when
    error = refused(lambda: replan_from_state(problem, HouseholdState(at=at, **state)))
    # then
    assert error.field == field
    if reason is not None:
        assert error.reason == reason


def test_state_inside_a_period_is_refused_by_default():
    problem = battery_problem()
    at = dt.datetime(2025, 1, 15, 1, 20, tzinfo=UTC)
    error = refused(lambda: replan_from_state(problem, HouseholdState(at, battery_energy_kwh=2)))
    assert error.field == "state.at"
    assert error.reason == (
        "2025-01-15T01:20:00Z falls inside the period starting 2025-01-15T01:00:00Z; give a "
        "period start or between_periods='interpolate'"
    )


def test_state_inside_a_period_is_interpolated_with_the_plan_when_asked():
    # given the plan and the battery measured at 01:30Z (half-way through hour 1)
    problem = battery_problem()
    plan = schedule_household(problem)
    b = problem.battery
    measured = 2.5
    state = HouseholdState(
        at=dt.datetime(2025, 1, 15, 1, 30, tzinfo=UTC),
        battery_energy_kwh=measured,
        between_periods="interpolate",
    )
    # when
    result = replan_from_state(problem, state, plan=plan)
    # then the re-plan starts at 02:00Z from the measurement carried on with the plan's powers
    expected_start = measured + 0.5 * (
        b.charge_efficiency * plan.battery_charge_kw[1]
        - plan.battery_discharge_kw[1] / b.discharge_efficiency
    )
    assert result.period_start_utc[0] == pd.Timestamp("2025-01-15T02:00Z")
    first_change = result.battery_energy_kwh[0] - (
        b.charge_efficiency * result.battery_charge_kw[0]
        - result.battery_discharge_kw[0] / b.discharge_efficiency
    )
    assert first_change == pytest.approx(expected_start, abs=1e-7)
    assert "interpolated to 2025-01-15T02:00:00Z" in result.state_alignment


# --- the command line ---------------------------------------------------------------------


def run_case(case: dict, tmp_path: Path, capsys) -> tuple[int, dict]:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    code = main(["schedule", str(path)])
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing half-written
    return code, json.loads(captured.err)


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder not present")
@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("battery", "discharge_efficiency"), 0, "battery.discharge_efficiency"),
        (("battery", "energy_kwh"), -5.6, "battery.energy_kwh"),
        (("battery", "terminal_energy_mode"), "sometimes", "battery.terminal_energy_mode"),
        (("ev", "charging_efficiency"), 1.5, "ev.charging_efficiency"),
        (("pv", "kwp"), -10, "pv.kwp"),
        (("heat_pump", "heat_capacity_kw"), -6, "heat_pump.heat_capacity_kw"),
        (("heat_pump", "carnot_efficiency"), 0, "heat_pump.carnot_efficiency"),
        (("heat_store", "capacity_kwh"), -8, "heat_store.capacity_kwh"),
        (("heat_store", "initial_energy_kwh"), 9, "heat_store.initial_energy_kwh"),
    ],
)
def test_cli_refuses_physics_violations_naming_the_json_path(tmp_path, capsys, path, value, field):
    # given the tank example with one bad value
    case = absolute_case("household_schedule_tank.json")
    case[path[0]][path[1]] = value
    # when
    code, error = run_case(case, tmp_path, capsys)
    # then
    assert code == 2
    assert error["error"] == "VALIDATION_ERROR"
    assert error["extra"]["field"] == field


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder not present")
def test_cli_names_file_line_and_column_of_text_in_a_numeric_column(tmp_path, capsys):
    # given a spot price CSV where one value is text
    rows = ["time_utc,price_area,price_eur_per_mwh"]
    start = pd.Timestamp("2024-10-26T00:00Z")
    for hour in range(72):
        price = "forty" if hour == 30 else f"{40 + hour % 7}.5"
        rows.append(f"{(start + pd.Timedelta(hours=hour)):%Y-%m-%dT%H:%M:%SZ},DK1,{price}")
    (tmp_path / "spot.csv").write_text("\n".join(rows) + "\n")
    case = absolute_case("household_schedule_tank.json")
    case["spot_price"]["file"] = str(tmp_path / "spot.csv")
    # when
    code, error = run_case(case, tmp_path, capsys)
    # then
    assert code == 2
    assert error["extra"]["field"] == "spot_price.column"
    assert error["message"] == (
        "spot_price.column: spot.csv line 32, column 'price_eur_per_mwh': 'forty' is not a "
        "finite number (1 such value(s))"
    )


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder not present")
def test_cli_names_the_first_missing_price_hour(tmp_path, capsys):
    # given a spot price CSV with an empty value at 2024-10-27T05:00Z
    rows = ["time_utc,price_eur_per_mwh"]
    start = pd.Timestamp("2024-10-26T00:00Z")
    for hour in range(72):
        moment = start + pd.Timedelta(hours=hour)
        price = "" if moment == pd.Timestamp("2024-10-27T05:00Z") else "55.0"
        rows.append(f"{moment:%Y-%m-%dT%H:%M:%SZ},{price}")
    (tmp_path / "spot.csv").write_text("\n".join(rows) + "\n")
    case = absolute_case("household_schedule_tank.json")
    case["spot_price"] = {"file": str(tmp_path / "spot.csv"), "column": "price_eur_per_mwh"}
    # when
    code, error = run_case(case, tmp_path, capsys)
    # then
    assert code == 2
    assert error["message"] == (
        "spot_price: 1 hours missing in the study period, first 2024-10-27T05:00:00Z"
    )


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder not present")
@pytest.mark.parametrize(
    ("state", "field"),
    [
        ({"battery_energy_kwh": 12.0}, "state.battery_energy_kwh"),
        ({"battery_energy_kwh": -3.0}, "state.battery_energy_kwh"),
        ({"tank_energy_kwh": 8.5}, "state.tank_energy_kwh"),
        ({"battery_energy_kwh": "full"}, "state.battery_energy_kwh"),
    ],
)
def test_cli_refuses_out_of_range_telemetry(tmp_path, capsys, state, field):
    # given the re-plan example with impossible telemetry
    case = absolute_case("household_schedule_replan.json")
    case["state"] = {"at": case["state"]["at"], **state}
    # when
    code, error = run_case(case, tmp_path, capsys)
    # then
    assert code == 2
    assert error["extra"]["field"] == field


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder not present")
def test_cli_refuses_an_inverted_comfort_band_naming_the_field(tmp_path, capsys):
    # given the building example asking for at most 19.5 °C but at least 20.5 °C by day
    case = absolute_case("household_schedule_building.json")
    case["heat_store"]["comfort_max_c"] = 19.5
    # when
    code, error = run_case(case, tmp_path, capsys)
    # then (the night band, 18.5 °C, is fine: the 16 day hours from 06:00 local are named)
    assert code == 2
    assert error["extra"]["field"] == "heat_store.comfort_max_c"
    assert error["message"] == (
        "heat_store.comfort_max_c: below comfort_min_c (19.5 < 20.5 °C) in 16 period(s), "
        "first 2024-03-31T04:00:00Z"
    )


@pytest.mark.skipif(not DATA.is_dir(), reason="shared data folder not present")
def test_cli_refuses_telemetry_inside_a_period_unless_asked_to_interpolate(tmp_path, capsys):
    # given the re-plan example with its telemetry taken at 12:05 local, inside a period
    case = absolute_case("household_schedule_replan.json")
    case["state"]["at"] = "2024-10-27T12:05:00+01:00"
    # when
    code, error = run_case(case, tmp_path, capsys)
    # then it is refused, naming the field
    assert code == 2
    assert error["extra"]["field"] == "state.at"
    # and with between_periods "interpolate" the result says what was done
    case["state"]["between_periods"] = "interpolate"
    (tmp_path / "case.json").write_text(json.dumps(case))
    assert main(["schedule", str(tmp_path / "case.json")]) == 0
    output = json.loads(capsys.readouterr().out)
    assert output["state_alignment"] == (
        "state measured at 2024-10-27T11:05:00Z inside the period starting 2024-10-27T11:00:00Z, "
        "interpolated to 2024-10-27T11:15:00Z with the plan's powers for the remaining 10 min"
    )
