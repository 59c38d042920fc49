"""Exact storage, terminal modes and the bidirectional EV, on cases small enough to do by hand."""

import numpy as np
import pytest

from optimization.core.household.scheduling import (
    Battery,
    ElectricVehicle,
    EvSession,
    schedule_household,
)

from .factories import flat_components, hourly_index, tank_problem


def negative_then_positive(terminal_mode, *, exact=True):
    """Hour 0 pays 0.1 EUR/kWh for import, hour 1 costs 0.2; nothing can be exported, no load;
    battery 10 kWh / 5 kW, η_ch 0.9, η_dis 1, starts empty (terminal target 0)."""
    index = hourly_index(2)
    battery = Battery(
        energy_kwh=10.0,
        power_kw=5.0,
        charge_efficiency=0.9,
        discharge_efficiency=1.0,
        initial_energy_kwh=0.0,
        terminal_energy_mode=terminal_mode,
    )
    prices = flat_components(index, [-0.1, 0.2], [-0.1, 0.2])
    return tank_problem(
        index,
        prices,
        [0.0, 0.0],
        capacity_kwh=0.0,
        max_heat_kw=0.0,
        battery=battery,
        grid_export_limit_kw=0.0,
        is_storage_exact=exact,
    )


def test_at_least_keeps_what_it_was_paid_to_take():
    # when
    result = schedule_household(negative_then_positive("at_least"))
    # then it charges 5 kW in hour 0 (paid 0.5 EUR) and ends holding 4.5 kWh
    assert result.bill.total_eur == pytest.approx(-0.5, abs=1e-6)
    assert result.battery_energy_kwh == pytest.approx([4.5, 4.5], abs=1e-6)
    assert result.binary_periods == (0,)


def test_exactly_without_an_outlet_cannot_burn_energy_in_losses():
    # when the battery must end exactly empty and can neither export nor feed a load
    exact = schedule_household(negative_then_positive("exactly"))
    relaxed = schedule_household(negative_then_positive("exactly", exact=False))
    # then the exact model takes nothing; the LP relaxation charges 5 kW while discharging
    # 4 kW in hour 0 and burns the last 0.5 kWh in hour 1 (5 kW in and out): 0.1 EUR "earned"
    assert exact.bill.total_eur == pytest.approx(0.0, abs=1e-6)
    assert exact.max_storage_overlap_kw == 0.0
    assert (exact.formulation, exact.binary_periods, exact.solve_count) == ("MILP", (0, 1), 2)
    assert relaxed.bill.total_eur == pytest.approx(-0.1, abs=1e-5)
    overlap = np.minimum(relaxed.battery_charge_kw, relaxed.battery_discharge_kw)
    assert overlap == pytest.approx([4.0, 5.0], abs=1e-5)
    assert relaxed.formulation == "LP"


def test_exactly_ends_at_the_given_level():
    # given a battery starting at 2 kWh that must end at exactly 6 kWh, flat price
    index = hourly_index(3)
    battery = Battery(
        energy_kwh=10.0,
        power_kw=5.0,
        charge_efficiency=0.8,
        discharge_efficiency=1.0,
        initial_energy_kwh=2.0,
        terminal_energy_kwh=6.0,
        terminal_energy_mode="exactly",
    )
    problem = tank_problem(
        index,
        flat_components(index, [0.3, 0.1, 0.2]),
        np.zeros(3),
        capacity_kwh=0.0,
        max_heat_kw=0.0,
        battery=battery,
    )
    # when
    result = schedule_household(problem)
    # then it buys 4 / 0.8 = 5 kWh in the cheapest hour
    assert result.battery_energy_kwh[-1] == pytest.approx(6.0, abs=1e-7)
    assert result.battery_charge_kw == pytest.approx([0.0, 5.0, 0.0], abs=1e-7)
    assert result.bill.total_eur == pytest.approx(0.5, abs=1e-6)


def test_export_above_import_price_does_not_buy_to_sell():
    # given export pays more than import costs in hour 0 (e.g. −600 EUR/MWh spot with tariffs)
    index = hourly_index(2)
    problem = tank_problem(
        index,
        flat_components(index, [0.1, 0.1], [0.3, 0.0]),
        np.zeros(2),
        capacity_kwh=0.0,
        max_heat_kw=0.0,
        base_load_kw=1.0,
        pv_kw=[2.0, 0.0],
    )
    # when
    result = schedule_household(problem)
    # then the grid binary stops a simultaneous import/export arbitrage (unbounded in the LP);
    # only the 1 kW PV surplus is exported
    assert result.grid_export_kw == pytest.approx([1.0, 0.0], abs=1e-7)
    assert result.grid_import_kw == pytest.approx([0.0, 1.0], abs=1e-7)
    assert result.binary_periods == (0,)


def bidirectional_ev(dischargeable_kwh):
    index = hourly_index(2)
    ev = ElectricVehicle(
        charger_power_kw=11.0,
        charging_efficiency=1.0,
        discharge_power_kw=11.0,
        discharge_efficiency=1.0,
        sessions=(
            EvSession(
                arrival_at=index[0].to_pydatetime(),
                departure_at=(index[1] + (index[1] - index[0])).to_pydatetime(),
                energy_need_kwh=0.0,
                dischargeable_kwh=dischargeable_kwh,
            ),
        ),
    )
    return tank_problem(
        index,
        flat_components(index, [0.5, 0.1]),
        np.zeros(2),
        capacity_kwh=0.0,
        max_heat_kw=0.0,
        base_load_kw=2.0,
        ev=ev,
    )


@pytest.mark.parametrize(
    ("dischargeable_kwh", "discharge_kw", "bill_eur"),
    [(5.0, 2.0, 0.1 * 4), (1.0, 1.0, 0.5 * 1 + 0.1 * 3), (0.0, 0.0, 0.5 * 2 + 0.1 * 2)],
)
def test_bidirectional_ev_covers_the_expensive_hour_within_its_allowance(
    dischargeable_kwh, discharge_kw, bill_eur
):
    # when the car may give up to `dischargeable_kwh` and must be back at its arrival level
    result = schedule_household(bidirectional_ev(dischargeable_kwh))
    # then it feeds the 2 kW load in the 0.5 EUR hour as far as allowed and refills at 0.1
    assert result.ev_discharge_kw == pytest.approx([discharge_kw, 0.0], abs=1e-7)
    assert result.ev_charge_kw == pytest.approx([0.0, discharge_kw], abs=1e-7)
    assert result.bill.total_eur == pytest.approx(bill_eur, abs=1e-6)
    assert result.max_storage_overlap_kw == 0.0


def test_bill_split_per_period_adds_up_to_the_day():
    # given
    index = hourly_index(2)
    problem = tank_problem(index, flat_components(index, [0.1, 0.3]), [0.0, 3.0])
    # when
    result = schedule_household(problem)
    # then
    periods = result.bill_periods
    assert periods.total_eur.sum() == pytest.approx(result.bill.total_eur, abs=1e-12)
    assert periods.spot_eur == pytest.approx([0.1, 0.0], abs=1e-7)
