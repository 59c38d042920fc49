"""Fairness on a shared queue, against a real worker, relay, Redis and PostgreSQL.

Attack reproduced (issue 15, finding 5): one tenant's four queued jobs delayed another tenant's
household schedule from 0.2 s of work to 80 s in the queue. Now a tenant has at most
``JOB_TENANT_CONCURRENCY`` jobs in flight per queue (the rest wait in the outbox), so another
tenant's job waits for at most one of them. Both tenants' jobs here are of the same kind and
priority, so only the per-tenant admission can put the second tenant first (a household schedule
also carries the deadline priority on top). The worker starts after everything is enqueued and
has one child, so the order it finds in the broker decides the outcome, not timing.
"""

from __future__ import annotations

import pytest

from ainergy.jobs import outbox
from ainergy.jobs.models import JobOutbox, OutboxState
from ainergy.jobs.registry import DEADLINE_PRIORITY, get_job_kind
from ainergy.jobs.services import job_enqueue
from tests.jobs.fixtures import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

A_JOB = {"steps": 2, "step_delay_s": 0.3}


@pytest.fixture(autouse=True)
def _broker_reachable(monkeypatch):
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)  # no breaker state from other tests


def _flood_then_one(tenant, other_tenant) -> tuple[list[int], int]:
    """Tenant A queues four jobs, then tenant B one, all on the ``default`` queue."""
    flood = [job_enqueue(tenant=tenant, kind="diagnostic", parameters=A_JOB).pk for _ in range(4)]
    single = job_enqueue(tenant=other_tenant, kind="diagnostic", parameters={"steps": 1}).pk
    return flood, single


def test_one_tenants_queued_jobs_delay_another_tenant_by_at_most_one_job(
    job_processes, tenant, other_tenant
):
    # given tenant A's four jobs and then tenant B's one, with the default limit of 1 per tenant
    flood, single = _flood_then_one(tenant, other_tenant)
    # then only A's first job went to the broker; the other three wait in the outbox
    states = dict(JobOutbox.objects.filter(job_id__in=flood).values_list("job_id", "state"))
    assert [states[pk] for pk in flood] == [OutboxState.SENT] + [OutboxState.PENDING] * 3
    # when one worker with one child serves the queue
    job_processes(workers=1, concurrency=1)
    done = {pk: wait_for(pk, lambda j: j.is_finished, timeout_s=120) for pk in [*flood, single]}
    # then B's job ran right after A's first and before A's second: one job's delay at most
    assert {job.status for job in done.values()} == {"succeeded"}
    assert done[flood[0]].finished_at <= done[single].started_at
    assert done[single].finished_at <= done[flood[1]].started_at
    # and A's jobs all ran, in order
    starts = [done[pk].started_at for pk in flood]
    assert starts == sorted(starts)
    assert not JobOutbox.objects.filter(job_id__in=[*flood, single]).exists()


def test_control_without_a_tenant_limit_b_waits_behind_all_of_a(
    job_processes, tenant, other_tenant, settings
):
    # given the per-tenant limit lifted (what the attack met): all of A's jobs go to the broker
    settings.JOB_TENANT_CONCURRENCY = {"default": 10}
    flood, single = _flood_then_one(tenant, other_tenant)
    assert JobOutbox.objects.filter(job_id__in=flood, state=OutboxState.SENT).count() == 4
    # when
    job_processes(workers=1, concurrency=1)
    done = {pk: wait_for(pk, lambda j: j.is_finished, timeout_s=120) for pk in [*flood, single]}
    # then B's job waited for every one of A's jobs (four jobs' delay, not one)
    assert done[single].started_at >= max(done[pk].finished_at for pk in flood)


def test_household_schedules_are_deadline_bound_and_served_first():
    # the household schedule shares the default queue with other kinds and goes first on it
    kind = get_job_kind("household_schedule")
    assert (kind.queue, kind.is_deadline_bound, kind.priority) == (
        "default",
        True,
        DEADLINE_PRIORITY,
    )
    assert get_job_kind("diagnostic").priority > DEADLINE_PRIORITY
