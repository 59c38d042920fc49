import datetime as dt

from ainergy.celery import app
from ainergy.common.errors import TransientError
from ainergy.jobs.services import job_execute
from ainergy.timeseries.sync import market_data_sync, meter_data_sync_run


@app.task(
    name="timeseries.market_data_sync",
    autoretry_for=(TransientError,),
    retry_backoff=60,
    max_retries=3,
)
def market_data_sync_task(feed: str, now: str | None = None) -> dict:
    """Public data, no tenant and no job record: retried with back-off, logged.

    ``now`` (ISO-8601) replays the fetch as of that moment, e.g. to backfill a past window.
    """
    return market_data_sync(feed=feed, now=dt.datetime.fromisoformat(now) if now else None)


@app.task(bind=True, name="timeseries.meter_data_sync", max_retries=3)
def meter_data_sync_task(self, job_id: int) -> str:
    return job_execute(job_id, meter_data_sync_run, task=self)
