"""Browser tests of what a new admin tripped on (issue 14, part 8), in real Chromium: on the review page of a
run the admin changes the mentee of a proposed pair (keyboard-reachable form, axe clean); the admin home reads
as sentences and says what needs them; the search boxes of the people and participants pages show their whole
placeholder at 1280 and 390 px (screenshots kept under test-results/)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from matching.models import MatchMember
from mentorhub.accounts.models import Role
from programs.models import Participant
from tests.factories import MembershipFactory, OrganizationFactory
from tests.matching.builders import make_match, make_run, page_cohort

from .conftest import E2E, axe_check, signed_in

pytestmark = E2E

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture
def review(transactional_db):
    org = OrganizationFactory(slug="alpha", name="Alpha Ltd")
    admin = MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin@alpha.test")
    cohort = page_cohort(org)
    run = make_run(cohort, unmatched=[cohort.mentees[2]])
    first = make_match(cohort, run, cohort.mentors[0], [cohort.mentees[0]], score=0.81)
    make_match(cohort, run, cohort.mentors[1], [cohort.mentees[1]], score=0.61)
    return org, admin, cohort, run, first


def test_admin_changes_the_mentee_of_a_proposed_pair(page, live_server, review):
    _org, admin, cohort, run, first = review
    signed_in(page.context, live_server, admin.user)
    page.goto(f"/o/alpha/programs/{cohort.program.pk}/matching/runs/{run.pk}/")
    page.get_by_role("link", name="Change mentee of Mentor A and Mentee A").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change the mentee of Mentor A and Mentee A")
    axe_check(page)

    # Submitting without a choice explains what to do, next to the field (a 400, which Chromium logs).
    page.expected_errors = [r"status of 400 \(Bad Request\).*/mentee/"]
    page.get_by_role("button", name="Change the mentee").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose a mentee.")
    expect(page.get_by_label("New mentee")).to_have_attribute("aria-invalid", "true")
    axe_check(page)

    page.get_by_label("New mentee").select_option(label=_option_label(page, "Mentee C"))
    page.get_by_role("button", name="Change the mentee").click()
    expect(page.get_by_text("Mentee changed.")).to_be_visible()
    expect(page.get_by_role("link", name="Change mentee of Mentor A and Mentee C")).to_be_visible()
    axe_check(page)
    member = MatchMember.objects.get(match=first, role="mentee", current=True)
    assert member.participant == cohort.mentees[2]
    assert Participant.objects.get(pk=cohort.mentees[0].pk).status == Participant.Status.APPROVED


def _option_label(page, name: str) -> str:
    labels = page.locator("#new-mentee option").all_inner_texts()
    return next(label for label in labels if label.startswith(name))


def test_the_admin_home_and_search_boxes_read_whole(page, live_server, review):
    _org, admin, cohort, run, _first = review
    signed_in(page.context, live_server, admin.user)
    page.goto("/o/alpha/")
    expect(page.get_by_role("heading", name="What needs you now")).to_be_visible()
    expect(
        page.get_by_role("link", name=f"2 proposed matches to review in Grow Together (run {run.pk})")
    ).to_be_visible()
    axe_check(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin-home-1280.png"), full_page=True)

    pages = {
        "people": ("/o/alpha/people/", "#people-q"),
        "participants": (f"/o/alpha/programs/{cohort.program.pk}/participants/", "#pp-q"),
    }
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        for name, (path, selector) in pages.items():
            page.goto(path)
            box = page.locator(selector)
            expect(box).to_be_visible()
            # The placeholder's text, measured in the box's own font, fits inside the box's padding.
            spare = box.evaluate(
                """input => {
                    const style = getComputedStyle(input);
                    const context = document.createElement('canvas').getContext('2d');
                    context.font = style.font;
                    const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
                    return room - context.measureText(input.placeholder).width;
                }"""
            )
            box.screenshot(path=str(SHOTS / f"search-{name}-{width}.png"))
            page.screenshot(path=str(SHOTS / f"page-{name}-{width}.png"))
            assert spare > 0, f"the placeholder of {name} is cut off at {width} px ({spare:.0f} px short)"
            # The box never makes the page scroll sideways.
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), (name, width)
