"""Job lifecycle in-process (eager Celery): status guard, progress, failure, retry, cancel."""

import pytest

from ainergy.common.errors import NotFoundError, ValidationError
from ainergy.jobs.diagnostics import diagnostic_run
from ainergy.jobs.models import Job
from ainergy.jobs.services import job_cancel, job_enqueue, job_execute

REQUEST = """mutation($input: DiagnosticJobInput!) {
  diagnosticJobRequest(input: $input) { id status progressFraction progressMessage errorMessage attempts }
}"""


def test_job_is_sent_only_after_commit(tenant, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 2})
    # then: nothing ran inside the transaction
    assert len(callbacks) == 1
    assert Job.objects.get(pk=job.pk).status == "queued"


def test_job_runs_to_success_with_progress(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 4})
    job.refresh_from_db()
    assert (job.status, job.progress_fraction, job.progress_message) == (
        "succeeded",
        1.0,
        "step 4 of 4",
    )
    assert job.result_summary == {"steps": 4, "attempts": 1}
    assert job.started_at <= job.finished_at and job.duration_s >= 0


def test_failing_job_records_a_readable_reason(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(
            tenant=tenant, kind="diagnostic", parameters={"steps": 2, "fail_with": "error"}
        )
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_message) == (
        "failed",
        "APPLICATION_ERROR",
        "Diagnostic failure requested.",
    )
    assert job.result_summary == {"error": {"step": 2}}


def test_transient_failure_is_retried_then_succeeds(
    tenant, django_capture_on_commit_callbacks, settings
):
    settings.JOB_RETRY_BACKOFF_S = 0
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(
            tenant=tenant,
            kind="diagnostic",
            parameters={"steps": 1, "fail_with": "transient", "transient_failures": 2},
        )
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("succeeded", 3)


def test_duplicate_delivery_does_not_run_twice(tenant, django_capture_on_commit_callbacks):
    # given a job that already succeeded
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    # when the same message is delivered again
    status = job_execute(job.pk, diagnostic_run)
    # then
    job.refresh_from_db()
    assert (status, job.attempts) == ("succeeded", 1)


def test_cancelled_queued_job_never_starts(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    job_cancel(tenant=tenant, job_id=job.pk)
    callbacks[0]()  # the worker receives it afterwards
    job.refresh_from_db()
    assert (job.status, job.attempts, job.started_at) == ("cancelled", 0, None)


def test_finished_job_cannot_be_cancelled(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    with pytest.raises(ValidationError) as error:
        job_cancel(tenant=tenant, job_id=job.pk)
    assert (
        str(error.value)
        == "id: job is already succeeded; only queued or running jobs can be cancelled"
    )


def test_other_tenants_job_cannot_be_cancelled(tenant, other_tenant):
    job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    with pytest.raises(NotFoundError):
        job_cancel(tenant=other_tenant, job_id=job.pk)
    assert Job.objects.get(pk=job.pk).status == "queued"


def test_unknown_job_kind_is_rejected(tenant):
    with pytest.raises(ValidationError) as error:
        job_enqueue(tenant=tenant, kind="mining", parameters={})
    assert str(error.value) == "kind: unknown job kind 'mining'"
    assert Job.objects.count() == 0


def test_graphql_request_validates_parameters_and_writes_nothing(tenant, token_client):
    body = token_client(tenant).execute(REQUEST, {"input": {"steps": 0}})
    assert body["errors"][0]["message"] == "input.steps: must be between 1 and 20"
    assert body["errors"][0]["extensions"] == {
        "code": "VALIDATION_ERROR",
        "field": "input.steps",
        "reason": "must be between 1 and 20",
    }
    assert Job.objects.count() == 0


def test_graphql_job_status_and_cancel(tenant, token_client):
    client = token_client(tenant)
    job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    from strawberry import relay

    job_id = str(relay.GlobalID("Job", str(job.pk)))
    body = client.execute("query($id: ID!) { job(id: $id) { status kind } }", {"id": job_id})
    assert body["data"]["job"] == {"status": "QUEUED", "kind": "DIAGNOSTIC"}
    body = client.execute("mutation($id: ID!) { jobCancel(id: $id) { status } }", {"id": job_id})
    assert body["data"]["jobCancel"] == {"status": "CANCELLED"}


def test_jobs_filter_by_status(tenant, token_client):
    job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    cancelled = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    job_cancel(tenant=tenant, job_id=cancelled.pk)
    body = token_client(tenant).execute("{ jobs(filters: {status: CANCELLED}) { totalCount } }")
    assert body["data"]["jobs"]["totalCount"] == 1


@pytest.mark.parametrize(("attempts", "status"), [(1, "queued"), (5, "failed")])
def test_a_job_whose_worker_died_is_requeued_until_it_has_lost_too_many(
    tenant, settings, django_capture_on_commit_callbacks, attempts, status
):
    """Issue 15, finding 4: a running job without a heartbeat goes back to the queue (the relay
    publishes it again); after ``JOB_MAX_ATTEMPTS`` lost workers it fails as WORKER_LOST
    instead of looping."""
    import datetime as dt

    from django.utils import timezone

    from ainergy.jobs.models import JobOutbox
    from ainergy.jobs.outbox import jobs_reap_stale

    assert settings.JOB_MAX_ATTEMPTS == 5
    # given a job running on a worker that stopped beating (its outbox row was sent)
    with django_capture_on_commit_callbacks(execute=False):
        job = job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 2})
    silent = dt.timedelta(seconds=settings.JOB_HEARTBEAT_STALE_S + 1)
    Job.objects.filter(pk=job.pk).update(
        status="running", attempts=attempts, heartbeat_at=timezone.now() - silent, worker="w:1"
    )
    JobOutbox.objects.filter(job=job).update(state="sent")
    # when the relay reaps
    reaped = jobs_reap_stale()
    # then
    job.refresh_from_db()
    assert job.status == status
    if status == "queued":
        assert reaped == [job.pk]
        assert JobOutbox.objects.get(job=job).state == "pending"
        assert job.progress_message.startswith("worker lost (no heartbeat for ")
    else:
        assert reaped == []
        assert job.error_code == "WORKER_LOST"
        assert job.error_message.startswith("The worker running this job stopped 5 times")
        assert not JobOutbox.objects.filter(job=job).exists()
