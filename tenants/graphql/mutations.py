from __future__ import annotations

from typing import Annotated

import strawberry

from ainergy.graphql.context import Info
from ainergy.graphql.ids import decode_id, encode_id
from ainergy.graphql.permissions import MANAGE
from tenants import services
from tenants.graphql.inputs import ApiTokenCreateInput, MembershipCreateInput, MembershipUpdateInput
from tenants.graphql.types import (
    ApiTokenCreatePayload,
    ApiTokenType,
    MembershipDeletePayload,
    MembershipType,
)


def _arg(description: str):
    return strawberry.argument(description=description)


@strawberry.type
class Mutation:
    @strawberry.mutation(extensions=[MANAGE], description="Add a person to the tenant.")
    def membership_create(
        self, info: Info, input: Annotated[MembershipCreateInput, _arg("Who, with which role.")]
    ) -> MembershipType:
        return services.membership_create(
            tenant=info.context.tenant, email=input.email, role=input.role.value
        )

    @strawberry.mutation(extensions=[MANAGE], description="Change a member's role.")
    def membership_update(
        self, info: Info, input: Annotated[MembershipUpdateInput, _arg("Member and new role.")]
    ) -> MembershipType:
        return services.membership_update(
            tenant=info.context.tenant,
            membership_id=decode_id(input.id, "Membership", "id"),
            role=input.role.value,
        )

    @strawberry.mutation(extensions=[MANAGE], description="Remove a person from the tenant.")
    def membership_delete(
        self, info: Info, id: Annotated[strawberry.ID, _arg("The membership's id.")]
    ) -> MembershipDeletePayload:
        membership = services.membership_delete(
            tenant=info.context.tenant, membership_id=decode_id(id, "Membership")
        )
        return MembershipDeletePayload(deleted_id=encode_id("Membership", membership.pk))

    @strawberry.mutation(
        extensions=[MANAGE], description="Create an API token; the secret is shown only here."
    )
    def api_token_create(
        self, info: Info, input: Annotated[ApiTokenCreateInput, _arg("Name, scopes, lifetime.")]
    ) -> ApiTokenCreatePayload:
        token, secret = services.api_token_create(
            tenant=info.context.tenant,
            name=input.name,
            scopes=[scope.value for scope in input.scopes],
            expires_in_days=input.expires_in_days,
            created_by=info.context.principal.user,
        )
        return ApiTokenCreatePayload(api_token=token, secret=secret)

    @strawberry.mutation(extensions=[MANAGE], description="Revoke an API token at once.")
    def api_token_revoke(
        self, info: Info, id: Annotated[strawberry.ID, _arg("The token's id.")]
    ) -> ApiTokenType:
        return services.api_token_revoke(
            tenant=info.context.tenant, token_id=decode_id(id, "ApiToken")
        )
