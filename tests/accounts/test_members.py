"""Members page: roles, removal with confirmation, last-admin protection, invitations (admins only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from mentorhub.accounts.models import AuditEvent, Invitation, Membership, Role
from mentorhub.accounts.services.invitations import invitation_create
from tests.factories import MembershipFactory
from tests.helpers import org_url


@pytest.fixture
def invitation(org, admin):
    invitation, _raw = invitation_create(organization=org, actor=admin.user, email="new@alpha.test", role="member")
    return invitation


def test_members_page_lists_members_with_role_employee_and_joined(admin_client, org, admin, member, outsider):
    page = admin_client.get(org_url("members", org)).content.decode()
    assert "admin@alpha.test" in page and "member@alpha.test" in page
    assert "admin@beta.test" not in page
    assert member.employee.name in page
    assert org_url("people-detail", org, employee_pk=member.employee.pk) in page
    assert member.created_at.strftime("%b") in page
    assert f'id="role-{member.pk}"' in page
    assert org_url("member-remove", org, membership_pk=member.pk) in page


@pytest.mark.parametrize("name", ["members"])
def test_admin_pages_are_403_for_member_and_stakeholder(member_client, stakeholder_client, org, name):
    assert member_client.get(org_url(name, org)).status_code == 403
    assert stakeholder_client.get(org_url(name, org)).status_code == 403


def test_member_cannot_change_roles_or_invite(member_client, org, admin, member):
    assert (
        member_client.post(org_url("member-role", org, membership_pk=admin.pk), {"role": "member"}).status_code == 403
    )
    assert member_client.post(org_url("members", org), {"email": "x@alpha.test", "role": "admin"}).status_code == 403
    assert member_client.get(org_url("member-remove", org, membership_pk=admin.pk)).status_code == 403
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert not Invitation.objects.exists()


def test_outsider_gets_404_on_every_members_route(outsider_client, org, member, invitation):
    routes = [
        ("get", org_url("members", org)),
        ("post", org_url("members", org)),
        ("post", org_url("invitation-revoke", org, invitation_pk=invitation.pk)),
        ("post", org_url("member-role", org, membership_pk=member.pk)),
        ("get", org_url("member-remove", org, membership_pk=member.pk)),
        ("post", org_url("member-remove", org, membership_pk=member.pk)),
    ]
    for method, target in routes:
        assert getattr(outsider_client, method)(target, {"role": "admin"}).status_code == 404, target
    # The victim's ids under the outsider's own organization are "not found" too, and change nothing.
    beta = Membership.objects.get(user__email="admin@beta.test").organization
    assert (
        outsider_client.post(org_url("member-role", beta, membership_pk=member.pk), {"role": "admin"}).status_code
        == 404
    )
    assert outsider_client.post(org_url("member-remove", beta, membership_pk=member.pk)).status_code == 404
    assert outsider_client.post(org_url("invitation-revoke", beta, invitation_pk=invitation.pk)).status_code == 404
    member.refresh_from_db()
    invitation.refresh_from_db()
    assert member.role == Role.MEMBER and invitation.status == "pending"


# --- Roles ------------------------------------------------------------------------------------


def test_change_role_is_saved_and_audited(admin_client, org, admin, member):
    response = admin_client.post(
        org_url("member-role", org, membership_pk=member.pk), {"role": "stakeholder"}, follow=True
    )
    member.refresh_from_db()
    assert member.role == Role.STAKEHOLDER
    assert "member@alpha.test is now stakeholder." in response.content.decode()
    event = AuditEvent.objects.get(organization=org, verb="membership.change_role")
    assert event.actor == admin.user and event.changes == {"role": ["member", "stakeholder"]}
    assert event.target_id == str(member.pk)


def test_the_last_admin_cannot_be_demoted(admin_client, org, admin):
    response = admin_client.post(org_url("member-role", org, membership_pk=admin.pk), {"role": "member"}, follow=True)
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert "admin@alpha.test is the only admin of Alpha Ltd" in response.content.decode()
    assert not AuditEvent.objects.filter(verb="membership.change_role").exists()


def test_an_admin_can_step_down_when_another_admin_remains(admin_client, org, admin):
    MembershipFactory(organization=org, role=Role.ADMIN)
    response = admin_client.post(org_url("member-role", org, membership_pk=admin.pk), {"role": "member"})
    admin.refresh_from_db()
    assert admin.role == Role.MEMBER
    assert response["Location"] == org_url("org-home", org)
    assert admin_client.get(org_url("members", org)).status_code == 403


def test_unknown_role_is_refused(admin_client, org, member):
    response = admin_client.post(org_url("member-role", org, membership_pk=member.pk), {"role": "owner"}, follow=True)
    member.refresh_from_db()
    assert member.role == Role.MEMBER
    assert "Choose admin, stakeholder or member." in response.content.decode()


# --- Removal ----------------------------------------------------------------------------------


def test_remove_asks_for_confirmation_then_removes(admin_client, org, admin, member):
    confirm = admin_client.get(org_url("member-remove", org, membership_pk=member.pk))
    assert confirm.status_code == 200
    assert "Remove member@alpha.test?" in confirm.content.decode()
    assert Membership.objects.filter(pk=member.pk).exists()  # a GET changes nothing

    response = admin_client.post(org_url("member-remove", org, membership_pk=member.pk), follow=True)
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert "member@alpha.test can no longer sign in to Alpha Ltd." in response.content.decode()
    event = AuditEvent.objects.get(organization=org, verb="membership.remove")
    assert event.changes == {"user": ["member@alpha.test", None], "role": ["member", None]}
    # The roster row stays: removing access is not removing the person.
    assert member.employee.__class__.objects.filter(pk=member.employee_id).exists()


def test_the_last_admin_cannot_remove_themselves(admin_client, org, admin):
    page = admin_client.get(org_url("member-remove", org, membership_pk=admin.pk)).content.decode()
    assert "Leave Alpha Ltd?" in page
    response = admin_client.post(org_url("member-remove", org, membership_pk=admin.pk), follow=True)
    assert Membership.objects.filter(pk=admin.pk).exists()
    assert "admin@alpha.test is the only admin of Alpha Ltd" in response.content.decode()


def test_an_admin_can_leave_when_another_admin_remains(admin_client, org, admin):
    MembershipFactory(organization=org, role=Role.ADMIN)
    response = admin_client.post(org_url("member-remove", org, membership_pk=admin.pk))
    assert response["Location"] == reverse("home")
    assert not Membership.objects.filter(pk=admin.pk).exists()


# --- Invitations ------------------------------------------------------------------------------


def test_invite_creates_a_pending_invitation_and_emails_the_link(
    admin_client, org, admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(org_url("members", org), {"email": "New.Person@Alpha.test", "role": "stakeholder"})
    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=org)
    assert invitation.email == "new.person@alpha.test" and invitation.role == "stakeholder"
    assert invitation.invited_by == admin.user and invitation.status == "pending"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@alpha.test"]
    assert "http://testserver/invite/" in mail.outbox[0].body
    page = admin_client.get(org_url("members", org)).content.decode()
    assert "new.person@alpha.test" in page and "Pending" in page
    assert AuditEvent.objects.filter(organization=org, verb="invitation.create", target_id=str(invitation.pk)).exists()


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("not-an-email", "Enter a valid email address."),
        ("MEMBER@alpha.test", "member@alpha.test is already a member of Alpha Ltd."),
        ("new@alpha.test", "new@alpha.test already has a pending invitation."),
    ],
)
def test_invite_validation(admin_client, org, member, invitation, email, message):
    response = admin_client.post(org_url("members", org), {"email": email, "role": "member"})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert Invitation.objects.filter(organization=org).count() == 1


def test_an_expired_or_revoked_invitation_does_not_block_a_new_one(admin_client, org, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert admin_client.post(org_url("members", org), {"email": "new@alpha.test", "role": "member"}).status_code == 302
    assert Invitation.objects.filter(organization=org, email="new@alpha.test").count() == 2


def test_someone_in_another_org_can_be_invited(admin_client, org, outsider):
    response = admin_client.post(org_url("members", org), {"email": "admin@beta.test", "role": "member"})
    assert response.status_code == 302
    assert Invitation.objects.filter(organization=org, email="admin@beta.test").exists()


def test_revoke_invitation(admin_client, org, admin, invitation):
    response = admin_client.post(org_url("invitation-revoke", org, invitation_pk=invitation.pk), follow=True)
    invitation.refresh_from_db()
    assert invitation.status == "revoked"
    page = response.content.decode()
    assert "The invitation of new@alpha.test is revoked" in page and "Revoked" in page
    assert AuditEvent.objects.filter(verb="invitation.revoke", target_id=str(invitation.pk)).exists()
    # Revoking is a POST: a GET answers 405 and changes nothing.
    assert admin_client.get(org_url("invitation-revoke", org, invitation_pk=invitation.pk)).status_code == 405


def test_invitation_statuses_are_shown(admin_client, org, admin):
    now = timezone.now()
    base = {"organization": org, "role": "member", "invited_by": admin.user}
    Invitation.objects.create(email="p@x.test", token_hash="1" * 64, expires_at=now + timedelta(days=1), **base)
    Invitation.objects.create(email="e@x.test", token_hash="2" * 64, expires_at=now - timedelta(days=1), **base)
    Invitation.objects.create(
        email="a@x.test", token_hash="3" * 64, expires_at=now + timedelta(days=1), accepted_at=now, **base
    )
    Invitation.objects.create(
        email="r@x.test", token_hash="4" * 64, expires_at=now + timedelta(days=1), revoked_at=now, **base
    )
    page = admin_client.get(org_url("members", org)).content.decode()
    for status in ("Pending", "Expired", "Accepted", "Revoked"):
        assert f">{status}</span>" in page
    # Only the pending one can be revoked.
    assert page.count("Revoke<span") == 1


def test_members_page_query_count(admin_client, org, admin, django_assert_max_num_queries):
    for _ in range(30):
        MembershipFactory(organization=org)
    now = timezone.now()
    for i in range(20):
        Invitation.objects.create(
            organization=org,
            email=f"i{i}@x.test",
            role="member",
            token_hash=f"{i:064d}",
            invited_by=admin.user,
            expires_at=now + timedelta(days=1),
        )
    with django_assert_max_num_queries(11):
        response = admin_client.get(org_url("members", org))
    page = response.content.decode()
    assert page.count('name="role"') == 31 + 1  # every member's role select, plus the invite form's
    assert "i19@x.test" in page and "i0@x.test" in page
