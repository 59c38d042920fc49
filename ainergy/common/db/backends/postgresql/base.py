"""PostgreSQL backend that uses TimescaleDB where it is usable, plain PostgreSQL elsewhere.

django-timescaledb turns every model with a ``TimescaleDateTimeField`` into a hypertable. This
backend first asks the server whether TimescaleDB is *usable* — the extension is installed in
this database (or can be: its files exist, the loader is preloaded and this role may create it)
and its library is loaded — and only then creates hypertables. Otherwise the same models and
migrations create ordinary tables (with a warning when TimescaleDB exists but cannot be used),
so one code base runs on TimescaleDB, plain PostgreSQL (most of CI) and SQLite (the demo).
Once TimescaleDB is usable, ``manage.py timescaledb convert`` turns tables created plain into
hypertables, and ``manage.py check --database default`` warns until it has been run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property

from timescale.db.backends.postgresql import base as timescale_base
from timescale.db.backends.postgresql.schema import TimescaleSchemaEditor

logger = logging.getLogger(__name__)

# Readable by an unprivileged role: pg_settings hides shared_preload_libraries from it (where
# current_setting() would raise), but the loader's own timescaledb.* settings are visible.
STATE_SQL = """
SELECT
  EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'),
  (SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'),
  EXISTS (SELECT 1 FROM pg_settings WHERE name = 'shared_preload_libraries'
          AND 'timescaledb' = ANY (string_to_array(replace(setting, ' ', ''), ','))),
  EXISTS (SELECT 1 FROM pg_settings WHERE name LIKE 'timescaledb.%'),
  COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = current_user), false)
  OR COALESCE((SELECT v.trusted FROM pg_available_extension_versions v
            JOIN pg_available_extensions e ON e.name = v.name AND e.default_version = v.version
            WHERE v.name = 'timescaledb'), false)
    AND has_database_privilege(current_database(), 'CREATE'),
  version()
"""


@dataclass(frozen=True)
class TimescaleState:
    """What the server says about TimescaleDB, for this database and role."""

    available: bool  # the extension's files are on the server
    installed_version: str | None  # CREATE EXTENSION was run in this database
    in_preload_libraries: bool  # 'timescaledb' in shared_preload_libraries (if visible)
    loader_loaded: bool  # the library is loaded in this session (its settings exist)
    creatable: bool  # this role may CREATE EXTENSION timescaledb here
    server_version: str

    @property
    def preloaded(self) -> bool:
        return self.in_preload_libraries or self.loader_loaded

    @property
    def usable(self) -> bool:
        return self.installed_version is not None and self.loader_loaded

    @property
    def can_install(self) -> bool:
        return (
            self.available and self.installed_version is None and self.preloaded and self.creatable
        )

    def reason(self) -> str:
        """Why TimescaleDB is not used (empty when it is)."""
        if self.usable:
            return ""
        if not self.available:
            return "the timescaledb extension is not installed on the server"
        if not self.preloaded:
            return (
                "timescaledb is not in shared_preload_libraries (add it in postgresql.conf "
                "and restart PostgreSQL)"
            )
        if self.installed_version is None and not self.creatable:
            return (
                "this role may not create the extension: run CREATE EXTENSION timescaledb as "
                "a superuser in this database"
            )
        return "the extension is not created in this database"


class SchemaEditor(TimescaleSchemaEditor):
    def _create_hypertable(self, model, field, should_migrate=False):
        if self.connection.has_timescaledb:
            super()._create_hypertable(model, field, should_migrate)

    def _set_chunk_time_interval(self, model, field):
        if self.connection.has_timescaledb:
            super()._set_chunk_time_interval(model, field)


class DatabaseWrapper(timescale_base.DatabaseWrapper):
    SchemaEditorClass = SchemaEditor

    @cached_property
    def timescaledb_state(self) -> TimescaleState:
        with self.cursor() as cursor:
            cursor.execute(STATE_SQL)
            return TimescaleState(*cursor.fetchone())

    @property
    def has_timescaledb(self) -> bool:
        """True when TimescaleDB is usable in this database (installed and loaded)."""
        return self.timescaledb_state.usable

    @cached_property
    def supports_copy_from_stdin(self) -> bool:
        """False on the WebAssembly build of PostgreSQL (PGlite), whose socket server dies on
        ``COPY FROM STDIN``; writes then use multi-row INSERTs."""
        return "emscripten" not in self.timescaledb_state.server_version.lower()

    def close(self, *args, **kwargs):
        super().close(*args, **kwargs)
        self.__dict__.pop("timescaledb_state", None)  # the server may change between sessions

    def prepare_database(self):
        super(timescale_base.DatabaseWrapper, self).prepare_database()
        state = self.timescaledb_state
        if state.can_install:
            with self.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS timescaledb")
            self.__dict__.pop("timescaledb_state", None)
            state = self.timescaledb_state
        if state.usable:
            logger.info("TimescaleDB %s: observations and forecasts are hypertables",
                        state.installed_version)  # fmt: skip
        elif state.available:
            logger.warning(
                "TimescaleDB exists on this server but is not usable (%s): time-series tables "
                "stay plain PostgreSQL; after fixing it run manage.py timescaledb convert",
                state.reason(),
            )
        else:
            logger.info("TimescaleDB not available: time-series tables stay plain PostgreSQL")
