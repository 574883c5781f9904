"""seed_demo's mentoring history (demo/sessions/): six months of sessions, feedback, goals and reminders for
acme, the demo pair (member@acme.example with mentor@acme.example) with its next session booked, quiet matches
nudged, some ended early; nothing due the moment the demo starts; safe to run twice; acme's rows only."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from matching.models import Match, MatchMember
from mentorhub.accounts.models import AuditEvent, Employee, Membership, Organization, User
from programs.models import Participant, Program
from sessions.models import Goal, MentoringSession, Notification, Reminder, SessionFeedback
from sessions.selectors.sessions import sessions_to_log, upcoming_sessions
from sessions.services.dispatch import reminders_deliver
from sessions.services.reminders import reminders_plan_inactivity

SESSION_MODELS = list(apps.get_app_config("mentoring_sessions").get_models())
K = Reminder.Kind


def _snapshot() -> dict:
    counts = {model.__name__: model.objects.count() for model in SESSION_MODELS}
    counts["matches"] = Counter(Match.objects.values_list("program__name", "status"))
    counts["participants"] = Counter(Participant.objects.values_list("program__name", "status"))
    counts["audit"] = AuditEvent.objects.count()
    return counts


@pytest.fixture
def seeded(db, mailoutbox):
    call_command("seed_demo", stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert _snapshot() == first  # the second run adds nothing
    assert mailoutbox == []  # and seeding emails nobody
    return Organization.objects.get(slug="acme")


def test_demo_mentor_signs_in_from_london(seeded):
    user = User.objects.get(email="mentor@acme.example")
    assert user.check_password("mentorhub-demo") and user.time_zone == "Europe/London"
    assert user.language == "de"  # he reads MentorHub in German (README)
    membership = Membership.objects.select_related("employee").get(organization=seeded, user=user)
    assert membership.role == "member"
    employee = membership.employee
    assert (employee.department, employee.job_level, employee.location, employee.time_zone) == (
        "Engineering",
        7,
        "London",
        "Europe/London",
    )
    mentor = Participant.objects.exclude(program__kind="flash").get(employee=employee)  # he hosts flash sessions too
    assert (mentor.program.name, mentor.role, mentor.status) == ("Grow Together", "mentor", "matched")


def test_the_demo_pair_has_a_thriving_history_and_its_next_session_booked(seeded):
    now = timezone.now()
    maya = Employee.objects.get(organization=seeded, email="member@acme.example")
    marco = Employee.objects.get(organization=seeded, email="mentor@acme.example")
    assert maya.time_zone == "America/New_York"
    mine = MatchMember.objects.select_related("match__program").get(participant__employee=maya, current=True)
    match = mine.match
    assert (match.program.name, match.status, mine.role) == ("Grow Together", Match.Status.ACTIVE, "mentee")
    assert match.members.get(current=True, role="mentor").participant.employee == marco

    sessions = MentoringSession.objects.filter(match=match)
    held = sessions.filter(status=MentoringSession.Status.HELD)
    assert 8 <= held.count() <= 12
    for session in held:  # both rated every held session, and the pair kept notes
        assert set(session.feedback.values_list("author_id", flat=True)) == {maya.pk, marco.pk}
        assert session.shared_notes
    assert SessionFeedback.objects.filter(session__match=match).exclude(reflection="").exists()

    goal = Goal.objects.get(match=match, title="Speak up with confidence in leadership meetings")
    assert goal.status == Goal.Status.ON_TRACK
    milestones = list(goal.milestones.all())
    assert any(m.done_at is not None for m in milestones)
    assert any(m.done_at is None and m.due_on > timezone.localdate() for m in milestones)
    assert goal.comments.filter(author=marco).exists()

    # Exactly one session ahead, at a working hour for both, with its reminders waiting to go out.
    ahead = sessions.get(status=MentoringSession.Status.SCHEDULED)
    assert ahead.starts_at > now + timedelta(hours=24)
    for zone in ("Europe/London", "America/New_York"):
        assert 8 <= ahead.starts_at.astimezone(ZoneInfo(zone)).hour < 18
    pending = Reminder.objects.filter(session=ahead, status=Reminder.Status.PENDING)
    assert Counter(pending.values_list("kind", "recipient_id")) == {
        (kind, person.pk): 1 for kind in (K.SESSION_24H, K.SESSION_1H, K.LOG_SESSION) for person in (maya, marco)
    }
    assert upcoming_sessions(organization=seeded, employee=maya) == [ahead]
    assert sessions_to_log(organization=seeded, employee=maya) == []
    assert sessions_to_log(organization=seeded, employee=marco) == []

    unread = Notification.objects.filter(recipient=maya, read_at__isnull=True)
    assert list(unread.values_list("kind", flat=True)) == [K.SESSION_INVITE]
    assert unread.get().reminder.session == ahead


def test_history_has_variety_quiet_matches_were_nudged_and_some_ended_early(seeded):
    now = timezone.now()
    statuses = Counter(MentoringSession.objects.values_list("status", flat=True))
    assert statuses["held"] > 200 and statuses["cancelled"] > 0 and statuses["missed"] > 0
    assert len(set(MentoringSession.objects.values_list("format", flat=True))) == 4
    assert not MentoringSession.objects.filter(status="scheduled", starts_at__lt=now).exists()
    for session in MentoringSession.objects.select_related("match"):
        assert session.starts_at.minute % 15 == 0 and session.starts_at.second == 0
        assert session.starts_at > session.match.started_at
        if session.status != MentoringSession.Status.SCHEDULED:
            assert session.logged_at is not None and session.logged_at < now
    assert set(Goal.objects.values_list("status", flat=True)) == set(Goal.Status.values)
    assert not SessionFeedback.objects.exclude(session__status=MentoringSession.Status.HELD).exists()

    ended = Match.objects.filter(organization=seeded, status=Match.Status.ENDED)
    assert ended.count() >= 2
    for match in ended:
        assert match.end_reason and match.started_at < match.ended_at < now
        assert not MentoringSession.objects.filter(match=match, starts_at__gt=match.ended_at).exists()
        assert not Reminder.objects.filter(match=match, status=Reminder.Status.PENDING).exists()

    nudges = Reminder.objects.filter(kind=K.INACTIVITY_NUDGE, status=Reminder.Status.SENT)
    assert nudges.values("match_id").distinct().count() >= 4
    assert Notification.objects.filter(reminder__in=nudges).count() == nudges.count()
    admin = Employee.objects.get(organization=seeded, email="admin@acme.example")
    escalations = Reminder.objects.filter(kind=K.NUDGE_ESCALATION, status=Reminder.Status.SENT, recipient=admin)
    assert escalations.count() >= 2
    assert Notification.objects.filter(recipient=admin, reminder__in=escalations, read_at__isnull=True).exists()


def test_nothing_is_due_when_the_demo_starts(seeded):
    now = timezone.now()
    assert not Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now).exists()
    assert not Reminder.objects.exclude(status__in=[Reminder.Status.PENDING, Reminder.Status.SENT, "skipped"]).exists()
    # The planner finds the quiet matches' nudges already written (same keys), and the sender finds nothing due.
    before = Reminder.objects.count()
    reminders_plan_inactivity(organization=seeded, now=now)
    assert Reminder.objects.count() == before
    assert reminders_deliver(now=now).claimed == 0


def test_every_row_belongs_to_acme_and_links_only_to_acme(seeded):
    assert MentoringSession.objects.exists() and Reminder.objects.exists()
    globex = Program.objects.get(organization__slug="globex")
    assert globex.status == Program.Status.ENROLLING and not Match.objects.filter(program=globex).exists()
    for model in SESSION_MODELS:
        assert not model.objects.exclude(organization=seeded).exists(), model.__name__
        for field in model._meta.get_fields():
            if not isinstance(field, models.ForeignKey) or field.name == "organization":
                continue
            target = field.related_model
            if any(f.name == "organization" for f in target._meta.get_fields()):
                foreign = model.objects.filter(**{f"{field.name}__isnull": False}).exclude(
                    **{f"{field.name}__organization": seeded}
                )
                assert not foreign.exists(), f"{model.__name__}.{field.name}"
    # Feedback comes from the people of the session's match.
    for row in SessionFeedback.objects.select_related("session"):
        assert MatchMember.objects.filter(match_id=row.session.match_id, participant__employee_id=row.author_id)


def test_programs_started_about_six_months_ago(seeded):
    today = timezone.localdate()
    # The current programs (the analytics demo adds a past cohort, closed long ago: tests/demo/test_analytics_demo.py).
    for program in Program.objects.filter(organization=seeded, status=Program.Status.ACTIVE):
        assert 160 <= (today - program.starts_on).days <= 190, program.name
        assert (program.ends_on - program.starts_on).days >= 360
        starts = program.starts_on
        for match in Match.objects.filter(program=program):
            assert 0 <= (match.started_at.date() - starts).days <= 21
            assert match.approved_at <= match.started_at
        last_enrolled = Participant.objects.filter(program=program).order_by("-created_at").first()
        assert last_enrolled.created_at.date() < starts
