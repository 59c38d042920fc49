from ainergy.celery import app
from ainergy.jobs.services import job_execute
from optimization.services.household import household_schedule_run, sizing_study_run


@app.task(bind=True, name="optimization.sizing_study_run", max_retries=3)
def sizing_study_run_task(self, job_id: int) -> str:
    return job_execute(job_id, sizing_study_run, task=self)


@app.task(bind=True, name="optimization.household_schedule_run", max_retries=3)
def household_schedule_run_task(self, job_id: int) -> str:
    return job_execute(job_id, household_schedule_run, task=self)
