"""Driving the pipeline: enrolment, the advance pass, step jobs, alerts and fallbacks, reruns.

``pipeline_advance`` is what beat triggers (timeline-derived entries plus a short tick). For every
enabled enrolment and every delivery day whose timeline is under way it walks the planned steps
in order, idempotently: a step not yet started starts when its earliest time has come and what it
needs is done; a running step becomes DONE when its jobs succeeded, FAILED when one failed,
MISSED when its deadline passes first. FAILED and MISSED raise an alert (the step's job status,
a structured log line, a signed ``deadline.missed`` / ``step.failed`` webhook) and record the
step's safe fallback; steps that needed it are SKIPPED and the publication carries the fallback
out. Each enrolment is advanced under a row lock, so overlapping passes never double-start.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.conf import settings
from django.db import transaction

from ainergy.common.errors import ApplicationError, NotFoundError, ValidationError
from ainergy.common.ids import global_id
from ainergy.common.timegrid import LOCAL_TZ
from ainergy.jobs.models import FINISHED_STATUSES, Job, JobStatus
from ainergy.jobs.services import JobContext, job_enqueue
from ainergy.pipeline import clock, events, webhooks
from ainergy.pipeline.models import (
    FINAL_STEP_STATUSES,
    PipelineAlert,
    PipelineEnrollment,
    PipelineStepRun,
    StepStatus,
)
from ainergy.pipeline.steps import StepContext, steps_of
from ainergy.pipeline.timeline import PlannedStep, household_plan, pool_plan

logger = logging.getLogger("ainergy.pipeline")

STEP_JOB_KIND = "pipeline_step"


class DeadlineMissedError(ApplicationError):
    code = "APPLICATION_ERROR"


# --- enrolment ---------------------------------------------------------------------------


@transaction.atomic
def enrollment_create(
    *, tenant, pool=None, site=None, parameters: dict | None = None
) -> PipelineEnrollment:
    """Put a pool or a household under the daily pipeline (one enrolment each)."""
    if (pool is None) == (site is None):
        raise ValidationError("pool_id", "give a pool or a household site")
    owner = pool or site
    if owner.tenant_id != tenant.pk:
        raise NotFoundError("Pool not found." if pool else "Site not found.")
    if pool is not None and pool.retired_at is not None:
        raise ValidationError("pool_id", f"pool {pool.name!r} is retired")
    existing = PipelineEnrollment.objects.filter(pool=pool) if pool else None
    if site is not None:
        from ainergy.pipeline.steps import _household_pump

        if _household_pump(site) is None:
            raise ValidationError("site_id", f"site {site.name!r} has no household heat pump")
        existing = PipelineEnrollment.objects.filter(site=site)
    if existing.exists():
        raise ValidationError(
            "pool_id" if pool else "site_id", "already enrolled in the daily pipeline"
        )
    enrollment = PipelineEnrollment.objects.create(
        tenant=tenant, pool=pool, site=site, parameters=parameters or {}, active_from_at=clock.now()
    )
    for day in _active_days(clock.now()):  # the plan must be computable (rules exist)
        plan_of(enrollment, day)
    return enrollment


@transaction.atomic
def enrollment_set_enabled(*, tenant, enrollment_id: int, is_enabled: bool) -> PipelineEnrollment:
    enrollment = PipelineEnrollment.objects.for_tenant(tenant).filter(pk=enrollment_id).first()
    if enrollment is None:
        raise NotFoundError("Pipeline enrollment not found.")
    enrollment.is_enabled = is_enabled
    enrollment.save(update_fields=["is_enabled"])
    return enrollment


# --- the plan of a day --------------------------------------------------------------------


def plan_of(enrollment: PipelineEnrollment, day: dt.date) -> list[PlannedStep]:
    if enrollment.pool_id:
        return pool_plan(enrollment.pool, day, enrollment.parameters.get("product_codes"))
    return household_plan(enrollment.site, day)


def _active_days(now: dt.datetime) -> list[dt.date]:
    """Delivery days whose pipeline may be under way at ``now``: local today and tomorrow."""
    today = now.astimezone(LOCAL_TZ).date()
    return [today, today + dt.timedelta(days=1)]


# --- alerts -------------------------------------------------------------------------------


def alert_raise(
    run: PipelineStepRun, kind: str, message: str, fallback: str, now: dt.datetime
) -> PipelineAlert:
    alert, created = PipelineAlert.objects.get_or_create(
        step_run=run,
        kind=kind,
        defaults={
            "tenant_id": run.tenant_id,
            "message": message[:2000],
            "fallback_action": fallback[:300],
            "raised_at": now,
        },
    )
    if not created:
        return alert
    target = run.enrollment.pool or run.enrollment.site
    payload = {
        "alert_id": global_id(alert),
        "step": run.step,
        "delivery_day": run.delivery_day.isoformat(),
        "pool_id": global_id(run.enrollment.pool) if run.enrollment.pool_id else None,
        "site_id": global_id(run.enrollment.site) if run.enrollment.site_id else None,
        "deadline_at": run.deadline_at.isoformat(),
        "message": alert.message,
        "fallback_action": alert.fallback_action,
    }
    logger.error(
        "pipeline alert: %s %s of %s for %s: %s; fallback: %s",
        kind,
        run.step,
        target,
        run.delivery_day.isoformat(),
        message,
        fallback,
        extra={"event": f"pipeline.{kind}", **{f"alert_{k}": v for k, v in payload.items()}},
    )
    event = "deadline.missed" if kind == PipelineAlert.Kind.DEADLINE_MISSED else "step.failed"
    webhooks.event_emit(tenant_id=run.tenant_id, event=event, payload=payload)
    transaction.on_commit(
        lambda: events.broadcast([events.tenant_group(run.tenant_id)], event, payload)
    )
    return alert


# --- one advance pass ---------------------------------------------------------------------


def _jobs(run: PipelineStepRun) -> list[Job]:
    ids = run.detail.get("job_ids") or ([run.job_id] if run.job_id else [])
    return list(Job.objects.filter(pk__in=ids))


def _start(ctx: StepContext, planned: PlannedStep) -> PipelineStepRun:
    step = steps_of(ctx.enrollment)[planned.step]
    run = PipelineStepRun.objects.create(
        tenant=ctx.tenant,
        enrollment=ctx.enrollment,
        delivery_day=ctx.day,
        step=planned.step,
        status=StepStatus.RUNNING,
        earliest_at=planned.earliest_at,
        deadline_at=planned.deadline_at,
        started_at=ctx.now,
    )
    ctx.run = run
    try:
        with transaction.atomic():
            jobs = step.ensure(ctx)
            if jobs is None:
                jobs = [
                    job_enqueue(
                        tenant=ctx.tenant,
                        kind=STEP_JOB_KIND,
                        parameters={"step_run_id": run.pk, "mode": "run"},
                    )
                ]
    except ApplicationError as error:
        _finish_failed(ctx, run, f"{error.message}", step.fallback(ctx))
        return run
    run.job = jobs[-1]
    run.detail = {**run.detail, "job_ids": [job.pk for job in jobs]}
    run.save(update_fields=["job", "detail"])
    return run


def _finish_failed(ctx: StepContext, run: PipelineStepRun, message: str, fallback: str) -> None:
    run.status = StepStatus.FAILED
    run.finished_at = ctx.now
    run.is_on_time = False
    run.fallback_action = fallback
    run.detail = {**run.detail, "error": message[:1000]}
    run.save()
    alert_raise(run, PipelineAlert.Kind.STEP_FAILED, message, fallback, ctx.now)


def _miss(ctx: StepContext, run: PipelineStepRun | None, planned: PlannedStep) -> PipelineStepRun:
    step = steps_of(ctx.enrollment)[planned.step]
    fallback = step.fallback(ctx)
    if run is None:
        run = PipelineStepRun.objects.create(
            tenant=ctx.tenant,
            enrollment=ctx.enrollment,
            delivery_day=ctx.day,
            step=planned.step,
            status=StepStatus.MISSED,
            earliest_at=planned.earliest_at,
            deadline_at=planned.deadline_at,
            started_at=ctx.now,
        )
    message = (
        f"{planned.step} of {ctx.day.isoformat()} not done by its deadline "
        f"{planned.deadline_at:%Y-%m-%dT%H:%MZ} (pipeline clock {ctx.now:%Y-%m-%dT%H:%MZ})"
    )
    for job in _jobs(run):
        if job.status not in FINISHED_STATUSES:
            Job.objects.filter(pk=job.pk, status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(
                status=JobStatus.CANCELLED,
                finished_at=dt.datetime.now(dt.UTC),
                progress_message=f"cancelled: deadline missed; fallback: {fallback}"[:300],
            )
    # the alert's job: a record of the miss and the fallback taken, failed with the reason
    record = job_enqueue(
        tenant=ctx.tenant,
        kind=STEP_JOB_KIND,
        parameters={"step_run_id": run.pk, "mode": "missed", "message": message,
                    "fallback": fallback},
    )  # fmt: skip
    run.status = StepStatus.MISSED
    run.finished_at = ctx.now
    run.is_on_time = False
    run.fallback_action = fallback
    run.fallback_job = record
    run.detail = {**run.detail, "error": message}
    run.save()
    alert_raise(run, PipelineAlert.Kind.DEADLINE_MISSED, message, fallback, ctx.now)
    return run


def _settle(ctx: StepContext, run: PipelineStepRun, planned: PlannedStep) -> bool:
    """Bring a RUNNING step up to date with its jobs; True when it changed."""
    jobs = _jobs(run)
    if jobs and all(job.status == JobStatus.SUCCEEDED for job in jobs):
        run.status = StepStatus.DONE
        run.finished_at = ctx.now
        run.is_on_time = ctx.now <= run.deadline_at
        run.detail = {**run.detail, "result": jobs[-1].result_summary}
        run.save()
        for job in jobs:
            _job_finished_event(run, job)
        return True
    failed = [job for job in jobs if job.status in (JobStatus.FAILED, JobStatus.CANCELLED)]
    if failed:
        job = failed[0]
        step = steps_of(ctx.enrollment)[run.step]
        for each in jobs:
            if each.is_finished:
                _job_finished_event(run, each)
        _finish_failed(
            ctx,
            run,
            f"job {job.pk} {job.status}: {job.error_message or job.progress_message}",
            step.fallback(ctx),
        )
        return True
    if ctx.now > run.deadline_at:
        _miss(ctx, run, planned)
        return True
    return False


def _job_finished_event(run: PipelineStepRun, job: Job) -> None:
    webhooks.event_emit(
        tenant_id=run.tenant_id,
        event="job.finished",
        payload={
            "job_id": global_id(job),
            "kind": job.kind,
            "status": job.status,
            "step": run.step,
            "delivery_day": run.delivery_day.isoformat(),
        },
    )


def advance_enrollment(enrollment: PipelineEnrollment, day: dt.date, now: dt.datetime) -> dict:
    """One pass over one enrolment's day; returns {"changes": n, "running": m}."""
    plan = plan_of(enrollment, day)
    if enrollment.active_from_at and min(p.earliest_at for p in plan) < enrollment.active_from_at:
        return {"changes": 0, "running": 0}  # the day's timeline began before enrolment
    runs = {
        run.step: run
        for run in PipelineStepRun.objects.filter(enrollment=enrollment, delivery_day=day)
    }
    steps = steps_of(enrollment)
    changes = running = 0
    for planned in plan:
        ctx = StepContext(enrollment=enrollment, day=day, planned=planned, now=now)
        run = runs.get(planned.step)
        if run is not None:
            ctx.run = run
            if run.status == StepStatus.RUNNING:
                if _settle(ctx, run, planned):
                    changes += 1
                running += run.status == StepStatus.RUNNING
            continue
        if now < planned.earliest_at:
            continue
        after = [runs.get(name) for name in planned.after]
        if any(dep is None or dep.status not in FINAL_STEP_STATUSES for dep in after):
            if now > planned.deadline_at:  # what it waits for never finished in time
                runs[planned.step] = _miss(ctx, None, planned)
                changes += 1
            continue
        step = steps[planned.step]
        unmet = [name for name in step.needs if runs[name].status != StepStatus.DONE]
        if unmet:
            runs[planned.step] = PipelineStepRun.objects.create(
                tenant=enrollment.tenant,
                enrollment=enrollment,
                delivery_day=day,
                step=planned.step,
                status=StepStatus.SKIPPED,
                earliest_at=planned.earliest_at,
                deadline_at=planned.deadline_at,
                started_at=now,
                finished_at=now,
                fallback_action=f"skipped: {', '.join(unmet)} did not succeed",
            )
            changes += 1
            continue
        if now > planned.deadline_at:
            runs[planned.step] = _miss(ctx, None, planned)
            changes += 1
            continue
        runs[planned.step] = run = _start(ctx, planned)
        changes += 1
        running += run.status == StepStatus.RUNNING
    return {"changes": changes, "running": running}


def pipeline_advance(*, zone: str | None = None, now: dt.datetime | None = None) -> dict:
    """Advance every enabled enrolment (of ``zone``) on the pipeline clock; idempotent."""
    now = now or clock.now()
    totals = {"changes": 0, "running": 0, "enrollments": 0}
    candidates = PipelineEnrollment.objects.filter(is_enabled=True).order_by("id")
    if zone:
        candidates = candidates.filter(models_q_zone(zone))
    for enrollment_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            enrollment = (
                PipelineEnrollment.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "tenant", "pool__bidding_zone", "pool__market_account", "site__bidding_zone"
                )  # fmt: skip
                .filter(pk=enrollment_id, is_enabled=True)
                .first()
            )
            if enrollment is None:
                continue  # another pass holds it
            totals["enrollments"] += 1
            for day in _active_days(now):
                try:
                    result = advance_enrollment(enrollment, day, now)
                except ApplicationError as error:
                    logger.error("pipeline: enrolment %s day %s: %s", enrollment.pk, day, error)
                    continue
                totals["changes"] += result["changes"]
                totals["running"] += result["running"]
    totals["at"] = now.isoformat()
    _heartbeat(totals)
    return totals


def models_q_zone(zone: str):
    from django.db.models import Q

    return Q(pool__bidding_zone__code=zone) | Q(site__bidding_zone__code=zone)


def _heartbeat(totals: dict) -> None:
    """The last pass's outcome in Redis (the simulated-day test waits on it)."""
    key = clock.simulated_key()
    if not key or not settings.REDIS_URL:
        return
    import json

    clock._redis(settings.REDIS_URL).set(f"{key}:advance", json.dumps(totals), ex=3600)


# --- the step job -------------------------------------------------------------------------


def pipeline_step_run(context: JobContext) -> dict[str, Any]:
    """Runner of ``pipeline_step`` jobs: a step's own work, or the record of a missed step."""
    params = context.job.parameters
    run = (
        PipelineStepRun.objects.select_related(
            "enrollment__tenant", "enrollment__pool", "enrollment__site"
        )
        .filter(tenant_id=context.job.tenant_id, pk=params["step_run_id"])
        .first()
    )
    if run is None:
        raise NotFoundError("Step run not found.")
    if params.get("mode") == "missed":
        raise DeadlineMissedError(
            f"{params['message']}; fallback: {params['fallback']}",
            {"step": run.step, "fallback": params["fallback"]},
        )
    enrollment = run.enrollment
    planned = next(p for p in plan_of(enrollment, run.delivery_day) if p.step == run.step)
    ctx = StepContext(enrollment=enrollment, day=run.delivery_day, planned=planned,
                      now=clock.now(), run=run)  # fmt: skip
    context.report_progress(0.1, f"{run.step} of {run.delivery_day.isoformat()}")
    result = steps_of(enrollment)[run.step].execute(ctx)
    return {"step": run.step, "delivery_day": run.delivery_day.isoformat(), **result}


# --- reruns -------------------------------------------------------------------------------


@transaction.atomic
def step_rerun(*, tenant, step_run_id: int) -> tuple[PipelineStepRun, list[Job]]:
    """Run a finished step again for the same day: the same inputs give the same outputs and
    nothing is duplicated (forecast runs, plans and schedules are found again; fetches upsert;
    submission, results and publication compare content). The step's recorded outcome (status,
    on time) stays; the rerun's jobs are listed in ``detail.rerun_job_ids``."""
    run = (
        PipelineStepRun.objects.for_tenant(tenant)
        .select_for_update()
        .filter(pk=step_run_id)
        .first()
    )
    if run is None:
        raise NotFoundError("Step run not found.")
    if run.status == StepStatus.RUNNING:
        raise ValidationError("id", "the step is still running")
    enrollment = run.enrollment
    planned = next(p for p in plan_of(enrollment, run.delivery_day) if p.step == run.step)
    ctx = StepContext(enrollment=enrollment, day=run.delivery_day, planned=planned,
                      now=clock.now(), run=run)  # fmt: skip
    step = steps_of(enrollment)[run.step]
    jobs = step.ensure(ctx)
    if jobs is None:
        jobs = [
            job_enqueue(
                tenant=tenant, kind=STEP_JOB_KIND, parameters={"step_run_id": run.pk, "mode": "run"}
            )
        ]
    run.reruns += 1
    run.detail = {**run.detail, "rerun_job_ids": [job.pk for job in jobs]}
    run.save(update_fields=["reruns", "detail"])
    return run, jobs


def pipeline_advance_locked(*, zone: str | None = None) -> dict:
    """``pipeline_advance`` unless another pass holds the Redis lock (beat fires often)."""
    if not settings.REDIS_URL:
        return pipeline_advance(zone=zone)
    lock = clock._redis(settings.REDIS_URL).lock(
        f"{settings.JOB_QUEUE_PREFIX}pipeline-advance", timeout=300, blocking=False
    )
    if not lock.acquire(blocking=False):
        return {"skipped": "another pass is running"}
    try:
        return pipeline_advance(zone=zone)
    finally:
        try:
            lock.release()
        except Exception:  # noqa: BLE001 - expired lock: the next pass takes over
            logger.warning("pipeline advance lock expired before release")
