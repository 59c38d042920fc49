"""TimescaleDB storage: ``status``, ``convert`` (plain tables → hypertables, migrating their
rows) and ``sync`` (indexes, compression, aggregates, policies; also run by every migrate)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from ainergy.timeseries import timescale


class Command(BaseCommand):
    help = "Show TimescaleDB status, convert plain time-series tables to hypertables, or sync policies."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "convert", "sync"])
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, action: str, database: str, **options):
        connection = connections[database]
        state = getattr(connection, "timescaledb_state", None)
        if connection.vendor != "postgresql" or state is None:
            raise CommandError("TimescaleDB needs PostgreSQL (DATABASE_URL=postgresql://…)")
        if not state.usable:
            if action == "status":
                self.stdout.write(f"TimescaleDB not used: {state.reason()}")
                return
            raise CommandError(f"TimescaleDB is not usable: {state.reason()}")
        if action == "convert":
            converted = timescale.convert(database, log=self.stdout.write)
            self.stdout.write(
                f"converted: {', '.join(converted) or 'nothing (already hypertables)'}"
            )
        elif action == "sync":
            timescale.sync(database, log=self.stdout.write)
        self._status(connection, database)

    def _status(self, connection, database: str) -> None:
        self.stdout.write(f"TimescaleDB {connection.timescaledb_state.installed_version}")
        plain = timescale.plain_tables(database)
        for table in plain:
            self.stdout.write(f"  {table}: PLAIN TABLE (run `manage.py timescaledb convert`)")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT hypertable_name, num_chunks, compression_enabled "
                "FROM timescaledb_information.hypertables ORDER BY 1"
            )
            for name, chunks, compression in cursor.fetchall():
                self.stdout.write(
                    f"  {name}: hypertable, {chunks} chunks, compression {'on' if compression else 'off'}"
                )
            cursor.execute(
                "SELECT view_name FROM timescaledb_information.continuous_aggregates ORDER BY 1"
            )
            for (view,) in cursor.fetchall():
                self.stdout.write(f"  {view}: continuous aggregate")
            cursor.execute(
                "SELECT job_id, proc_name, coalesce(hypertable_name, ''), schedule_interval, config "
                "FROM timescaledb_information.jobs WHERE job_id >= 1000 ORDER BY 1"
            )
            for job_id, proc, table, every, config in cursor.fetchall():
                self.stdout.write(f"  job {job_id}: {proc} {table} every {every} {config}")
