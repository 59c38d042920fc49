import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ainergy.timeseries.models import Observation

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data"


@pytest.fixture
def public_price_series(db, zone):
    from ainergy.timeseries.services import series_create

    return series_create(
        tenant=None,
        key="dk1-spot",
        kind="day_ahead_price",
        resolution_minutes=60,
        bidding_zone=zone,
    )


def run(*args):
    out = io.StringIO()
    call_command("import_observations", *args, stdout=out)
    return out.getvalue()


def test_real_shared_file_imports_with_filter_and_reimport_is_idempotent(public_price_series):
    args = [
        "--series",
        "dk1-spot",
        "--file",
        str(SHARED / "spot_prices_dk1_dk2_hourly.csv.gz"),
        "--column",
        "price_eur_per_mwh",
        "--filter",
        "price_area=DK1",
    ]
    message = run(*args)
    count = Observation.objects.count()
    assert message.startswith(f"Imported {count} points into dk1-spot (2018-01-01T00:00:00+00:00")
    assert count > 60_000
    run(*args)
    assert Observation.objects.count() == count


def write(tmp_path, text):
    path = tmp_path / "data.csv"
    path.write_text(text)
    return str(path)


def test_ambiguous_local_time_without_offset_is_refused(tenant, heat_series, tmp_path):
    # given a naive local hour that occurs twice on 2024-10-27
    path = write(
        tmp_path, "time,heat_kw\n2024-10-27 01:00,10\n2024-10-27 02:00,11\n2024-10-27 03:00,12\n"
    )
    # when / then
    with pytest.raises(CommandError) as error:
        run(
            "--tenant",
            "alpha",
            "--series",
            "plant-heat",
            "--file",
            path,
            "--column",
            "heat_kw",
            "--time-column",
            "time",
            "--local-timezone",
            "Europe/Copenhagen",
        )
    assert (
        str(error.value)
        == f"{path}, line 3, column 'time': local time '2024-10-27 02:00' is ambiguous (DST fall-back) in Europe/Copenhagen; give a UTC offset"
    )
    assert Observation.objects.count() == 0


def test_local_times_with_offsets_on_the_25_hour_day_import(tenant, heat_series, tmp_path):
    rows = "".join(
        f"2024-10-27T02:00:00{offset},{value}\n" for offset, value in (("+02:00", 1), ("+01:00", 2))
    )
    path = write(tmp_path, "time,heat_kw\n" + rows)
    run(
        "--tenant",
        "alpha",
        "--series",
        "plant-heat",
        "--file",
        path,
        "--column",
        "heat_kw",
        "--time-column",
        "time",
    )
    stored = [
        t.isoformat() for t in Observation.objects.order_by("time").values_list("time", flat=True)
    ]
    assert stored == ["2024-10-27T00:00:00+00:00", "2024-10-27T01:00:00+00:00"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,abc\n",
            "line 3, column 'heat_kw': not a finite number ('abc')",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1\n2024-01-01T01:00Z,inf\n",
            "line 3, column 'heat_kw': not a finite number ('inf')",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1\n2024-01-01T01:00,2\n",
            "line 3, column 'time_utc': timestamp '2024-01-01T01:00' has no UTC offset while others do",
        ),
        (
            "time_utc,heat\n2024-01-01T00:00Z,1\n",
            "line 1, column 'heat_kw': column not in the file (columns: time_utc, heat)",
        ),
        (
            'time_utc,heat_kw\n"2024-01-01T00:00Z,1\n',
            "line 2: malformed CSV (unexpected end of data)",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1\n2024-01-01T00:00Z,2\n",
            "line 3, column 'time_utc': 2024-01-01T00:00:00+00:00 repeats the time of line 2",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,-1\n",
            "line 2, column 'heat_kw': -1 kW is outside the physical range [0, 1e+07] of heat_demand",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1\n9999-01-01T00:00Z,2\n",
            "line 3, column 'time_utc': 9999-01-01T00:00:00+00:00 is outside the supported range [1900-01-01, 2200-01-01)",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1\n0001-01-01T00:00Z,2\n",
            "line 3, column 'time_utc': 0001-01-01T00:00:00+00:00 is outside the supported range [1900-01-01, 2200-01-01)",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1,extra\n",
            "line 2, column 'heat_kw': 3 fields where the header has 2",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z\n",
            "line 2, column 'time_utc': 1 fields where the header has 2",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:30Z,1\n",
            "line 2, column 'time_utc': 2024-01-01T00:30:00+00:00 is not on the series' 60-minute grid",
        ),
        ("", "file: empty file (no header line)"),
    ],
)
def test_bad_csv_is_refused_naming_file_line_and_column(
    tenant, heat_series, tmp_path, text, message
):
    path = write(tmp_path, text)
    with pytest.raises(CommandError) as error:
        run("--tenant", "alpha", "--series", "plant-heat", "--file", path, "--column", "heat_kw")
    separator = ", " if message.startswith("line ") else ": "
    assert str(error.value) == f"{path}{separator}{message}"
    assert Observation.objects.count() == 0


def test_series_of_another_tenant_is_not_found(tenant, other_tenant, heat_series, tmp_path):
    path = write(tmp_path, "time_utc,heat_kw\n2024-01-01T00:00Z,1\n")
    with pytest.raises(CommandError) as error:
        run("--tenant", "bravo", "--series", "plant-heat", "--file", path, "--column", "heat_kw")
    assert str(error.value) == "series: no series 'plant-heat' for this tenant"


# Finding 9 of issue 15: a unit column with kW / MW / W rows imported silently, overwriting
# existing values with mixed units.
MIXED_UNITS = (
    "time_utc,heat,unit\n"
    "2024-01-01T00:00Z,1500,kW\n"
    "2024-01-01T01:00Z,1.5,MW\n"
    "2024-01-01T02:00Z,1500000,W\n"
)


def _import_heat(path, *extra):
    return run(
        "--tenant", "alpha", "--series", "plant-heat", "--file", path, "--column", "heat", *extra
    )


def _stored() -> list[float]:
    return list(Observation.objects.order_by("time").values_list("value", flat=True))


def test_mixed_units_are_refused_and_existing_values_stay(tenant, heat_series, tmp_path):
    # given values already stored in kW
    _import_heat(write(tmp_path, "time_utc,heat\n2024-01-01T01:00Z,1400\n"))
    # when a file with kW, MW and W rows is imported without saying how to convert
    path = write(tmp_path, MIXED_UNITS)
    with pytest.raises(CommandError) as error:
        _import_heat(path)
    # then it is refused at the first row in another unit, and nothing changed
    assert str(error.value) == (
        f"{path}, line 3, column 'unit': unit 'MW' differs from the series unit 'kW'; "
        "name the unit column to convert every row explicitly"
    )
    assert _stored() == [1400.0]


def test_unit_column_converts_every_row_explicitly(tenant, heat_series, tmp_path):
    message = _import_heat(write(tmp_path, MIXED_UNITS), "--unit-column", "unit")
    assert message.startswith("Imported 3 points into plant-heat")
    assert _stored() == [1500.0, 1500.0, 1500.0]


def test_unknown_unit_in_the_unit_column_is_refused(tenant, heat_series, tmp_path):
    path = write(tmp_path, MIXED_UNITS.replace("1.5,MW", "1.5,mW"))
    with pytest.raises(CommandError) as error:
        _import_heat(path, "--unit-column", "unit")
    assert str(error.value) == (
        f"{path}, line 3, column 'unit': unit 'mW' cannot be converted to kW (known: W, kW, MW, GW)"
    )
    assert _stored() == []


def test_file_in_the_series_unit_imports_and_a_declared_unit_converts(
    tenant, heat_series, tmp_path
):
    _import_heat(write(tmp_path, "time_utc,heat,unit\n2024-01-01T00:00Z,7,kW\n"))
    _import_heat(write(tmp_path, "time_utc,heat\n2024-01-01T01:00Z,0.25\n"), "--unit", "MW")
    assert _stored() == [7.0, 250.0]
    with pytest.raises(CommandError) as error:
        _import_heat(write(tmp_path, "time_utc,heat\n2024-01-01T02:00Z,1\n"), "--unit", "°C")
    assert str(error.value).endswith("unit: '°C' is not a unit of heat_demand (W, kW, MW, GW)")
