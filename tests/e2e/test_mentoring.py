"""The issue's browser test for mentoring in practice, on the README's demo data: the demo mentee (Maya,
New York) schedules a session with her mentor (Marco, London) in her own time; Marco finds it on his home
page at his own time; once it has taken place he logs it with notes and rates it; and Maya ticks off a
milestone of their shared goal, the progress bar moving in place.

"Once it has taken place": the test moves the session into the past in the database (time passing is not
something a browser can do), exactly as the clock would."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from playwright.sync_api import expect

from matching.models import MatchMember
from sessions.models import Goal, MentoringSession, Milestone, Reminder, SessionFeedback
from sessions.page_cache import match_people_changed

from .conftest import E2E, axe_check, reads_english, sign_in

pytestmark = E2E

MENTEE = "member@acme.example"
MENTOR = "mentor@acme.example"
AGENDA = "Rehearse the planning-meeting pitch"


def _nav(page, name: str):
    return page.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name=re.compile(name))


def test_mentee_schedules_mentor_logs_and_rates_mentee_ticks_a_milestone(page, live_server, demo_data):
    match = MatchMember.objects.get(participant__employee__email=MENTEE, current=True).match
    marco = match.members.get(role="mentor").participant.employee
    assert marco.email == MENTOR
    new_york, london = ZoneInfo("America/New_York"), ZoneInfo("Europe/London")
    # Ten days ahead, 09:30 in New York: a weekday morning there, 14:30 (or 13:30) in London.
    local_start = (timezone.now().astimezone(new_york) + timedelta(days=10)).replace(
        hour=9, minute=30, second=0, microsecond=0
    )

    # --- Maya schedules a session, in her own time zone ---
    sign_in(page, live_server, MENTEE)
    _nav(page, "My mentoring").click()
    expect(page).to_have_url(re.compile(r"/o/acme/mentoring/$"))
    expect(page.get_by_role("main")).to_contain_text("Times in America/New_York")
    axe_check(page)
    card = page.locator("li", has_text=marco.name).filter(has=page.get_by_role("link", name="Schedule a session"))
    card.first.get_by_role("link", name="Schedule a session").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Schedule")
    page.get_by_label("Starts").fill(local_start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Length in minutes").fill("45")
    page.get_by_label("Video call").check()
    page.get_by_label("Meeting link or place").fill("https://meet.example/maya-marco")
    page.get_by_label("Agenda").fill(AGENDA)
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Schedule")).click()

    session = MentoringSession.objects.get(match=match, agenda=AGENDA)
    assert session.starts_at == local_start  # the same instant, stored in UTC
    assert session.time_zone == "America/New_York" and session.status == MentoringSession.Status.SCHEDULED
    expect(page).to_have_url(re.compile(rf"/o/acme/mentoring/sessions/{session.pk}/$"))
    main = page.get_by_role("main")
    expect(main).to_contain_text(local_start.strftime("%H:%M"))
    expect(main).to_contain_text(local_start.astimezone(london).strftime("%H:%M"))  # Marco's clock beside it
    assert Reminder.objects.filter(session=session, kind=Reminder.Kind.SESSION_24H).count() == 2
    assert Reminder.objects.filter(session=session, kind=Reminder.Kind.SESSION_INVITE, status="sent").count() == 2

    # --- Marco sees it on his home page, at his own time ---
    page.context.clear_cookies()
    reads_english(MENTOR)
    sign_in(page, live_server, MENTOR)
    _nav(page, "My mentoring").click()
    upcoming = page.get_by_role("region", name="Next sessions")
    expect(upcoming).to_contain_text("Maya")
    expect(upcoming).to_contain_text(local_start.astimezone(london).strftime("%H:%M"))
    expect(page.get_by_role("main")).to_contain_text("Times in Europe/London")
    axe_check(page)

    # --- The day comes and goes: the session is in the past and waits to be logged ---
    MentoringSession.objects.filter(pk=session.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    # The home page is cached per person until its next session ends (sessions/page_cache.py); moving the
    # session into the past by hand skips that clock, so the cached page is let go as its expiry would.
    match_people_changed(organization=session.organization, match_id=session.match_id)
    page.reload()
    todo = page.get_by_role("region", name="Things to do")
    log_link = todo.get_by_role("link", name=re.compile("Log your session with Maya"))
    expect(log_link).to_have_count(1)
    log_link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(re.compile(r"How did the session of .* go\?"))
    page.get_by_label("Yes, we met").check()
    page.get_by_label("Shared notes").fill("Maya's pitch is ready; next: speak first in Monday's planning.")
    with page.expect_navigation():
        page.get_by_role("button", name="Log the session").click()
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.HELD and session.logged_by == marco

    # His own rating (the session page offers it once logged).
    if "feedback" not in page.url:
        page.get_by_role("link", name=re.compile("(Rate|feedback)", re.I)).first.click()
    page.get_by_label("5, excellent").check()
    page.get_by_label("Topics").fill("Presenting, Confidence")
    page.get_by_label(re.compile("reflection", re.I)).fill("She is ready; I should step back more.")
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Save my feedback").click()
    feedback = SessionFeedback.objects.get(session=session, author=marco)
    assert (feedback.rating, feedback.topics) == (5, ["Presenting", "Confidence"])
    expect(page.get_by_role("main")).to_contain_text("She is ready")  # his own reflection, to him

    # --- Maya ticks off a milestone of their shared goal; the progress moves in place ---
    page.context.clear_cookies()
    sign_in(page, live_server, MENTEE)
    goal = Goal.objects.get(match=match, title__startswith="Speak up with confidence")
    milestone = Milestone.objects.filter(goal=goal, done_at__isnull=True).order_by("position", "id").first()
    done_before = Milestone.objects.filter(goal=goal, done_at__isnull=False).count()
    total = Milestone.objects.filter(goal=goal).count()
    page.goto(f"{live_server.url}/o/acme/mentoring/goals/{goal.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Speak up with confidence")
    expect(page.get_by_role("main")).not_to_contain_text("She is ready")  # Marco's reflection is his alone
    axe_check(page)
    progress = page.locator("#goal-progress")
    expect(progress).to_contain_text(f"{done_before} of {total}")
    page.get_by_label(milestone.title).check()
    expect(progress).to_contain_text(f"{done_before + 1} of {total}")  # swapped in by htmx, no reload
    expect(page.get_by_label(milestone.title)).to_be_checked()
    milestone.refresh_from_db()
    assert milestone.done_at is not None and milestone.done_by.email == MENTEE
    axe_check(page)
