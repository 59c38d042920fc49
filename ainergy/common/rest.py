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
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from ainergy.common.errors import (
    ApplicationError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)

logger = logging.getLogger(__name__)

STATUS = {
    AuthenticationError: 401,
    PermissionDeniedError: 403,
    NotFoundError: 404,
    ValidationError: 400,
}


def error_response(error: ApplicationError) -> JsonResponse:
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 422)
    body = {"errors": [{"message": error.message, "code": error.code, **error.extra}]}
    response = JsonResponse(body, status=status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="ainergy"'
    return response


def parse_json_body(request: HttpRequest) -> object:
    if len(request.body) > settings.REST_MAX_BODY_BYTES:
        raise ValidationError("body", f"larger than {settings.REST_MAX_BODY_BYTES} bytes")
    try:
        return json.loads(request.body or b"null")
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValidationError("body", f"not valid JSON ({error})") from None


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
                payload = view(request, principal, **kwargs)
            except ApplicationError as error:
                return error_response(error)
            if isinstance(payload, HttpResponse):
                return payload
            status = payload.pop("_status", 200) if isinstance(payload, dict) else 200
            return JsonResponse(payload, status=status, safe=False)

        return wrapper

    return decorate
