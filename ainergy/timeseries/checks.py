"""System checks of the time-series storage (run by ``manage.py check --database default`` and
before ``migrate``)."""

from __future__ import annotations

from django.core.checks import Warning
from django.db import connections
from django.db.utils import DatabaseError


def timescaledb_check(app_configs=None, databases=None, **kwargs):
    from ainergy.timeseries import timescale

    messages = []
    for alias in databases or ():
        connection = connections[alias]
        state = (
            getattr(connection, "timescaledb_state", None)
            if connection.vendor == "postgresql"
            else None
        )
        if state is None:
            continue
        try:
            if state.available and not state.usable:
                messages.append(
                    Warning(
                        f"TimescaleDB exists on the server but is not usable: {state.reason()}.",
                        hint="Time-series tables stay plain PostgreSQL; see docs/deployment.md.",
                        id="timeseries.W002",
                    )
                )
            elif state.usable:
                plain = timescale.plain_tables(alias)
                if plain:
                    messages.append(
                        Warning(
                            f"TimescaleDB is installed but {', '.join(plain)} "
                            f"{'is a plain table' if len(plain) == 1 else 'are plain tables'}.",
                            hint="Run `manage.py timescaledb convert` (locks the tables while it "
                            "moves their rows into chunks).",
                            id="timeseries.W001",
                        )
                    )
        except DatabaseError:  # no database yet: migrate reports that itself
            continue
    return messages
