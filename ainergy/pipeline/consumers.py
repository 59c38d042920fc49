"""The WebSocket endpoint of the GraphQL API (subscriptions), authenticated by API token."""

from __future__ import annotations

from dataclasses import dataclass, field

from asgiref.sync import sync_to_async
from strawberry.channels import GraphQLWSConsumer
from strawberry.exceptions import ConnectionRejectionError

from ainergy.common.errors import ApplicationError
from tenants.principal import Principal


@dataclass
class WebSocketContext:
    """The subscription's context: the consumer (``request``) and the token's principal."""

    request: object
    ws: object
    principal: Principal = field(default_factory=Principal.anonymous)
    connection_params: dict | None = None

    @property
    def tenant(self):
        return self.principal.tenant


def _principal(params: dict | None) -> Principal:
    from tenants.middleware import principal_from_authorization

    header = (params or {}).get("authorization") or (params or {}).get("Authorization") or ""
    return principal_from_authorization(str(header))


class GraphQLSubscriptionConsumer(GraphQLWSConsumer):
    """graphql-transport-ws on /graphql; ``connection_init`` carries the bearer token."""

    async def get_context(self, request, response) -> WebSocketContext:
        return WebSocketContext(request=request, ws=request)

    async def on_ws_connect(self, context: WebSocketContext):
        try:
            context.principal = await sync_to_async(_principal)(context.connection_params)
        except ApplicationError as error:
            raise ConnectionRejectionError({"message": error.message}) from None
        return None
