"""The Django admin of the sessions app: every model is registered, read-only, filtered by organization
first, and never shows what a match's members keep to themselves (notes, reflections, goals' words)."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from programs.models import Participant, Program
from sessions.models import (
    BusyFeed,
    BusyInterval,
    CalendarFeed,
    FlashBooking,
    FlashSlot,
    GoalComment,
    MatchAgreement,
    MentoringSession,
    Notification,
    PairingFitAnswer,
    RecordShare,
    SessionFeedback,
)
from sessions.selectors.agreements import agreement_state
from sessions.services.agreements import agreement_confirm, agreement_edit
from sessions.services.availability import AwayIn, WindowIn, availability_set
from sessions.services.busy_feeds import busy_feed_save
from sessions.services.confirmations import session_attendance_confirm
from sessions.services.goals import goal_comment_add, goal_template_create
from sessions.services.notifications import calendar_feed_get_or_create, notification_create, preferences_save
from sessions.services.pairing_fit import pairing_fit_answer
from sessions.services.record_shares import record_share_create
from tests.admin_checks import assert_changelist_filters_by_organization, assert_read_only_with_organization_first
from tests.helpers import page_text
from tests.programs.factories import ParticipantFactory, ProgramFactory

from .factories import active_pair
from .pages_data import goal, held, schedule

pytestmark = pytest.mark.django_db
MODELS = list(apps.get_app_config("mentoring_sessions").get_models())
SECRET = "Only we two know this"
HOUR = timedelta(hours=1)


@pytest.fixture
def rows(org, other_org):
    """A row of every model in each organization (the filter shows with two to choose from)."""
    for organization in (org, other_org):
        pair = active_pair(organization)
        ahead = schedule(pair)  # a session ahead and its reminders
        session_attendance_confirm(
            organization=organization, actor=None, employee=pair.mentee.employee, session_id=ahead.pk
        )
        held(pair, rating=4, reflection=SECRET, shared_notes=SECRET)
        made = goal(pair, SECRET, milestones=[SECRET], description=SECRET)
        goal_comment_add(organization=organization, employee=pair.mentor.employee, goal_id=made.pk, body=SECRET)
        goal_template_create(organization=organization, actor=None, program_id=pair.program.pk, title="Grow")
        notification_create(
            organization=organization, recipient=pair.mentee.employee, kind=Notification.MATCH_UPDATE, title=SECRET
        )
        preferences_save(organization=organization, employee=pair.mentee.employee, email_off=[])
        calendar_feed_get_or_create(organization=organization, employee=pair.mentee.employee)
        record_share_create(organization=organization, actor=None, employee=pair.mentee.employee, days=7)
        availability_set(
            organization=organization,
            actor=None,
            employee=pair.mentee.employee,
            windows=[WindowIn(0, time(9), time(12))],
            away=[AwayIn(date.today(), date.today())],
        )
        feed = busy_feed_save(
            organization=organization,
            actor=None,
            employee=pair.mentee.employee,
            url=f"https://cal.example.com/{SECRET}",
        )
        start = timezone.now()
        BusyInterval.objects.create(
            organization=organization, feed=feed, employee=feed.employee, starts_at=start, ends_at=start + HOUR
        )
        flash = ProgramFactory(organization=organization, status=Program.Status.ACTIVE, kind=Program.Kind.FLASH)
        approved = Participant.Status.APPROVED
        host = ParticipantFactory(program=flash, employee=pair.mentor.employee, role="mentor", status=approved)
        booker = ParticipantFactory(program=flash, employee=pair.mentee.employee, role="mentee", status=approved)
        slot = FlashSlot.objects.create(
            organization=organization, program=flash, host=host, starts_at=start + 3 * HOUR, topics="Office hour"
        )
        FlashBooking.objects.create(
            organization=organization, program=flash, slot=slot, participant=booker, comment=SECRET
        )
        texts = agreement_state(organization=organization, match=pair.match).texts
        agreement_edit(
            organization=organization,
            actor=None,
            employee=pair.mentee.employee,
            match_id=pair.match.pk,
            sections={**texts, "goals": SECRET},
            version=0,
        )
        agreement_confirm(
            organization=organization,
            actor=None,
            employee=pair.mentee.employee,
            match_id=pair.match.pk,
            digest=agreement_state(organization=organization, match=pair.match).digest,
        )
        pairing_fit_answer(
            organization=organization,
            actor=None,
            employee=pair.mentee.employee,
            match_id=pair.match.pk,
            answer="no",
            comment=SECRET,
        )
    assert SessionFeedback.objects.filter(organization=org, reflection=SECRET).exists()
    assert MentoringSession.objects.filter(organization=org, shared_notes=SECRET).exists()


def test_every_model_is_registered_read_only_with_organization_first():
    for model in MODELS:
        assert_read_only_with_organization_first(model)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_a_superuser_opens_each_changelist(superuser_client, org, other_org, rows, model):
    text = assert_changelist_filters_by_organization(superuser_client, model, org, other_org)
    assert SECRET not in text


@pytest.mark.parametrize(
    "model",
    [
        MentoringSession,
        SessionFeedback,
        GoalComment,
        CalendarFeed,
        RecordShare,
        BusyFeed,
        FlashBooking,
        MatchAgreement,
        PairingFitAnswer,
    ],
    ids=lambda model: model.__name__,
)
def test_a_row_never_shows_what_members_keep_to_themselves(superuser_client, org, rows, model):
    row = model.objects.filter(organization=org).first()
    detail = superuser_client.get(reverse(f"admin:mentoring_sessions_{model._meta.model_name}_change", args=[row.pk]))
    assert detail.status_code == 200
    assert SECRET not in page_text(detail)
    if hasattr(row, "token_hash"):
        assert row.token_hash not in page_text(detail)
    if hasattr(row, "url_encrypted"):
        assert row.url_encrypted not in page_text(detail)
