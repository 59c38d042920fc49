"""Writes of tenants, memberships and API tokens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email, validate_slug
from django.db import transaction
from django.utils import timezone

from ainergy.common.errors import AuthenticationError, ValidationError
from tenants import tokens
from tenants.audit import audit_token_rejected
from tenants.models import ApiToken, BiddingZone, Membership, Role, Scope, Tenant
from tenants.selectors import api_token_get, membership_get


def _check_choice(field: str, value: str, choices) -> str:
    allowed = [choice.value for choice in choices]
    if value not in allowed:
        raise ValidationError(field, f"must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _normalised_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError("email", "not a valid e-mail address") from None
    return email


def user_get_or_create(*, email: str):
    """The portal user with this e-mail, created without a usable password when new."""
    email = _normalised_email(email)
    user_model = get_user_model()
    user = user_model.objects.filter(email__iexact=email).order_by("id").first()
    if user is None:
        user = user_model(username=email, email=email)
        user.set_unusable_password()
        user.save()
    return user


@transaction.atomic
def tenant_create(
    *,
    slug: str,
    name: str,
    kind: str,
    default_bidding_zone: str = BiddingZone.DK1,
    owner_email: str | None = None,
) -> Tenant:
    try:
        validate_slug(slug)
    except DjangoValidationError:
        raise ValidationError("slug", "use letters, digits, hyphens and underscores only") from None
    if Tenant.objects.filter(slug=slug).exists():
        raise ValidationError("slug", f"a tenant with slug {slug!r} already exists")
    if not name.strip():
        raise ValidationError("name", "must not be empty")
    _check_choice("kind", kind, Tenant.Kind)
    _check_choice("default_bidding_zone", default_bidding_zone, BiddingZone)
    tenant = Tenant.objects.create(
        slug=slug, name=name.strip(), kind=kind, default_bidding_zone=default_bidding_zone
    )
    if owner_email:
        Membership.objects.create(
            tenant=tenant, user=user_get_or_create(email=owner_email), role=Role.OWNER
        )
    return tenant


def _owners_left_after(tenant: Tenant, membership: Membership) -> int:
    return (
        Membership.objects.for_tenant(tenant)
        .filter(role=Role.OWNER)
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def membership_create(*, tenant: Tenant, email: str, role: str) -> Membership:
    _check_choice("role", role, Role)
    user = user_get_or_create(email=email)
    if Membership.objects.for_tenant(tenant).filter(user=user).exists():
        raise ValidationError("email", "this user is already a member of the tenant")
    return Membership.objects.create(tenant=tenant, user=user, role=role)


@transaction.atomic
def membership_update(*, tenant: Tenant, membership_id: int, role: str) -> Membership:
    _check_choice("role", role, Role)
    membership = membership_get(tenant, membership_id)
    if membership.role == Role.OWNER and role != Role.OWNER:
        if _owners_left_after(tenant, membership) == 0:
            raise ValidationError("role", "a tenant must keep at least one owner")
    membership.role = role
    membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_delete(*, tenant: Tenant, membership_id: int) -> Membership:
    membership = membership_get(tenant, membership_id)
    if membership.role == Role.OWNER and _owners_left_after(tenant, membership) == 0:
        raise ValidationError("id", "a tenant must keep at least one owner")
    deleted = Membership(
        pk=membership.pk, tenant=tenant, user=membership.user, role=membership.role
    )
    membership.delete()
    return deleted


def parse_scopes(scopes) -> list[str]:
    """Validate and normalise a list (or comma-separated string) of token scopes."""
    if isinstance(scopes, str):
        scopes = [item.strip() for item in scopes.split(",") if item.strip()]
    scopes = list(dict.fromkeys(scopes or []))
    if not scopes:
        raise ValidationError("scopes", "give at least one of read, write, ingest")
    for scope in scopes:
        _check_choice("scopes", scope, Scope)
    return sorted(scopes)


@transaction.atomic
def api_token_create(
    *,
    tenant: Tenant,
    name: str,
    scopes,
    expires_in_days: int | None = None,
    created_by=None,
) -> tuple[ApiToken, str]:
    """Create a token; returns it and the secret, which is never retrievable again."""
    if not name or not name.strip():
        raise ValidationError("name", "must not be empty")
    if len(name) > 100:
        raise ValidationError("name", "at most 100 characters")
    lifetime = (
        settings.API_TOKEN_DEFAULT_LIFETIME_DAYS if expires_in_days is None else expires_in_days
    )
    if not 1 <= lifetime <= settings.API_TOKEN_MAX_LIFETIME_DAYS:
        raise ValidationError(
            "expires_in_days", f"must be between 1 and {settings.API_TOKEN_MAX_LIFETIME_DAYS}"
        )
    new = tokens.generate_token()
    token = ApiToken.objects.create(
        tenant=tenant,
        name=name.strip(),
        token_hash=new.token_hash,
        display_prefix=new.display_prefix,
        last_four=new.last_four,
        scopes=parse_scopes(scopes),
        created_by=created_by,
        expires_at=timezone.now() + dt.timedelta(days=lifetime),
    )
    return token, new.secret


@transaction.atomic
def api_token_revoke(*, tenant: Tenant, token_id: int) -> ApiToken:
    token = api_token_get(tenant, token_id)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def api_token_authenticate(secret: str, *, client_ip: str | None = None) -> ApiToken:
    """The active token for ``secret``; otherwise one AuthenticationError for every reason.

    Malformed, unknown, revoked and expired tokens all get the same answer, so an anonymous
    caller learns nothing about which tokens exist; uses of revoked or expired tokens go to the
    tenant's audit log with the reason.
    """
    invalid = AuthenticationError("Invalid API token.")
    if not tokens.is_well_formed(secret):
        raise invalid
    token = (
        ApiToken.objects.select_related("tenant")
        .filter(token_hash=tokens.hash_token(secret))
        .first()
    )
    if token is None or not token.tenant.is_active:
        raise invalid
    now = timezone.now()
    reason = (
        "revoked" if token.revoked_at is not None else "expired" if token.expires_at <= now else ""
    )
    if reason:
        audit_token_rejected(token=token, reason=reason, client_ip=client_ip)
        raise invalid
    throttle = dt.timedelta(seconds=settings.API_TOKEN_LAST_USED_THROTTLE_S)
    if token.last_used_at is None or now - token.last_used_at >= throttle:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
