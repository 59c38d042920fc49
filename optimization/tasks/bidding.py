from ainergy.celery import app
from ainergy.jobs.services import job_execute
from optimization.services.bidding import bid_plan_run
from optimization.services.bidding_lifecycle import pool_dispatch_job


@app.task(bind=True, name="optimization.bid_plan_run", max_retries=3)
def bid_plan_run_task(self, job_id: int) -> str:
    return job_execute(job_id, bid_plan_run, task=self)


@app.task(bind=True, name="optimization.pool_dispatch_run", max_retries=3)
def pool_dispatch_run_task(self, job_id: int) -> str:
    return job_execute(job_id, pool_dispatch_job, task=self)
