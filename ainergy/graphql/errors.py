"""Error formatting: domain errors keep their message and get a code; the rest are masked."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from graphql.error import GraphQLError
from strawberry.extensions import MaskErrors

from ainergy.common.errors import ApplicationError

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
    if original is None or isinstance(original, ApplicationError):
        return False
    return not (
        isinstance(original, ValueError) and str(original).startswith(SAFE_VALUE_ERROR_PREFIXES)
    )


def format_error(error: GraphQLError, *, debug: bool) -> GraphQLError:
    original = error.original_error
    if isinstance(original, ApplicationError):
        return _with_extensions(error, original.message, {"code": original.code, **original.extra})
    if original is None:
        code = (error.extensions or {}).get("code", "GRAPHQL_VALIDATION_FAILED")
        return _with_extensions(error, error.message, {**(error.extensions or {}), "code": code})
    if isinstance(original, ValueError) and str(original).startswith(SAFE_VALUE_ERROR_PREFIXES):
        return _with_extensions(error, str(original), {"code": "BAD_USER_INPUT"})
    if debug:
        return _with_extensions(error, error.message, {"code": "INTERNAL"})
    return _with_extensions(error, MASKED_MESSAGE, {"code": "INTERNAL"})


class ErrorFormatter(MaskErrors):
    """MaskErrors that also attaches ``extensions.code`` (and field/reason for bad input)."""

    def __init__(self, debug: Callable[[], bool] | None = None) -> None:
        super().__init__()
        self._debug = debug or (lambda: settings.DEBUG)

    def _process_errors(self, errors: list[GraphQLError]) -> list[GraphQLError]:
        debug = self._debug()
        return [format_error(error, debug=debug) for error in errors]
