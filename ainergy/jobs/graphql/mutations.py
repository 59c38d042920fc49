from __future__ import annotations

from typing import Annotated

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import WRITE
from ainergy.jobs import services
from ainergy.jobs.diagnostics import diagnostic_parameters
from ainergy.jobs.graphql.inputs import DiagnosticJobInput
from ainergy.jobs.graphql.types import JobType
from ainergy.jobs.selectors import job_get


@strawberry.type
class Mutation:
    @strawberry.mutation(
        extensions=[WRITE], description="Cancel a queued or running job (no effect once final)."
    )
    def job_cancel(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="The job's id.")],
    ) -> JobType:
        return services.job_cancel(tenant=info.context.tenant, job_id=decode_id(id, "Job"))

    @strawberry.mutation(
        extensions=[WRITE],
        description="Queue a diagnostic job; follow it with `job(id:)` to see a worker run it.",
    )
    def diagnostic_job_request(
        self,
        info: Info,
        input: Annotated[
            DiagnosticJobInput, strawberry.argument(description="How the job should behave.")
        ],
    ) -> JobType:
        job = services.job_enqueue(
            tenant=info.context.tenant,
            kind="diagnostic",
            parameters=diagnostic_parameters(
                steps=input.steps,
                step_delay_s=input.step_delay_s,
                fail_with=input.fail_with.value if input.fail_with else "",
            ),
            created_by=info.context.principal.user,
        )
        return job_get(info.context.tenant, job.pk)
