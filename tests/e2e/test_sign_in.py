"""Signing in through the real form in Chromium: where each demo person lands and what they see."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from .conftest import E2E, RESULTS_DIR, axe_check, sign_in

pytestmark = E2E

ADMIN_LINKS = ("Members", "Audit log", "API tokens")


def _org_nav(page):
    return page.get_by_role("navigation", name="Acme Corporation")


def test_demo_admin_signs_in_and_lands_on_acme_home(page, live_server, demo_data):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    axe_check(page)
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / "sign-in.png"), full_page=True)

    sign_in(page, live_server, "admin@acme.example")

    expect(page).to_have_url(f"{live_server.url}/o/acme/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corporation")
    nav = _org_nav(page)
    expect(nav.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="People")).to_be_visible()
    for name in ADMIN_LINKS:
        expect(nav.get_by_role("link", name=name)).to_be_visible()
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name="admin@acme.example")).to_be_visible()
    expect(account.get_by_role("link", name="Security")).to_be_visible()
    axe_check(page)
    page.screenshot(path=str(RESULTS_DIR / "org-home.png"), full_page=True)


def test_wrong_password_shows_an_error_and_keeps_the_visitor_out(page, live_server, demo_data):
    sign_in(page, live_server, "admin@acme.example", "not-the-demo-password")

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    error = page.get_by_role("alert")
    expect(error).to_have_text(re.compile("The email address and/or password you specified are not correct."))
    expect(error).to_be_focused()  # keyboard and screen-reader users land on the problem
    expect(page.get_by_label("Email", exact=True)).to_have_value("admin@acme.example")
    axe_check(page)

    page.goto(f"{live_server.url}/o/acme/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/o/acme/$"))


def test_member_signs_in_without_admin_navigation(page, live_server, demo_data):
    sign_in(page, live_server, "member@acme.example")

    expect(page).to_have_url(f"{live_server.url}/o/acme/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Acme Corporation")
    nav = _org_nav(page)
    expect(nav.get_by_role("link", name="Home")).to_be_visible()
    expect(nav.get_by_role("link", name="People")).to_be_visible()
    for name in ADMIN_LINKS:
        expect(nav.get_by_role("link", name=name)).to_have_count(0)
    expect(page.locator(".lead")).to_contain_text("member")
    axe_check(page)
