from __future__ import annotations

import strawberry
import strawberry_django
from strawberry import auto, relay

from ainergy.graphql.context import scope_to_tenant
from ainergy.graphql.vocabulary import choices_enum, describe, graphql_enum
from ainergy.markets.graphql.enums import BiddingZoneEnum
from tenants import models

TenantKindEnum = choices_enum(
    "TenantKind",
    "What kind of organisation a tenant is.",
    models.Tenant.Kind,
    {
        "AGGREGATOR": "Pools large heat pumps and bids them into the markets.",
        "UTILITY": "District-heating utility operating its own heat pumps.",
        "HOUSEHOLD_PROVIDER": "Sizes and schedules household heat pumps for its customers.",
        "PARTNER": "A partner app integrating through the API.",
    },
)

RoleEnum = choices_enum(
    "Role",
    "A member's role in a tenant; it decides the member's grants.",
    models.Role,
    {
        "OWNER": "Read, write, ingest and manage members and tokens.",
        "OPERATOR": "Read, write and ingest.",
        "VIEWER": "Read only.",
    },
)

ScopeEnum = choices_enum(
    "Scope",
    "What an API token may do.",
    models.Scope,
    {
        "READ": "Read the tenant's data.",
        "WRITE": "Create and change objects, request jobs.",
        "INGEST": "Write observations (telemetry, meter data).",
    },
)

GrantEnum = graphql_enum(
    "Grant",
    "A permission a caller holds in its tenant (from its role or its token's scopes).",
    {
        "READ": ("read", "Read the tenant's data."),
        "WRITE": ("write", "Create and change objects, request jobs."),
        "INGEST": ("ingest", "Write observations."),
        "MANAGE": ("manage", "Manage members and API tokens (owners only)."),
    },
)

PrincipalKindEnum = graphql_enum(
    "PrincipalKind",
    "How the caller authenticated.",
    {
        "USER": ("user", "A person logged in to the portal (session)."),
        "API_TOKEN": ("api_token", "An API token (Authorization: Bearer)."),
    },
)


def _f(description: str, **kwargs):
    return strawberry_django.field(description=description, **kwargs)


@strawberry_django.type(
    models.Tenant, name="Tenant", description="An organisation using ainergy; all data is its own."
)
class TenantType:
    slug: auto = _f("Short unique name.")
    name: auto = _f("Display name.")
    kind: TenantKindEnum = _f("Kind of organisation.")  # type: ignore[valid-type]
    default_bidding_zone: BiddingZoneEnum = _f(  # type: ignore[valid-type]
        "Zone used when a request names none."
    )
    created_at: auto = _f("When it was created (UTC).")


@strawberry_django.type(
    models.Membership, name="Membership", description="A person's membership in the tenant."
)
class MembershipType(relay.Node):
    role: RoleEnum = _f("The member's role.")  # type: ignore[valid-type]
    created_at: auto = _f("When the member was added (UTC).")

    @strawberry_django.field(
        only=["user__email"], select_related=["user"], description="The member's e-mail."
    )
    def email(self, root: models.Membership) -> str:
        return root.user.email

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry_django.type(
    models.ApiToken,
    name="ApiToken",
    description="An API token of the tenant (the secret itself is shown only at creation).",
)
class ApiTokenType(relay.Node):
    name: auto = _f("Name, e.g. the app using it.")
    display_prefix: auto = _f("Non-secret start of the token, to recognise it.")
    last_four: auto = _f("Non-secret last four characters.")
    created_at: auto = _f("When it was created (UTC).")
    expires_at: auto = _f("When it stops working (UTC).")
    revoked_at: auto = _f("When it was revoked (UTC); null if not.")
    last_used_at: auto = _f("Last use (UTC, updated at most once a minute); null if never.")

    @strawberry_django.field(only=["scopes"], description="What the token may do.")
    def scopes(self, root: models.ApiToken) -> list[ScopeEnum]:  # type: ignore[valid-type]
        return [ScopeEnum(scope) for scope in root.scopes]

    @strawberry_django.field(
        only=["revoked_at", "expires_at"], description="Neither revoked nor expired."
    )
    def is_active(self, root: models.ApiToken) -> bool:
        return root.is_active

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


@strawberry.type(name="Me", description="Who is calling, in which tenant, with which grants.")
class MeType:
    kind: PrincipalKindEnum = strawberry.field(  # type: ignore[valid-type]
        description="How the caller authenticated."
    )
    email: str | None = strawberry.field(description="The user's e-mail; null for tokens.")
    tenant: TenantType | None = strawberry.field(
        description="The tenant acted in; null until a user with several tenants chooses one."
    )
    role: RoleEnum | None = strawberry.field(  # type: ignore[valid-type]
        description="The user's role in the tenant; null for tokens."
    )
    grants: list[GrantEnum] = strawberry.field(  # type: ignore[valid-type]
        description="Permissions held in the tenant."
    )
    api_token_name: str | None = strawberry.field(
        description="Name of the token used; null for users."
    )
    tenants_available: list[TenantType] = strawberry.field(
        description="Tenants the caller may act in."
    )


@strawberry.type(description="A new API token and its secret.")
class ApiTokenCreatePayload:
    api_token: ApiTokenType = strawberry.field(description="The token's record.")
    secret: str = strawberry.field(description="The token; shown only in this response.")


@strawberry.type(description="The result of removing a membership.")
class MembershipDeletePayload:
    deleted_id: strawberry.ID = strawberry.field(description="Global id of the removed membership.")


AuditActorKindEnum = choices_enum(
    "AuditActorKind",
    "Who acted in an audit event.",
    models.AuditEvent.ActorKind,
    {
        "USER": "A person logged in to the portal.",
        "API_TOKEN": "An API token (the token may since have been revoked or deleted).",
    },
)


@strawberry_django.filter_type(models.AuditEvent, lookups=False)
class AuditEventFilter:
    """Narrow the audit log; all given conditions must hold."""

    operation: str | None = strawberry_django.filter_field(
        description="Exactly this operation, e.g. 'mutation poolUpdate'."
    )
    outcome: str | None = strawberry_django.filter_field(
        description="Exactly this outcome: 'OK' or an error code such as 'PERMISSION_DENIED'."
    )
    actor_kind: AuditActorKindEnum | None = strawberry_django.filter_field(  # type: ignore[valid-type]
        description="Only events of this kind of actor."
    )


@strawberry_django.type(
    models.AuditEvent,
    name="AuditEvent",
    filters=AuditEventFilter,
    description="One audited action in the tenant: a mutation, an API-token call or a REST "
    "call, or a revoked/expired token presented. Newest first.",
)
class AuditEventType(relay.Node):
    actor_kind: AuditActorKindEnum = _f("Who acted: a portal user or an API token.")  # type: ignore[valid-type]
    actor_label: auto = _f(
        "The user's e-mail, or the token's name and non-secret prefix and last four."
    )
    operation: auto = _f(
        "What was done: 'mutation <field>', 'query <fields>', '<METHOD> <path>' or "
        "'authenticate' (a revoked or expired token)."
    )
    outcome: auto = _f("'OK' or the error code the caller got (see ErrorCode).")
    client_ip: str | None = _f("The caller's address as the server saw it; null if unknown.")
    created_at: auto = _f("When it happened (UTC).")

    @strawberry_django.field(
        only=["object_ids"], description="Global ids named in the arguments or returned."
    )
    def object_ids(self, root: models.AuditEvent) -> list[strawberry.ID]:
        return [strawberry.ID(item) for item in root.object_ids]

    @strawberry_django.field(
        only=["api_token_id"], description="The token that acted; null for users or if deleted."
    )
    def api_token_id(self, root: models.AuditEvent) -> strawberry.ID | None:
        if root.api_token_id is None:
            return None
        return strawberry.ID(str(relay.GlobalID("ApiToken", str(root.api_token_id))))

    @classmethod
    def get_queryset(cls, queryset, info, **kwargs):
        return scope_to_tenant(queryset, info)


describe(AuditEventFilter, "Narrow the audit log; all given conditions must hold.")
