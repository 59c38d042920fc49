from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "ainergy.jobs"
    label = "jobs"
    verbose_name = "Jobs"

    def ready(self) -> None:
        from ainergy.jobs.registry import JobKind, register_job_kind

        register_job_kind(
            JobKind(
                name="diagnostic",
                queue="default",
                task_name="ainergy.jobs.tasks.diagnostic_run_task",
                description="Checks the queue, worker and database path end to end.",
            )
        )
