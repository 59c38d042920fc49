from django.apps import AppConfig


class TimeseriesConfig(AppConfig):
    name = "ainergy.timeseries"
    label = "timeseries"
    verbose_name = "Time series"

    def ready(self) -> None:
        from ainergy.jobs.registry import JobKind, register_job_kind

        register_job_kind(
            JobKind(
                name="meter_data_sync",
                queue="ingestion",
                task_name="ainergy.timeseries.tasks.meter_data_sync_task",
                description="Fetch smart-meter data from Eloverblik into the tenant's series.",
            )
        )
