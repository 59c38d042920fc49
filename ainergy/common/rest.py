"""Small JSON endpoints for devices (telemetry in, schedules out), authenticated like GraphQL.

The caller was resolved by ``tenants.middleware.TenantMiddleware``; ``json_endpoint`` checks the
grant, parses the body, and turns domain errors into JSON with the right status code.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ainergy.common.errors import (
    ApplicationError,
    AuthenticationError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    ValidationError,
)
from tenants.audit import audit_record

logger = logging.getLogger(__name__)

STATUS = {
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    NotFoundError: 404,
    PayloadTooLargeError: 413,
    ValidationError: 400,
}


def error_response(error: ApplicationError) -> JsonResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 422)
    body = {"errors": [{"message": error.message, "code": error.code, **error.extra}]}
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="ainergy"'
    return response


def _too_large() -> PayloadTooLargeError:
    limit = settings.REST_MAX_BODY_BYTES
    return PayloadTooLargeError(
        f"body: larger than the limit of {limit} bytes; send smaller batches",
        {"field": "body", "reason": f"larger than {limit} bytes", "limit": limit},
    )


def internal_error_response() -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": "Unexpected error.", "code": "INTERNAL"}]}, status=500
    )


def parse_json_body(request: HttpRequest) -> object:
    """The JSON body; too large (checked on the declared length before reading), not UTF-8,
    not JSON, too deeply nested or with absurdly long numbers are named errors, never a 500."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise ValidationError("body", "invalid Content-Length header") from None
    if declared > settings.REST_MAX_BODY_BYTES:
        raise _too_large()
    try:
        body = request.body
    except RequestDataTooBig:
        raise _too_large() from None
    if len(body) > settings.REST_MAX_BODY_BYTES:
        raise _too_large()
    try:
        return json.loads(body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValidationError("body", f"not valid JSON ({error})") from None
    except RecursionError:
        raise ValidationError("body", "JSON nested too deeply") from None
    except ValueError as error:  # e.g. an integer literal over Python's 4300-digit limit
        raise ValidationError("body", f"unreadable JSON value ({error})") from None


MAX_PARAMETER_CHARS = 200


def _check_parameters(path: dict, query) -> None:
    """Path and query parameters are short text without NUL (PostgreSQL refuses NUL)."""
    for name, value in [*path.items(), *query.items()]:
        if len(str(value)) > MAX_PARAMETER_CHARS:
            raise ValidationError(name, f"longer than {MAX_PARAMETER_CHARS} characters")
        if "\x00" in str(value):
            raise ValidationError(name, "contains a NUL character")


def json_endpoint(
    *, methods: tuple[str, ...], grant: str, allow_session_reads: bool = False
) -> Callable:
    """Decorate ``view(request, principal, **kwargs) -> dict | HttpResponse`` into a
    token-authenticated endpoint (a dict becomes JSON; a response, e.g. a download, passes).

    Only bearer tokens (devices, partner apps) may call it; CSRF does not apply to them.
    ``allow_session_reads`` also lets a logged-in portal user GET it with their session (a
    download link in the portal): reads change nothing, so CSRF does not apply either.
    """

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request: HttpRequest, **kwargs):
            if request.method not in methods:
                response = JsonResponse(
                    {
                        "errors": [
                            {
                                "message": f"Method {request.method} not allowed.",
                                "code": "METHOD_NOT_ALLOWED",
                            }
                        ]
                    },
                    status=405,
                )
                response["Allow"] = ", ".join(methods)
                return response
            principal = getattr(request, "principal", None)
            outcome = "OK"
            try:
                is_session_read = (
                    allow_session_reads
                    and request.method in ("GET", "HEAD")
                    and principal is not None
                    and principal.is_authenticated
                    and principal.tenant is not None
                )
                is_token = principal is not None and getattr(request, "is_token_request", False)
                if not (is_token or is_session_read):
                    raise AuthenticationError("Send 'Authorization: Bearer <token>'.")
                if not principal.has(grant):
                    raise PermissionDeniedError(
                        f"Permission denied: this requires the '{grant}' permission.",
                        {"required": grant},
                    )
                _check_parameters(kwargs, request.GET)
                payload = view(request, principal, **kwargs)
            except ApplicationError as error:
                outcome = error.code
                return error_response(error)
            except Exception:
                outcome = "INTERNAL"
                logger.exception("REST %s %s failed", request.method, request.path)
                return internal_error_response()
            finally:
                if getattr(request, "is_token_request", False):
                    audit_record(
                        principal=principal,
                        operation=f"{request.method} {request.path}",
                        object_ids=[str(value) for value in kwargs.values()],
                        outcome=outcome,
                        client_ip=getattr(request, "client_ip", None),
                    )
            if isinstance(payload, HttpResponse):
                return payload
            status = payload.pop("_status", 200) if isinstance(payload, dict) else 200
            return JsonResponse(payload, status=status, safe=False)

        return wrapper

    return decorate
