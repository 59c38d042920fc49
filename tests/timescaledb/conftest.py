"""The TimescaleDB suite: runs when the test database has TimescaleDB usable — in CI against the
WebAssembly build of PostgreSQL 17 + TimescaleDB (.ci/timescaledb/suite), and against any real
TimescaleDB server given as DATABASE_URL. With AINERGY_TIMESCALEDB_SUITE=1 a database without
TimescaleDB is an error, not a skip."""

from __future__ import annotations

import os

import pytest
from django.db import connection


@pytest.fixture
def timescaledb(transactional_db):
    if connection.vendor != "postgresql" or not connection.has_timescaledb:
        reason = getattr(connection, "timescaledb_state", None)
        message = (
            f"TimescaleDB not usable here ({reason.reason() if reason else connection.vendor})"
        )
        if os.environ.get("AINERGY_TIMESCALEDB_SUITE") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return connection


def query(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []


def job_id(proc_name: str, hypertable: str | None = None) -> int:
    rows = query(
        "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = %s "
        "AND (%s::text IS NULL OR hypertable_name = %s)",
        [proc_name, hypertable, hypertable],
    )
    assert len(rows) == 1, (proc_name, hypertable, rows)
    return rows[0][0]


if os.environ.get("AINERGY_TIMESCALEDB_SUITE") == "1":
    # The WebAssembly engine serves one database (the name is ignored) and one working session:
    # no separate test database is created; the fresh instance's database is migrated as is.

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker):
        from django.core.management import call_command

        with django_db_blocker.unblock():
            call_command("migrate", "--no-input", verbosity=0)
