import pytest
from strawberry import relay

from tenants.models import Membership

CREATE = (
    "mutation($input: MembershipCreateInput!) { membershipCreate(input: $input) { id email role } }"
)
UPDATE = "mutation($input: MembershipUpdateInput!) { membershipUpdate(input: $input) { role } }"
DELETE = "mutation($id: ID!) { membershipDelete(id: $id) { deletedId } }"
TOKEN_CREATE = "mutation($input: ApiTokenCreateInput!) { apiTokenCreate(input: $input) { secret apiToken { id name scopes isActive } } }"
TOKEN_REVOKE = "mutation($id: ID!) { apiTokenRevoke(id: $id) { isActive revokedAt } }"


def gid(type_name, pk):
    return str(relay.GlobalID(type_name, str(pk)))


def test_owner_adds_member_who_then_sees_the_tenant(tenant, user_client):
    owner = user_client(tenant, "owner")
    body = owner.execute(CREATE, {"input": {"email": "Ops@Alpha.dk", "role": "OPERATOR"}})
    assert body["data"]["membershipCreate"]["email"] == "ops@alpha.dk"
    assert body["data"]["membershipCreate"]["role"] == "OPERATOR"
    member = user_client(tenant, "operator", email="ops@alpha.dk")
    assert member.execute("{ me { role grants } }")["data"]["me"] == {
        "role": "OPERATOR",
        "grants": ["INGEST", "READ", "WRITE"],
    }


@pytest.mark.parametrize("role", ["operator", "viewer"])
def test_non_owners_cannot_manage_members(tenant, user_client, role):
    client = user_client(tenant, role)
    before = Membership.objects.count()
    body = client.execute(CREATE, {"input": {"email": "x@alpha.dk", "role": "OWNER"}})
    assert body["errors"][0]["extensions"] == {"code": "PERMISSION_DENIED", "required": "manage"}
    assert Membership.objects.count() == before


def test_last_owner_cannot_be_demoted_or_removed(tenant, user_client):
    owner = user_client(tenant, "owner")
    membership = Membership.objects.get(tenant=tenant, role="owner")
    body = owner.execute(
        UPDATE, {"input": {"id": gid("Membership", membership.pk), "role": "VIEWER"}}
    )
    assert body["errors"][0]["message"] == "input.role: a tenant must keep at least one owner"
    body = owner.execute(DELETE, {"id": gid("Membership", membership.pk)})
    assert body["errors"][0]["message"] == "id: a tenant must keep at least one owner"
    assert Membership.objects.get(pk=membership.pk).role == "owner"


def test_duplicate_membership_is_rejected(tenant, user_client):
    body = user_client(tenant, "owner").execute(
        CREATE, {"input": {"email": "owner@alpha.dk", "role": "VIEWER"}}
    )
    assert (
        body["errors"][0]["message"] == "input.email: this user is already a member of the tenant"
    )


def test_user_with_several_tenants_must_choose(tenant, other_tenant, user_client):
    # given a user who is a member of both tenants
    from tenants.services import membership_create

    membership_create(tenant=other_tenant, email="owner@alpha.dk", role="viewer")
    client = user_client(tenant, "owner")
    # when / then: no tenant chosen yet
    body = client.execute("{ tenant { slug } }")
    assert body["errors"][0]["message"] == "Choose a tenant first: you belong to several."
    me = client.execute("{ me { tenant { slug } tenantsAvailable { slug } } }")["data"]["me"]
    assert me == {"tenant": None, "tenantsAvailable": [{"slug": "alpha"}, {"slug": "bravo"}]}
    # when the portal chooser picks bravo
    response = client.client.post("/tenant/", {"tenant": "bravo"})
    assert response.status_code == 302
    assert client.execute("{ tenant { slug } me { role } }")["data"] == {
        "tenant": {"slug": "bravo"},
        "me": {"role": "VIEWER"},
    }


def test_choosing_a_tenant_you_do_not_belong_to_is_refused(tenant, other_tenant, user_client):
    client = user_client(tenant, "owner")
    response = client.client.post("/tenant/", {"tenant": "bravo"})
    assert response.status_code == 400
    assert client.execute("{ tenant { slug } }")["data"] == {"tenant": {"slug": "alpha"}}


def test_token_created_over_graphql_is_shown_once_and_works(tenant, user_client, client):
    owner = user_client(tenant, "owner")
    body = owner.execute(
        TOKEN_CREATE, {"input": {"name": "heat pump fleet", "scopes": ["INGEST", "READ"]}}
    )
    created = body["data"]["apiTokenCreate"]
    assert created["apiToken"]["scopes"] == ["INGEST", "READ"] and created["apiToken"]["isActive"]
    listed = owner.execute("{ apiTokens { edges { node { name displayPrefix } } } }")
    assert "secret" not in str(listed) and created["secret"] not in str(listed)
    response = client.post(
        "/graphql",
        {"query": "{ me { kind } }"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {created['secret']}",
    )
    assert response.json()["data"]["me"] == {"kind": "API_TOKEN"}
    body = owner.execute(TOKEN_REVOKE, {"id": created["apiToken"]["id"]})
    assert body["data"]["apiTokenRevoke"]["isActive"] is False
    response = client.post(
        "/graphql",
        {"query": "{ me { kind } }"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {created['secret']}",
    )
    assert response.status_code == 401


def test_session_mutation_without_csrf_token_is_refused(tenant):
    from django.test import Client

    from tenants.services import user_get_or_create

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user_get_or_create(email="owner@alpha.dk"))
    response = browser.post(
        "/graphql",
        {"query": 'mutation { membershipCreate(input: {email: "evil@x.dk", role: OWNER}) { id } }'},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(user__email="evil@x.dk").exists()


def test_anonymous_caller_is_told_to_authenticate(client, db):
    response = client.post(
        "/graphql", {"query": "{ jobs { totalCount } }"}, content_type="application/json"
    )
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
