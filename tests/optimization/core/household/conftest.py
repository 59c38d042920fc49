"""Shared fixtures: a round-number tariff table (7.5 DKK/EUR) so bills can be done by hand."""

import pytest

from optimization.core.household.tariffs import tariff_table_from_dict

WINTER = [1, 2, 3, 10, 11, 12]
SUMMER = [4, 5, 6, 7, 8, 9]

TARIFF_TABLE_DATA = {
    "name": "test table",
    "exchange_rate_dkk_per_eur": 7.5,
    "period_by_local_hour": ["low"] * 6 + ["high"] * 11 + ["peak"] * 4 + ["high"] * 3,
    "dso_time_of_use": [
        {
            "valid_from": "2020-01-01",
            "valid_to": None,
            "months": WINTER,
            "low_dkk_per_kwh": 0.15,
            "high_dkk_per_kwh": 0.45,
            "peak_dkk_per_kwh": 1.35,
        },
        {
            "valid_from": "2020-01-01",
            "valid_to": None,
            "months": SUMMER,
            "low_dkk_per_kwh": 0.15,
            "high_dkk_per_kwh": 0.225,
            "peak_dkk_per_kwh": 0.6,
        },
    ],
    "energinet_transmission_dkk_per_kwh": [{"valid_from": "2020-01-01", "value": 0.075}],
    "energinet_system_dkk_per_kwh": [{"valid_from": "2020-01-01", "value": 0.075}],
    "electricity_tax_dkk_per_kwh": [
        {"valid_from": "2020-01-01", "valid_to": "2026-01-01", "value": 0.727},
        {"valid_from": "2026-01-01", "valid_to": "2028-01-01", "value": 0.008},
    ],
    "vat_fraction": [{"valid_from": "2020-01-01", "value": 0.25}],
    "export_fee_dkk_per_kwh": [{"valid_from": "2020-01-01", "value": 0.0375}],
}


@pytest.fixture
def tariff_table():
    return tariff_table_from_dict(TARIFF_TABLE_DATA)
