from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "ainergy.pipeline"
    label = "pipeline"
    verbose_name = "Daily pipeline"

    def ready(self) -> None:
        from ainergy.jobs.registry import JobKind, register_job_kind

        register_job_kind(
            JobKind(
                name="pipeline_step",
                queue="bidding",
                task_name="ainergy.pipeline.tasks.pipeline_step_task",
                description="One step of the daily pipeline (fetch, submit, import, publish).",
            )
        )
        register_job_kind(
            JobKind(
                name="pipeline_replan",
                queue="bidding",
                task_name="ainergy.pipeline.tasks.pipeline_replan_task",
                description="Drift check of telemetry; re-dispatch or re-plan what drifted.",
                max_retries=1,
            )
        )
