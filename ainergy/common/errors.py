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
    """Bad input: names each offending field and the reason.

    One error may carry several ``issues`` (``(field, reason)`` pairs), so that a caller learns
    everything wrong with an input at once. ``field`` is a Python path into the input
    (``heat_pumps[1].carnot_quality_grade``); the GraphQL layer turns it into the GraphQL path.
    ``field`` and ``reason`` are those of the first issue.
    """

    code = "VALIDATION_ERROR"

    def __init__(self, field: str, reason: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(f"{field}: {reason}", {"field": field, "reason": reason, **(extra or {})})
        self.field = field
        self.reason = reason
        self.issues: list[tuple[str, str]] = [(field, reason)]

    @classmethod
    def of(cls, issues: list[tuple[str, str]]) -> ValidationError:
        """One error listing every issue (at least one), in the order found."""
        if not issues:
            raise ValueError("a ValidationError needs at least one issue")
        error = cls(*issues[0])
        error.issues = list(issues)
        if len(issues) > 1:
            error.message = "; ".join(f"{field}: {reason}" for field, reason in issues)
            error.args = (error.message,)
        return error


class Issues:
    """Collects the validation issues of one input, then raises them together.

    >>> issues = Issues()
    >>> with issues.collect():      # a ValidationError raised inside is recorded, not raised
    ...     check_something()
    >>> issues.add("power_kw", "must be positive")
    >>> issues.raise_if_any()       # one ValidationError listing all of them
    """

    def __init__(self) -> None:
        self.items: list[tuple[str, str]] = []

    def __bool__(self) -> bool:
        return bool(self.items)

    def add(self, field: str, reason: str) -> None:
        self.items.append((field, reason))

    def collect(self, prefix: str = ""):
        return _Collect(self, prefix)

    def raise_if_any(self) -> None:
        if self.items:
            raise ValidationError.of(self.items)


class _Collect:
    def __init__(self, issues: Issues, prefix: str) -> None:
        self.issues = issues
        self.prefix = prefix

    def __enter__(self) -> Issues:
        return self.issues

    def __exit__(self, kind, error, traceback) -> bool:
        if isinstance(error, ValidationError):
            for field, reason in error.issues:
                self.issues.add(join_path(self.prefix, field), reason)
            return True
        return False


def join_path(prefix: str, field: str) -> str:
    """``join_path("heat_pumps[1]", "kind")`` → ``heat_pumps[1].kind``; indices stay attached."""
    if not prefix:
        return field
    if not field:
        return prefix
    return f"{prefix}{field}" if field.startswith("[") else f"{prefix}.{field}"


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
