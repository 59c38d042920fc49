"""Django's own error pages for the API paths: JSON in the API's error shape, never HTML.

They cover what happens before a view can answer: a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE``
(413), a disallowed host or bad request (400), an unknown URL (404), a crash outside
``json_endpoint`` (500). Other paths get the portal's HTML error pages.
"""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils.module_loading import import_string
from django.views import defaults

API_PREFIXES = ("/api/", "/graphql")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


def _json(request, status: int, code: str, message: str) -> JsonResponse:
    if request.path.startswith("/api/"):
        error = {"message": message, "code": code}
    else:
        error = {"message": message, "extensions": {"code": code}}
    return JsonResponse({"errors": [error]}, status=status)


def bad_request(request, exception, template_name="400.html"):
    if not _is_api(request):
        return defaults.bad_request(request, exception, template_name)
    if isinstance(exception, RequestDataTooBig):
        return _json(request, 413, "PAYLOAD_TOO_LARGE", "Request body too large.")
    return _json(request, 400, "BAD_REQUEST", "Bad request.")


def permission_denied(request, exception, template_name="403.html"):
    if not _is_api(request):
        return import_string("frontend.views.forbidden")(request, exception)
    return _json(request, 403, "PERMISSION_DENIED", "Permission denied.")


def page_not_found(request, exception, template_name="404.html"):
    if not _is_api(request):
        return import_string("frontend.views.not_found")(request, exception)
    return _json(request, 404, "NOT_FOUND", f"No endpoint at {request.path[:200]}.")


def server_error(request, template_name="500.html"):
    if not _is_api(request):
        return import_string("frontend.views.server_error")(request)
    return _json(request, 500, "INTERNAL", "Unexpected error.")
