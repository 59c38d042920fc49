from __future__ import annotations

import strawberry
from strawberry import relay

from tenants.graphql.types import RoleEnum, ScopeEnum


@strawberry.input
class MembershipCreateInput:
    email: str
    role: RoleEnum


@strawberry.input
class MembershipUpdateInput:
    id: relay.GlobalID
    role: RoleEnum


@strawberry.input
class ApiTokenCreateInput:
    name: str
    scopes: list[ScopeEnum]
    expires_in_days: int | None = None
