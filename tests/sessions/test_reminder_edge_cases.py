"""Edge cases of reminders and of a match's end, each found in review with a scenario that broke it:
one bad message must not hold back others, a change undone revives what it had dropped, a sender running
out of time hands back what it did not try, and people who lose access lose the calendar and the goals."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.http import Http404
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from matching.services.lifecycle import match_end_early
from mentorhub.accounts.models import Membership
from programs.models import Participant, Program
from sessions.models import MentoringSession, Reminder
from sessions.selectors.goals import goals_visible_to
from sessions.services.dispatch import reminders_deliver
from sessions.services.goals import goal_comment_add, goal_create, milestone_add, milestone_update
from sessions.services.notifications import calendar_feed_get_or_create, feed_token
from sessions.services.sessions import session_cancel, session_schedule, session_update

from .factories import active_pair, person

pytestmark = pytest.mark.django_db
NOW = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
S, K = Reminder.Status, Reminder.Kind


def _schedule(org, pair, starts_at, **fields):
    return session_schedule(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        starts_at=starts_at,
        **fields,
    )


def test_a_name_with_a_line_break_cannot_stop_anyones_reminders(org, other_org):
    broken = person(org, "broken@alpha.test", name="Ana\nRuiz", level=7)
    pair = active_pair(org, mentor=broken)
    elsewhere = active_pair(other_org)
    _schedule(org, pair, NOW + timedelta(days=3), now=NOW)
    _schedule(other_org, elsewhere, NOW + timedelta(days=3), now=NOW)

    report = reminders_deliver(now=NOW)

    assert report.sent == 4 and report.failed == 0
    to_mentee = next(m for m in mail.outbox if m.to == [pair.mentee.employee.email])
    assert "\n" not in to_mentee.subject and "Ana Ruiz" in to_mentee.subject
    assert Reminder.objects.filter(organization=other_org, status=S.SENT).count() == 2


class RefusesOneAddress:
    """A mail server that does not know one address (SMTP 550) and takes every other message."""

    sent: list[str] = []

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        for message in messages:
            if message.to == ["gone@alpha.test"]:
                raise smtplib.SMTPRecipientsRefused({"gone@alpha.test": (550, b"5.1.1 User unknown")})
            RefusesOneAddress.sent.append(message.to[0])
        return len(messages)


def test_an_unknown_address_fails_alone(org):
    gone = person(org, "gone@alpha.test", name="Gone Person", level=7)
    first = active_pair(org, mentor=gone)
    second = active_pair(org)
    _schedule(org, first, NOW + timedelta(days=3), now=NOW)
    _schedule(org, second, NOW + timedelta(days=3), now=NOW)
    RefusesOneAddress.sent = []
    with override_settings(EMAIL_BACKEND="tests.sessions.test_reminder_edge_cases.RefusesOneAddress"):
        report = reminders_deliver(now=NOW)
    assert (report.sent, report.failed) == (3, 1)
    refused = Reminder.objects.get(recipient=gone.employee, kind=K.SESSION_INVITE)
    assert refused.status == S.FAILED and "User unknown" in refused.note
    assert len(RefusesOneAddress.sent) == 3


def test_moving_a_session_and_moving_it_back_brings_its_reminders_back(org):
    pair = active_pair(org)
    first = NOW + timedelta(days=9)
    session = _schedule(org, pair, first, now=NOW)
    for starts_at in (first + timedelta(days=1), first):
        session_update(
            organization=org,
            actor=None,
            employee=pair.mentor.employee,
            session_id=session.pk,
            starts_at=starts_at,
            now=NOW,
        )
    timed = Reminder.objects.filter(session=session, kind__in=[K.SESSION_24H, K.SESSION_1H, K.LOG_SESSION])
    back = timed.filter(slot=first.strftime("%Y%m%dT%H%M%SZ"))
    assert set(back.values_list("status", flat=True)) == {S.PENDING} and back.count() == 6
    assert set(timed.exclude(pk__in=back).values_list("status", flat=True)) == {S.SKIPPED}


def test_a_longer_session_moves_its_log_prompt(org):
    pair = active_pair(org)
    session = _schedule(org, pair, NOW + timedelta(days=2), duration_minutes=30, now=NOW)
    session_update(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        session_id=session.pk,
        duration_minutes=240,
        now=NOW,
    )
    session.refresh_from_db()
    prompts = Reminder.objects.filter(session=session, kind=K.LOG_SESSION)
    assert {r.due_at for r in prompts} == {session.ends_at + timedelta(hours=1)}


def test_unticking_a_milestone_brings_its_reminder_back(org):
    pair = active_pair(org)
    goal = goal_create(organization=org, employee=pair.mentee.employee, match_id=pair.match.pk, title="Grow")
    milestone = milestone_add(
        organization=org,
        employee=pair.mentee.employee,
        goal_id=goal.pk,
        title="Step",
        due_on=timezone.localdate() + timedelta(days=30),
    )
    milestone_update(organization=org, employee=pair.mentee.employee, milestone_id=milestone.pk, done=True)
    milestone_update(organization=org, employee=pair.mentee.employee, milestone_id=milestone.pk, done=False)
    assert set(Reminder.objects.filter(milestone=milestone).values_list("status", flat=True)) == {S.PENDING}


def test_ending_a_match_still_delivers_a_cancellation_sent_just_before(org):
    pair = active_pair(org)
    session = _schedule(org, pair, timezone.now() + timedelta(days=3))
    session_cancel(organization=org, actor=None, employee=pair.mentee.employee, session_id=session.pk)
    match_end_early(
        organization=org, actor=None, match_id=pair.match.pk, reason="Moving on", employee=pair.mentee.employee
    )
    cancellation = Reminder.objects.get(session=session, kind=K.SESSION_CANCELLED)
    assert cancellation.status == S.PENDING


def test_a_sender_out_of_time_hands_back_what_it_did_not_try(org, settings, tmp_path):
    settings.EMAIL_BACKEND = "mentorhub.mail_backends.SpoolBackend"
    settings.EMAIL_SPOOL_DIR = str(tmp_path)
    settings.EMAIL_SPOOL_DELAY_SECONDS = 0.05
    pair = active_pair(org)
    for day in range(1, 11):
        _schedule(org, pair, NOW + timedelta(days=day), now=NOW)
    report = reminders_deliver(now=NOW, max_seconds=0.2)
    assert report.out_of_time and 0 < report.sent < 20
    back = Reminder.objects.filter(kind=K.SESSION_INVITE, status=S.PENDING)
    assert back.count() == 20 - report.sent
    assert set(back.values_list("attempts", flat=True)) == {0}  # not tried: no attempt used up
    assert not Reminder.objects.filter(status=S.CLAIMED).exists()


def test_a_circle_member_who_leaves_without_a_rematch_takes_only_themselves_out(org):
    circle = active_pair(org, circle_members=2, status="active")
    Program.objects.filter(pk=circle.program.pk).update(status=Program.Status.ACTIVE)
    match_end_early(
        organization=org,
        actor=None,
        match_id=circle.match.pk,
        reason="Too busy",
        employee=circle.mentee.employee,
        rematch=False,
    )
    status = dict(Participant.objects.filter(program=circle.program).values_list("employee__email", "status"))
    assert status[circle.mentee.user.email] == Participant.Status.WITHDRAWN
    assert {status[m.user.email] for m in circle.others} == {Participant.Status.APPROVED}


def test_a_former_mentor_does_not_follow_the_mentees_goal_with_the_next_one(org):
    first = active_pair(org)
    goal = goal_create(
        organization=org,
        employee=first.mentee.employee,
        match_id=first.match.pk,
        title="Finish the course",
        personal=True,
    )
    assert goal in goals_visible_to(organization=org, employee=first.mentor.employee)
    match_end_early(
        organization=org, actor=None, match_id=first.match.pk, reason="Moving on", employee=first.mentee.employee
    )
    Participant.objects.filter(program=first.program, employee=first.mentee.employee).update(status="matched")
    active_pair(org, mentee=first.mentee, program=first.program)
    assert goal not in goals_visible_to(organization=org, employee=first.mentor.employee)
    with pytest.raises(Http404):
        goal_comment_add(organization=org, employee=first.mentor.employee, goal_id=goal.pk, body="Hello")


def test_the_calendar_feed_stops_with_the_persons_access(org):
    pair = active_pair(org)
    feed = calendar_feed_get_or_create(organization=org, employee=pair.mentee.employee)
    url = reverse("calendar-feed", kwargs={"token": feed_token(feed)})
    assert Client().get(url).status_code == 200
    pair.mentee.user.is_active = False
    pair.mentee.user.save(update_fields=["is_active"])
    assert Client().get(url).status_code == 404
    pair.mentee.user.is_active = True
    pair.mentee.user.save(update_fields=["is_active"])
    Membership.objects.filter(pk=pair.mentee.pk).delete()
    assert Client().get(url).status_code == 404


def test_the_log_prompt_waits_for_the_end(org):
    pair = active_pair(org)
    session = _schedule(org, pair, NOW + timedelta(days=2), duration_minutes=30, now=NOW)
    MentoringSession.objects.filter(pk=session.pk).update(duration_minutes=240)  # changed behind the planner
    report = reminders_deliver(now=session.starts_at + timedelta(minutes=95))
    assert set(Reminder.objects.filter(session=session, kind=K.LOG_SESSION).values_list("note", flat=True)) == {
        "The session has not ended yet."
    }
    assert report.sent == 0
