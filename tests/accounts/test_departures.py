"""Someone leaves (SCIM, an admin, a roster import, a leaving date that comes): their access closes, their
matches end with a notice to the others and a re-match offered, their calendar feed and reminders stop.
Coming back restores the access, not what ended."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Match, MatchMember, MatchRun, MentorRequest
from mentorhub.accounts.models import ApiToken, AuditEvent, Employee, EmploymentEvent, Membership
from mentorhub.accounts.services.departures import departures_due, employee_depart, employee_reactivate
from mentorhub.accounts.services.roster_import import roster_import_start
from mentorhub.accounts.services.tokens import api_token_create
from mentorhub.accounts.tasks import complete_departures
from programs.models import Participant
from sessions.models import CalendarFeed, MentoringSession, Notification, Reminder
from sessions.services.notifications import calendar_feed_get_or_create, feed_token
from tests.factories import TEST_PASSWORD, EmployeeFactory, MembershipFactory
from tests.helpers import org_url, page_text
from tests.sessions.factories import active_pair, ahead, person

from .roster_helpers import person as roster_row
from .roster_helpers import roster_csv

pytestmark = pytest.mark.django_db


def depart(org, membership, **kwargs):
    return employee_depart(organization=org, actor=None, employee_id=membership.employee_id, source="scim", **kwargs)


def notices(org, membership) -> list[str]:
    return list(
        Notification.objects.filter(organization=org, recipient=membership.employee).values_list("title", flat=True)
    )


def feed_url(org, membership) -> str:
    feed = calendar_feed_get_or_create(organization=org, employee=membership.employee)
    return reverse("calendar-feed", kwargs={"token": feed_token(feed)})


def participant(pair, membership) -> Participant:
    return Participant.objects.get(program=pair.program, employee=membership.employee)


def test_departure_closes_access_and_ends_the_pair_with_a_notice(org, django_capture_on_commit_callbacks):
    pair = active_pair(org, cadence_per_month=2)
    session = MentoringSession.objects.create(
        organization=org, program=pair.program, match=pair.match, starts_at=ahead(3)
    )
    _, raw = api_token_create(organization=org, actor=pair.mentee.user, membership=pair.mentee, name="cli")
    url = feed_url(org, pair.mentee)
    assert Client().get(url).status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert api.get(f"/api/v1/o/{org.slug}/notifications/").status_code != 401

    employee = depart(org, pair.mentee)

    today = timezone.localdate()
    assert employee.left_on == today
    assert (
        EmploymentEvent.objects.filter(employee=employee, kind=EmploymentEvent.Kind.LEFT, occurred_on=today).count()
        == 1
    )
    pair.mentee.refresh_from_db()
    assert pair.mentee.deactivated_at is not None
    assert not pair.mentee.user.__class__.objects.get(pk=pair.mentee.user_id).is_active
    assert ApiToken.objects.get(membership=pair.mentee).revoked_at is not None
    assert api.get(f"/api/v1/o/{org.slug}/notifications/").status_code == 401
    assert Client().get(url).status_code == 404
    assert not CalendarFeed.objects.filter(employee=employee).exists()

    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.ENDED
    assert pair.match.end_reason == f"{employee.name} left the organization."
    assert participant(pair, pair.mentee).status == Participant.Status.WITHDRAWN
    assert participant(pair, pair.mentor).status == Participant.Status.APPROVED  # free to be matched again
    session.refresh_from_db()
    assert session.status == MentoringSession.Status.CANCELLED
    # The mentor hears why, and nothing more (not who recorded it); the leaver hears nothing.
    title = f"Your match in {pair.program.name} ended: {employee.name} left the organization"
    assert notices(org, pair.mentor) == [title]
    assert notices(org, pair.mentee) == []
    assert Notification.objects.filter(title__icontains="scim").count() == 0
    # Nothing more is sent to the leaver: the session's cancellation went to the mentor only.
    assert not Reminder.objects.filter(recipient=employee, status=Reminder.Status.PENDING).exists()
    assert Reminder.objects.filter(recipient=pair.mentor.employee, kind=Reminder.Kind.SESSION_CANCELLED).exists()
    page = pair.client(pair.mentor).get(org_url("notifications", org))
    assert title in page_text(page)


def test_a_departure_is_idempotent(org):
    pair = active_pair(org)
    depart(org, pair.mentee)
    depart(org, pair.mentee)
    employee = Employee.objects.get(pk=pair.mentee.employee_id)
    assert EmploymentEvent.objects.filter(employee=employee, kind=EmploymentEvent.Kind.LEFT).count() == 1
    assert AuditEvent.objects.filter(verb="employee.depart").count() == 1
    assert AuditEvent.objects.filter(verb="employee.access_close").count() == 1
    assert len(notices(org, pair.mentor)) == 1
    assert departures_due(organization=org) == []


def test_the_open_browser_session_gets_the_sign_in_page(org):
    pair = active_pair(org)
    browser = pair.client(pair.mentee)
    home = org_url("org-home", org)
    assert browser.get(home).status_code == 200

    depart(org, pair.mentee)

    response = browser.get(home)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_password_sign_in_is_refused_with_a_clear_page(org, fresh_cache):
    pair = active_pair(org)
    depart(org, pair.mentee)
    response = Client().post(
        reverse("account_login"), {"login": pair.mentee.user.email, "password": TEST_PASSWORD}, follow=True
    )
    assert "_auth_user_id" not in response.client.session
    text = page_text(response)
    assert "This account is inactive. You can no longer sign in with it" in text
    assert "ask your HR team" in text


def test_someone_another_organization_still_has_keeps_signing_in_there(org, other_org):
    pair = active_pair(org)
    MembershipFactory(organization=other_org, user=pair.mentee.user)
    browser = pair.client(pair.mentee)

    depart(org, pair.mentee)

    pair.mentee.user.refresh_from_db()
    assert pair.mentee.user.is_active
    assert browser.get(org_url("org-home", org)).status_code == 404
    assert browser.get(org_url("org-home", other_org)).status_code == 200


def test_the_mentor_leaving_frees_the_mentee_and_offers_a_re_match(org):
    pair = active_pair(org)
    mentor = Employee.objects.get(pk=pair.mentor.employee_id)

    depart(org, pair.mentor)

    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.ENDED
    mentee = participant(pair, pair.mentee)
    assert mentee.status == Participant.Status.APPROVED
    run = MatchRun.objects.get(program=pair.program)
    assert run.scope_participant_ids == [mentee.pk]
    assert notices(org, pair.mentee) == [
        f"Your match in {pair.program.name} ended: {mentor.name} left the organization"
    ]


def test_a_circle_goes_on_without_a_member_who_leaves(org):
    circle = active_pair(org, circle_members=2, kind="group")
    leaver = Employee.objects.get(pk=circle.mentee.employee_id)

    depart(org, circle.mentee)

    circle.match.refresh_from_db()
    assert circle.match.status == Match.Status.ACTIVE
    current = set(
        MatchMember.objects.filter(match=circle.match, current=True).values_list("participant__employee", flat=True)
    )
    assert current == {circle.mentor.employee_id, *(m.employee_id for m in circle.others)}
    title = f"{leaver.name} left the organization and your circle in {circle.program.name}; the circle goes on"
    for membership in [circle.mentor, *circle.others]:
        assert notices(org, membership) == [title]


def test_a_circle_ends_when_its_facilitator_leaves(org):
    circle = active_pair(org, circle_members=2, kind="group")
    depart(org, circle.mentor)
    circle.match.refresh_from_db()
    assert circle.match.status == Match.Status.ENDED
    assert {participant(circle, m).status for m in [circle.mentee, *circle.others]} == {Participant.Status.APPROVED}


def test_approved_matches_proposals_and_requests_of_the_leaver_close(org):
    approved = active_pair(org, status=Match.Status.APPROVED)
    proposed = active_pair(org, status=Match.Status.PROPOSED, mentee=approved.mentee)
    other_mentor = participant(proposed, proposed.mentor)
    asked = MentorRequest.objects.create(
        organization=org, program=proposed.program, mentee=participant(proposed, approved.mentee), mentor=other_mentor
    )

    depart(org, approved.mentee)

    approved.match.refresh_from_db()
    proposed.match.refresh_from_db()
    asked.refresh_from_db()
    assert approved.match.status == Match.Status.DECLINED
    assert proposed.match.status == Match.Status.DISCARDED
    assert asked.status == MentorRequest.Status.WITHDRAWN
    assert set(
        Participant.objects.filter(employee_id=approved.mentee.employee_id).values_list("status", flat=True)
    ) == {Participant.Status.WITHDRAWN}


def test_coming_back_restores_access_but_not_matches_or_tokens(org):
    pair = active_pair(org)
    api_token_create(organization=org, actor=pair.mentee.user, membership=pair.mentee, name="cli")
    depart(org, pair.mentee)

    employee = employee_reactivate(organization=org, actor=None, employee_id=pair.mentee.employee_id, source="scim")

    assert employee.left_on is None
    assert EmploymentEvent.objects.filter(employee=employee, kind=EmploymentEvent.Kind.HIRED).exists()
    membership = Membership.objects.get(pk=pair.mentee.pk)
    assert membership.deactivated_at is None and membership.user.is_active
    assert ApiToken.objects.get(membership=membership).revoked_at is not None
    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.ENDED
    assert participant(pair, pair.mentee).status == Participant.Status.WITHDRAWN
    client = Client()
    assert client.login(email=membership.user.email, password=TEST_PASSWORD)
    assert client.get(org_url("org-home", org)).status_code == 200
    # A new calendar address, never the old one.
    assert Client().get(feed_url(org, membership)).status_code == 200


def test_a_roster_import_departure_takes_effect(org, admin, django_capture_on_commit_callbacks):
    pair = active_pair(org)
    mentee = Employee.objects.get(pk=pair.mentee.employee_id)
    today = timezone.localdate().isoformat()
    row = roster_row(mentee.employee_id, email=mentee.email, name=mentee.name, left_on=today)
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_start(organization=org, actor=admin.user, filename="r.csv", content=roster_csv([row]))

    mentee.refresh_from_db()
    assert mentee.left_on == timezone.localdate()
    assert EmploymentEvent.objects.filter(employee=mentee, kind=EmploymentEvent.Kind.LEFT).count() == 1
    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.ENDED
    assert Membership.objects.get(pk=pair.mentee.pk).deactivated_at is not None
    assert AuditEvent.objects.filter(verb="employee.depart").count() == 0  # the import recorded the date
    assert AuditEvent.objects.filter(verb="match.end_early", actor=admin.user).count() == 1


def test_a_roster_import_that_brings_someone_back_restores_their_access(org, admin, django_capture_on_commit_callbacks):
    membership = MembershipFactory(organization=org, employee=EmployeeFactory(organization=org))
    employee = membership.employee
    depart(org, membership)
    assert not Client().login(email=membership.user.email, password=TEST_PASSWORD)

    row = roster_row(employee.employee_id, email=employee.email, name=employee.name, left_on="")
    with django_capture_on_commit_callbacks(execute=True):
        roster_import_start(organization=org, actor=admin.user, filename="r.csv", content=roster_csv([row]))

    employee.refresh_from_db()
    assert employee.left_on is None
    assert Membership.objects.get(pk=membership.pk).deactivated_at is None
    client = Client()
    assert client.login(email=membership.user.email, password=TEST_PASSWORD)
    assert client.get(org_url("org-home", org)).status_code == 200


def test_a_leaving_date_ahead_takes_effect_on_its_day(org, other_org):
    pair = active_pair(org)
    elsewhere = active_pair(other_org)
    soon = timezone.localdate() + timedelta(days=3)
    depart(org, pair.mentee, left_on=soon)
    depart(org, pair.mentee, left_on=soon)  # said twice (SCIM retries): recorded once
    assert EmploymentEvent.objects.filter(employee_id=pair.mentee.employee_id).count() == 1
    # Another organization's leaver is not this organization's business, and is completed in its own run.
    Employee.objects.filter(pk=elsewhere.mentee.employee_id).update(left_on=timezone.localdate())

    assert complete_departures(organization_id=org.pk) == 0
    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.ACTIVE
    assert Membership.objects.get(pk=pair.mentee.pk).deactivated_at is None
    elsewhere.match.refresh_from_db()
    assert elsewhere.match.status == Match.Status.ACTIVE

    # The day comes (the row says today now), and beat runs.
    Employee.objects.filter(pk=pair.mentee.employee_id).update(left_on=timezone.localdate())
    assert complete_departures() == 2
    pair.match.refresh_from_db()
    elsewhere.match.refresh_from_db()
    assert pair.match.status == elsewhere.match.status == Match.Status.ENDED
    assert Membership.objects.get(pk=pair.mentee.pk).deactivated_at is not None
    assert complete_departures() == 0  # nothing left to complete


def test_a_leaver_without_a_sign_in_is_still_taken_out_of_matching(org):
    pair = active_pair(org)
    Membership.objects.filter(pk=pair.mentee.pk).delete()
    Employee.objects.filter(pk=pair.mentee.employee_id).update(left_on=timezone.localdate())
    assert departures_due(organization=org) == [pair.mentee.employee_id]
    assert complete_departures() == 1
    pair.match.refresh_from_db()
    assert pair.match.status == Match.Status.ENDED


def test_another_organizations_people_are_untouched(org, other_org):
    pair = active_pair(org)
    twin = person(other_org, "twin@beta.test")
    depart(org, pair.mentee)
    twin.refresh_from_db()
    assert twin.deactivated_at is None and twin.user.is_active
    assert Employee.objects.get(pk=twin.employee_id).left_on is None


def test_a_membership_not_yet_linked_to_the_roster_row_closes_and_comes_back_too(org):
    """Invited before SCIM created their roster row: the membership has no roster link, only the same email."""
    joined = MembershipFactory(organization=org, employee=None, user__email="early.bird@alpha.test")
    _, raw = api_token_create(organization=org, actor=joined.user, membership=joined, name="cli")
    employee = EmployeeFactory(organization=org, email="Early.Bird@alpha.test", name="Early Bird")
    browser = Client()
    browser.force_login(joined.user)
    assert browser.get(org_url("org-home", org)).status_code == 200

    employee_depart(organization=org, actor=None, employee_id=employee.pk, source="scim")

    joined.refresh_from_db()
    assert joined.employee_id == employee.pk and joined.deactivated_at is not None
    assert not joined.user.__class__.objects.get(pk=joined.user_id).is_active
    assert ApiToken.objects.get(membership=joined).revoked_at is not None
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(f"/api/v1/o/{org.slug}/notifications/").status_code == 401
    assert browser.get(org_url("org-home", org)).status_code == 302

    employee_reactivate(organization=org, actor=None, employee_id=employee.pk, source="scim")
    joined.refresh_from_db()
    assert joined.deactivated_at is None and joined.user.is_active


def test_a_return_to_one_organization_turns_the_sign_in_back_on_that_the_other_ones_departure_turned_off(
    org, other_org
):
    here = MembershipFactory(organization=org, employee=EmployeeFactory(organization=org))
    there = MembershipFactory(
        organization=other_org, user=here.user, employee=EmployeeFactory(organization=other_org, email=here.user.email)
    )
    depart(org, here)  # still at the other organization: the sign-in stays on
    employee_depart(organization=other_org, actor=None, employee_id=there.employee_id, source="scim")
    assert not Client().login(email=here.user.email, password=TEST_PASSWORD)

    employee_reactivate(organization=org, actor=None, employee_id=here.employee_id, source="scim")
    client = Client()
    assert client.login(email=here.user.email, password=TEST_PASSWORD)
    assert client.get(org_url("org-home", org)).status_code == 200
    assert client.get(org_url("org-home", other_org)).status_code == 404  # still gone there
