from __future__ import annotations

import strawberry
import strawberry_django

from ainergy.graphql.connection import Connection
from ainergy.graphql.nodes import node_field
from ainergy.graphql.permissions import READ
from ainergy.jobs.graphql.types import JobType


@strawberry.type
class Query:
    jobs: Connection[JobType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's jobs, newest first."
    )
    job: JobType = node_field(JobType, "One job by id.")
