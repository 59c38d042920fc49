"""Reads of the pipeline, always within one tenant."""

from __future__ import annotations

import datetime as dt

from ainergy.assets.models import Pool, Site
from ainergy.common.errors import NotFoundError
from ainergy.pipeline.models import PipelineEnrollment, PipelineStepRun
from ainergy.pipeline.timeline import household_plan, market_milestones, pool_anchors, pool_plan


def timeline(tenant, *, day: dt.date, pool_id: int | None = None, site_id: int | None = None):
    """(milestones, steps) of a pool's or household's day; steps carry status and run."""
    if pool_id is not None:
        pool = (
            Pool.objects.for_tenant(tenant)
            .select_related("bidding_zone", "market_account")
            .filter(pk=pool_id)
            .first()
        )
        if pool is None:
            raise NotFoundError("Pool not found.", {"field": "pool_id"})
        enrollment = PipelineEnrollment.objects.filter(tenant=tenant, pool=pool).first()
        codes = enrollment.parameters.get("product_codes") if enrollment else None
        _, milestones = pool_anchors(pool, day, codes)
        plan = pool_plan(pool, day, codes)
    else:
        site = (
            Site.objects.for_tenant(tenant)
            .select_related("bidding_zone")
            .filter(pk=site_id)
            .first()
        )
        if site is None:
            raise NotFoundError("Site not found.", {"field": "site_id"})
        enrollment = PipelineEnrollment.objects.filter(tenant=tenant, site=site).first()
        milestones = market_milestones(site.bidding_zone.code, day, ["day_ahead"])
        plan = household_plan(site, day)
    runs = {}
    if enrollment is not None:
        runs = {
            run.step: run
            for run in PipelineStepRun.objects.filter(enrollment=enrollment, delivery_day=day)
        }
    rows = []
    for planned in plan:
        run = runs.get(planned.step)
        rows.append(
            {
                "step": planned.step,
                "earliest_at": planned.earliest_at,
                "deadline_at": planned.deadline_at,
                "after": list(planned.after),
                "status": run.status if run else "pending",
                "run": run,
                "job_id": run.job_id if run else None,
            }
        )
    return milestones, rows
