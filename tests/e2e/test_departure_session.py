"""A departure takes effect in an open browser: the leaver's next page is the sign-in page, their API token
and calendar feed stop answering, and their match partner finds the notice."""

from __future__ import annotations

import re

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from mentorhub.accounts.services.departures import employee_depart
from mentorhub.accounts.services.tokens import api_token_create
from sessions.services.notifications import calendar_feed_get_or_create, feed_token
from tests.factories import OrganizationFactory
from tests.sessions.factories import active_pair

from .conftest import E2E, axe_check

pytestmark = E2E


def _signed_in(context, live_server, user) -> None:
    """The browser holds a signed-in session of `user` (made as signing in makes it; the sign-in form
    itself is tested in test_sign_in.py)."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_the_leavers_open_session_ends_and_the_partner_is_told(page, browser, live_server, transactional_db):
    org = OrganizationFactory(slug="alpha", name="Alpha Ltd")
    pair = active_pair(org)
    _, raw = api_token_create(organization=org, actor=pair.mentee.user, membership=pair.mentee, name="cli")
    token = feed_token(calendar_feed_get_or_create(organization=org, employee=pair.mentee.employee))
    feed = f"{live_server.url}/calendar/{token}.ics"
    api = f"{live_server.url}/api/v1/o/alpha/notifications/"
    bearer = {"Authorization": f"Bearer {raw}"}
    assert page.request.get(feed).status == 200
    assert page.request.get(api, headers=bearer).status == 200

    _signed_in(page.context, live_server, pair.mentee.user)
    page.goto(f"{live_server.url}/o/alpha/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha Ltd")

    employee_depart(organization=org, actor=None, employee_id=pair.mentee.employee_id, source="scim")

    page.goto(f"{live_server.url}/o/alpha/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/o/alpha/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    assert page.request.get(api, headers=bearer).status == 401
    assert page.request.get(feed).status == 404

    partner = browser.new_context(base_url=live_server.url).new_page()
    try:
        _signed_in(partner.context, live_server, pair.mentor.user)
        partner.goto(f"{live_server.url}/o/alpha/notifications/")
        name = pair.mentee.employee.name
        expect(partner.get_by_text(f"ended: {name} left the organization")).to_be_visible()
        axe_check(partner)
    finally:
        partner.context.close()
