import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ainergy.common.errors import InfeasibleError
from ainergy.common.timegrid import delivery_day_periods
from optimization.core.household.profiles import local_year_index
from optimization.core.household.representative_days import (
    DayBlocks,
    cost_matched_representative_days,
    local_day_blocks,
    matched_weights,
    select_representative_days,
)
from optimization.core.household.sizing import (
    EvDemand,
    HouseholdDesign,
    HouseholdYear,
    SizingProblem,
    pareto_front,
    solve_sizing,
)
from optimization.core.household.tariffs import tariff_table_from_dict
from optimization.core.household.technology import (
    BatteryOption,
    EvChargerOption,
    HeatingCurve,
    HeatPumpOption,
    PvOption,
    TechnologyCatalogue,
    annuity_factor,
)

from .conftest import TARIFF_TABLE_DATA, WINTER

DAY = dt.date(2025, 1, 15)
FLAT_DSO = {
    **TARIFF_TABLE_DATA,
    "dso_time_of_use": [
        {
            "valid_from": "2020-01-01",
            "months": WINTER + [4, 5, 6, 7, 8, 9],
            "low_dkk_per_kwh": 0.15,
            "high_dkk_per_kwh": 0.15,
            "peak_dkk_per_kwh": 0.15,
        }
    ],
}
# import price per kWh excl. spot: 1.25 · (0.15 + 0.15 + 0.727) / 7.5
TARIFF_EUR_PER_KWH = 1.25 * 1.027 / 7.5


def heat_pump(
    name="hp", capacity_kw=10.0, investment_eur=1000.0, lifetime_years=10.0, backup_kw=0.0
):
    return HeatPumpOption(
        name=name,
        heat_capacity_kw=capacity_kw,
        investment_eur=investment_eur,
        lifetime_years=lifetime_years,
        carnot_efficiency=0.45,
        max_cop=5.0,
        capacity_loss_fraction_per_k=0.0,
        backup_heater_power_kw=backup_kw,
    )


def catalogue(heat_pumps=None, pv_max_kwp=0.0, battery_eur_per_kwh=100.0):
    return TechnologyCatalogue(
        heat_pumps=tuple(heat_pumps or [heat_pump()]),
        pv=PvOption(
            investment_eur_per_kwp=1000.0,
            fixed_investment_eur=0.0,
            lifetime_years=25.0,
            max_kwp=pv_max_kwp,
            tilt_deg=35.0,
            azimuth_deg=180.0,
            system_loss_fraction=0.14,
        ),
        battery=BatteryOption(
            investment_eur_per_kwh=battery_eur_per_kwh,
            investment_eur_per_kw=50.0,
            fixed_investment_eur=0.0,
            lifetime_years=10.0,
            max_energy_kwh=30.0,
            max_power_kw=10.0,
            charge_efficiency=0.95,
            discharge_efficiency=0.95,
        ),
        ev_charger=EvChargerOption(
            investment_eur=1000.0, lifetime_years=10.0, power_kw=11.0, efficiency=0.9
        ),
    )


def one_day_problem(spot, heat_demand_kw=0.0, cat=None, ev=None, penalty=None, discount=0.0):
    index = delivery_day_periods(DAY, 60)
    n = len(index)
    year = HouseholdYear(
        period_start_utc=index,
        heat_demand_kw=np.broadcast_to(np.asarray(heat_demand_kw, dtype=float), (n,)).copy(),
        base_load_kw=np.ones(n),
        pv_yield_kw_per_kwp=np.zeros(n),
        outdoor_temperature_c=np.full(n, 7.0),
        spot_price_eur_per_mwh=np.asarray(spot, dtype=float),
        co2_intensity_g_per_kwh=np.full(n, 100.0),
    )
    return SizingProblem(
        year=year,
        catalogue=cat or catalogue(),
        tariff_table=tariff_table_from_dict(FLAT_DSO),
        heating_curve=HeatingCurve(),
        discount_rate_fraction=discount,
        ev=ev,
        unserved_heat_penalty_eur_per_kwh=penalty,
    )


YEAR_OF_ONE_DAY = DayBlocks(np.array([0]), np.array([24]), np.array([365.0]), (DAY,))


def test_flat_price_buys_no_battery():
    # given one day weighted 365 times at a flat 100 EUR/MWh, 1 kW base load, no heat demand
    problem = one_day_problem(np.full(24, 100.0))
    # when
    result = solve_sizing(problem, YEAR_OF_ONE_DAY)
    # then
    assert result.design == HouseholdDesign("hp", 0.0, 0.0, 0.0, False)
    assert result.capex_eur_per_year == {
        "heat_pump": 100.0,
        "pv": 0.0,
        "battery": 0.0,
        "ev_charger": 0.0,
    }
    expected_energy = 365 * 24 * 1.25 * (0.1 + 1.027 / 7.5)
    assert result.total_cost_eur == pytest.approx(100.0 + expected_energy, rel=1e-9)


def test_large_price_spread_buys_the_battery_that_covers_the_expensive_half_day():
    # given spot 0 EUR/MWh in local hours 0–11 and 150 EUR/MWh in 12–23, 1 kW base load
    # (exporting from the battery at 150 − 5 EUR/MWh would not pay: 0.95·0.145 < 0.171/0.95)
    spot = np.r_[np.zeros(12), np.full(12, 150.0)]
    problem = one_day_problem(spot)
    # when
    result = solve_sizing(problem, YEAR_OF_ONE_DAY)
    # then it covers the 12 kWh of expensive load: E = 12/0.95, charged evenly over 12 h
    energy_kwh = 12 / 0.95
    power_kw = energy_kwh / 0.95 / 12
    assert result.design.battery_energy_kwh == pytest.approx(energy_kwh, rel=1e-6)
    assert result.design.battery_power_kw == pytest.approx(power_kw, rel=1e-6)
    assert result.capex_eur_per_year["battery"] == pytest.approx(
        10 * energy_kwh + 5 * power_kw, rel=1e-6
    )
    cheap_import_kwh = 12 + energy_kwh / 0.95
    assert result.bill.import_energy_kwh == pytest.approx(365 * cheap_import_kwh, rel=1e-6)
    assert result.bill.total_eur == pytest.approx(
        365 * cheap_import_kwh * TARIFF_EUR_PER_KWH, rel=1e-6
    )


def test_heat_pump_is_chosen_from_the_catalogue_with_annuity_costs():
    # given 8 kW of heat all day; a 6 kW unit (too small, no backup) and a 12 kW unit; 5 % over 20 yr
    pumps = [heat_pump("small", 6.0, 8000.0, 20.0), heat_pump("large", 12.0, 12000.0, 20.0)]
    problem = one_day_problem(
        np.full(24, 100.0), heat_demand_kw=8.0, cat=catalogue(pumps), discount=0.05
    )
    # when
    result = solve_sizing(problem, YEAR_OF_ONE_DAY)
    # then capex = 12000 · 0.05·1.05^20/(1.05^20 − 1) = 12000 · 0.0802426
    assert result.design.heat_pump_name == "large"
    assert annuity_factor(0.05, 20) == pytest.approx(0.08024258719069129, rel=1e-12)
    assert result.capex_eur_per_year["heat_pump"] == pytest.approx(
        12000 * 0.08024258719069129, rel=1e-12
    )
    assert result.heat_pump_heat_kwh == pytest.approx(365 * 24 * 8.0, rel=1e-9)


def test_cheaper_heat_pump_wins_when_it_is_large_enough():
    # given only 4 kW of heat
    pumps = [heat_pump("small", 6.0, 8000.0, 20.0), heat_pump("large", 12.0, 12000.0, 20.0)]
    problem = one_day_problem(np.full(24, 100.0), heat_demand_kw=4.0, cat=catalogue(pumps))
    # when
    result = solve_sizing(problem, YEAR_OF_ONE_DAY)
    # then
    assert result.design.heat_pump_name == "small"
    assert result.capex_eur_per_year["heat_pump"] == pytest.approx(400.0, rel=1e-12)


def test_heat_demand_beyond_every_catalogue_option_is_explained():
    # given 14 kW of heat in local hour 18 only, at most 12 kW from the largest unit, no buffer
    demand = np.full(24, 2.0)
    demand[18] = 14.0
    problem = one_day_problem(
        np.full(24, 100.0), heat_demand_kw=demand, cat=catalogue([heat_pump("large", 12.0)])
    )
    # when / then
    with pytest.raises(InfeasibleError) as error:
        solve_sizing(problem, YEAR_OF_ONE_DAY)
    assert error.value.extra["constraint_family"] == "heat_demand"
    assert error.value.extra["periods"] == ["2025-01-15T17:00:00Z"]


def test_unserved_heat_is_an_explicit_penalised_quantity_when_allowed():
    # given the same 2 kW shortfall but unserved heat allowed at 5 EUR/kWh
    demand = np.full(24, 2.0)
    demand[18] = 14.0
    problem = one_day_problem(
        np.full(24, 100.0),
        heat_demand_kw=demand,
        cat=catalogue([heat_pump("large", 12.0)]),
        penalty=5.0,
    )
    # when
    result = solve_sizing(problem, YEAR_OF_ONE_DAY)
    # then
    assert result.unserved_heat_kwh == pytest.approx(365 * 2.0, rel=1e-9)
    assert result.penalties_eur == pytest.approx(365 * 2.0 * 5.0, rel=1e-9)


def test_ev_charger_is_bought_when_charging_elsewhere_is_dear_and_energy_is_met():
    # given 10 kWh/day, home 17→07, elsewhere 0.6 EUR/kWh; home costs ≈0.30 EUR/kWh / 0.9
    ev = EvDemand(
        daily_energy_kwh=10.0,
        arrival_local_hour=17,
        departure_local_hour=7,
        alternative_charging_price_eur_per_kwh=0.6,
        alternative_co2_intensity_g_per_kwh=100.0,
    )
    problem = one_day_problem(np.full(24, 100.0), ev=ev)
    # when
    result = solve_sizing(problem, YEAR_OF_ONE_DAY)
    # then
    assert result.design.has_ev_charger is True
    assert result.ev_alternative_charging_eur == pytest.approx(0.0, abs=1e-6)
    assert result.bill.import_energy_kwh == pytest.approx(365 * (24 + 10 / 0.9), rel=1e-9)


def test_pareto_front_trades_cost_for_emissions():
    # given a day where PV lowers grid emissions but costs more than it saves
    index = delivery_day_periods(DAY, 60)
    base = one_day_problem(np.full(24, 100.0), cat=catalogue(pv_max_kwp=5.0))
    pv = np.clip(np.sin((np.arange(24) - 6) / 12 * np.pi), 0, None) * 0.03
    year = base.year.__class__(
        **{**base.year.__dict__, "pv_yield_kw_per_kwp": pv, "period_start_utc": index}
    )
    problem = base.__class__(**{**base.__dict__, "year": year})
    # when
    points = pareto_front(problem, 4, YEAR_OF_ONE_DAY)
    # then
    costs = [p.result.total_cost_eur for p in points]
    emissions = [p.result.emissions_kg_co2 for p in points]
    assert len(points) == 4
    assert all(b <= a + 1e-6 for a, b in zip(emissions, emissions[1:], strict=False))
    assert all(b >= a - 1e-6 for a, b in zip(costs, costs[1:], strict=False))
    assert emissions[-1] < emissions[0]
    assert points[0].result.design.pv_kwp == 0.0 and points[-1].result.design.pv_kwp > 0.0


def test_representative_days_cover_the_year_and_keep_the_peak_day():
    # given a synthetic year with a cold spell on 2023-02-10
    index = pd.date_range("2022-12-31T23:00Z", "2023-12-31T22:00Z", freq="h")
    hours = np.arange(len(index))
    heat = 5 + 3 * np.cos(2 * np.pi * hours / 8760)
    local_dates = np.asarray(index.tz_convert("Europe/Copenhagen").date)
    heat[local_dates == dt.date(2023, 2, 10)] += 10
    price = 100 + 50 * np.sin(2 * np.pi * hours / 24)
    # when
    blocks = select_representative_days(index, [heat, price], 8, peak_series=heat)
    again = select_representative_days(index, [heat, price], 8, peak_series=heat)
    # then
    assert blocks.weights.sum() == 365
    assert dt.date(2023, 2, 10) in blocks.dates
    assert blocks.weights[blocks.dates.index(dt.date(2023, 2, 10))] == 1
    assert (blocks.lengths == 24).all()
    assert blocks.dates == again.dates


def test_matched_weights_reproduce_the_totals_by_hand():
    # given three representatives (feature columns: one day, a cost), sizes 2, 3 and a fixed 1;
    # the year has 6 days costing 10.5 in total
    features = np.array([[1.0, 1.0], [1.0, 2.0], [1.0, 3.0]])
    counts = np.array([2.0, 3.0, 1.0])
    fixed = np.array([False, False, True])
    # when
    weights = matched_weights(features, np.array([6.0, 10.5]), counts, fixed)
    # then w1 + w2 = 5 and w1 + 2 w2 = 7.5 (the fixed day keeps weight 1): 2.5 and 2.5
    assert weights == pytest.approx([2.5, 2.5, 1.0], abs=1e-12)


def test_matched_weights_keep_the_counts_when_they_already_match():
    features = np.array([[1.0, 4.0], [1.0, 1.0], [1.0, 2.0]])
    counts = np.array([1.0, 2.0, 3.0])
    totals = counts @ features
    weights = matched_weights(features, totals, counts, np.zeros(3, dtype=bool))
    assert weights == pytest.approx(counts, abs=1e-12)


def test_cost_matched_days_reproduce_every_probe_cost_and_keep_the_peak_day():
    # given a year of local days with two probes' day costs and a heat series peaking on 1 Feb
    index = local_year_index(2023)
    days = local_day_blocks(index)
    n = len(days.starts)
    day_number = np.arange(n)
    costs = np.column_stack(
        [10 + 5 * np.cos(2 * np.pi * day_number / n), 3 + np.sin(day_number / 7.0) ** 2]
    )
    heat = np.ones(len(index))
    peak = days.starts[31]
    heat[peak : peak + 24] = 5.0
    # when
    blocks = cost_matched_representative_days(index, costs, 10, heat)
    # then weights sum to the days of the year and reproduce each probe's annual cost
    positions = [days.dates.index(d) for d in blocks.dates]
    assert blocks.weights.sum() == pytest.approx(365.0, abs=1e-9)
    assert blocks.weights @ costs[positions] == pytest.approx(costs.sum(axis=0), rel=1e-9)
    assert dt.date(2023, 2, 1) in blocks.dates
    assert blocks.weights[blocks.dates.index(dt.date(2023, 2, 1))] == 1.0
    assert (blocks.lengths == 24).all()
    assert "reproduce each probe's full-year operating cost within" in blocks.description
