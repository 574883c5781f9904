"""Browser tests: real Chromium (Debian's /usr/bin/chromium) driven by Playwright's sync API against
pytest-django's live server.

- Playwright's own browser download does not work on our machines, so we launch the system Chromium.
  Missing Chromium skips these tests locally and fails them in CI (MENTORHUB_REQUIRE_SERVICES).
- Every page records console errors and uncaught exceptions; a test that produced any fails.
- Every browser context, whoever opens it, reports Content-Security-Policy violations (the page's
  `securitypolicyviolation` events and the console's "Refused to ..." lines) and Permissions-Policy header
  errors; a test during which any was reported fails, and the run ends with the count (docs/architecture.md,
  "Browser policy").
- `axe_check(page)` runs axe-core (from npm) in the page and fails on serious or critical violations.
- A failing test leaves a full-page screenshot under test-results/ (gitignored).

Mark browser tests with `pytestmark = E2E` (e2e + one xdist group, so a single worker owns the browser).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client

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


# Chromium logs every violation of the policy on the console ("Refused to load ... because it violates the
# following Content Security Policy directive: ...") and every header it cannot parse ("Error with
# Permissions-Policy header: ...").
POLICY_CONSOLE = re.compile(r"Content Security Policy|Permissions-Policy")
# Installed in every document of a watched context before its own scripts; the init script and the binding
# come in through the DevTools protocol, so the policy under test neither blocks nor reports them.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.mentorhubPolicyViolation({
    directive: event.effectiveDirective, blocked: event.blockedURI, document: event.documentURI,
    source: event.sourceFile, line: event.lineNumber, sample: event.sample,
  });
}, true);
"""


@dataclass
class PolicyWatch:
    """What the browser reported about the policy: this test's reports, and the run's totals."""

    reports: list[str] = field(default_factory=list)
    violations: int = 0  # securitypolicyviolation events, the whole run
    console_reports: int = 0  # console lines about the policy, the whole run
    tests: int = 0
    page_loads: int = 0

    def install(self, context: Any) -> None:
        context.expose_binding("mentorhubPolicyViolation", lambda _source, event: self._violation(event))
        context.add_init_script(CSP_LISTENER)
        context.on("console", self._console)
        context.on("page", self._watch_page)

    def _watch_page(self, page: Any) -> None:
        page.on("load", lambda _page: self._loaded())

    def _loaded(self) -> None:
        self.page_loads += 1

    def _violation(self, event: dict) -> None:
        self.violations += 1
        self.reports.append(
            f"CSP violation on {event['document']}: {event['directive']} blocked {event['blocked'] or 'inline'}"
            f" ({event['source']}:{event['line']}) {event['sample']!r}"
        )

    def _console(self, message: Any) -> None:
        if POLICY_CONSOLE.search(message.text):
            self.console_reports += 1
            self.reports.append(_describe(message))


POLICY_WATCH = PolicyWatch()


class WatchedBrowser:
    """The launched Chromium, whose every new context reports policy violations to POLICY_WATCH (tests that
    open a second context, for a second person, get the same check as `page`)."""

    def __init__(self, browser: Any) -> None:
        self._browser = browser

    def new_context(self, **kwargs: Any) -> Any:
        context = self._browser.new_context(**kwargs)
        POLICY_WATCH.install(context)
        return context

    def new_page(self, **kwargs: Any) -> Any:
        raise NotImplementedError("Open `browser.new_context(...).new_page()`, so the test closes the context.")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._browser, name)


@pytest.fixture(autouse=True)
def browser_policy_respected(request) -> Iterator[None]:
    """Fails a test during which any page broke the Content-Security-Policy or whose Permissions-Policy the
    browser refused. Autouse, so it is set up before (and checked after) every context the test opens."""
    POLICY_WATCH.reports.clear()
    yield
    if "browser" not in request.fixturenames:
        return
    POLICY_WATCH.tests += 1
    reports, call_report = list(POLICY_WATCH.reports), getattr(request.node, "report_call", None)
    if reports and (call_report is None or call_report.passed):
        pytest.fail("The browser reported a policy violation:\n" + "\n".join(reports), pytrace=False)
    elif reports:
        print("The browser reported a policy violation:\n" + "\n".join(reports), file=sys.stderr)


def pytest_terminal_summary(terminalreporter) -> None:
    # The figure issue 12 asks for. (Under pytest-xdist each worker counts its own and prints nothing here.)
    if POLICY_WATCH.tests:
        terminalreporter.write_line(
            f"Browser policy: {POLICY_WATCH.violations} CSP violation event(s) and {POLICY_WATCH.console_reports}"
            f" policy console report(s) in {POLICY_WATCH.tests} browser test(s), {POLICY_WATCH.page_loads} page loads"
        )


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
        yield WatchedBrowser(chromium)
        chromium.close()


@pytest.fixture
def page(browser, live_server, fresh_cache, request) -> Iterator:
    """A fresh browser context (no cookies) for each test. Fails the test on console errors, except those
    matching a pattern the test puts in `page.expected_errors` (Chromium logs every 4xx document as one).

    `fresh_cache` gives every test its own rate-limit counters: all sign-ins come from 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda message: problems.append(_describe(message)) if _other_error(message) else None)
    page.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    page.expected_errors = []
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
    problems = [p for p in problems if not any(re.search(pattern, p) for pattern in page.expected_errors)]
    if problems and (call_report is None or call_report.passed):
        pytest.fail("The browser reported errors:\n" + "\n".join(problems), pytrace=False)
    elif problems:
        # The test failed already; these may explain why (shown under "Captured stderr teardown").
        print("The browser reported errors:\n" + "\n".join(problems), file=sys.stderr)


def _other_error(message) -> bool:
    """A console error that browser_policy_respected does not already report."""
    return message.type == "error" and not POLICY_CONSOLE.search(message.text)


def _describe(message) -> str:
    location = message.location or {}
    where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})" if location.get("url") else ""
    return f"console error: {message.text}{where}"


@pytest.fixture
def demo_data(transactional_db) -> None:
    """The README's demo: acme and globex with their rosters and sign-ins (password `mentorhub-demo`).
    Browser tests use the live server, so the database is flushed after each test and seeded again."""
    call_command("seed_demo")


def reads_english(email: str) -> None:
    """The demo mentor reads MentorHub in German (his choice); tests whose assertions read the English pages
    switch that choice off first. tests/e2e/test_languages.py walks his German pages."""
    from mentorhub.accounts.models import User

    User.objects.filter(email=email).update(language="")


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


def signed_in(context, live_server, user) -> None:
    """The browser holds a signed-in session of `user`, made as signing in makes it, for tests about the
    pages behind the sign-in (the form itself: `sign_in`)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def axe_check(page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core on the current page; fail on any violation of the given impacts. Returns all
    violations, so a test can look at the minor ones too."""
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm install` (axe-core is a devDependency in package.json).")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: a <script> tag with axe inline (add_script_tag) is exactly
        # what the page's Content-Security-Policy refuses.
        page.evaluate("() => {\n" + AXE_JS.read_text() + "\n}")
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
