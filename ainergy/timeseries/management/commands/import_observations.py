from django.core.management.base import BaseCommand, CommandError

from ainergy.common.errors import ApplicationError
from ainergy.timeseries.csv_import import observations_import_csv
from ainergy.timeseries.models import Series
from tenants.models import Tenant


def _located(path: str, error: ApplicationError) -> str:
    """``<file>, line <n>, column '<name>': <reason>`` for a bad row, else ``<file>: <message>``."""
    line, column = error.extra.get("line"), error.extra.get("column")
    reason = error.extra.get("reason", error)
    if line is not None and column is not None:
        return f"{path}, line {line}, column {column!r}: {reason}"
    if line is not None:
        return f"{path}, line {line}: {reason}"
    return f"{path}: {error}"


class Command(BaseCommand):
    help = (
        "Import observations from a CSV (../shared/data format: time_utc + value columns). "
        "All rows are validated first; nothing is written if any row is bad."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tenant", help="tenant slug (omit for public market data)")
        parser.add_argument("--series", required=True, help="series key")
        parser.add_argument("--file", required=True)
        parser.add_argument("--column", required=True, help="value column")
        parser.add_argument("--time-column", default="time_utc")
        parser.add_argument(
            "--filter", action="append", default=[], help="COLUMN=VALUE (repeatable)"
        )
        parser.add_argument(
            "--local-timezone", help="zone of naive local timestamps, e.g. Europe/Copenhagen"
        )
        units = parser.add_mutually_exclusive_group()
        units.add_argument(
            "--unit-column",
            help="column holding each row's unit (kW, MW, W, ...): every row is converted to "
            "the series unit; without it a unit column must match the series unit",
        )
        units.add_argument("--unit", help="unit of the whole value column, e.g. MW")

    def handle(self, *args, **options):
        tenant = None
        if options["tenant"]:
            tenant = Tenant.objects.filter(slug=options["tenant"]).first()
            if tenant is None:
                raise CommandError(f"tenant: no tenant with slug {options['tenant']!r}")
        series = Series.objects.filter(tenant=tenant, key=options["series"]).first()
        if series is None:
            raise CommandError(f"series: no series {options['series']!r} for this tenant")
        filters = {}
        for item in options["filter"]:
            column, separator, value = item.partition("=")
            if not separator:
                raise CommandError(f"filter: expected COLUMN=VALUE, got {item!r}")
            filters[column] = value
        try:
            result = observations_import_csv(
                tenant=tenant,
                series=series,
                source=options["file"],
                value_column=options["column"],
                time_column=options["time_column"],
                filters=filters,
                local_timezone=options["local_timezone"],
                unit_column=options["unit_column"],
                unit=options["unit"],
            )
        except ApplicationError as error:
            raise CommandError(_located(options["file"], error)) from error
        self.stdout.write(
            f"Imported {result.points_written} points into {series.key} "
            f"({result.first_time.isoformat()} – {result.last_time.isoformat()})."
        )
