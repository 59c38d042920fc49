"""The portal's shell in Chromium: login with deep links, the tenant chooser, logout, language,
error pages, role-aware navigation, tenant admin (members, tokens shown once) and the jobs
centre (live progress from a real Celery worker, cancel, failure reason)."""

from __future__ import annotations

import re

import pytest

from tests.jobs.fixtures import wait_for  # the `worker` fixture comes from tests/conftest.py

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_tenants(tenant, other_tenant, member_of):
    """owner@alpha.dk owns Alpha and views Bravo."""
    user = member_of(tenant, "owner", "owner@alpha.dk")
    member_of(other_tenant, "viewer", "owner@alpha.dk")
    return user


def test_deep_link_login_chooser_language_and_logout(open_portal, two_tenants):
    portal = open_portal()
    page = portal.page
    # given an anonymous visitor on a deep link: the login page, styled and accessible
    portal.goto("/jobs?status=RUNNING")
    assert page.url == portal.url("/login/?next=/jobs%3Fstatus%3DRUNNING")
    portal.audit("login")
    # a wrong password is refused in words
    page.fill("input[name=username]", "owner@alpha.dk")
    page.fill("input[name=password]", "wrong")
    page.click("button[type=submit]")
    assert page.get_by_role("alert").inner_text().startswith("The e-mail or password is not")
    # the right one leads through the tenant chooser back to the deep link
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/tenant/\?next="))
    portal.audit("tenant-chooser")
    portal.choose_tenant("Alpha")
    page.wait_for_url(portal.url("/jobs?status=RUNNING"))
    portal.wait_for_app()
    assert page.inner_text("[data-testid=tenant-name]") == "Alpha"
    assert page.get_by_role("heading", level=1).inner_text() == "Jobs"
    # switching to Danish re-labels the app and is remembered by Django's pages
    page.get_by_role("button", name="Dansk").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Jobs"
    assert page.get_by_role("link", name="Administration").is_visible()
    assert page.evaluate("document.documentElement.lang") == "da"
    page.get_by_role("button", name="English").click()
    # logout lands on the portal's own login page, which logs in again
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(portal.url("/login/?logged_out=1"))
    assert page.get_by_role("status").inner_text() == "You are logged out."
    page.fill("input[name=username]", "owner@alpha.dk")
    page.fill("input[name=password]", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/tenant/"))


def test_error_pages_are_styled_inside_the_portal(open_portal, tenant, member_of):
    member_of(tenant, "owner")
    portal = open_portal()
    portal.log_in("owner@alpha.dk", next_path="/settings")
    portal.wait_for_app()
    # an address Django doesn't know: the styled 404 page with a way back
    portal.expect_console_error(r"404 \(Not Found\)")
    response = portal.goto("/no-such-page")
    assert response.status == 404
    assert portal.page.get_by_role("heading", level=1).inner_text() == "Page not found"
    portal.audit("error-404")
    # an address inside the app that matches no page: the app's own not-found page
    portal.goto("/pools/x/y/z")
    portal.wait_for_app()
    assert portal.page.get_by_role("heading", level=1).inner_text() == "Not found"
    portal.audit("app-not-found")


def test_household_tenant_sees_no_pool_pages(open_portal, make_tenant, member_of):
    household = make_tenant("homes", kind="household_provider")
    member_of(household, "owner", "owner@homes.dk")
    portal = open_portal()
    portal.log_in("owner@homes.dk", next_path="/")
    portal.wait_for_app()
    nav = portal.page.get_by_role("navigation", name="Main navigation")
    assert nav.get_by_role("link", name="Households").count() == 1
    assert nav.get_by_role("link", name="Pools").count() == 0
    assert nav.get_by_role("link", name="Bid plans").count() == 0
    portal.goto("/pools")
    portal.wait_for_app()
    assert portal.page.get_by_role("heading", level=1).inner_text() == "Access denied"


def test_owner_creates_a_token_whose_secret_is_shown_once(open_portal, tenant, member_of):
    from tenants.models import ApiToken, Membership

    member_of(tenant, "owner")
    portal = open_portal()
    page = portal.page
    portal.log_in("owner@alpha.dk", next_path="/settings")
    portal.wait_for_app()
    portal.audit("tenant-admin")
    # when the owner creates a read/write token
    page.get_by_label("Name").fill("SCADA bridge")
    page.get_by_label("write").check()
    page.get_by_role("button", name="Create token").click()
    # then its secret is shown once, and it is the token's real secret
    secret = page.get_by_test_id("token-secret").inner_text()
    token = ApiToken.objects.get(tenant=tenant, name="SCADA bridge")
    assert secret.startswith("ain_") and secret.endswith(token.last_four)
    assert sorted(token.scopes) == ["read", "write"]
    row = page.get_by_test_id("tokens").get_by_role("row", name=re.compile("SCADA bridge"))
    assert "read, write" in row.inner_text() and "active" in row.inner_text()
    portal.audit("tenant-admin-secret")
    # after a reload the secret is gone for good; the list shows only its prefix and last four
    page.reload()
    portal.wait_for_app()
    assert page.get_by_test_id("token-secret").count() == 0
    assert secret not in page.content()
    assert f"…{token.last_four}" in page.get_by_test_id("tokens").inner_text()
    # members: the owner adds an operator
    page.get_by_role("textbox", name="E-mail").fill("op@alpha.dk")
    page.get_by_role("combobox", name="Role", exact=True).select_option("OPERATOR")
    page.get_by_role("button", name="Add", exact=True).click()
    page.get_by_test_id("members").get_by_text("op@alpha.dk").wait_for()
    assert Membership.objects.get(tenant=tenant, user__email="op@alpha.dk").role == "operator"


def test_viewer_sees_no_action_buttons(open_portal, tenant, member_of):
    from ainergy.jobs.models import Job, JobStatus

    member_of(tenant, "viewer")
    Job.objects.create(tenant=tenant, kind="diagnostic", queue="default", status=JobStatus.QUEUED)
    portal = open_portal()
    page = portal.page
    portal.log_in("viewer@alpha.dk", next_path="/settings")
    portal.wait_for_app()
    assert page.get_by_role("button", name="Add", exact=True).count() == 0
    assert page.get_by_role("button", name="Create token").count() == 0
    assert page.get_by_text("Only owners can manage members and tokens.").first.is_visible()
    portal.goto("/jobs")
    portal.wait_for_app()
    assert page.locator("[data-testid=jobs-table] tbody tr").count() == 1
    assert page.get_by_role("button", name=re.compile("Cancel")).count() == 0


def test_jobs_centre_shows_live_progress_cancel_and_failure(
    open_portal,
    tenant,
    member_of,
    worker,
):
    from ainergy.jobs.diagnostics import diagnostic_parameters
    from ainergy.jobs.services import job_enqueue

    member_of(tenant, "operator")
    portal = open_portal()
    page = portal.page
    portal.log_in("operator@alpha.dk", next_path="/jobs")
    portal.wait_for_app()
    # given a slow job running on the worker while the page is open (every text its progress
    # sentence takes is recorded in the page; nothing reloads it)
    page.evaluate(RECORD_SENTENCES)
    slow = job_enqueue(
        tenant=tenant,
        kind="diagnostic",
        parameters=diagnostic_parameters(steps=8, step_delay_s=1.0),
    )
    slow_id = _gid("Job", slow.pk)
    row = page.locator(f"tr[data-job-id='{slow_id}']")
    row.get_by_text(re.compile(r"Running: step \d of 8")).wait_for()
    portal.audit("jobs-running")
    row.get_by_text(re.compile(r"Finished in \d")).wait_for(timeout=30_000)
    # then the page showed the progress advancing, step by step, then the finished message
    seen = [text for job_id, text in page.evaluate("window.seenSentences") if job_id == slow_id]
    steps = [int(m.group(1)) for t in seen if (m := re.match(r"Running: step (\d) of 8", t))]
    assert len(steps) >= 2 and steps == sorted(steps), seen
    assert seen[-1].startswith("Finished in"), seen
    assert row.get_attribute("data-status") == "SUCCEEDED"
    # a failing job shows its reason in words
    failing = job_enqueue(
        tenant=tenant,
        kind="diagnostic",
        parameters=diagnostic_parameters(steps=1, fail_with="error"),
    )
    failed_row = page.locator(f"tr[data-job-id='{_gid('Job', failing.pk)}']")
    failed_row.get_by_text(
        "Failed: The computation stopped with an error: Diagnostic failure requested."
    ).wait_for(timeout=20_000)
    # a long job can be cancelled from its row
    long = job_enqueue(
        tenant=tenant,
        kind="diagnostic",
        parameters=diagnostic_parameters(steps=20, step_delay_s=1.0),
    )
    long_row = page.locator(f"tr[data-job-id='{_gid('Job', long.pk)}']")
    long_row.get_by_role("button", name=re.compile("Cancel")).click()
    long_row.get_by_text("Cancelled.").wait_for()
    assert wait_for(long.pk, lambda job: job.status == "cancelled").status == "cancelled"
    portal.audit("jobs-finished")


RECORD_SENTENCES = """() => {
  window.seenSentences = [];
  const record = () => document.querySelectorAll("[data-testid=job-sentence]").forEach((el) => {
    const entry = [el.closest("tr").dataset.jobId, el.textContent];
    if (!window.seenSentences.some(([id, text]) => id === entry[0] && text === entry[1]))
      window.seenSentences.push(entry);
  });
  new MutationObserver(record).observe(document.body,
    { subtree: true, childList: true, characterData: true });
}"""


def _gid(type_name: str, pk: int) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, str(pk)))


def test_api_explorer_runs_a_query_offline_and_passes_the_audit(open_portal, tenant, member_of):
    member_of(tenant, "owner")
    portal = open_portal()
    page = portal.page
    # every request that leaves the test server (a CDN, the GraphiQL logo's site) is refused
    outside: list[str] = []

    def only_the_server(route):
        if route.request.url.startswith(portal.base_url) or route.request.url.startswith("data:"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_the_server)
    portal.log_in("owner@alpha.dk", next_path="/explorer")
    page.wait_for_selector(".graphiql-container .graphiql-execute-button")
    page.wait_for_selector(".graphiql-query-editor .view-lines")
    # when the default query runs: the logged-in user comes back from the API in the session
    page.locator(".graphiql-execute-button").click()
    page.wait_for_function(
        "() => document.querySelector('.graphiql-response')?.innerText.includes('owner@alpha.dk')"
    )
    assert outside == []
    portal.audit("api-explorer")
