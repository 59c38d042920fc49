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
        == "time: line 3: local time '2024-10-27 02:00' is ambiguous (DST fall-back) in Europe/Copenhagen; give a UTC offset"
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
            "heat_kw: line 3: not a number ('abc')",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1\n2024-01-01T01:00,2\n",
            "time_utc: line 3: timestamp '2024-01-01T01:00' has no UTC offset while others do",
        ),
        (
            "time_utc,heat\n2024-01-01T00:00Z,1\n",
            "heat_kw: column not in the file (columns: time_utc, heat)",
        ),
        ('time_utc,heat_kw\n"2024-01-01T00:00Z,1\n', "file: malformed CSV"),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,1\n2024-01-01T00:00Z,2\n",
            "frame.time[1]: duplicate timestamp 2024-01-01T00:00:00+00:00",
        ),
        (
            "time_utc,heat_kw\n2024-01-01T00:00Z,-1\n",
            "frame.value[0]: -1 kW is outside the physical range of heat_demand",
        ),
        ("", "file: malformed CSV"),
    ],
)
def test_bad_csv_is_refused_naming_the_problem(tenant, heat_series, tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(CommandError) as error:
        run("--tenant", "alpha", "--series", "plant-heat", "--file", path, "--column", "heat_kw")
    assert str(error.value).startswith(message)
    assert Observation.objects.count() == 0


def test_series_of_another_tenant_is_not_found(tenant, other_tenant, heat_series, tmp_path):
    path = write(tmp_path, "time_utc,heat_kw\n2024-01-01T00:00Z,1\n")
    with pytest.raises(CommandError) as error:
        run("--tenant", "bravo", "--series", "plant-heat", "--file", path, "--column", "heat_kw")
    assert str(error.value) == "series: no series 'plant-heat' for this tenant"
