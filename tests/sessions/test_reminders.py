"""Reminders: planned at the right instants (across daylight-saving changes and time zones), sent once, kept
from going out when they no longer make sense, and delivered the way each person asked (email or in-app
only, one-click unsubscribe)."""

from __future__ import annotations

import email
import smtplib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from sessions.models import MentoringSession, Notification, NotificationPreference, Reminder
from sessions.selectors.notifications import unread_count
from sessions.services.dispatch import MAX_ATTEMPTS, reminders_deliver
from sessions.services.goals import goal_create, milestone_add, milestone_update
from sessions.services.notifications import notification_mark_read, preferences_save
from sessions.services.reminders import allowed_gap, reminders_plan_inactivity, reminders_plan_session
from sessions.services.sessions import session_cancel, session_log, session_log_past, session_schedule, session_update

from .factories import active_pair, person

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
K = Reminder.Kind
S = Reminder.Status


def _pair_across_zones(org):
    """The mentor works in Berlin, the mentee in New York: they see different clocks, and the two zones
    change to summer time on different Sundays (US 2027-03-14, EU 2027-03-28)."""
    mentor = person(org, "berlin@alpha.test", zone="Europe/Berlin", name="Bea Berlin", level=7)
    mentee = person(org, "newyork@alpha.test", zone="America/New_York", name="Nia York", level=2)
    return active_pair(org, mentor=mentor, mentee=mentee, started_at=datetime(2027, 1, 10, tzinfo=UTC))


def _schedule(pair, starts_at, *, now, by=None, **fields):
    return session_schedule(
        organization=pair.program.organization,
        actor=None,
        employee=(by or pair.mentor).employee,
        match_id=pair.match.pk,
        starts_at=starts_at,
        now=now,
        **fields,
    )


def _calendar_part(message):
    parts = email.message_from_bytes(message.message().as_bytes()).walk()
    return next(part for part in parts if part.get_content_type() == "text/calendar")


def _due(session, kind):
    return {r.recipient_id: r.due_at for r in Reminder.objects.filter(session=session, kind=kind)}


def test_reminders_fire_24_and_1_real_hours_before_a_start_past_a_daylight_saving_change(org):
    pair = _pair_across_zones(org)
    # Scheduled in Berlin on 27 March (winter time) for 28 March 10:00, the morning clocks go forward.
    starts = datetime(2027, 3, 28, 10, 0, tzinfo=BERLIN)
    session = _schedule(pair, starts, now=datetime(2027, 3, 27, 7, 0, tzinfo=UTC))

    assert session.starts_at == datetime(2027, 3, 28, 8, 0, tzinfo=UTC)  # 10:00 CEST is 08:00 UTC
    assert session.time_zone == "Europe/Berlin"
    day_before = _due(session, K.SESSION_24H)
    assert set(day_before.values()) == {datetime(2027, 3, 27, 8, 0, tzinfo=UTC)}
    # 24 real hours before: 09:00 on the Berlin clock of the day before, not 10:00.
    assert next(iter(day_before.values())).astimezone(BERLIN).hour == 9
    assert set(_due(session, K.SESSION_1H).values()) == {datetime(2027, 3, 28, 7, 0, tzinfo=UTC)}
    assert set(_due(session, K.LOG_SESSION).values()) == {datetime(2027, 3, 28, 9, 45, tzinfo=UTC)}
    assert set(day_before) == {pair.mentor.employee_id, pair.mentee.employee_id}


def test_a_reminder_goes_out_at_its_instant_not_before_in_the_recipients_time(org):
    pair = _pair_across_zones(org)
    starts = datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN)  # after both changes: 08:00 UTC, 04:00 in New York
    session = _schedule(pair, starts, now=datetime(2027, 3, 20, 12, 0, tzinfo=UTC))
    reminders_deliver(now=datetime(2027, 3, 20, 12, 0, tzinfo=UTC))  # the invitations
    mail.outbox.clear()
    due = datetime(2027, 3, 29, 8, 0, tzinfo=UTC)

    early = reminders_deliver(now=due - timedelta(seconds=1))
    assert early.sent == 0 and mail.outbox == []

    on_time = reminders_deliver(now=due)
    assert on_time.sent == 2
    to_mentee = next(m for m in mail.outbox if m.to == ["newyork@alpha.test"])
    assert "tomorrow" in to_mentee.subject
    assert "Tue 30 Mar 2027, 04:00 EDT (America/New_York)" in to_mentee.body
    assert "10:00 CEST for Bea Berlin in Europe/Berlin" in to_mentee.body
    to_mentor = next(m for m in mail.outbox if m.to == ["berlin@alpha.test"])
    assert "Tue 30 Mar 2027, 10:00 CEST (Europe/Berlin)" in to_mentor.body
    assert Reminder.objects.filter(session=session, kind=K.SESSION_24H, status=S.SENT).count() == 2


def test_the_invitation_carries_an_ics_request_and_a_stable_message_id(org):
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    session = _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now, location="https://meet.example/a")
    reminders_deliver(now=now)

    assert len(mail.outbox) == 2
    invite = _calendar_part(mail.outbox[0])
    assert invite.get_param("method") == "REQUEST"
    ics_text = invite.get_payload(decode=True).decode()
    assert "DTSTART;TZID=Europe/Berlin:20270330T100000" in ics_text
    assert f"UID:session-{org.pk}-{session.pk}@" in ics_text
    reminder = Reminder.objects.get(session=session, kind=K.SESSION_INVITE, recipient=pair.mentee.employee)
    mentee_mail = next(m for m in mail.outbox if m.to == ["newyork@alpha.test"])
    assert mentee_mail.extra_headers["Message-ID"] == f"<reminder.{org.pk}.{reminder.pk}@127.0.0.1>"
    assert mentee_mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_moving_a_session_sends_an_updated_invitation_and_moves_its_reminders(org):
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    session = _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    reminders_deliver(now=now)
    mail.outbox.clear()

    moved = session_update(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        session_id=session.pk,
        starts_at=datetime(2027, 4, 1, 9, 0, tzinfo=BERLIN),
        now=now,
    )
    assert moved.sequence == 1
    old = Reminder.objects.filter(session=session, kind=K.SESSION_24H, slot="20270330T080000Z")
    assert set(old.values_list("status", flat=True)) == {S.SKIPPED}
    assert set(_due(session, K.SESSION_24H).values()) == {
        datetime(2027, 3, 31, 7, 0, tzinfo=UTC),
    }
    reminders_deliver(now=now)
    assert len(mail.outbox) == 2 and all(m.subject.startswith("[MentorHub] Updated:") for m in mail.outbox)
    assert b"SEQUENCE:1" in _calendar_part(mail.outbox[0]).get_payload(decode=True)


def test_agenda_changes_alone_send_no_update(org):
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    session = _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    session_update(
        organization=org, actor=None, employee=pair.mentor.employee, session_id=session.pk, agenda="New", now=now
    )
    session.refresh_from_db()
    assert session.sequence == 0 and session.agenda == "New"
    assert Reminder.objects.filter(session=session, kind=K.SESSION_INVITE).count() == 2


def test_cancelling_tells_the_others_with_an_ics_cancel_and_drops_the_reminders(org):
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    session = _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    reminders_deliver(now=now)
    mail.outbox.clear()

    session_cancel(
        organization=org, actor=None, employee=pair.mentor.employee, session_id=session.pk, reason="Travelling"
    )
    assert not Reminder.objects.filter(session=session, status=S.PENDING).exclude(kind=K.SESSION_CANCELLED).exists()
    reminders_deliver(now=now + timedelta(minutes=1))
    assert [m.to for m in mail.outbox] == [["newyork@alpha.test"]]  # the mentor cancelled: only the other hears
    invite = _calendar_part(mail.outbox[0])
    assert invite.get_param("method") == "CANCEL"
    assert b"STATUS:CANCELLED" in invite.get_payload(decode=True)
    assert "Travelling" in mail.outbox[0].body
    # Nothing else of the session goes out later.
    assert reminders_deliver(now=datetime(2027, 3, 30, 9, 0, tzinfo=UTC)).sent == 0


def test_logging_a_session_stops_the_log_prompt(org):
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    session = _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    after = datetime(2027, 3, 30, 8, 50, tzinfo=UTC)
    session_log(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        session_id=session.pk,
        status=MentoringSession.Status.HELD,
        shared_notes="Went well",
        now=after,
    )
    assert set(Reminder.objects.filter(session=session, kind=K.LOG_SESSION).values_list("status", flat=True)) == {
        S.SKIPPED
    }


def test_a_reminder_that_lost_its_point_is_skipped_when_due(org):
    """Rows made pointless by a change that bypassed the planner are caught when they come due."""
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    session = _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    reminders_deliver(now=now)
    MentoringSession.objects.filter(pk=session.pk).update(status=MentoringSession.Status.MISSED)
    mail.outbox.clear()

    report = reminders_deliver(now=datetime(2027, 3, 29, 8, 0, tzinfo=UTC))
    assert report.sent == 0 and report.skipped == 2 and mail.outbox == []
    notes = set(Reminder.objects.filter(session=session, kind=K.SESSION_24H).values_list("note", flat=True))
    assert notes == {"The session is missed."}


def test_planning_twice_makes_one_row_and_sends_once(org):
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    session = _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    people = [pair.mentor.employee, pair.mentee.employee]
    for _ in range(3):
        reminders_plan_session(organization=org, session=session, recipients=people, now=now)
    assert Reminder.objects.filter(session=session).count() == 8  # invite, 24h, 1h, log x 2 people
    # The invitations now, then the day before, the hour before, and the prompt after the session.
    for moment in (now, *(datetime(2027, 3, d, h, tzinfo=UTC) for d, h in ((29, 8), (30, 7), (30, 10)))):
        reminders_deliver(now=moment)
    assert len(mail.outbox) == 8
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 8
    assert Notification.objects.filter(reminder__session=session).count() == 8
    assert reminders_deliver(now=datetime(2027, 4, 30, tzinfo=UTC)).sent == 0


def test_milestone_reminders_come_at_nine_in_each_recipients_morning(org):
    mentor = person(org, "tokyo@alpha.test", zone="Asia/Tokyo", name="Tomo Tokyo", level=7)
    mentee = person(org, "london@alpha.test", zone="Europe/London", name="Lou London", level=2)
    pair = active_pair(org, mentor=mentor, mentee=mentee)
    goal = goal_create(organization=org, employee=mentee.employee, match_id=pair.match.pk, title="Speak up")
    milestone = milestone_add(
        organization=org, employee=mentee.employee, goal_id=goal.pk, title="Lead a stand-up", due_on=date(2030, 7, 1)
    )
    due = {r.recipient_id: r.due_at for r in Reminder.objects.filter(milestone=milestone, kind=K.MILESTONE_DUE)}
    assert due == {
        mentor.employee_id: datetime(2030, 7, 1, 0, 0, tzinfo=UTC),  # 09:00 JST
        mentee.employee_id: datetime(2030, 7, 1, 8, 0, tzinfo=UTC),  # 09:00 BST
    }
    milestone_update(organization=org, employee=mentor.employee, milestone_id=milestone.pk, done=True)
    assert set(Reminder.objects.filter(milestone=milestone).values_list("status", flat=True)) == {S.SKIPPED}


def test_email_preferences_keep_the_in_app_notice_and_drop_the_email(org):
    pair = _pair_across_zones(org)
    preferences_save(organization=org, employee=pair.mentee.employee, email_off=["invitations"])
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    report = reminders_deliver(now=now)

    assert report.sent == 2 and report.emailed == 1
    assert [m.to for m in mail.outbox] == [["berlin@alpha.test"]]
    mentee_notice = Notification.objects.get(recipient=pair.mentee.employee)
    assert mentee_notice.title.startswith("Mentoring session with Bea Berlin")
    assert Reminder.objects.get(recipient=pair.mentee.employee, kind=K.SESSION_INVITE).emailed is False


def test_unknown_email_categories_are_refused(org):
    pair = _pair_across_zones(org)
    with pytest.raises(ValidationError, match="Unknown kind of email"):
        preferences_save(organization=org, employee=pair.mentee.employee, email_off=["everything"])


def test_one_click_unsubscribe_from_the_link_in_an_email(org, client):
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    reminders_deliver(now=now)
    link = next(m for m in mail.outbox if m.to == ["newyork@alpha.test"]).extra_headers["List-Unsubscribe"]
    path = link.strip("<>").replace("http://127.0.0.1:8000", "")

    page = client.get(path)  # a link scanner opening it changes nothing
    assert page.status_code == 200 and "Stop these emails?" in page.content.decode()
    assert not NotificationPreference.objects.filter(employee=pair.mentee.employee).exists()
    # RFC 8058: the mail provider POSTs "List-Unsubscribe=One-Click" with no cookie and no CSRF token.
    csrf_client = type(client)(enforce_csrf_checks=True)
    done = csrf_client.post(path, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in done.content.decode()
    preference = NotificationPreference.objects.get(organization=org, employee=pair.mentee.employee)
    assert preference.email_off == ["invitations"]
    assert client.get(reverse("unsubscribe", kwargs={"token": "forged:token"})).status_code == 404
    assert client.post(path[:-5] + "xxxx/").status_code == 404


class FlakyMailServer:
    """A mail backend whose server refuses every message (a temporary outage)."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return True

    def close(self):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_a_mail_server_outage_retries_later_and_gives_up_after_several_attempts(org):
    pair = _pair_across_zones(org)
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    with override_settings(EMAIL_BACKEND="tests.sessions.test_reminders.FlakyMailServer"):
        first = reminders_deliver(now=now)
        assert first.retried >= 2 and first.sent == 0  # each tried once, none sent
        invites = Reminder.objects.filter(kind=K.SESSION_INVITE)
        assert set(invites.values_list("status", flat=True)) == {S.PENDING}
        assert all(r.due_at > now and r.attempts == 1 for r in invites)
        # The in-app notices exist already (once), whatever happens to the emails.
        assert Notification.objects.filter(reminder__in=invites).count() == 2
        for day in range(1, MAX_ATTEMPTS):
            reminders_deliver(now=now + timedelta(days=day))
    assert set(invites.values_list("status", flat=True)) == {S.FAILED}
    assert Notification.objects.filter(reminder__in=invites).count() == 2


def test_quiet_matches_are_nudged_twice_then_the_program_admin_hears(org, admin):
    started = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    pair = active_pair(org, started_at=started, cadence_per_month=2)
    pair.program.created_by = admin.user
    pair.program.save(update_fields=["created_by"])
    gap = allowed_gap(pair.program)
    assert gap == timedelta(days=22.5)

    assert reminders_plan_inactivity(organization=org, now=started + gap - timedelta(hours=1)) == 0
    reminders_plan_inactivity(organization=org, now=started + gap)
    first = reminders_deliver(now=started + gap)
    assert first.sent == 2  # both members
    assert "It has been 22 days since you met" in mail.outbox[0].subject

    # A week later, still quiet: the second nudge; planning again in between adds nothing.
    reminders_plan_inactivity(organization=org, now=started + gap + timedelta(days=3))
    assert reminders_deliver(now=started + gap + timedelta(days=3)).sent == 0
    reminders_plan_inactivity(organization=org, now=started + gap + timedelta(days=7))
    assert reminders_deliver(now=started + gap + timedelta(days=7)).sent == 2
    # Another week: HR hears, with a link to the program's overview.
    mail.outbox.clear()
    reminders_plan_inactivity(organization=org, now=started + gap + timedelta(days=14))
    assert reminders_deliver(now=started + gap + timedelta(days=14)).sent == 1
    assert mail.outbox[0].to == [admin.employee.email]
    notice = Notification.objects.get(recipient=admin.employee)
    assert notice.url == reverse("program-mentoring", kwargs={"org_slug": org.slug, "program_pk": pair.program.pk})
    sent = Reminder.objects.filter(match=pair.match, status=S.SENT)
    assert sorted(set(sent.values_list("kind", "slot"))) == [
        (K.INACTIVITY_NUDGE, "20270104T090000Z#1"),
        (K.INACTIVITY_NUDGE, "20270104T090000Z#2"),
        (K.NUDGE_ESCALATION, "20270104T090000Z#admin"),
    ]


def test_a_session_held_or_scheduled_stops_the_nudges(org):
    started = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)
    pair = active_pair(org, started_at=started, cadence_per_month=2)
    moment = started + allowed_gap(pair.program)
    reminders_plan_inactivity(organization=org, now=moment)
    # Before the nudge goes out, they log a meeting that happened yesterday.
    session_log_past(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        starts_at=moment - timedelta(days=1),
        now=moment,
    )
    report = reminders_deliver(now=moment)
    assert report.sent == 0 and report.skipped == 2
    # The quiet period now starts at that session: nothing to plan.
    assert reminders_plan_inactivity(organization=org, now=moment + timedelta(days=1)) == 0


def test_notices_count_as_unread_until_read(org):
    pair = _pair_across_zones(org)
    mentee = pair.mentee.employee
    assert unread_count(organization=org, employee=mentee) == 0
    now = datetime(2027, 3, 20, 12, 0, tzinfo=UTC)
    _schedule(pair, datetime(2027, 3, 30, 10, 0, tzinfo=BERLIN), now=now)
    reminders_deliver(now=now)
    assert unread_count(organization=org, employee=mentee) == 1  # the cached 0 was forgotten
    notice = Notification.objects.get(recipient=mentee)
    notification_mark_read(organization=org, employee=mentee, notification_id=notice.pk)
    assert unread_count(organization=org, employee=mentee) == 0
