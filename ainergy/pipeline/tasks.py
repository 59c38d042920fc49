"""Celery tasks of the pipeline: thin wrappers that load ids and call one service."""

from __future__ import annotations

from ainergy.celery import app
from ainergy.jobs.services import job_execute


@app.task(name="pipeline.advance", ignore_result=True)
def pipeline_advance_task(zone: str | None = None) -> dict:
    """Beat's entry point: one advance pass (skipped when another pass is running)."""
    from ainergy.pipeline.services import pipeline_advance_locked

    return pipeline_advance_locked(zone=zone)


@app.task(bind=True, name="pipeline.step_run", max_retries=3)
def pipeline_step_task(self, job_id: int) -> str:
    from ainergy.pipeline.services import pipeline_step_run

    return job_execute(job_id, pipeline_step_run, task=self)


@app.task(bind=True, name="pipeline.replan_run", max_retries=1)
def pipeline_replan_task(self, job_id: int) -> str:
    from ainergy.pipeline.replan import pipeline_replan_run

    return job_execute(job_id, pipeline_replan_run, task=self)


@app.task(name="pipeline.webhook_deliver", ignore_result=True)
def webhook_deliver_task(delivery_id: int) -> str:
    from ainergy.pipeline.webhooks import webhook_deliver

    return webhook_deliver(delivery_id)


@app.task(name="pipeline.webhook_sweep", ignore_result=True)
def webhook_sweep_task() -> int:
    """Send deliveries that are due (the outbox sweep: lost messages, retries after restarts)."""
    from ainergy.pipeline.webhooks import webhook_deliveries_due

    return webhook_deliveries_due()
