"""The /graphql endpoint: every answer is GraphQL JSON.

Bearer tokens skip CSRF (a cross-site page cannot set the header); portal sessions are
CSRF-checked on every non-GET request. A caller with neither gets ``UNAUTHENTICATED`` (HTTP 401),
a session without a valid CSRF token ``PERMISSION_DENIED`` naming CSRF (HTTP 403) — both as JSON.

Cheap rejection before any GraphQL work: the anonymous check above (nothing in the schema is
public, introspection included), then a query string over ``GRAPHQL_MAX_GET_BYTES`` (414) or a
document over ``GRAPHQL_MAX_DOCUMENT_BYTES`` (413) is refused before it is parsed; strawberry's
plain-text HTTP errors (bad JSON, wrong content type, mutation over GET) are answered as JSON.
"""

from __future__ import annotations

from cross_web import HTTPException
from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from ainergy.common.errors import AuthenticationError, PermissionDeniedError
from ainergy.graphql.context import Context
from tenants.principal import Principal

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
UNAUTHENTICATED_MESSAGE = (
    "Authentication required: send 'Authorization: Bearer <token>' or log in to the portal."
)
CSRF_MESSAGE = (
    "CSRF check failed: a portal session must send the 'X-CSRFToken' header with the value of "
    "the 'csrftoken' cookie; API clients send 'Authorization: Bearer <token>' instead."
)


def graphql_error_response(message: str, code: str, status: int, **extensions) -> JsonResponse:
    response = JsonResponse(
        {
            "data": None,
            "errors": [{"message": message, "extensions": {"code": code, **extensions}}],
        },
        status=status,
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="ainergy"'
    return response


class _CsrfCheck(CsrfViewMiddleware):
    """Django's CSRF check, returning the reason instead of rendering an HTML page."""

    def _reject(self, request, reason):
        return reason


def csrf_failure_reason(request) -> str | None:
    return _CsrfCheck(lambda _request: None).process_view(request, None, (), {})


def _wants_graphiql(request) -> bool:
    return (
        settings.DEBUG
        and request.method == "GET"
        and "text/html" in request.headers.get("Accept", "")
        and "query" not in request.GET
    )


class ApiGraphQLView(GraphQLView):
    def get_context(self, request, response) -> Context:
        principal = getattr(request, "principal", None) or Principal.anonymous()
        return Context(request=request, response=response, principal=principal)

    def dispatch(self, request, *args, **kwargs):
        if not getattr(request, "is_token_request", False):
            principal = getattr(request, "principal", None)
            if (principal is None or not principal.is_authenticated) and not _wants_graphiql(
                request
            ):
                return graphql_error_response(
                    UNAUTHENTICATED_MESSAGE, AuthenticationError.code, 401
                )
            if request.method not in SAFE_METHODS:
                reason = csrf_failure_reason(request)
                if reason is not None:
                    return graphql_error_response(
                        CSRF_MESSAGE, PermissionDeniedError.code, 403, reason=f"CSRF: {reason}"
                    )
        if len(request.META.get("QUERY_STRING", "")) > settings.GRAPHQL_MAX_GET_BYTES:
            return graphql_error_response(
                f"Query string over {settings.GRAPHQL_MAX_GET_BYTES} bytes; use POST.",
                "DOCUMENT_TOO_LARGE",
                414,
                limit=settings.GRAPHQL_MAX_GET_BYTES,
            )
        return super().dispatch(request, *args, **kwargs)

    def run(self, request, *args, **kwargs):
        try:
            return super().run(request, *args, **kwargs)
        except HTTPException as error:
            code = "DOCUMENT_TOO_LARGE" if error.status_code == 413 else "BAD_REQUEST"
            return graphql_error_response(error.reason, code, error.status_code)

    def parse_http_body(self, request):
        data = super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            if len((item.query or "").encode()) > settings.GRAPHQL_MAX_DOCUMENT_BYTES:
                raise HTTPException(
                    413, f"GraphQL document over {settings.GRAPHQL_MAX_DOCUMENT_BYTES} bytes."
                )
        return data


def graphql_view():
    from ainergy.schema import schema

    return csrf_exempt(
        ApiGraphQLView.as_view(
            schema=schema,
            graphql_ide="graphiql" if settings.DEBUG else None,
            allow_queries_via_get=True,
        )
    )
