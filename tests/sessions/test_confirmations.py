"""Attendance confirmations ("Confirm I'll be there"): stored per member for the session as it stands, once
(a second confirm changes nothing and is audited once), refused for a session no longer ahead or not scheduled
and for someone not in the match, reset when the session is rescheduled; the session page shows who confirmed
and offers the button to a member who has not. Slack and Teams call the same service (tests/integrations/)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from mentorhub.accounts.models import AuditEvent
from sessions.models import MentoringSession, SessionConfirmation
from sessions.selectors.sessions import session_confirmations
from sessions.services.confirmations import session_attendance_confirm
from sessions.services.sessions import session_cancel, session_update
from tests.helpers import client_for, org_url, page_text

from .factories import person
from .pages_data import past_scheduled, schedule

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
VERB = "session.attendance_confirm"
BUTTON = "Confirm I'll be there"


def confirm(org, who, session, **extra):
    return session_attendance_confirm(
        organization=org, actor=who.user, employee=who.employee, session_id=session.pk, **extra
    )


class TestService:
    def test_confirms_once_and_audits_once(self, org, pair):
        session = schedule(pair)
        first = confirm(org, pair.mentee, session)
        second = confirm(org, pair.mentee, session)
        assert first.pk == second.pk and second.confirmed_at == first.confirmed_at
        assert SessionConfirmation.objects.filter(session=session).count() == 1
        (event,) = AuditEvent.objects.filter(organization=org, verb=VERB)
        assert (event.actor, event.target_id) == (pair.mentee.user, str(session.pk))
        assert [c.employee_id for c in session_confirmations(organization=org, session=session)] == [
            pair.mentee.employee_id
        ]

    def test_a_reschedule_resets_it_and_the_person_confirms_again(self, org, pair):
        session = schedule(pair)
        confirm(org, pair.mentee, session)
        session_update(
            organization=org,
            actor=pair.mentor.user,
            employee=pair.mentor.employee,
            session_id=session.pk,
            starts_at=session.starts_at + timedelta(days=1),
        )
        session.refresh_from_db()
        assert session_confirmations(organization=org, session=session) == []
        confirm(org, pair.mentee, session)
        assert [c.sequence for c in session_confirmations(organization=org, session=session)] == [session.sequence]
        assert AuditEvent.objects.filter(organization=org, verb=VERB).count() == 2

    def test_an_invitation_of_an_earlier_time_is_refused(self, org, pair):
        session = schedule(pair)
        with pytest.raises(ValidationError, match="changed since this invitation"):
            confirm(org, pair.mentee, session, sequence=session.sequence + 1)
        assert not SessionConfirmation.objects.exists()

    def test_a_session_not_ahead_or_not_scheduled_is_refused(self, org, pair):
        started = past_scheduled(pair)
        with pytest.raises(ValidationError, match="not ahead any more"):
            confirm(org, pair.mentee, started)
        cancelled = schedule(pair, when=timezone.now() + timedelta(days=4))
        session_cancel(
            organization=org, actor=None, employee=pair.mentor.employee, session_id=cancelled.pk, reason="Away"
        )
        with pytest.raises(ValidationError, match="not ahead any more"):
            confirm(org, pair.mentee, cancelled)
        assert not SessionConfirmation.objects.exists()
        assert not AuditEvent.objects.filter(verb=VERB).exists()

    def test_someone_not_in_the_match_gets_404(self, org, pair):
        session = schedule(pair)
        with pytest.raises(Http404):
            confirm(org, person(org, "stranger@alpha.test"), session)
        assert not SessionConfirmation.objects.exists()


class TestPage:
    def test_the_button_then_who_confirmed(self, org, pair, mentor_client, mentee_client):
        session = schedule(pair)
        url = org_url("session-detail", org, session_pk=session.pk)
        assert BUTTON in page_text(mentee_client.get(url))
        assert "data-disable-on-submit" in page_text(mentee_client.get(url))

        confirm_url = org_url("session-confirm", org, session_pk=session.pk)
        for _click in range(2):  # a double click confirms once
            response = mentee_client.post(confirm_url)
            assert response.status_code == 302 and response.url == url
        assert AuditEvent.objects.filter(organization=org, verb=VERB).count() == 1

        mine = page_text(mentee_client.get(url))
        assert "You confirmed you will be there." in mine and BUTTON not in mine
        theirs = page_text(mentor_client.get(url))
        assert f"{pair.mentee.employee.name} confirmed" in theirs and BUTTON in theirs

    def test_a_refusal_is_said_on_the_page(self, org, pair, mentee_client):
        session = past_scheduled(pair)
        response = mentee_client.post(org_url("session-confirm", org, session_pk=session.pk), follow=True)
        assert "This session is not ahead any more." in page_text(response)
        assert BUTTON not in page_text(response)
        assert not SessionConfirmation.objects.exists()

    def test_get_is_not_allowed(self, org, pair, mentee_client):
        session = schedule(pair)
        assert mentee_client.get(org_url("session-confirm", org, session_pk=session.pk)).status_code == 405

    def test_outsiders_and_people_outside_the_match_get_404(self, org, pair, outsider_client, admin_client):
        session = schedule(pair)
        stranger = client_for(person(org, "stranger@alpha.test"))
        for client in (outsider_client, stranger, admin_client):
            assert client.post(org_url("session-confirm", org, session_pk=session.pk)).status_code == 404
        assert not SessionConfirmation.objects.exists()
        assert MentoringSession.objects.get(pk=session.pk).status == MentoringSession.Status.SCHEDULED
