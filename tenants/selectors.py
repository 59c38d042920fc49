"""Reads of tenant data; every selector takes the tenant first and never fetches by bare id."""

from __future__ import annotations

from django.db.models import QuerySet

from ainergy.common.errors import NotFoundError
from tenants.models import ApiToken, Membership, Tenant


def membership_list(tenant: Tenant) -> QuerySet[Membership]:
    return Membership.objects.for_tenant(tenant).select_related("user")


def membership_get(tenant: Tenant, membership_id: int) -> Membership:
    try:
        return membership_list(tenant).get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("Membership not found.") from None


def api_token_list(tenant: Tenant) -> QuerySet[ApiToken]:
    return ApiToken.objects.for_tenant(tenant)


def api_token_get(tenant: Tenant, token_id: int) -> ApiToken:
    try:
        return api_token_list(tenant).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise NotFoundError("API token not found.") from None


def user_memberships(user) -> QuerySet[Membership]:
    """All tenants a portal user belongs to (the one place that lists across tenants)."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, tenant__is_active=True).select_related("tenant")
