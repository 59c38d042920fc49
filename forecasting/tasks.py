from ainergy.celery import app
from ainergy.jobs.services import job_execute
from forecasting.services import forecast_run_execute


@app.task(bind=True, name="forecasting.forecast_run_execute", max_retries=3)
def forecast_run_execute_task(self, job_id: int) -> str:
    return job_execute(job_id, forecast_run_execute, task=self)
