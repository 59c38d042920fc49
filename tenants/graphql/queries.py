from __future__ import annotations

import strawberry
import strawberry_django

from ainergy.common.errors import NotFoundError
from ainergy.graphql.connection import Connection
from ainergy.graphql.context import Info
from ainergy.graphql.permissions import MANAGE, READ, RequireAuthenticated
from tenants.graphql.types import (
    ApiTokenType,
    AuditEventType,
    GrantEnum,
    MembershipType,
    MeType,
    PrincipalKindEnum,
    RoleEnum,
    TenantType,
)
from tenants.selectors import user_memberships


@strawberry.type
class Query:
    @strawberry.field(
        extensions=[RequireAuthenticated()],
        description="Who is calling: user or token, tenant, role and grants.",
    )
    def me(self, info: Info) -> MeType:
        principal = info.context.principal
        user = principal.user
        available = (
            [membership.tenant for membership in user_memberships(user)]
            if user is not None
            else [principal.tenant]
        )
        return MeType(
            kind=PrincipalKindEnum(principal.kind),
            email=getattr(user, "email", None),
            tenant=principal.tenant,
            role=RoleEnum(principal.membership.role) if principal.membership else None,
            grants=[GrantEnum(grant) for grant in sorted(principal.grants)],
            api_token_name=principal.api_token.name if principal.api_token else None,
            tenants_available=available,
        )

    @strawberry.field(extensions=[READ], description="The tenant the caller acts in.")
    def tenant(self, info: Info) -> TenantType:
        tenant = info.context.principal.tenant
        if tenant is None:  # pragma: no cover - READ guarantees a tenant
            raise NotFoundError("Tenant not found.")
        return tenant

    memberships: Connection[MembershipType] = strawberry_django.connection(
        extensions=[READ], description="The tenant's members."
    )
    api_tokens: Connection[ApiTokenType] = strawberry_django.connection(
        extensions=[MANAGE], description="The tenant's API tokens (owners only)."
    )
    audit_events: Connection[AuditEventType] = strawberry_django.connection(
        extensions=[MANAGE],
        description="The tenant's audit log, newest first (owners only): every mutation, "
        "API-token and REST call, with ids and outcome.",
    )
