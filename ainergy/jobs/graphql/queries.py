from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import relay
from strawberry_django.relay import DjangoListConnection

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import READ
from ainergy.jobs.graphql.types import JobType
from ainergy.jobs.selectors import job_get


@strawberry.type
class Query:
    jobs: DjangoListConnection[JobType] = strawberry_django.connection(extensions=[READ])

    @strawberry.field(extensions=[READ])
    def job(self, info: Info, id: relay.GlobalID) -> JobType:
        return job_get(info.context.tenant, decode_id(id, "Job", "Job"))
