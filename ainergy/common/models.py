"""Base models shared by every app."""

from __future__ import annotations

from django.db import models


class TenantScopedQuerySet(models.QuerySet):
    """Row-level tenancy: every read of tenant data goes through ``for_tenant``."""

    def for_tenant(self, tenant) -> TenantScopedQuerySet:
        if tenant is None:
            return self.none()
        return self.filter(tenant=tenant)


class TenantScopedModel(models.Model):
    """Base for every tenant-owned model: a ``tenant`` FK that leads its composite indexes."""

    tenant = models.ForeignKey("tenants.Tenant", on_delete=models.CASCADE, related_name="+")

    objects = TenantScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
