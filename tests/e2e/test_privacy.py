"""People's data rights in a browser, by keyboard (docs/privacy.md): a person finds "Your data"; an admin sets
the retention, opens a person's erasure, types the address and erases them; the pages pass axe."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from mentorhub.accounts.models import Employee, Role
from tests.factories import MembershipFactory, OrganizationFactory

from .conftest import E2E, axe_check, signed_in

pytestmark = E2E


def test_an_admin_erases_a_person_by_keyboard(page, live_server, transactional_db):
    org = OrganizationFactory(slug="alpha", name="Alpha Ltd")
    admin = MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin@alpha.test")
    person = MembershipFactory(organization=org, user__email="ana.quist@alpha.test", employee__name="Ana Quist")
    signed_in(page.context, live_server, admin.user)

    page.goto(f"{live_server.url}/o/alpha/settings/privacy/")
    axe_check(page)
    months = page.get_by_label("Erase a leaver's personal data this many months after they left")
    months.fill("36")
    months.press("Enter")
    expect(page.get_by_text("Saved. Leavers' personal data is erased 36 months after they left.")).to_be_visible()

    page.goto(f"{live_server.url}/o/alpha/people/{person.employee_id}/")
    page.get_by_role("link", name="Erase Ana Quist…").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Erase Ana Quist?")
    axe_check(page)
    field = page.get_by_label("Type their email address to confirm")
    field.focus()
    page.keyboard.type("ana.quist@alpha.test")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Erased person")
    expect(page.get_by_text("Erased. Their personal data is gone")).to_be_visible()
    assert Employee.objects.get(pk=person.employee_id).erased_at is not None


def test_a_member_finds_their_data(page, live_server, transactional_db):
    org = OrganizationFactory(slug="alpha", name="Alpha Ltd")
    member = MembershipFactory(organization=org, user__email="ana.quist@alpha.test", employee__name="Ana Quist")
    signed_in(page.context, live_server, member.user)

    page.goto(f"{live_server.url}/o/alpha/people/{member.employee_id}/")
    page.get_by_role("link", name="Download your data").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your data")
    axe_check(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Your data as a readable page (HTML)").click()
    assert download.value.suggested_filename.startswith("alpha-my-data-")
    assert "Ana Quist" in Path(download.value.path()).read_text(encoding="utf-8")
