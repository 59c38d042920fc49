"""The typed GraphQL context: the request's principal and tenant, resolved by the middleware."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry.django.context import StrawberryDjangoContext
from strawberry.types import Info as StrawberryInfo

from tenants.principal import Principal


@dataclass
class Context(StrawberryDjangoContext):
    principal: Principal

    @property
    def tenant(self):
        return self.principal.tenant


Info = StrawberryInfo[Context, None]


def context_tenant(info) -> object | None:
    """The tenant of the request, or None (anonymous, or a user who has not chosen one)."""
    principal = getattr(info.context, "principal", None)
    return principal.tenant if principal is not None else None


def scope_to_tenant(queryset, info):
    """Row-level tenancy for ``get_queryset``: the context tenant's rows, or none."""
    tenant = context_tenant(info)
    return queryset.filter(tenant=tenant) if tenant is not None else queryset.none()
