from ainergy.celery import app
from ainergy.jobs.diagnostics import diagnostic_run
from ainergy.jobs.services import job_execute


@app.task(bind=True, name="jobs.diagnostic_run", max_retries=3)
def diagnostic_run_task(self, job_id: int) -> str:
    return job_execute(job_id, diagnostic_run, task=self)
