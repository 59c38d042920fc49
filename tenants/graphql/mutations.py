from __future__ import annotations

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id
from ainergy.graphql.permissions import MANAGE
from tenants import services
from tenants.graphql.inputs import ApiTokenCreateInput, MembershipCreateInput, MembershipUpdateInput
from tenants.graphql.types import (
    ApiTokenCreatePayload,
    ApiTokenType,
    MembershipDeletePayload,
    MembershipType,
)


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[MANAGE])
    def membership_create(self, info: Info, input: MembershipCreateInput) -> MembershipType:
        return services.membership_create(
            tenant=info.context.tenant, email=input.email, role=input.role.value
        )

    @strawberry.mutation(extensions=[MANAGE])
    def membership_update(self, info: Info, input: MembershipUpdateInput) -> MembershipType:
        return services.membership_update(
            tenant=info.context.tenant,
            membership_id=decode_id(input.id, "Membership", "Membership"),
            role=input.role.value,
        )

    @strawberry.mutation(extensions=[MANAGE])
    def membership_delete(
        self, info: Info, id: strawberry.relay.GlobalID
    ) -> MembershipDeletePayload:
        membership = services.membership_delete(
            tenant=info.context.tenant, membership_id=decode_id(id, "Membership", "Membership")
        )
        return MembershipDeletePayload(
            deleted_id=strawberry.relay.GlobalID("Membership", str(membership.pk))
        )

    @strawberry.mutation(extensions=[MANAGE])
    def api_token_create(self, info: Info, input: ApiTokenCreateInput) -> ApiTokenCreatePayload:
        token, secret = services.api_token_create(
            tenant=info.context.tenant,
            name=input.name,
            scopes=[scope.value for scope in input.scopes],
            expires_in_days=input.expires_in_days,
            created_by=info.context.principal.user,
        )
        return ApiTokenCreatePayload(api_token=token, secret=secret)

    @strawberry.mutation(extensions=[MANAGE])
    def api_token_revoke(self, info: Info, id: strawberry.relay.GlobalID) -> ApiTokenType:
        return services.api_token_revoke(
            tenant=info.context.tenant, token_id=decode_id(id, "ApiToken", "API token")
        )
