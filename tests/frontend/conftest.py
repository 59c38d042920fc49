"""End-to-end harness: the built portal in Debian's headless Chromium (never a downloaded browser)
against live_server on the test database. Every page a test visits can be audited: axe-core
(from the portal's npm packages) with zero violations, no horizontal overflow at 390 px, a
screenshot at 1440 and 390 px into var/portal-screenshots/, and a console free of errors."""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "frontend" / "static" / "portal" / ".vite" / "manifest.json"
AXE_JS = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "var" / "portal-screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WIDE, PHONE = 1440, 390
# Pages whose 1440 px screenshot is also written small (<250 kB) for the README (docs/img/).
README_SHOTS = {"bid-plan": "portal-bid-plan.png", "household-day": "portal-household-day.png"}
PASSWORD = "correct horse battery"

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop


def _unavailable(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true needs {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        _unavailable("Debian's chromium (apt-get install chromium)")
    if not MANIFEST.exists() or not AXE_JS.exists():
        _unavailable("the portal build and its npm packages (make portal)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Portal:
    """One browser context (cookies) of one user, with the audits every page must pass."""

    def __init__(self, browser, base_url: str, language: str = "en"):
        self.base_url = base_url
        self.context = browser.new_context(
            viewport={"width": WIDE, "height": 900}, locale="en-GB" if language == "en" else "da-DK"
        )
        self.context.add_cookies([{"name": "ainergy_language", "value": language, "url": base_url}])
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.console_errors: list[str] = []
        self.expected_errors: list[re.Pattern] = []
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        text = f"{message.text} @ {message.location.get('url', '')}"
        if not any(pattern.search(text) for pattern in self.expected_errors):
            self.console_errors.append(text)

    def expect_console_error(self, pattern: str) -> None:
        self.expected_errors.append(re.compile(pattern))

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        return response

    def log_in(self, email: str, password: str = PASSWORD, next_path: str = "/") -> None:
        self.goto(next_path)
        assert self.page.url.startswith(self.url("/login/")), self.page.url
        self.page.fill("input[name=username]", email)
        self.page.fill("input[name=password]", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def choose_tenant(self, name: str) -> None:
        assert "/tenant/" in self.page.url, self.page.url
        self.page.get_by_role("button", name=re.compile(name)).click()
        self.page.wait_for_load_state()

    def wait_for_app(self) -> None:
        """The React app rendered its page (no loading state left in the main area)."""
        self.page.wait_for_selector("main#content h1, .status-page h1")
        self.page.wait_for_function(
            "() => !document.querySelector('main .state-loading')", timeout=20_000
        )

    # --- audits --------------------------------------------------------------------------
    def axe_violations(self) -> list[dict]:
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.add_script_tag(path=str(AXE_JS))
        result = self.page.evaluate(
            """async () => {
                const results = await window.axe.run(document, { resultTypes: ["violations"] });
                return results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help,
                    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary),
                }));
            }"""
        )
        return result

    def horizontal_overflow_px(self) -> int:
        return self.page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - window.innerWidth"
        )

    def overflowing_elements(self) -> list[str]:
        """The innermost elements reaching past the viewport's right edge (for the message)."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5
                    && ![...el.children].some(c => c.getBoundingClientRect().right
                        > window.innerWidth + 0.5)
                    && !el.closest(".table-scroll"))
                .slice(0, 5)
                .map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")
                    + " " + Math.round(el.getBoundingClientRect().right) + "px")"""
        )

    def audit(self, name: str) -> None:
        """axe at both widths, no overflow at 390 px, screenshots of both; then back to 1440."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for width in (WIDE, PHONE):
            self.page.set_viewport_size({"width": width, "height": 900 if width == WIDE else 844})
            self.page.wait_for_timeout(250)  # charts resize on the viewport change
            violations = self.axe_violations()
            assert violations == [], f"{name} at {width}px: {json.dumps(violations, indent=1)}"
            if width == PHONE:
                overflow = self.horizontal_overflow_px()
                assert overflow <= 0, (
                    f"{name} overflows by {overflow}px at {PHONE}px: {self.overflowing_elements()}"
                )
            self.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
            if width == WIDE and name in README_SHOTS:
                _readme_copy(SCREENSHOTS / f"{name}-{width}.png", README_SHOTS[name])
        self.page.set_viewport_size({"width": WIDE, "height": 900})

    def assert_console_clean(self) -> None:
        assert self.console_errors == [], self.console_errors

    def close(self) -> None:
        self.context.close()


def _readme_copy(source: Path, name: str) -> None:
    """The page's top 2000 px at 1100 px wide in 160 colours: var/portal-screenshots/readme/."""
    from PIL import Image

    image = Image.open(source).convert("RGB")
    width, height = image.size
    image = image.crop((0, 0, width, min(height, 2000)))
    image = image.resize((1100, round(image.size[1] * 1100 / width)), Image.LANCZOS)
    (SCREENSHOTS / "readme").mkdir(exist_ok=True)
    image.quantize(colors=160, method=Image.Quantize.MEDIANCUT).save(
        SCREENSHOTS / "readme" / name, optimize=True
    )


@pytest.fixture
def open_portal(browser, live_server):
    """open_portal(language="en") -> Portal; console errors fail the test at teardown."""
    opened: list[Portal] = []
    # The server's first request loads the URLconf and builds the GraphQL schema (seconds on a
    # busy machine); done here, so no page load of the test waits for it.
    urllib.request.urlopen(live_server.url + "/login/", timeout=180).read()

    def open_(language: str = "en") -> Portal:
        portal = Portal(browser, live_server.url, language)
        opened.append(portal)
        return portal

    yield open_
    errors = [error for portal in opened for error in portal.console_errors]
    for portal in opened:
        portal.close()
    assert errors == [], f"console errors: {errors}"


@pytest.fixture
def member_of(db):
    """member_of(tenant, role, email) -> user with PASSWORD, member of the tenant."""
    from tenants.models import Membership
    from tenants.services import user_get_or_create

    def make(tenant, role: str = "owner", email: str | None = None):
        user = user_get_or_create(email=email or f"{role}@{tenant.slug}.dk")
        user.set_password(PASSWORD)
        user.save()
        Membership.objects.update_or_create(tenant=tenant, user=user, defaults={"role": role})
        return user

    return make
