"""The /graphql endpoint: bearer tokens skip CSRF, session callers are CSRF-checked."""

from __future__ import annotations

from django.conf import settings
from django.middleware.csrf import CsrfViewMiddleware
from django.views.decorators.csrf import csrf_exempt
from strawberry.django.views import GraphQLView

from ainergy.graphql.context import Context
from tenants.principal import Principal


class ApiGraphQLView(GraphQLView):
    def get_context(self, request, response) -> Context:
        principal = getattr(request, "principal", None) or Principal.anonymous()
        return Context(request=request, response=response, principal=principal)

    def dispatch(self, request, *args, **kwargs):
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


def graphql_view():
    from ainergy.schema import schema

    return csrf_exempt(
        ApiGraphQLView.as_view(
            schema=schema,
            graphql_ide="graphiql" if settings.DEBUG else None,
            allow_queries_via_get=True,
        )
    )
