"""Django's part of the portal: login, logout, the tenant chooser, deep links, error pages and the
page that loads the React app (which must not read tenant data itself)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(tenant, other_tenant):
    """owner@alpha.dk: owner of Alpha (fixture), viewer of Bravo; password 'correct horse'."""
    from tenants.services import membership_create, user_get_or_create

    user = user_get_or_create(email="owner@alpha.dk")
    user.set_password("correct horse")
    user.save()
    membership_create(tenant=other_tenant, email="owner@alpha.dk", role="viewer")
    return user


@pytest.fixture
def built_portal(settings, tmp_path):
    """A stand-in Vite manifest, so these tests don't need the npm build."""
    manifest = tmp_path / "manifest.json"
    manifest.write_text('{"src/main.tsx": {"file": "assets/portal-test.js", "isEntry": true}}')
    settings.DJANGO_VITE = {
        "default": {**settings.DJANGO_VITE["default"], "manifest_path": manifest}
    }
    from django_vite.core.asset_loader import DjangoViteAssetLoader

    DjangoViteAssetLoader._instance = None  # re-read the settings
    yield
    DjangoViteAssetLoader._instance = None


def log_in(client: Client, next_path: str):
    return client.post(
        f"/login/?next={next_path}",
        {"username": "owner@alpha.dk", "password": "correct horse", "next": next_path},
    )


def test_deep_link_survives_login_and_the_tenant_chooser(client, member, built_portal):
    # given an anonymous visitor following a deep link
    deep = "/bid-plans/QmlkUGxhbjox?mtu=12"
    response = client.get(deep)
    # then they are sent to the login page with the link as next
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/bid-plans/QmlkUGxhbjox%3Fmtu%3D12"
    # when they log in (being in two tenants), the chooser keeps the link
    response = log_in(client, deep)
    assert response.status_code == 302 and response["Location"] == deep
    response = client.get(deep)
    assert response.status_code == 302
    assert response["Location"] == "/tenant/?next=%2Fbid-plans%2FQmlkUGxhbjox%3Fmtu%3D12"
    chooser = client.get(response["Location"])
    assert 'name="next" value="/bid-plans/QmlkUGxhbjox?mtu=12"' in chooser.content.decode()
    # when they choose Alpha, they land on the deep link, which now serves the app
    response = client.post("/tenant/", {"tenant": "alpha", "next": deep})
    assert response.status_code == 302 and response["Location"] == deep
    page = client.get(deep)
    assert page.status_code == 200
    assert b'<div id="root"></div>' in page.content
    assert b"assets/portal-test.js" in page.content
    assert b'name="csrf-token"' in page.content


def test_chooser_refuses_off_site_next_and_foreign_tenants(client, member, make_tenant, tenant):
    make_tenant("charlie")
    client.force_login(member)
    response = client.post("/tenant/", {"tenant": "alpha", "next": "https://evil.example/x"})
    assert response.status_code == 302 and response["Location"] == "/"
    response = client.post("/tenant/", {"tenant": "charlie", "next": "/"})
    assert response.status_code == 400
    assert response.content == b"tenant: not one of your tenants"
    assert client.session["ainergy_tenant_id"] == tenant.pk  # unchanged: still Alpha


def test_wrong_password_is_refused_with_a_message(client, member):
    response = client.post("/login/", {"username": "owner@alpha.dk", "password": "wrong"})
    assert response.status_code == 200
    assert "The e-mail or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_logout_lands_on_the_portal_login(client, member):
    client.force_login(member)
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/?logged_out=1"
    page = client.get(response["Location"])
    assert "You are logged out." in page.content.decode()
    assert client.get("/jobs").status_code == 302  # the session is gone


def test_django_pages_follow_the_language_cookie(client, member):
    client.cookies["ainergy_language"] = "da"
    page = client.get("/login/").content.decode()
    assert '<html lang="da">' in page and "Adgangskode" in page
    client.cookies.pop("ainergy_language")
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="da-DK,da;q=0.9,en;q=0.5").content.decode()
    assert '<html lang="da">' in page
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="fr-FR").content.decode()
    assert '<html lang="en">' in page and "Password" in page


def test_portal_page_reads_no_tenant_data(client, member, built_portal, tenant):
    # given a member with Alpha chosen
    client.force_login(member)
    session = client.session
    session["ainergy_tenant_id"] = tenant.pk
    session.save()
    # when the app's page is served, the only queries are the session, the user and memberships
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/pools/UG9vbDox")
    assert response.status_code == 200
    tables = {
        table
        for query in queries.captured_queries
        for table in ("django_session", "auth_user", "tenants_membership", "tenants_tenant")
        if table in query["sql"]
    }
    assert len(queries.captured_queries) == 3, [q["sql"] for q in queries.captured_queries]
    assert tables == {"django_session", "auth_user", "tenants_membership", "tenants_tenant"}


def test_unknown_address_is_the_styled_404(client, member):
    client.force_login(member)
    response = client.get("/no-such-section/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "<h1>Page not found</h1>" in body and 'href="/static/frontend/page.css"' in body


def test_csrf_failure_is_the_styled_403(member):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "owner@alpha.dk", "password": "correct horse"})
    assert response.status_code == 403
    body = response.content.decode()
    assert "<h1>Access denied</h1>" in body
    assert "The form expired or came from another site." in body


def test_server_error_page_is_styled():
    from django.test import RequestFactory

    from frontend.views import server_error

    response = server_error(RequestFactory().get("/", HTTP_ACCEPT_LANGUAGE="da"))
    assert response.status_code == 500
    assert "<h1>Noget gik galt</h1>" in response.content.decode()


def test_production_storage_keeps_vite_names_and_caches_them_forever():
    import re

    from frontend.storage import IMMUTABLE_FILE_PATTERN, PortalStaticFilesStorage

    def is_immutable_file(_path, url):
        return re.search(IMMUTABLE_FILE_PATTERN, url) is not None

    storage = PortalStaticFilesStorage()
    assert storage.hashed_name("portal/assets/portal-BgxFP4mA.js") == (
        "portal/assets/portal-BgxFP4mA.js"
    )
    assert is_immutable_file("", "/static/portal/assets/portal-BgxFP4mA.js")
    assert is_immutable_file("", "/static/frontend/page.78c9999c9e2b.css")
    assert not is_immutable_file("", "/static/frontend/page.css")


def test_portal_session_downloads_own_curves_only(client, member, tenant, other_tenant):
    """The bid plan page's download link: a session may GET the export, for its tenant only."""
    from strawberry import relay

    from tests.optimization.app.bidding_world import build_pool, make_plan, public_series

    public_series()
    plan = make_plan(tenant, build_pool(tenant))["plan"]
    url = f"/api/v1/bid-plans/{relay.GlobalID('BidPlan', str(plan.pk))}/curves?format=csv"
    # anonymous: no session, no token
    assert client.get(url).status_code == 401
    # the owner's session (Alpha chosen) downloads the file
    client.force_login(member)
    session = client.session
    session["ainergy_tenant_id"] = tenant.pk
    session.save()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.decode().count("\n") == 1 + 2 * 4  # header + 2 curves of 4 points
    assert client.post(url).status_code == 405
    # with Bravo chosen, Alpha's plan reads as missing
    session["ainergy_tenant_id"] = other_tenant.pk
    session.save()
    response = client.get(url)
    assert response.status_code == 404
    assert response.json() == {"errors": [{"message": "Bid plan not found.", "code": "NOT_FOUND"}]}
