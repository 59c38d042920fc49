"""One error family for the whole platform.

Pure Python (no Django): the optimization and forecasting cores raise these too, so that the
service layer, Celery tasks and GraphQL translate them in one place.
"""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A domain failure with a human-readable message and structured details.

    ``extra`` carries machine-readable context, e.g. ``{"field": "power_kw", "reason": "..."}``.
    Terminal: retrying the same input gives the same failure.
    """

    code = "APPLICATION_ERROR"

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = dict(extra or {})

    def __str__(self) -> str:
        return self.message


class ValidationError(ApplicationError):
    """Bad input: names the offending field and the reason."""

    code = "VALIDATION_ERROR"

    def __init__(self, field: str, reason: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(f"{field}: {reason}", {"field": field, "reason": reason, **(extra or {})})
        self.field = field
        self.reason = reason


class PayloadTooLargeError(ApplicationError):
    """A request body over the configured limit (HTTP 413)."""

    code = "PAYLOAD_TOO_LARGE"


class NotFoundError(ApplicationError):
    """The object does not exist *or* belongs to another tenant (same message for both)."""

    code = "NOT_FOUND"


class PermissionDeniedError(ApplicationError):
    """The caller is authenticated but lacks the role or scope for the action."""

    code = "PERMISSION_DENIED"


class InfeasibleError(ApplicationError):
    """An optimization has no feasible solution.

    ``extra`` names the constraint family (``extra["constraint_family"]``) and, where known, the
    periods that conflict (``extra["periods"]``).
    """

    code = "INFEASIBLE"


class TransientError(ApplicationError):
    """A failure worth retrying: network error, HTTP 429/5xx, solver time-out, lock contention."""

    code = "TRANSIENT"


class AuthenticationError(ApplicationError):
    """No valid credentials: malformed, unknown, expired or revoked token, or no session."""

    code = "UNAUTHENTICATED"
