from __future__ import annotations

from django.db.models import QuerySet

from ainergy.common.errors import NotFoundError
from ainergy.jobs.models import Job


def job_list(tenant, *, status: str | None = None, kind: str | None = None) -> QuerySet[Job]:
    jobs = Job.objects.for_tenant(tenant)
    if status:
        jobs = jobs.filter(status=status)
    if kind:
        jobs = jobs.filter(kind=kind)
    return jobs


def job_get(tenant, job_id: int) -> Job:
    try:
        return job_list(tenant).get(pk=job_id)
    except (Job.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Job not found.") from None
