from __future__ import annotations

from enum import Enum

import strawberry
import strawberry_django
from strawberry import auto, relay

from ainergy.graphql.context import scope_to_tenant
from tenants import models


@strawberry.enum(name="TenantKind")
class TenantKindEnum(Enum):
    AGGREGATOR = "aggregator"
    UTILITY = "utility"
    HOUSEHOLD_PROVIDER = "household_provider"
    PARTNER = "partner"


@strawberry.enum(name="Role")
class RoleEnum(Enum):
    OWNER = "owner"
    OPERATOR = "operator"
    VIEWER = "viewer"


@strawberry.enum(name="Scope")
class ScopeEnum(Enum):
    READ = "read"
    WRITE = "write"
    INGEST = "ingest"


@strawberry.enum(name="BiddingZoneCode")
class BiddingZoneEnum(Enum):
    DK1 = "DK1"
    DK2 = "DK2"


@strawberry_django.type(models.Tenant, name="Tenant")
class TenantType:
    slug: auto
    name: auto
    kind: TenantKindEnum
    default_bidding_zone: BiddingZoneEnum
    created_at: auto


@strawberry_django.type(models.Membership, name="Membership")
class MembershipType(relay.Node):
    role: RoleEnum
    created_at: auto

    @strawberry_django.field(only=["user__email"], select_related=["user"])
    def email(self, root: models.Membership) -> str:
        return root.user.email

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(models.ApiToken, name="ApiToken")
class ApiTokenType(relay.Node):
    name: auto
    display_prefix: auto
    last_four: auto
    created_at: auto
    expires_at: auto
    revoked_at: auto
    last_used_at: auto

    @strawberry_django.field(only=["scopes"])
    def scopes(self, root: models.ApiToken) -> list[ScopeEnum]:
        return [ScopeEnum(scope) for scope in root.scopes]

    @strawberry_django.field(only=["revoked_at", "expires_at"])
    def is_active(self, root: models.ApiToken) -> bool:
        return root.is_active

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry.type(name="Me")
class MeType:
    kind: str = strawberry.field(description="user or api_token")
    email: str | None
    tenant: TenantType | None
    role: RoleEnum | None
    grants: list[str]
    api_token_name: str | None
    tenants_available: list[TenantType]


@strawberry.type
class ApiTokenCreatePayload:
    api_token: ApiTokenType
    secret: str = strawberry.field(description="The token; shown only in this response.")


@strawberry.type
class MembershipDeletePayload:
    deleted_id: relay.GlobalID
