"""Finding 10 of issue 15: password guessing and token probing.

Attacks reproduced: 30 wrong passwords in 16 s and then the right one worked; token errors told
an anonymous caller "unknown" vs "revoked" vs "expired".
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from tenants import tokens
from tenants.models import ApiToken, AuditEvent
from tenants.services import api_token_create, api_token_revoke, user_get_or_create

ME = "{ me { kind } }"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def member(tenant):
    user = user_get_or_create(email="guessed@alpha.dk")
    user.set_password(PASSWORD)
    user.save()
    from tenants.models import Membership

    Membership.objects.create(tenant=tenant, user=user, role="operator")
    return user


def login(client: Client, password: str, *, email: str = "guessed@alpha.dk", ip="203.0.113.7"):
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)


def test_password_guessing_locks_the_account_even_for_the_right_password(member):
    client = Client()
    # when an attacker tries 30 wrong passwords
    statuses = [login(client, f"guess-{n}").status_code for n in range(30)]
    # then the first four are ordinary failures and the account is locked from the fifth on
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429}
    # and the right password is refused too while the lock lasts, saying when to come back
    response = login(client, PASSWORD)
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 15 * 60
    assert b'role="alert"' in response.content  # the login page shows its error
    assert "_auth_user_id" not in client.session


def test_lock_holds_from_another_address_and_other_accounts_are_unaffected(member, tenant):
    for n in range(5):
        login(Client(), f"guess-{n}")
    # the account is locked wherever the right password comes from
    assert login(Client(), PASSWORD, ip="198.51.100.1").status_code == 429
    # another account on the same address logs in normally
    other = user_get_or_create(email="other@alpha.dk")
    other.set_password(PASSWORD)
    other.save()
    response = login(Client(), PASSWORD, email="other@alpha.dk", ip="198.51.100.1")
    assert response.status_code == 302


def test_one_address_guessing_across_accounts_is_locked(member):
    # 20 failures from one address spread over 10 accounts, 2 each (below the account limit)
    for n in range(20):
        login(Client(), "wrong", email=f"user{n % 10}@alpha.dk", ip="192.0.2.99")
    # then that address may not even try the member's right password
    assert login(Client(), PASSWORD, ip="192.0.2.99").status_code == 429
    # while the member logs in from elsewhere
    assert login(Client(), PASSWORD, ip="192.0.2.100").status_code == 302


def test_right_password_before_the_limit_logs_in_and_resets_the_count(member):
    client = Client()
    for n in range(4):
        assert login(client, f"guess-{n}").status_code == 200
    assert login(client, PASSWORD).status_code == 302
    # the count starts again: four more failures do not lock
    for n in range(4):
        assert login(Client(), f"again-{n}").status_code == 200
    assert login(Client(), PASSWORD).status_code == 302


def _probe(client, secret: str):
    return client.post(
        "/graphql",
        {"query": ME},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        REMOTE_ADDR="203.0.113.50",
    )


def test_token_errors_are_the_same_for_malformed_unknown_revoked_and_expired(client, tenant):
    # given one revoked and one expired token
    revoked, revoked_secret = api_token_create(tenant=tenant, name="leaked", scopes=["read"])
    api_token_revoke(tenant=tenant, token_id=revoked.pk)
    expired, expired_secret = api_token_create(tenant=tenant, name="old", scopes=["read"])
    ApiToken.objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - dt.timedelta(seconds=1)
    )
    probes = {
        "malformed": "ain_" + "x" * 10,
        "unknown": tokens.generate_token().secret,
        "revoked": revoked_secret,
        "expired": expired_secret,
    }
    # when an anonymous caller probes each
    answers = {name: _probe(client, secret) for name, secret in probes.items()}
    # then every answer is byte-identical
    bodies = {answer.content for answer in answers.values()}
    assert {answer.status_code for answer in answers.values()} == {401}
    assert len(bodies) == 1
    assert answers["revoked"].json()["errors"][0]["message"] == "Invalid API token."
    # and the tenant's audit log says which of its tokens were tried, and from where
    events = AuditEvent.objects.filter(tenant=tenant, operation="authenticate").order_by("id")
    assert [(e.api_token_id, e.outcome, e.client_ip) for e in events] == [
        (revoked.pk, "TOKEN_REVOKED", "203.0.113.50"),
        (expired.pk, "TOKEN_EXPIRED", "203.0.113.50"),
    ]
