"""The PV yield written out with numpy is pvlib's model chain, number for number."""

import numpy as np
import pandas as pd
import pvlib
import pytest

from optimization.core.household.profiles import pv_yield_kw_per_kwp


def pvlib_chain(index, ghi, temperature, wind, latitude, longitude, tilt, azimuth, losses):
    """The PV yield as it was computed with the pvlib package (PR of issue 6)."""
    middle = index + pd.Timedelta(minutes=30)
    position = pvlib.solarposition.get_solarposition(middle, latitude, longitude)
    ghi = np.clip(ghi, 0.0, None)
    split = pvlib.irradiance.erbs(ghi, position["zenith"].to_numpy(), middle)
    poa = pvlib.irradiance.get_total_irradiance(
        surface_tilt=tilt,
        surface_azimuth=azimuth,
        solar_zenith=position["apparent_zenith"].to_numpy(),
        solar_azimuth=position["azimuth"].to_numpy(),
        dni=np.asarray(split["dni"]),
        ghi=ghi,
        dhi=np.asarray(split["dhi"]),
        dni_extra=pvlib.irradiance.get_extra_radiation(middle).to_numpy(),
        model="haydavies",
    )
    poa_global = np.nan_to_num(np.asarray(poa["poa_global"], dtype=float), nan=0.0)
    cell = pvlib.temperature.faiman(poa_global, temperature, wind)
    dc = pvlib.pvsystem.pvwatts_dc(poa_global, cell, 1.0, -0.004)
    return np.clip(np.asarray(dc, dtype=float) * (1.0 - losses), 0.0, None)


@pytest.mark.parametrize(
    ("latitude", "longitude", "tilt", "azimuth"),
    [(55.68, 12.57, 35.0, 180.0), (57.05, 9.92, 90.0, 95.0), (54.9, 8.3, 0.0, 180.0)],
)
def test_pv_yield_equals_the_pvlib_chain_over_a_leap_year(latitude, longitude, tilt, azimuth):
    # given every hour of 2024 (DST days included) with irradiance from night to above clear
    # sky (negative sensor readings too), frost to heat, calm to storm
    index = pd.date_range("2023-12-31 23:00", "2024-12-31 22:00", freq="h", tz="UTC")
    rng = np.random.default_rng(7)
    ghi = rng.uniform(-5.0, 1100.0, len(index))
    temperature = rng.uniform(-15.0, 32.0, len(index))
    wind = rng.uniform(0.0, 25.0, len(index))
    # when
    ours = pv_yield_kw_per_kwp(
        index, ghi, temperature, wind, latitude, longitude, tilt, azimuth, 0.14
    )
    # then
    expected = pvlib_chain(index, ghi, temperature, wind, latitude, longitude, tilt, azimuth, 0.14)
    assert len(index) == 8784
    assert expected.max() > 0.5
    np.testing.assert_allclose(ours, expected, rtol=1e-9, atol=1e-12)
