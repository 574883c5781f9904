"""The browser policy across the product (issue 12): on the README's demo, each kind of person walks every
page they can reach by following links, in real Chromium, and no page breaks the Content-Security-Policy
(the `browser_policy_respected` fixture in conftest.py fails the test on any violation the browser reports,
and on a Permissions-Policy it refuses). The walk is checked to have reached the pages issue 12 names, so a
page that stops being linked cannot drop out unnoticed.

The walk follows links, not forms; the forms, htmx updates and charts are exercised by the other browser
tests under the same fixture."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from mentorhub.accounts.models import Role, User
from tests.factories import MembershipFactory, OrganizationFactory

from .conftest import E2E, sign_in, signed_in

pytestmark = E2E

# Links the walk does not open: downloads (CSV, iCalendar, JSON, PDF) and signing out.
SKIP = re.compile(r"(\.csv|\.ics|\.json|\.pdf|/export/?|/logout/)")
# Pages of one route (and the same query keys) look alike: the walk opens one of each.
HREFS = "links => links.map(a => a.getAttribute('href'))"
MOST_PAGES = 120  # per person: a bound on the walk's time, far above what the demo links to

# What the walk must reach, by URL name: the pages issue 12 lists, for each kind of person.
MUST_REACH = {
    "admin@acme.example": {
        "org-home",
        "program-list",
        "program-detail",
        "program-matching",
        "match-run-detail",
        "program-health",
        "impact-report",
        "people-list",
        "people-detail",
        "audit-log",
        "sso-settings",
        "members",
        "group-list",
        "api-tokens",
        "skill-list",
        "skills-gap",
        "skills-gap-mentors",
        "webhook-list",
        "webhook-detail",
        "webhook-deliveries",
        "webhook-delete",
    },
    "member@acme.example": {
        "org-home",
        "my-mentoring",
        "mentoring-match",
        "my-matches",
        "my-programs",
        "people-list",
        "notifications",
        "about-me",
        "mentoring-record",
    },
    "stakeholder@acme.example": {"org-home", "program-health", "impact-report", "people-list", "skills-gap"},
}


def _shape(url: str) -> str:
    """A URL with its ids and query values replaced, so pages of one route count together."""
    parts = urlsplit(url)
    query = "&".join(sorted(re.sub(r"=.*", "=", pair) for pair in parts.query.split("&") if pair))
    return re.sub(r"/\d+", "/N", parts.path) + (f"?{query}" if query else "")


def _url_name(url: str) -> str | None:
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name


def walk(page, start: str, *, within: str, most: int = MOST_PAGES) -> list[str]:
    """Open `start`, then every same-site link under `within` breadth first (one page of a route, at most
    `most`); return the URLs opened. Each answer must be a page (2xx), not an error."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    queue, seen_shapes, opened = deque([start]), set(), []
    while queue and len(opened) < most:
        url = queue.popleft()
        if _shape(url) in seen_shapes:
            continue
        seen_shapes.add(_shape(url))
        response = page.goto(url)
        assert response is not None and response.ok, f"{url} answered {response and response.status}"
        opened.append(url)
        for href in page.eval_on_selector_all("a[href]", HREFS):
            target = urljoin(page.url, href).split("#", 1)[0]
            path = urlsplit(target).path
            if target.startswith(origin) and path.startswith(within) and not SKIP.search(target):
                queue.append(target)
    return opened


def test_every_page_each_person_reaches_respects_the_policy(page, live_server, demo_data):
    # One walk per person on one seeding of the demo (seeding is the slow part).
    for email, must in MUST_REACH.items():
        page.context.clear_cookies()
        sign_in(page, live_server, email)
        opened = walk(page, f"{live_server.url}/o/acme/", within="/o/acme/")
        reached = {_url_name(url) for url in opened}
        print(f"{email}: {len(opened)} pages, {len(reached)} routes")
        missing = must - reached
        assert not missing, f"{email}'s walk did not reach {sorted(missing)}"

    # A superuser: the Django admin's index, every model's list and the first row of each (it is read-only:
    # no add or edit forms), then the API docs.
    User.objects.filter(email="admin@acme.example").update(is_staff=True, is_superuser=True)
    page.context.clear_cookies()
    sign_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.url}/admin/")
    opened = [page.url]
    for url in sorted(set(page.eval_on_selector_all("#content-main a[href$='/']", HREFS))):
        assert page.goto(urljoin(live_server.url, url)).ok, url
        opened.append(page.url)
        rows = page.eval_on_selector_all("#result_list tbody th a", HREFS)
        if rows:
            assert page.goto(urljoin(live_server.url, rows[0])).ok, rows[0]
            opened.append(page.url)
    reached = {_url_name(url) for url in opened}
    print(f"Django admin: {len(opened)} pages, {len(reached)} routes")
    assert {"admin:index", "admin:accounts_employee_changelist", "admin:accounts_employee_change"} <= reached

    # Swagger UI draws the operations from the schema (its start script is the one inline script, with the
    # nonce); opening one renders its parameters and responses.
    page.goto(f"{live_server.url}/api/docs/")
    operations = page.locator(".opblock-summary")
    expect(operations.first).to_be_visible()
    operations.first.click()
    expect(page.locator(".opblock-body").first).to_be_visible()


def test_error_pages_respect_the_policy(page, live_server, transactional_db):
    org = OrganizationFactory(slug="alpha", name="Alpha Ltd")
    OrganizationFactory(slug="beta", name="Beta plc")  # not the member's: 404, as if it did not exist
    member = MembershipFactory(organization=org, role=Role.MEMBER)
    # Chromium logs every 4xx document as a console error; these are the answers this test asks for.
    page.expected_errors = [r"status of 40[34]"]
    assert page.goto(f"{live_server.url}/o/alpha/no-such-page/").status == 404
    signed_in(page.context, live_server, member.user)
    assert page.goto(f"{live_server.url}/o/alpha/audit/").status == 403
    assert page.goto(f"{live_server.url}/o/beta/").status == 404
