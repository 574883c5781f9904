"""The early pairing-fit check (issue 14, part 4): after a match's first held session each member is asked,
privately, "Is this a good match for you?". A "no" tells the program's admins (naming the match, with the
comment), never the other member: not on their pages, not in the API, not by email; nothing they read changes
at all. The mentee of a pair who said no may take the no-fault route: the match ends and a re-match starts with
the pair excluded. Program health shows the share of "yes", suppressed under the minimum group size."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from analytics.reports.health import HealthFilters, build_health_report
from analytics.services.rollups import rollup_organization
from analytics.views.dashboards.health_tables import health_tables
from matching.models import ExcludedPair, Match, MatchMember, MatchRun
from sessions.models import Notification, PairingFitAnswer, Reminder
from sessions.services.dispatch import reminders_deliver
from sessions.services.pairing_fit import FIT_CHECK_AFTER, pairing_fit_answer, pairing_fit_rematch
from tests.helpers import client_for, org_url, page_text

from .factories import active_pair, api, api_held, api_schedule, person

pytestmark = pytest.mark.django_db

QUESTION = "Is this a good match for you?"
COMMENT = "My goals are about leading people; Morgan's experience is all technical"
FIT_WORDS = ("not a good fit", "answered", "HR knows", "said no", "fit check", COMMENT)


def answer(org, pair, membership, value, comment=""):
    return pairing_fit_answer(
        organization=org,
        actor=membership.user,
        employee=membership.employee,
        match_id=pair.match.pk,
        answer=value,
        comment=comment,
    )


def deliver() -> None:
    reminders_deliver(now=timezone.now() + FIT_CHECK_AFTER + timedelta(seconds=1))


def mentor_view(org, pair, session) -> dict[str, str]:
    """Everything the mentor reads: pages, API answers, notifications; CSRF tokens and clocks taken out (they
    differ at every visit), so that two reads of unchanged data are equal."""
    client = pair.client(pair.mentor)
    urls = {
        "match": org_url("mentoring-match", org, match_pk=pair.match.pk),
        "home": org_url("my-mentoring", org),
        "session": org_url("session-detail", org, session_pk=session.pk),
        "notifications": org_url("notifications", org),
        "api-sessions": api("session-list", org),
        "api-session": api("session-detail", org, session_pk=session.pk),
        "api-notifications": api("notification-list", org),
    }
    seen = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = html.unescape(response.content.decode())  # a leaked comment's apostrophe would be escaped
        text = re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", text)
        text = re.sub(r"<time datetime=\"[^\"]+\">\d\d:\d\d [^<]*</time>", "<time/>", text)
        seen[name] = text
    return seen


@pytest.fixture
def met(org, pair, admin):
    """A pair that held its first session; the admin (linked to a roster entry) hears of a "no"."""
    session = api_held(org, pair)
    return session


def test_asked_only_after_the_first_held_session_and_only_the_members(org, pair, admin):
    mentee = pair.client(pair.mentee)
    match_url = org_url("mentoring-match", org, match_pk=pair.match.pk)
    api_schedule(org, pair)  # a session ahead is not a session held
    assert QUESTION not in page_text(mentee.get(match_url))
    assert QUESTION not in page_text(mentee.get(org_url("my-mentoring", org)))
    with pytest.raises(ValidationError, match="first session"):
        answer(org, pair, pair.mentee, "yes")

    api_held(org, pair)
    assert QUESTION in page_text(mentee.get(match_url))
    home = page_text(mentee.get(org_url("my-mentoring", org)))
    assert "a good match for you? Answer privately" in home
    # One notice and email per member, once: a second held session asks nobody again.
    asked = Reminder.objects.filter(kind=Reminder.Kind.FIT_CHECK)
    assert sorted(asked.values_list("recipient_id", flat=True)) == sorted(
        [pair.mentor.employee_id, pair.mentee.employee_id]
    )
    api_held(org, pair, days_ago=1)
    assert asked.count() == 2
    mail.outbox.clear()
    deliver()
    questions = [m for m in mail.outbox if m.subject.endswith("a good match for you?")]
    assert sorted(m.to[0] for m in questions) == sorted([pair.mentor.user.email, pair.mentee.user.email])

    # Not a member of the match (an admin, another member, another organization): 404 on every fit route.
    for client in (client_for(admin), client_for(person(org, "stranger@alpha.test"))):
        for name in ("fit-answer", "fit-rematch"):
            assert client.post(org_url(name, org, match_pk=pair.match.pk), {"answer": "no"}).status_code == 404
        assert client.get(org_url("fit-rematch", org, match_pk=pair.match.pk)).status_code == 404
    assert not PairingFitAnswer.objects.exists()


def test_outsiders_get_404(org, pair, met, outsider_client):
    for name in ("fit-answer", "fit-rematch"):
        assert outsider_client.post(org_url(name, org, match_pk=pair.match.pk), {"answer": "no"}).status_code == 404
    assert outsider_client.get(org_url("fit-rematch", org, match_pk=pair.match.pk)).status_code == 404
    assert not PairingFitAnswer.objects.exists()


def test_the_other_member_never_learns_the_answer(org, pair, met, admin):
    deliver()  # the question itself went out to both
    mail.outbox.clear()
    before = mentor_view(org, pair, met)
    assert QUESTION in before["match"]  # the mentor's own, unanswered question

    response = pair.client(pair.mentee).post(
        org_url("fit-answer", org, match_pk=pair.match.pk), {"answer": "no", "comment": COMMENT}
    )
    assert response.status_code == 302
    assert PairingFitAnswer.objects.get().answer == "no"
    deliver()

    after = mentor_view(org, pair, met)
    assert after == before  # nothing the mentor reads changed, not even a hint that an answer exists
    for text in after.values():
        for word in FIT_WORDS:
            assert word not in text
    # Emails: only the admin's, naming the match and who said what, with the comment.
    assert [m.to for m in mail.outbox] == [[admin.user.email]]
    told = mail.outbox[0]
    assert "Ellis Mentee" in told.subject and "not a good fit" in told.subject
    assert COMMENT in told.body and "Morgan Mentor" in told.body
    notices = Notification.objects.filter(kind=Reminder.Kind.FIT_CONCERN)
    assert list(notices.values_list("recipient_id", flat=True)) == [admin.employee_id]
    assert not Notification.objects.filter(recipient=pair.mentor.employee).exclude(kind="fit_check").exists()

    # The mentee sees their own answer and the offer.
    mine = page_text(pair.client(pair.mentee).get(org_url("mentoring-match", org, match_pk=pair.match.pk)))
    assert "You answered <strong>no</strong>" in mine and "Find me another mentor" in mine


def test_the_admins_program_page_lists_the_concerns(org, pair, met, admin):
    url = org_url("program-mentoring", org, program_pk=pair.program.pk)
    assert "Not a good fit" not in page_text(client_for(admin).get(url))
    answer(org, pair, pair.mentee, "no", COMMENT)
    answer(org, pair, pair.mentor, "yes")
    page = html.unescape(page_text(client_for(admin).get(url)))
    assert "Ellis Mentee</strong> answered “no”" in page and COMMENT in page
    assert "Morgan Mentor</strong> answered" not in page  # a yes is no concern


def test_a_second_no_tells_the_admins_once(org, pair, met, admin):
    answer(org, pair, pair.mentee, "no")
    answer(org, pair, pair.mentee, "not_sure")
    answer(org, pair, pair.mentee, "no")
    assert Reminder.objects.filter(kind=Reminder.Kind.FIT_CONCERN).count() == 1


def test_no_fault_rematch_excludes_the_pair(org, pair, met, admin):
    answer(org, pair, pair.mentee, "no", COMMENT)
    client = pair.client(pair.mentee)
    url = org_url("fit-rematch", org, match_pk=pair.match.pk)
    page = page_text(client.get(url))
    assert "Yes, find me another mentor" in page
    response = client.post(url)
    assert response.status_code == 302 and response.url == org_url("my-mentoring", org)

    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.ENDED and "pairing-fit" in pair.match.end_reason
    mentor_part = MatchMember.objects.get(match=pair.match, role="mentor").participant
    mentee_part = MatchMember.objects.get(match=pair.match, role="mentee").participant
    assert ExcludedPair.objects.filter(mentor=mentor_part, mentee=mentee_part).exists()
    run = MatchRun.objects.get(program=pair.program)
    assert run.scope_participant_ids == [mentee_part.pk]
    assert PairingFitAnswer.objects.get().rematch_requested_at is not None
    # The mentor hears the match ended; never why, nor who asked.
    told = list(Notification.objects.filter(recipient=pair.mentor.employee).values_list("title", "body"))
    assert told and all(COMMENT not in t + b and "fit" not in t + b for t, b in told)
    with pytest.raises(ValidationError):
        pairing_fit_rematch(organization=org, actor=None, employee=pair.mentee.employee, match_id=pair.match.pk)


def test_only_a_mentee_who_said_no_is_offered_a_new_mentor(org, pair, met):
    answer(org, pair, pair.mentee, "not_sure")
    with pytest.raises(ValidationError, match="no"):
        pairing_fit_rematch(organization=org, actor=None, employee=pair.mentee.employee, match_id=pair.match.pk)
    answer(org, pair, pair.mentor, "no")
    with pytest.raises(ValidationError, match="Only the mentee"):
        pairing_fit_rematch(organization=org, actor=None, employee=pair.mentor.employee, match_id=pair.match.pk)
    response = pair.client(pair.mentor).post(org_url("fit-rematch", org, match_pk=pair.match.pk))
    assert response.status_code == 302
    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.ACTIVE


def test_fit_rate_in_program_health_with_suppression(org, admin):
    first = active_pair(org)
    pairs = [first] + [active_pair(org, program=first.program) for _ in range(2)]
    for pair in pairs:
        api_held(org, pair)
    values = ["yes", "yes", "yes", "yes", "no", "yes"]
    people = [m for pair in pairs for m in (pair.mentor, pair.mentee)]
    for pair, (mentor_answer, mentee_answer) in zip(pairs, zip(values[::2], values[1::2], strict=True), strict=True):
        answer(org, pair, pair.mentor, mentor_answer)
        answer(org, pair, pair.mentee, mentee_answer)
    assert len({p.employee_id for p in people}) == 6
    rollup_organization(organization=org)
    filters = HealthFilters()  # the organization's one program

    org.min_group_size = 5
    org.save(update_fields=["min_group_size"])
    report = build_health_report(organization=org, filters=filters)
    assert not report.refused, report.refused
    assert report.fit_rate.value == 83.3 and report.fit_rate.n == 6
    rows = {row.cells[0]: row.cells for row in health_tables(report, admin=True)["figures"].rows}
    assert "83.3" in str(rows["Good fit after the first session"][1])

    org.min_group_size = 7  # six people answered: fewer than the minimum group size
    org.save(update_fields=["min_group_size"])
    hidden = build_health_report(organization=org, filters=filters)
    assert hidden.fit_rate.value is None and not hidden.fit_rate.shown
