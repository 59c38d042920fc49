from django.apps import AppConfig


class OptimizationConfig(AppConfig):
    name = "optimization"
    verbose_name = "Optimization"

    def ready(self) -> None:
        from ainergy.jobs.registry import JobKind, register_job_kind

        register_job_kind(
            JobKind(
                name="household_sizing",
                queue="sizing",
                task_name="optimization.tasks.household.sizing_study_run_task",
                description="Household sizing study: heat pump, PV, battery, EV charger.",
            )
        )
        register_job_kind(
            JobKind(
                name="household_schedule",
                queue="default",
                task_name="optimization.tasks.household.household_schedule_run_task",
                description="Day-ahead schedule of a household's heat pump, battery and EV.",
                is_deadline_bound=True,
            )
        )
        register_job_kind(
            JobKind(
                name="bid_plan",
                queue="bidding",
                task_name="optimization.tasks.bidding.bid_plan_run_task",
                description="Day-ahead curves, reserve offers and expected schedule of a pool.",
                is_deadline_bound=True,
            )
        )
        register_job_kind(
            JobKind(
                name="pool_dispatch",
                queue="bidding",
                task_name="optimization.tasks.bidding.pool_dispatch_run_task",
                description="Setpoints per heat pump after clearing (cleared volumes, reserves).",
                is_deadline_bound=True,
            )
        )
