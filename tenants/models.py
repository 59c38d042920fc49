"""Tenants, memberships with roles, and API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from ainergy.common.models import TenantScopedModel


class BiddingZone(models.TextChoices):
    DK1 = "DK1", "DK1 (West Denmark)"
    DK2 = "DK2", "DK2 (East Denmark)"


class Tenant(models.Model):
    """An organisation using ainergy; all its data is scoped to it."""

    class Kind(models.TextChoices):
        AGGREGATOR = "aggregator", "Aggregator"
        UTILITY = "utility", "Utility"
        HOUSEHOLD_PROVIDER = "household_provider", "Household provider"
        PARTNER = "partner", "Partner"

    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    default_bidding_zone = models.CharField(
        max_length=3, choices=BiddingZone.choices, default=BiddingZone.DK1
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    OPERATOR = "operator", "Operator"
    VIEWER = "viewer", "Viewer"


class Membership(TenantScopedModel):
    """A user's role in one tenant; a user may belong to several tenants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_tenant_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant_id} ({self.role})"


class Scope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write"
    INGEST = "ingest", "Ingest"


class ApiToken(TenantScopedModel):
    """A bearer token for a partner app or device. Only a SHA-256 hash of the secret is stored."""

    name = models.CharField(max_length=100)
    token_hash = models.CharField(max_length=64, unique=True)
    display_prefix = models.CharField(max_length=16, help_text="Non-secret start of the token")
    last_four = models.CharField(max_length=4, help_text="Non-secret last four characters")
    scopes = models.JSONField(default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "created_at"], name="apitoken_tenant_created")]

    def __str__(self) -> str:
        return f"{self.display_prefix}…{self.last_four} ({self.name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        return not self.is_revoked and not self.is_expired


class AuditEvent(TenantScopedModel):
    """Who did what in a tenant: every mutation, REST write and API-token use, with the ids."""

    class ActorKind(models.TextChoices):
        USER = "user", "Portal user"
        API_TOKEN = "api_token", "API token"

    actor_kind = models.CharField(max_length=16, choices=ActorKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=200, help_text="e-mail or token name and prefix, kept if the actor is deleted"
    )
    operation = models.CharField(
        max_length=200, help_text="e.g. 'mutation poolUpdate', 'query', 'POST /api/v1/telemetry'"
    )
    object_ids = models.JSONField(default=list, blank=True, help_text="global ids touched")
    outcome = models.CharField(max_length=64, help_text="'OK' or the error code")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["tenant", "-created_at"], name="audit_tenant_created")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%dT%H:%M:%S} {self.actor_label}: {self.operation}"
