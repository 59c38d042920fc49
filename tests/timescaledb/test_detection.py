"""Detection asks whether TimescaleDB is *usable*, not merely installed; the fallback is plain
tables with a reason an operator can act on. Runs on every database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import checks
from django.db import connection

from ainergy.common.db.backends.postgresql.base import TimescaleState
from ainergy.timeseries import timescale


def state(**changes) -> TimescaleState:
    usable = dict(available=True, installed_version="2.17.2", in_preload_libraries=True,
                  loader_loaded=True, creatable=False, server_version="PostgreSQL 16.4")  # fmt: skip
    return TimescaleState(**{**usable, **changes})


def test_installed_and_loaded_is_usable():
    assert state().usable and state().reason() == ""


@pytest.mark.parametrize(
    ("changes", "usable", "can_install", "reason"),
    [
        ({"available": False, "installed_version": None, "in_preload_libraries": False,
          "loader_loaded": False}, False, False, "not installed on the server"),
        ({"installed_version": None, "in_preload_libraries": False, "loader_loaded": False,
          "creatable": True}, False, False, "shared_preload_libraries"),
        ({"installed_version": None, "loader_loaded": False, "creatable": False},
         False, False, "CREATE EXTENSION timescaledb as a superuser"),
        ({"installed_version": None, "loader_loaded": False, "creatable": True},
         False, True, "not created in this database"),
        ({"in_preload_libraries": False, "loader_loaded": False}, False, False,
         "shared_preload_libraries"),
    ],
)  # fmt: skip
def test_unusable_states_fall_back_with_a_reason(changes, usable, can_install, reason):
    current = state(**changes)
    assert (current.usable, current.can_install) == (usable, can_install)
    assert reason in current.reason()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("720:00:00", dt.timedelta(days=30)),
        ("30 days", dt.timedelta(days=30)),
        ("2592000 seconds", dt.timedelta(days=30)),
        ("7 days 01:00:00", dt.timedelta(days=7, hours=1)),
        ("01:30:00", dt.timedelta(minutes=90)),
    ],
)
def test_intervals_of_job_configs_are_parsed(text, expected):
    assert timescale._parse_interval(text) == expected


def test_refresh_window_never_reaches_the_telemetry_retention_horizon(settings):
    settings.TIMESCALEDB_AGGREGATE_REFRESH_DAYS = 7
    settings.TIMESCALEDB_TELEMETRY_RETENTION_DAYS = None
    assert timescale.refresh_window() == dt.timedelta(days=7)
    assert timescale.aggregate_horizon() is None
    settings.TIMESCALEDB_TELEMETRY_RETENTION_DAYS = 5
    assert timescale.refresh_window() == dt.timedelta(days=4)
    now = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert timescale.aggregate_horizon(now) == now - dt.timedelta(days=5)


@pytest.mark.django_db
def test_this_database_reports_its_state_and_check_agrees():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    current = connection.timescaledb_state
    assert connection.has_timescaledb == current.usable
    assert connection.supports_copy_from_stdin == (
        "emscripten" not in current.server_version.lower()
    )
    warnings = checks.run_checks(databases=["default"], tags=[checks.Tags.database])
    if current.available and not current.usable:
        assert [warning.id for warning in warnings] == ["timeseries.W002"]
    else:
        assert warnings == []
    if not current.usable:
        assert timescale.aggregates_ready() is False
        timescale.sync()  # nothing to do, nothing fails


@pytest.mark.django_db(transaction=True)  # the probe role must be committed to log in
def test_an_unprivileged_application_role_can_ask():
    """Production connects as a role that owns its database but is no superuser: it may not
    read shared_preload_libraries, and detection must still answer (not abort migrate)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    import uuid

    import psycopg

    from ainergy.common.db.backends.postgresql.base import STATE_SQL

    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            pytest.skip("needs a superuser to create the probe role")
    role = f"ainergy_probe_{uuid.uuid4().hex[:8]}"
    params = connection.get_connection_params()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'probe'")
    try:
        with psycopg.connect(
            host=params.get("host"), port=params.get("port"), dbname=params["dbname"],
            user=role, password="probe", sslmode=params.get("sslmode", "prefer"),
        ) as probe:  # fmt: skip
            row = probe.execute(STATE_SQL).fetchone()
        unprivileged = TimescaleState(*row)
        assert unprivileged.usable == connection.timescaledb_state.usable
        assert not unprivileged.creatable or unprivileged.available
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP ROLE {role}")
