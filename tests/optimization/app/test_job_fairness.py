"""Fairness on the shared queues, against a real worker (2 pool processes) and the relay.

Attack reproduced (issue 15, finding 5): one tenant's four queued jobs delayed another tenant's
household schedule from 0.2 s of work to 80 s in the queue. Now each tenant has at most one job
in flight per queue (the rest wait in the outbox), and deadline-bound kinds are admitted first.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ainergy.jobs.models import Job
from ainergy.jobs.services import job_enqueue
from optimization.models import HouseholdSchedule
from tests.jobs.fixtures import wait_for
from tests.optimization.app.test_household_schedule import REQUEST, schedule_input

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

DAY = dt.date(2024, 1, 16)
SLOW = {"steps": 4, "step_delay_s": 0.5}  # 2 s of work each


@pytest.fixture
def day_data(load_data):
    """Weather and DK1 prices around ``DAY`` in the test database (the worker reads them)."""
    start = dt.datetime.combine(DAY - dt.timedelta(days=3), dt.time(), tzinfo=dt.UTC)
    load_data(start, start + dt.timedelta(days=6))


def _flood(tenant, count: int) -> list[int]:
    return [job_enqueue(tenant=tenant, kind="diagnostic", parameters=SLOW).pk for _ in range(count)]


def _overtaking(jobs: list[int], job: Job) -> list[int]:
    """Jobs that started after ``job`` was requested and before it started."""
    return [
        other.pk
        for other in Job.objects.filter(pk__in=jobs, started_at__isnull=False)
        if job.created_at < other.started_at < job.started_at
    ]


def _request_schedule(client, house, tariff_table) -> Job:
    body = client.execute(REQUEST, {"input": schedule_input(house, tariff_table, DAY)})
    assert "errors" not in body, body["errors"]
    return HouseholdSchedule.objects.get().job


def test_one_tenants_flood_delays_another_tenants_schedule_by_at_most_one_job(
    worker, make_tenant, tenant, house, tariff_table, day_data, token_client
):
    # given another tenant that has just queued four slow jobs on the same (default) queue
    flooder = make_tenant("flooder")
    flood = _flood(flooder, 4)
    wait_for(flood[0], lambda job: job.status == "running")
    # when our tenant asks for its day-ahead household schedule
    schedule_job = _request_schedule(token_client(tenant), house, tariff_table)
    # then it succeeds, and none of the flooder's jobs started ahead of it
    done = wait_for(schedule_job.pk, lambda job: job.is_finished, timeout_s=120)
    assert done.status == "succeeded", done.error_message
    assert _overtaking(flood, done) == []
    # and the flooder never had two jobs running at once
    finished = [wait_for(pk, lambda job: job.is_finished, timeout_s=60) for pk in flood]
    for earlier, later in zip(finished, finished[1:], strict=False):
        assert earlier.finished_at <= later.started_at


def test_deadline_bound_job_is_admitted_before_the_tenants_older_jobs(
    worker, tenant, house, tariff_table, day_data, token_client
):
    # given a tenant with three slow jobs queued, one of them running
    backlog = _flood(tenant, 3)
    wait_for(backlog[0], lambda job: job.status == "running")
    # when the same tenant asks for a day-ahead schedule
    schedule_job = _request_schedule(token_client(tenant), house, tariff_table)
    # then it goes next, ahead of the older diagnostic jobs still waiting
    done = wait_for(schedule_job.pk, lambda job: job.is_finished, timeout_s=120)
    assert done.status == "succeeded", done.error_message
    assert _overtaking(backlog, done) == []
    assert Job.objects.filter(pk__in=backlog, started_at__lt=done.started_at).count() == 1
