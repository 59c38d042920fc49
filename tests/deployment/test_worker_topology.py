"""Workers as deployed: one Celery worker per queue family (ainergy/workers.py, the systemd
template in docs/deployment.md), time limits per job kind. A long household sizing study must
not delay a day-ahead bid plan; the control shows it would with one shared worker."""

from __future__ import annotations

import datetime as dt
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.utils.module_loading import import_string

from ainergy.jobs.models import Job
from ainergy.jobs.registry import QUEUES, job_kinds
from ainergy.workers import FAMILIES, worker_command
from tests.deployment.conftest import production_env, requires_services
from tests.optimization.app.bidding_world import build_pool, load_around
from tests.optimization.app.conftest import gid, house, load_data, tariff_table  # noqa: F401
from tests.optimization.app.test_household_sizing import sizing_input as household_sizing_input

SIZING = (
    """mutation($input: SizingStudyInput!) { sizingStudyRequest(input: $input) { job { id } } }"""
)
BID_PLAN = """mutation($input: BidPlanInput!) { bidPlanRequest(input: $input) { job { id } } }"""
DELIVERY_DAY = dt.date(2024, 1, 15)


def test_worker_families_cover_every_queue_exactly_once():
    queues = [queue for family in FAMILIES.values() for queue in family.queues]
    assert sorted(queues) == sorted(QUEUES)
    assert FAMILIES["bidding"].queues == ("bidding",)  # nothing else ever runs ahead of bidding


def test_every_job_kind_has_time_limits_below_the_global_and_visibility_timeouts():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    for kind in job_kinds():
        task = import_string(kind.task_name)
        soft, hard = settings.JOB_TASK_TIME_LIMITS_S[task.name]
        assert 0 < soft < hard <= settings.CELERY_TASK_TIME_LIMIT < visibility, kind.name
        assert settings.CELERY_TASK_ANNOTATIONS[task.name] == {
            "soft_time_limit": soft,
            "time_limit": hard,
        }
    from optimization.services.bidding import BID_SOLVER_TIME_LIMIT_S

    assert BID_SOLVER_TIME_LIMIT_S < settings.JOB_TASK_TIME_LIMITS_S["optimization.bid_plan_run"][0]


def test_worker_command_is_the_documented_one(monkeypatch):
    monkeypatch.setenv("JOB_QUEUE_PREFIX", "p-")
    monkeypatch.delenv("WORKER_CONCURRENCY", raising=False)
    command = worker_command("sizing")
    assert command[1:6] == ["-m", "celery", "-A", "ainergy.celery", "worker"]
    options = dict(zip(command[6::2], command[7::2], strict=False))
    assert options["--queues"] == "p-sizing"
    assert options["--concurrency"] == str(FAMILIES["sizing"].concurrency)
    monkeypatch.setenv("WORKER_CONCURRENCY", "7")
    assert "7" in worker_command("sizing")
    with pytest.raises(SystemExit, match="unknown worker family 'bid'"):
        worker_command("bid")


@pytest.fixture
def workload(tenant, house, tariff_table, load_data, token_client, settings):  # noqa: F811
    """A household with a year of weather and prices (sizing) and a DK1 pool with three weeks
    of prices and heat demand (bidding), and a client to request both as the tenant would."""
    requires_services()
    load_data(dt.datetime(2022, 12, 30, tzinfo=dt.UTC), dt.datetime(2024, 1, 2, tzinfo=dt.UTC))
    world = build_pool(tenant, name="West")
    load_around(world, DELIVERY_DAY)
    prefix = f"t{uuid.uuid4().hex[:8]}-"
    settings.JOB_QUEUE_PREFIX = prefix
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = token_client(tenant)
    sizing_input = household_sizing_input(  # the household tests' request, made long
        house,
        tariff_table,
        priceSeriesId=gid("Series", house["prices"]),
        representativeDayCount=12,
        paretoPointCount=6,
    )
    bid_input = {
        "poolId": gid("Pool", world["pool"]),
        "deliveryDay": DELIVERY_DAY.isoformat(),
        "mtuMinutes": 60,
        "scenarioCount": 4,
    }

    def request(document: str, payload: dict) -> int:
        body = client.execute(document, {"input": payload})
        assert "errors" not in body, body["errors"]
        (result,) = body["data"].values()
        from strawberry import relay

        return int(relay.GlobalID.from_id(result["job"]["id"]).node_id)

    return {
        "prefix": prefix,
        "sizing": lambda: request(SIZING, sizing_input),
        "bid_plan": lambda: request(BID_PLAN, bid_input),
    }


def wait_for(job_id: int, predicate, timeout_s: float = 300.0) -> Job:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = Job.objects.get(pk=job_id)
        if predicate(job):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} stuck in {job.status} ({job.progress_message})")


def start_workers(start_service, prefix: str, commands: dict[str, list[str]]) -> None:
    env = production_env(JOB_QUEUE_PREFIX=prefix, AINERGY_CELERY_WORKER="1")
    workers = [start_service(name, command, env) for name, command in commands.items()]
    for worker in workers:
        worker.wait_for_log(r"\bready\.", timeout_s=180)


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_long_sizing_study_does_not_delay_a_bid_plan_with_one_worker_per_family(
    workload, start_service, monkeypatch
):
    # given the sizing and bidding workers started exactly as deployed
    prefix = workload["prefix"]
    monkeypatch.setenv("JOB_QUEUE_PREFIX", prefix)
    start_workers(
        start_service,
        prefix,
        {family: worker_command(family, "--without-gossip", "--without-mingle")
         for family in ("sizing", "bidding")},
    )  # fmt: skip
    # when a sizing study is running and a bid plan is requested
    sizing = workload["sizing"]()
    wait_for(sizing, lambda job: job.status == "running")
    bid_plan = workload["bid_plan"]()
    # then the bid plan runs to completion while the study is still running
    plan = wait_for(bid_plan, lambda job: job.is_finished)
    study = Job.objects.get(pk=sizing)
    assert plan.status == "succeeded", plan.error_message
    assert study.status == "running", (study.status, study.error_message)
    # and the study itself completes
    assert wait_for(sizing, lambda job: job.is_finished).status == "succeeded"


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_control_one_shared_worker_makes_the_bid_plan_wait_for_the_study(workload, start_service):
    # given one worker consuming both queues with one child (what the old `make worker` did)
    prefix = workload["prefix"]
    command = [sys.executable, "-m", "celery", "-A", "ainergy.celery", "worker",
               "-Q", f"{prefix}sizing,{prefix}bidding", "-c", "1", "-n", f"{prefix}all@%h",
               "-l", "INFO", "--without-gossip", "--without-mingle"]  # fmt: skip
    start_workers(start_service, prefix, {"shared": command})
    # when
    sizing = workload["sizing"]()
    wait_for(sizing, lambda job: job.status == "running")
    bid_plan = workload["bid_plan"]()
    # then the bid plan starts only once the study has finished
    plan = wait_for(bid_plan, lambda job: job.is_finished)
    study = Job.objects.get(pk=sizing)
    assert (plan.status, study.status) == ("succeeded", "succeeded")
    assert plan.started_at >= study.finished_at
