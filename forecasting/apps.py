from django.apps import AppConfig


class ForecastingConfig(AppConfig):
    name = "forecasting"
    verbose_name = "Forecasting"

    def ready(self) -> None:
        from ainergy.jobs.registry import JobKind, register_job_kind

        register_job_kind(
            JobKind(
                name="forecast_run",
                queue="forecasting",
                task_name="forecasting.tasks.forecast_run_execute_task",
                description="Fits a model on history before the issue time and stores forecasts.",
            )
        )
