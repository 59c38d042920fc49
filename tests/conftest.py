"""Shared fixtures: tenants, users, authenticated GraphQL clients.

CI=true demands the real services: PostgreSQL (DATABASE_URL) and Redis (REDIS_URL); a run that
would silently fall back to SQLite or eager tasks fails loudly instead.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

pytest_plugins = ["tests.jobs.fixtures"]  # real worker / relay processes for integration tests


def pytest_configure(config):
    if os.environ.get("CI") == "true":
        database_url = os.environ.get("DATABASE_URL", "")
        if not database_url.startswith(("postgres://", "postgresql://")):
            raise pytest.UsageError("CI=true requires DATABASE_URL pointing at PostgreSQL")
        if not os.environ.get("REDIS_URL"):
            raise pytest.UsageError("CI=true requires REDIS_URL pointing at Redis")


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    """Each test counts requests, costs and login failures in its own Redis namespace, so the
    limits are real in every test without one test's traffic spilling into the next."""
    import uuid

    settings.RATE_LIMIT_KEY_PREFIX = f"test:{uuid.uuid4().hex[:12]}:rl:"


@dataclass
class GraphQLClient:
    """Posts GraphQL documents as a token holder or a logged-in portal user."""

    client: object
    headers: dict

    def post(self, query: str, variables: dict | None = None):
        return self.client.post(
            "/graphql",
            {"query": query, "variables": variables or {}},
            content_type="application/json",
            **self.headers,
        )

    def execute(self, query: str, variables: dict | None = None) -> dict:
        """The response body without ``extensions.cost`` (the caller's budget moves with every
        request; tests/graphql/test_cost_and_rejection.py checks it through ``post``)."""
        response = self.post(query, variables)
        assert response.status_code == 200, response.content
        body = response.json()
        extensions = body.get("extensions", {})
        extensions.pop("cost", None)
        if not extensions:
            body.pop("extensions", None)
        return body


@pytest.fixture
def make_tenant(db):
    from tenants.services import tenant_create

    def make(slug: str, kind: str = "aggregator", owner_email: str | None = None):
        return tenant_create(slug=slug, name=slug.title(), kind=kind, owner_email=owner_email)

    return make


@pytest.fixture
def tenant(make_tenant):
    return make_tenant("alpha", owner_email="owner@alpha.dk")


@pytest.fixture
def other_tenant(make_tenant):
    return make_tenant("bravo", owner_email="owner@bravo.dk")


@pytest.fixture
def token_client(client):
    """token_client(tenant, scopes) -> GraphQLClient authenticated with a fresh API token."""
    from tenants.services import api_token_create

    def make(tenant, scopes=("read", "write", "ingest")) -> GraphQLClient:
        _, secret = api_token_create(tenant=tenant, name="test", scopes=list(scopes))
        return GraphQLClient(client, {"HTTP_AUTHORIZATION": f"Bearer {secret}"})

    return make


@pytest.fixture
def user_client(client):
    """user_client(tenant, role) -> GraphQLClient of a logged-in member with that role."""
    from django.test import Client

    from tenants.models import Membership
    from tenants.services import user_get_or_create

    def make(tenant, role: str = "owner", email: str | None = None) -> GraphQLClient:
        email = email or f"{role}@{tenant.slug}.dk"
        user = user_get_or_create(email=email)
        Membership.objects.get_or_create(tenant=tenant, user=user, defaults={"role": role})
        session_client = Client(enforce_csrf_checks=False)
        session_client.force_login(user)
        return GraphQLClient(session_client, {})

    return make


REFERENCE_DATA_MIGRATIONS = (
    ("ainergy.markets.migrations.0002_seed_zones_and_products", "seed"),
    ("ainergy.assets.migrations.0003_seed_technology_catalogue", "seed"),
    ("ainergy.pipeline.migrations.0002_seed_market_timeline", "seed"),
    ("optimization.migrations.0006_seed_grid_tariffs", "load"),
)


def _reference_data_seed() -> None:
    import importlib

    from django.apps import apps

    for module, function in REFERENCE_DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """Transactional tests flush every table, including rows seeded by data migrations
    (bidding zones, market products, the technology catalogue, the market timeline, grid
    tariffs); put them back, both in transactional tests and in any database test that runs
    after such a flush (tests that reach ``transactional_db`` through another fixture are not
    always ordered last)."""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if (marker is not None and marker.kwargs.get("transaction")) or (
        "transactional_db" in names or "live_server" in names
    ):
        request.getfixturevalue("transactional_db")
        _reference_data_seed()
        return
    if marker is None and "db" not in names:
        return
    request.getfixturevalue("db")
    from ainergy.markets.models import BiddingZone
    from optimization.models import GridCompany

    if not (BiddingZone.objects.exists() and GridCompany.objects.exists()):
        _reference_data_seed()
