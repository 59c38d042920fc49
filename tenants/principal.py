"""Who is calling, for which tenant, with which grants — resolved once per request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tenants.models import Role, Scope

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

    from tenants.models import ApiToken, Membership, Tenant

MANAGE = "manage"  # owner-only: memberships and API tokens; never granted to a token

ROLE_GRANTS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset({Scope.READ, Scope.WRITE, Scope.INGEST, MANAGE}),
    Role.OPERATOR: frozenset({Scope.READ, Scope.WRITE, Scope.INGEST}),
    Role.VIEWER: frozenset({Scope.READ}),
}


@dataclass(frozen=True)
class Principal:
    """The caller: a portal user acting in a tenant, an API token, or anonymous."""

    kind: str  # "user" | "api_token" | "anonymous"
    tenant: Tenant | None = None
    user: AbstractBaseUser | None = None
    membership: Membership | None = None
    api_token: ApiToken | None = None
    grants: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.kind != "anonymous"

    def has(self, grant: str) -> bool:
        return self.tenant is not None and grant in self.grants

    @classmethod
    def anonymous(cls) -> Principal:
        return cls(kind="anonymous")

    @classmethod
    def for_membership(cls, membership: Membership) -> Principal:
        return cls(
            kind="user",
            tenant=membership.tenant,
            user=membership.user,
            membership=membership,
            grants=ROLE_GRANTS[membership.role],
        )

    @classmethod
    def for_user_without_tenant(cls, user) -> Principal:
        return cls(kind="user", user=user)

    @classmethod
    def for_token(cls, token: ApiToken) -> Principal:
        return cls(
            kind="api_token",
            tenant=token.tenant,
            api_token=token,
            grants=frozenset(token.scopes),
        )
