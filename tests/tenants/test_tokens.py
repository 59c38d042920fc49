import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from tenants import tokens
from tenants.models import ApiToken
from tenants.services import api_token_create, api_token_revoke

ME = "{ me { kind grants tenant { slug } apiTokenName } }"
JOBS = "{ jobs(first: 5) { totalCount } }"
CREATE_DIAGNOSTIC = "mutation { diagnosticJobRequest(input: {steps: 1}) { status } }"


def post(client, query, authorization):
    return client.post(
        "/graphql",
        {"query": query},
        content_type="application/json",
        HTTP_AUTHORIZATION=authorization,
    )


def test_generated_token_has_prefix_checksum_and_only_its_hash_is_stored(tenant):
    # when
    token, secret = api_token_create(tenant=tenant, name="partner app", scopes=["read"])
    # then
    assert secret.startswith("ain_") and len(secret) == tokens.TOKEN_LENGTH == 42
    assert tokens.is_well_formed(secret)
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == tokens.hash_token(secret)
    assert secret not in {
        str(value) for value in ApiToken.objects.values().get(pk=token.pk).values()
    }
    assert stored.display_prefix == secret[:8] and stored.last_four == secret[-4:]


def test_a_single_changed_character_fails_the_checksum(tenant):
    _, secret = api_token_create(tenant=tenant, name="x", scopes=["read"])
    tampered = secret[:10] + ("A" if secret[10] != "A" else "B") + secret[11:]
    assert not tokens.is_well_formed(tampered)


def test_valid_token_authenticates_and_records_last_use(client, tenant):
    # given
    token, secret = api_token_create(tenant=tenant, name="meter gateway", scopes=["read", "ingest"])
    # when
    response = post(client, ME, f"Bearer {secret}")
    # then
    assert response.status_code == 200
    assert response.json()["data"]["me"] == {
        "kind": "API_TOKEN",
        "grants": ["INGEST", "READ"],
        "tenant": {"slug": "alpha"},
        "apiTokenName": "meter gateway",
    }
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("Token abc", "Invalid Authorization header: expected 'Authorization: Bearer <token>'."),
        ("Bearer", "Invalid Authorization header: expected 'Authorization: Bearer <token>'."),
        ("Bearer a b", "Invalid Authorization header: expected 'Authorization: Bearer <token>'."),
        ("Bearer ain_short", "Invalid API token."),
    ],
)
def test_malformed_header_or_token_is_rejected_with_401(client, tenant, authorization, message):
    response = post(client, ME, authorization)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "errors": [{"message": message, "extensions": {"code": "UNAUTHENTICATED"}}]
    }


def test_unknown_well_formed_token_is_rejected(client, tenant):
    unknown = tokens.generate_token().secret
    response = post(client, ME, f"Bearer {unknown}")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "Invalid API token."


def test_expired_token_is_rejected(client, tenant):
    # given
    token, secret = api_token_create(tenant=tenant, name="old", scopes=["read"])
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    # when
    response = post(client, ME, f"Bearer {secret}")
    # then
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "Invalid API token."


def test_revoked_token_is_rejected(client, tenant):
    token, secret = api_token_create(tenant=tenant, name="leaked", scopes=["read"])
    api_token_revoke(tenant=tenant, token_id=token.pk)
    response = post(client, ME, f"Bearer {secret}")
    assert response.status_code == 401
    assert response.json()["errors"][0]["message"] == "Invalid API token."


def test_read_scope_cannot_write_and_nothing_is_written(client, tenant):
    # given
    from ainergy.jobs.models import Job

    _, secret = api_token_create(tenant=tenant, name="dashboard", scopes=["read"])
    # when
    response = post(client, CREATE_DIAGNOSTIC, f"Bearer {secret}")
    # then
    body = response.json()
    assert (
        body["errors"][0]["message"] == "Permission denied: this requires the 'write' permission."
    )
    assert body["errors"][0]["extensions"] == {"code": "PERMISSION_DENIED", "required": "write"}
    assert Job.objects.count() == 0


def test_ingest_only_token_cannot_read(client, tenant):
    _, secret = api_token_create(tenant=tenant, name="device", scopes=["ingest"])
    body = post(client, JOBS, f"Bearer {secret}").json()
    assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"


def test_token_of_another_tenant_sees_only_its_own_tenant(client, tenant, other_tenant):
    # given a job in alpha and a token of bravo
    from ainergy.jobs.services import job_enqueue

    job_enqueue(tenant=tenant, kind="diagnostic", parameters={"steps": 1})
    _, secret = api_token_create(tenant=other_tenant, name="bravo app", scopes=["read"])
    # when
    body = post(
        client, "{ jobs(first: 5) { totalCount } me { tenant { slug } } }", f"Bearer {secret}"
    ).json()
    # then
    assert body["data"] == {"jobs": {"totalCount": 0}, "me": {"tenant": {"slug": "bravo"}}}


def test_tokens_never_get_the_manage_grant(client, tenant):
    _, secret = api_token_create(
        tenant=tenant, name="all scopes", scopes=["read", "write", "ingest"]
    )
    body = post(client, "{ apiTokens(first: 5) { totalCount } }", f"Bearer {secret}").json()
    assert body["errors"][0]["extensions"] == {"code": "PERMISSION_DENIED", "required": "manage"}


@pytest.mark.parametrize(
    ("scopes", "days", "message"),
    [
        ([], None, "scopes: give at least one of read, write, ingest"),
        (["admin"], None, "scopes: must be one of read, write, ingest; got 'admin'"),
        (["read"], 0, "expires_in_days: must be between 1 and 366"),
        (["read"], 400, "expires_in_days: must be between 1 and 366"),
    ],
)
def test_bad_token_requests_name_field_and_write_nothing(tenant, scopes, days, message):
    from ainergy.common.errors import ValidationError

    with pytest.raises(ValidationError) as error:
        api_token_create(tenant=tenant, name="x", scopes=scopes, expires_in_days=days)
    assert str(error.value) == message
    assert ApiToken.objects.count() == 0


def test_createtoken_prints_only_the_secret(tenant):
    # when
    out = io.StringIO()
    call_command(
        "createtoken",
        "--tenant",
        "alpha",
        "--name",
        "cli",
        "--scopes",
        "read,write,ingest",
        stdout=out,
    )
    # then
    secret = out.getvalue().strip()
    assert out.getvalue() == secret + "\n"
    assert tokens.is_well_formed(secret)
    token = ApiToken.objects.get(token_hash=tokens.hash_token(secret))
    assert token.scopes == ["ingest", "read", "write"] and token.tenant == tenant


def test_createtenant_creates_owner(db):
    from tenants.models import Membership, Tenant

    call_command(
        "createtenant",
        "--slug",
        "fjernvarme",
        "--name",
        "Fjernvarme A/S",
        "--kind",
        "utility",
        "--owner-email",
        "Boss@FV.dk",
        stdout=io.StringIO(),
    )
    tenant = Tenant.objects.get(slug="fjernvarme")
    membership = Membership.objects.get(tenant=tenant)
    assert (tenant.kind, membership.role, membership.user.email) == (
        "utility",
        "owner",
        "boss@fv.dk",
    )
