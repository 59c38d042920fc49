from __future__ import annotations

import strawberry
import strawberry_django
from strawberry_django.relay import DjangoListConnection

from ainergy.graphql.nodes import node_field
from ainergy.graphql.permissions import READ
from ainergy.jobs.graphql.types import JobType


@strawberry.type
class Query:
    jobs: DjangoListConnection[JobType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's jobs, newest first."
    )
    job: JobType = node_field(JobType, "One job by id.")
