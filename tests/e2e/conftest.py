"""Browser tests: real Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API against
pytest-django's live server.

- Playwright's own browser download does not work on our machines, so we launch the system Chromium.
  Missing Chromium skips these tests locally and fails them in CI (MENTORHUB_REQUIRE_SERVICES).
- Every page records console errors and uncaught exceptions; a test that produced any fails.
- `axe_check(page)` runs axe-core (from npm) in the page and fails on serious or critical violations.
- A failing test leaves a full-page screenshot under test-results/ (gitignored).

Mark browser tests with `pytestmark = E2E` (e2e + one xdist group, so a single worker owns the browser).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

# Playwright's sync API keeps an asyncio event loop in the test thread for as long as the browser lives;
# Django would then refuse ORM calls from this thread (SynchronousOnlyOperation), including in non-browser
# tests that run later in the same worker. The ORM calls here are synchronous, so this is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
RESULTS_DIR = Path(settings.BASE_DIR) / "test-results"
DEMO_PASSWORD = "mentorhub-demo"

E2E = [pytest.mark.e2e, pytest.mark.xdist_group("browser")]


def pytest_configure(config: pytest.Config) -> None:
    # pytest-xdist registers this marker itself; without xdist (`-p no:xdist`) --strict-markers would refuse it.
    config.addinivalue_line("markers", "xdist_group(name): run these tests on the same xdist worker")


def _services_required() -> bool:
    return os.environ.get("MENTORHUB_REQUIRE_SERVICES", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    # Keep each phase's report on the item, so the `page` fixture can tell at teardown that the test failed.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (.ci/run does)."
        if _services_required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, fresh_cache, request) -> Iterator:
    """A fresh browser context (no cookies) for each test. Fails the test on console errors.

    `fresh_cache` gives every test its own rate-limit counters: all sign-ins come from 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(_describe(message)) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    yield page

    call_report = getattr(request.node, "report_call", None)
    if call_report is not None and call_report.failed:
        RESULTS_DIR.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        try:
            page.screenshot(path=str(RESULTS_DIR / f"{name}.png"), full_page=True)
        except Exception as exc:  # a screenshot must never hide the real failure
            print(f"could not save a screenshot: {exc}")
    context.close()
    if problems and (call_report is None or call_report.passed):
        pytest.fail("The browser reported errors:\n" + "\n".join(problems), pytrace=False)
    elif problems:
        # The test failed already; these may explain why (shown under "Captured stderr teardown").
        print("The browser reported errors:\n" + "\n".join(problems), file=sys.stderr)


def _describe(message) -> str:
    location = message.location or {}
    where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})" if location.get("url") else ""
    return f"console error: {message.text}{where}"


@pytest.fixture
def demo_data(transactional_db) -> None:
    """The README's demo: acme and globex with their rosters and sign-ins (password `mentorhub-demo`).
    Browser tests use the live server, so the database is flushed after each test and seeded again."""
    call_command("seed_demo")


def sign_in(page, live_server, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real form, as a person would, and wait for the page after it: the email first
    ("Continue": an address outside single sign-on gets the password form), then the password."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email", exact=True).fill(email)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign In", exact=True).click()


def axe_check(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; fail on any violation of the given impacts. Returns all
    violations, so a test can look at the minor ones too."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm install` (axe-core is a devDependency in package.json).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate("async () => await window.axe.run(document, {resultTypes: ['violations']})")
    violations = results["violations"]
    blocking = [v for v in violations if v.get("impact") in impacts]
    if blocking:
        lines = [f"axe found {len(blocking)} {'/'.join(impacts)} violation(s) on {page.url}:"]
        for violation in blocking:
            targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} -> {targets}")
        pytest.fail("\n".join(lines), pytrace=False)
    return violations
