from __future__ import annotations

import strawberry

from tenants.graphql.types import RoleEnum, ScopeEnum


@strawberry.input(description="Add a person (by e-mail) to the tenant.")
class MembershipCreateInput:
    email: str = strawberry.field(description="The person's e-mail (an account is made if new).")
    role: RoleEnum = strawberry.field(description="Role to give.")  # type: ignore[valid-type]


@strawberry.input(description="Change a member's role.")
class MembershipUpdateInput:
    id: strawberry.ID = strawberry.field(description="The membership's id.")
    role: RoleEnum = strawberry.field(description="New role.")  # type: ignore[valid-type]


@strawberry.input(description="A new API token.")
class ApiTokenCreateInput:
    name: str = strawberry.field(description="Name, e.g. the app using it.")
    scopes: list[ScopeEnum] = strawberry.field(  # type: ignore[valid-type]
        description="What the token may do (at least one)."
    )
    expires_in_days: int | None = strawberry.field(
        default=None, description="Lifetime [days], 1 to 366; null: 90."
    )
