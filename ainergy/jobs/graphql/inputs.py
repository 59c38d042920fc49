from __future__ import annotations

import strawberry

from ainergy.graphql.vocabulary import graphql_enum

DiagnosticFailureEnum = graphql_enum(
    "DiagnosticFailure",
    "How a diagnostic job should fail, to test a client's error handling.",
    {
        "ERROR": ("error", "Fail for good with APPLICATION_ERROR."),
        "TRANSIENT": ("transient", "Fail with TRANSIENT (retried, then failed)."),
    },
)


@strawberry.input(description="A diagnostic job that checks the queue → worker → database path.")
class DiagnosticJobInput:
    steps: int = strawberry.field(default=3, description="Progress steps to report, 1 to 20.")
    step_delay_s: float = strawberry.field(
        default=0.0, description="Pause between steps [s], 0 to 5."
    )
    fail_with: DiagnosticFailureEnum | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Fail this way; null to succeed."
    )
