"""Erasure (docs/privacy.md): an admin erases a person; their personal data goes, what they wrote alone goes,
their sign-in goes (only this organization's access when another one still has them), the other people's own
records and the figures stay, roll-ups are recomputed, and one audit entry records it without the erased data."""

from __future__ import annotations

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone

from analytics.models import RollupRun, SelfIdentification, SurveyResponse
from identity.models import EmployeeGroupMember, ScimUser, SsoSignInAttempt
from matching.models import Match, MentorRequest
from mentorhub.accounts.models import ApiToken, AuditEvent, Employee, Invitation, Membership, Role, RosterImport, User
from mentorhub.accounts.services.erasure import employee_erase
from mentorhub.db.tenant_scope import organization_scope
from programs.models import Participant
from sessions.models import CalendarFeed, Goal, GoalComment, MentoringSession, Milestone, Notification, SessionFeedback
from tests.factories import MembershipFactory
from tests.helpers import org_url

from .privacy_data import EMAIL, MARK, MENTOR_COMMENT, MENTOR_GOAL, MENTOR_NOTE, NAME, traces, where_found

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "identity", "programs", "matching", "mentoring_sessions", "analytics")


def erase(org, admin, employee):
    # As a request would: inside the organization's row-level scope only.
    with organization_scope(org.pk):
        return employee_erase(organization=org, actor=admin.user, employee=employee)


def test_erasure_removes_the_person_and_what_they_wrote_and_keeps_the_others_records(org, admin):
    t = traces(org)
    me = t.mentee.employee
    audit_before = list(AuditEvent.objects.order_by("pk").values())
    session_keys = set(Session.objects.values_list("session_key", flat=True))
    assert session_keys

    result = erase(org, admin, me)

    me.refresh_from_db()
    assert (me.name, me.email, me.employee_id) == ("Erased person", f"erased-{me.pk}@erased.invalid", f"erased-{me.pk}")
    assert (me.title, me.location, me.manager_id, me.time_zone) == ("", "", None, "UTC")
    assert (me.department, me.job_level, me.hired_on) == (t.mentee.employee.department, 3, t.mentee.employee.hired_on)
    assert me.left_on == timezone.localdate() and me.erased_at is not None
    # Sign-in: gone, with everything that opened it.
    user = User.objects.get(pk=t.mentee.user_id)
    assert (user.email, user.name, user.is_active) == (f"erased-{user.pk}@erased.invalid", "", False)
    assert not user.has_usable_password()
    for model in (EmailAddress, Authenticator, SocialAccount):
        assert not model.objects.filter(user=user).exists(), model
    assert not Session.objects.filter(session_key__in=session_keys).exists()
    assert t.browser.get(org_url("org-home", org)).status_code == 302  # signed out
    assert not Membership.objects.filter(user=user).exists()
    assert not ApiToken.objects.filter(organization=org, name__contains=MARK).exists()
    # What they wrote alone, their answers and choices: gone.
    mine = SessionFeedback.objects.get(session=t.session, author=me)
    assert (mine.rating, mine.reflection, mine.topics) == (4, "", [])
    assert Goal.objects.get(pk=t.own_goal.pk).title == "Removed goal"
    assert list(Milestone.objects.filter(goal=t.own_goal).values_list("title", flat=True)) == ["Removed milestone"]
    assert not GoalComment.objects.filter(author=me).exists()
    assert SurveyResponse.objects.get(pk=t.response.pk).answers == {
        k: v for k, v in t.response.answers.items() if isinstance(v, int)
    }
    assert not SelfIdentification.objects.filter(employee=me).exists()
    assert Participant.objects.get(program=t.pair.program, employee=me).answers == {}
    assert MentorRequest.objects.get(mentee__employee=me).message == ""
    for model in (Notification, CalendarFeed):
        assert not model.objects.filter(**{"recipient" if model is Notification else "employee": me}).exists()
    for model in (ScimUser, EmployeeGroupMember):
        assert not model.objects.filter(employee=me).exists()
    assert not SsoSignInAttempt.objects.filter(email__iexact=EMAIL).exists()
    assert not Invitation.objects.filter(email__iexact=EMAIL).exists()
    # The mentor's own records stay as they were; shared texts stay with the name replaced.
    morgan = t.mentor.employee
    assert SessionFeedback.objects.get(session=t.session, author=morgan).reflection == MENTOR_NOTE
    assert Goal.objects.get(pk=t.mentor_goal.pk).title == MENTOR_GOAL
    assert list(GoalComment.objects.filter(author=morgan).values_list("body", flat=True)) == [MENTOR_COMMENT]
    notes = MentoringSession.objects.get(pk=t.session.pk).shared_notes
    assert notes == "Erased person will draft the promotion case"
    assert Notification.objects.filter(recipient=morgan, title="Erased person ended it").exists()
    # The match stays, ended because they left; the mentor was told, without their name.
    match = Match.objects.get(pk=t.pair.match.pk)
    assert match.status == Match.Status.ENDED
    assert "Erased person" in match.end_reason
    assert Notification.objects.filter(recipient=morgan).exclude(title="Erased person ended it").exists()
    # Nothing of them is left anywhere, except the audit entries written before (append-only).
    everything = [m for label in OUR_APPS for m in apps.get_app_config(label).get_models()]
    everything += [User, EmailAddress, SocialAccount, Authenticator]
    found = where_found(everything, (NAME, EMAIL, MARK, "Quintavalle"))
    before = {
        f"accounts.AuditEvent.{f} #{row['id']}"
        for row in audit_before
        for f in ("target_label", "changes", "actor_email")
    }
    assert [hit for hit in found if hit not in before] == []
    assert result.sign_in_removed
    assert result.count.rows_removed > 10


def test_erasure_is_one_audit_entry_without_the_erased_data_and_rewrites_no_entry(org, admin):
    t = traces(org)
    me = t.mentee.employee
    before = list(AuditEvent.objects.order_by("pk").values())

    erase(org, admin, me)

    assert list(AuditEvent.objects.filter(pk__in=[row["id"] for row in before]).order_by("pk").values()) == before
    erasures = AuditEvent.objects.filter(organization=org, verb="employee.erase")
    assert erasures.count() == 1
    entry = erasures.get()
    assert (entry.target_label, entry.target_id, entry.actor_id) == (
        f"Erased person #{me.pk}",
        str(me.pk),
        admin.user_id,
    )
    assert entry.changes["sign_in_removed"] == [False, True]
    written = AuditEvent.objects.exclude(pk__in=[row["id"] for row in before])
    text = json.dumps(list(written.values("target_label", "changes", "actor_email")), default=str)
    for erased in (NAME, EMAIL, "Quintavalle"):
        assert erased not in text
    # The roll-ups are recomputed (queued, run eagerly here), so the dashboards read the erased data no more.
    assert RollupRun.objects.filter(organization=org).exists()


def test_someone_another_organization_still_has_keeps_their_sign_in_there(org, other_org, admin, admin_client):
    t = traces(org)
    elsewhere = MembershipFactory(organization=other_org, user=t.mentee.user, role=Role.MEMBER)

    response = admin_client.post(
        org_url("people-erase", org, employee_pk=t.mentee.employee_id), {"email": EMAIL.upper()}
    )

    assert response.status_code == 302
    user = User.objects.get(pk=t.mentee.user_id)
    assert (user.email, user.is_active, user.has_usable_password()) == (EMAIL, True, True)
    assert EmailAddress.objects.filter(user=user).exists()
    assert not Membership.objects.filter(organization=org, user=user).exists()
    assert Membership.objects.filter(pk=elsewhere.pk, deactivated_at__isnull=True).exists()
    assert Employee.objects.get(pk=t.mentee.employee_id).name == "Erased person"
    assert elsewhere.employee.name != "Erased person"  # the other organization's roster entry is theirs
    assert t.browser.get(org_url("org-home", other_org)).status_code == 200
    assert t.browser.get(org_url("org-home", org)).status_code == 404


def test_refusals_say_why(org, admin, member):
    with pytest.raises(ValidationError, match="cannot erase yourself"):
        erase(org, admin, admin.employee)
    with pytest.raises(ValidationError, match="only admin"):
        erase(org, member, admin.employee)
    erase(org, admin, member.employee)
    with pytest.raises(ValidationError, match="erased already"):
        erase(org, admin, Employee.objects.get(pk=member.employee_id))


def test_a_failed_roster_import_kept_for_a_re_run_loses_their_row_only(org, admin, employee):
    theirs = {"line": 2, "employee_id": employee.employee_id, "email": employee.email.upper(), "name": employee.name}
    colleague = {"line": 3, "employee_id": "E-OTHER", "email": "colleague@alpha.test", "name": "Colleague"}
    failed = RosterImport.objects.create(organization=org, status=RosterImport.Status.FAILED, rows=[theirs, colleague])

    erase(org, admin, employee)

    assert RosterImport.objects.get(pk=failed.pk).rows == [colleague]
