"""The /graphql endpoint: bearer tokens skip CSRF, session callers are CSRF-checked.

Cheap rejection before any GraphQL work: an anonymous caller gets 401 (nothing in the schema is
public, introspection included), a GET query string or a document over its byte limit is
refused before it is parsed, and strawberry's plain-text HTTP errors are answered as JSON.
"""

from __future__ import annotations

from cross_web import HTTPException
from django.conf import settings
from django.http import JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from ainergy.graphql.context import Context
from tenants.middleware import unauthenticated_response
from tenants.principal import Principal


def _error(status: int, code: str, message: str, **extra) -> JsonResponse:
    return JsonResponse(
        {"errors": [{"message": message, "extensions": {"code": code, **extra}}]}, status=status
    )


class ApiGraphQLView(GraphQLView):
    def get_context(self, request, response) -> Context:
        principal = getattr(request, "principal", None) or Principal.anonymous()
        return Context(request=request, response=response, principal=principal)

    def _reject_early(self, request):
        """The checks that need neither parsing nor the database."""
        if request.method == "GET" and self.graphql_ide and "query" not in request.GET:
            return None  # the GraphiQL page itself (DEBUG only)
        principal = getattr(request, "principal", None)
        if principal is None or not principal.is_authenticated:
            return unauthenticated_response(
                "Authentication required: log in or send a Bearer token."
            )
        if len(request.META.get("QUERY_STRING", "")) > settings.GRAPHQL_MAX_GET_BYTES:
            return _error(
                414,
                "DOCUMENT_TOO_LARGE",
                f"Query string over {settings.GRAPHQL_MAX_GET_BYTES} bytes; use POST.",
                limit=settings.GRAPHQL_MAX_GET_BYTES,
            )
        return None

    def dispatch(self, request, *args, **kwargs):
        rejection = self._reject_early(request)
        if rejection is not None:
            return rejection
        if not getattr(request, "is_token_request", False) and request.method not in (
            "GET",
            "HEAD",
            "OPTIONS",
        ):
            # A cookie session rides along on cross-site requests; a bearer header cannot.
            rejection = CsrfViewMiddleware(lambda _request: None).process_view(
                request, None, (), {}
            )
            if rejection is not None:
                return rejection
        return super().dispatch(request, *args, **kwargs)

    def run(self, request, *args, **kwargs):
        try:
            return super().run(request, *args, **kwargs)
        except HTTPException as error:
            code = "DOCUMENT_TOO_LARGE" if error.status_code == 413 else "BAD_REQUEST"
            return _error(error.status_code, code, error.reason)

    def parse_http_body(self, request):
        data = super().parse_http_body(request)
        for item in data if isinstance(data, list) else [data]:
            query = item.query or ""
            if len(query.encode()) > settings.GRAPHQL_MAX_DOCUMENT_BYTES:
                raise HTTPException(
                    413,
                    f"GraphQL document over {settings.GRAPHQL_MAX_DOCUMENT_BYTES} bytes.",
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
