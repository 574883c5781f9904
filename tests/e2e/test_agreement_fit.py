"""The match's agreement and the early pairing-fit check in a browser, on the README's demo data: the demo
mentee (Maya) adapted the agreement and confirmed it; her mentor (Marco) reads it on their match page and
confirms it by keyboard-reachable controls; Maya answers "Is this a good match for you?" privately. Both pages
axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from matching.models import MatchMember
from sessions.models import PairingFitAnswer

from .conftest import E2E, axe_check, reads_english, sign_in

pytestmark = E2E

MENTEE = "member@acme.example"
MENTOR = "mentor@acme.example"


def test_mentor_confirms_the_agreement_and_mentee_answers_the_fit_question(page, live_server, demo_data):
    match = MatchMember.objects.get(participant__employee__email=MENTEE, current=True).match
    url = f"{live_server.url}/o/acme/mentoring/matches/{match.pk}/"

    reads_english(MENTOR)
    sign_in(page, live_server, MENTOR)
    page.goto(url)
    agreement = page.get_by_role("region", name="Our agreement")
    expect(agreement).to_contain_text("not confirmed yet")
    expect(agreement).to_contain_text("Ending the match without fault")
    axe_check(page)
    agreement.get_by_role("button", name="I confirm this agreement").click()
    expect(page.locator(".messages")).to_contain_text("confirmed by everyone")
    expect(page.get_by_role("region", name="Our agreement")).to_contain_text("Confirmed by everyone in the match")

    page.context.clear_cookies()
    sign_in(page, live_server, MENTEE)
    page.goto(url)
    fit = page.get_by_role("region", name="Is this a good match for you?")
    expect(fit).to_contain_text("Your answer is private")
    axe_check(page)
    fit.get_by_label("Yes").check()
    fit.get_by_role("button", name="Send my answer").click()
    expect(page.get_by_role("region", name="Is this a good match for you?")).to_contain_text(
        re.compile("You answered yes")
    )
    assert PairingFitAnswer.objects.get(match=match, author__email=MENTEE).answer == "yes"
