"""PostgreSQL backend that uses TimescaleDB where the extension exists, plain PostgreSQL elsewhere.

django-timescaledb turns every model with a ``TimescaleDateTimeField`` into a hypertable. This
backend asks the server once per connection whether the extension is available; without it,
the same models and migrations create ordinary tables, so one code base runs on TimescaleDB,
plain PostgreSQL (CI here) and SQLite (the demo).
"""

from __future__ import annotations

import logging
from functools import cached_property

from timescale.db.backends.postgresql import base as timescale_base
from timescale.db.backends.postgresql.schema import TimescaleSchemaEditor

logger = logging.getLogger(__name__)


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
    def has_timescaledb(self) -> bool:
        """True when the timescaledb extension is installed (or installable) on the server."""
        with self.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'")
            return cursor.fetchone() is not None

    def prepare_database(self):
        if self.has_timescaledb:
            super().prepare_database()
        else:
            super(timescale_base.DatabaseWrapper, self).prepare_database()
            logger.info("TimescaleDB not available: observation tables stay plain PostgreSQL")
