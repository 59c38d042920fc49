"""Error formatting: domain errors keep their message and get a code; the rest are masked.

A ``ValidationError`` listing several issues becomes one GraphQL error per issue, each with
``extensions.code = VALIDATION_ERROR``, ``extensions.field`` (the GraphQL input path, see
``ainergy.graphql.paths``) and ``extensions.reason``; so one response lists every problem of an
input.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from ainergy.common.errors import ApplicationError, ValidationError

MASKED_MESSAGE = "Unexpected error."
SAFE_VALUE_ERROR_PREFIXES = (
    "Argument 'first'",
    "Argument 'last'",
    "Argument 'before'",
    "Argument 'after'",
)


def _with_extensions(error: GraphQLError, message: str, extensions: dict) -> GraphQLError:
    return GraphQLError(
        message=message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=None,
        extensions=extensions,
    )


def is_unexpected(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or isinstance(original, ApplicationError | GraphQLError):
        return False
    return not (
        isinstance(original, ValueError) and str(original).startswith(SAFE_VALUE_ERROR_PREFIXES)
    )


def format_error(error: GraphQLError, *, debug: bool) -> GraphQLError:
    return format_errors(error, debug=debug)[0]


def format_errors(error: GraphQLError, *, debug: bool) -> list[GraphQLError]:
    original = error.original_error
    if isinstance(original, ValidationError):
        extra = {k: v for k, v in original.extra.items() if k not in ("field", "reason")}
        return [
            _with_extensions(
                error,
                f"{field}: {reason}",
                {"code": original.code, "field": field, "reason": reason, **extra},
            )
            for field, reason in original.issues
        ]
    if isinstance(original, ApplicationError):
        return [
            _with_extensions(error, original.message, {"code": original.code, **original.extra})
        ]
    if original is None:
        code = (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
        return [_with_extensions(error, error.message, {**(error.extensions or {}), "code": code})]
    if isinstance(original, ValueError) and str(original).startswith(SAFE_VALUE_ERROR_PREFIXES):
        return [_with_extensions(error, str(original), {"code": "BAD_USER_INPUT"})]
    if isinstance(original, GraphQLError):
        # graphql-core's own coercion errors (a variable that is not a value of its type, e.g.
        # an unknown enum value): the caller's input, and the message names the variable.
        return [_with_extensions(error, error.message, {"code": "BAD_USER_INPUT"})]
    if debug:
        return [_with_extensions(error, error.message, {"code": "INTERNAL"})]
    return [_with_extensions(error, MASKED_MESSAGE, {"code": "INTERNAL"})]


class ErrorFormatter(MaskErrors):
    """MaskErrors that also attaches ``extensions.code`` (and field/reason for bad input)."""

    def __init__(self, debug: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self._debug = debug or (lambda: settings.DEBUG)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        debug = self._debug()
        return [formatted for error in errors for formatted in format_errors(error, debug=debug)]
