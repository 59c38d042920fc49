import datetime as dt

from django.conf import settings

from ainergy.celery import app
from ainergy.common.errors import TransientError
from ainergy.jobs.services import job_execute
from ainergy.timeseries.connectors import EnergiDataServiceClient
from optimization.services.household import household_schedule_run, sizing_study_run
from optimization.services.household_tariffs import grid_tariffs_sync


@app.task(bind=True, name="optimization.sizing_study_run", max_retries=3)
def sizing_study_run_task(self, job_id: int) -> str:
    return job_execute(job_id, sizing_study_run, task=self)


@app.task(bind=True, name="optimization.household_schedule_run", max_retries=3)
def household_schedule_run_task(self, job_id: int) -> str:
    return job_execute(job_id, household_schedule_run, task=self)


@app.task(
    name="optimization.grid_tariffs_sync",
    autoretry_for=(TransientError,),
    retry_backoff=60,
    max_retries=3,
)
def grid_tariffs_sync_task(now: str | None = None) -> dict:
    """Public data on the beat schedule (``GRID_TARIFF_SYNC_TIME_UTC``): no tenant, no job
    record; retried with back-off on network errors. ``now`` (ISO-8601) dates the source."""
    client = EnergiDataServiceClient(base_url=settings.ENERGI_DATA_SERVICE_URL)
    return grid_tariffs_sync(client=client, now=dt.datetime.fromisoformat(now) if now else None)
