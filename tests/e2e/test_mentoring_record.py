"""The mentoring record in real Chromium, on the README's demo: the demo mentee opens her record from My mentoring,
makes a link for her manager, and the manager (no sign-in, another browser) reads it; she revokes it after a
confirmation, and the manager's link answers "gone". Each page is axe clean."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

from mentorhub.accounts.models import AuditEvent
from sessions.models import RecordShare

from .conftest import E2E, axe_check, sign_in

pytestmark = E2E

MENTEE = "member@acme.example"


def test_a_mentee_shares_her_record_with_her_manager_and_revokes_it(page, browser, live_server, demo_data):
    sign_in(page, live_server, MENTEE)
    page.goto(f"{live_server.url}/o/acme/mentoring/")
    page.get_by_role("link", name="My mentoring record").click()
    expect(page).to_have_url(re.compile(r"/o/acme/mentoring/record/$"))
    main = page.get_by_role("main")
    expect(page.get_by_role("heading", level=1)).to_have_text("My mentoring record")
    expect(main).to_contain_text("Sessions held")
    expect(main).to_contain_text("You have not shared your record.")
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by its script
    axe_check(page)

    page.get_by_label("30 days").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Make a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your link is ready")
    axe_check(page)
    address = page.get_by_label("Link to your mentoring record").input_value()
    share = RecordShare.objects.get(employee__email=MENTEE)
    assert share.revoked_at is None and share.view_count == 0

    # The manager opens it in a browser of their own, signed in nowhere.
    manager = browser.new_context(base_url=live_server.url)
    try:
        other = manager.new_page()
        response = other.goto(live_server.url + urlsplit(address).path)
        assert response is not None and response.status == 200
        assert response.headers["referrer-policy"] == "no-referrer"
        expect(other.get_by_role("heading", level=1)).to_contain_text("Mentoring record of")
        expect(other.get_by_role("main")).to_contain_text("Sessions held")
        axe_check(other)
        share.refresh_from_db()
        assert share.view_count == 1

        # She revokes it, after saying yes on the confirmation page.
        page.get_by_role("link", name="Done, back to my record").click()
        page.get_by_role("link", name=re.compile("^Revoke")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Revoke this link?")
        axe_check(page)
        with page.expect_navigation():
            page.get_by_role("button", name="Revoke the link").click()
        expect(page.get_by_role("main")).to_contain_text("Revoked")

        gone = other.goto(live_server.url + urlsplit(address).path)
        assert gone is not None and gone.status == 410
        expect(other.get_by_role("heading", level=1)).to_have_text("This link no longer works")
        axe_check(other)
    finally:
        manager.close()
    events = AuditEvent.objects.filter(target_type="mentoring_sessions.recordshare", target_id=str(share.pk))
    verbs = set(events.values_list("verb", flat=True))
    assert verbs == {"record_share.create", "record_share.view", "record_share.revoke"}
