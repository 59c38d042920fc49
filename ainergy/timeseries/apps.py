from django.apps import AppConfig


class TimeseriesConfig(AppConfig):
    name = "ainergy.timeseries"
    label = "timeseries"
    verbose_name = "Time series"

    def ready(self) -> None:
        from django.core import checks
        from django.db.models.signals import post_migrate

        from ainergy.jobs.registry import JobKind, register_job_kind
        from ainergy.timeseries import checks as timeseries_checks

        post_migrate.connect(_timescaledb_sync, sender=self)
        checks.register(timeseries_checks.timescaledb_check, checks.Tags.database)

        register_job_kind(
            JobKind(
                name="meter_data_sync",
                queue="ingestion",
                task_name="ainergy.timeseries.tasks.meter_data_sync_task",
                description="Fetch smart-meter data from Eloverblik into the tenant's series.",
            )
        )


def _timescaledb_sync(sender, using="default", **kwargs) -> None:
    """After every migrate: TimescaleDB indexes, compression, aggregates and policies as
    configured (nothing without TimescaleDB)."""
    from ainergy.timeseries import timescale

    timescale.sync(using)
