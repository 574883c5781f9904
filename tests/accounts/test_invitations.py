"""Invitation links: once, before they expire, for their organization and their address only."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorhub.accounts.models import AuditEvent, Invitation, Membership, Role
from mentorhub.accounts.services.invitations import InvitationUnusable, invitation_accept, invitation_create
from tests.factories import EmployeeFactory, UserFactory


def accept_url(raw: str) -> str:
    return reverse("invitation-accept", kwargs={"token": raw})


@pytest.fixture
def invite(org, admin):
    """An invitation of invitee@alpha.test to alpha as stakeholder; returns (invitation, raw secret)."""
    return invitation_create(organization=org, actor=admin.user, email="invitee@alpha.test", role="stakeholder")


@pytest.fixture
def invitee(db):
    return UserFactory(email="invitee@alpha.test", time_zone="UTC")


@pytest.fixture
def invitee_client(invitee) -> Client:
    client = Client()
    client.force_login(invitee)
    return client


# --- The service --------------------------------------------------------------------------------


def test_only_the_hash_is_stored_and_the_link_expires_after_the_ttl(invite):
    invitation, raw = invite
    assert invitation.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert len(raw) >= 40
    stored = Invitation.objects.filter(pk=invitation.pk).values()[0]
    assert raw not in {str(v) for v in stored.values()}
    expected = timezone.now() + timedelta(days=settings.INVITATION_TTL_DAYS)
    assert abs((invitation.expires_at - expected).total_seconds()) < 60


def test_the_email_is_sent_after_commit_with_the_absolute_link(org, admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invitation, raw = invitation_create(
            organization=org, actor=admin.user, email="x@alpha.test", role="member", base_url="https://hub.example/"
        )
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["x@alpha.test"]
    assert "Alpha Ltd" in message.subject
    assert f"https://hub.example/invite/{raw}/" in message.body
    assert "member" in message.body and "admin@alpha.test" in message.body


def test_accept_twice_is_refused(invite, invitee, org):
    _invitation, raw = invite
    membership = invitation_accept(token=raw, user=invitee)
    assert membership.organization == org and membership.role == Role.STAKEHOLDER
    with pytest.raises(InvitationUnusable) as refused:
        invitation_accept(token=raw, user=invitee)
    assert refused.value.reason == "accepted"
    assert Membership.objects.filter(user=invitee).count() == 1


def test_unknown_token_raises_does_not_exist(invitee):
    with pytest.raises(Invitation.DoesNotExist):
        invitation_accept(token="nope", user=invitee)


# --- The page -----------------------------------------------------------------------------------


def test_anonymous_visitor_sees_the_invitation_with_sign_in_and_sign_up_links(client, invite):
    _invitation, raw = invite
    response = client.get(accept_url(raw))
    assert response.status_code == 200
    page = response.content.decode()
    assert "You are invited to Alpha Ltd" in page and "stakeholder" in page and "invitee@alpha.test" in page
    assert f"{reverse('account_login')}?next=%2Finvite%2F{raw}%2F" in page
    assert f"{reverse('account_signup')}?next=%2Finvite%2F{raw}%2F" in page
    assert "no-store" in response["Cache-Control"]
    # Opening the emailed link proves the mailbox: allauth may skip the verification email on sign-up.
    assert client.session["account_verified_email"] == "invitee@alpha.test"


def test_a_wrong_token_is_404_and_tells_nothing(client, outsider_client, invite):
    for c in (client, outsider_client):
        for method in (c.get, c.post):
            response = method(accept_url("x" + invite[1]))
            assert response.status_code == 404
            assert "Alpha Ltd" not in response.content.decode()


def test_signed_in_invitee_accepts_with_a_post(invitee_client, invitee, invite, org):
    invitation, raw = invite
    employee = EmployeeFactory(organization=org, email="Invitee@Alpha.test", time_zone="Asia/Tokyo")
    page = invitee_client.get(accept_url(raw))
    assert "Accept the invitation" in page.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()  # a GET (or a mail scanner) accepts nothing

    response = invitee_client.post(accept_url(raw))
    assert response.status_code == 302 and response["Location"] == reverse("org-home", kwargs={"org_slug": org.slug})
    membership = Membership.objects.get(user=invitee)
    assert membership.organization == org and membership.role == Role.STAKEHOLDER
    assert membership.employee == employee
    invitee.refresh_from_db()
    assert invitee.time_zone == "Asia/Tokyo"
    invitation.refresh_from_db()
    assert invitation.accepted_by == invitee and invitation.status == "accepted"
    verbs = set(AuditEvent.objects.filter(organization=org, actor=invitee).values_list("verb", flat=True))
    assert verbs == {"invitation.accept", "membership.create"}
    home = invitee_client.get(response["Location"])
    assert home.status_code == 200 and "You joined as stakeholder" in home.content.decode()


def test_the_time_zone_is_copied_only_over_utc(invitee_client, invitee, invite, org):
    invitee.time_zone = "Europe/Paris"
    invitee.save()
    EmployeeFactory(organization=org, email="invitee@alpha.test", time_zone="Asia/Tokyo")
    invitee_client.post(accept_url(invite[1]))
    invitee.refresh_from_db()
    assert invitee.time_zone == "Europe/Paris"


def test_second_use_of_the_link_is_refused(invitee_client, invitee, invite, org):
    raw = invite[1]
    invitee_client.post(accept_url(raw))
    again = invitee_client.post(accept_url(raw))
    assert again.status_code == 410
    assert "already been used" in again.content.decode()
    # Someone else with a fresh account at the same address cannot reuse it either.
    assert Membership.objects.filter(organization=org, user=invitee).count() == 1
    assert Invitation.objects.get(pk=invite[0].pk).accepted_by == invitee


def test_an_expired_link_is_refused(invitee_client, invitee, invite, client):
    invitation, raw = invite
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for c in (invitee_client, client):
        response = c.get(accept_url(raw))
        assert response.status_code == 410 and "This invitation has expired" in response.content.decode()
    response = invitee_client.post(accept_url(raw))
    assert response.status_code == 410
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_revoked_link_is_refused(invitee_client, invitee, invite, admin_client, org):
    invitation, raw = invite
    admin_client.post(reverse("invitation-revoke", kwargs={"org_slug": org.slug, "invitation_pk": invitation.pk}))
    response = invitee_client.post(accept_url(raw))
    assert response.status_code == 410 and "was withdrawn" in response.content.decode()
    assert not Membership.objects.filter(user=invitee).exists()


def test_a_different_signed_in_address_is_refused_with_a_clear_message(invite, outsider_client, outsider, org):
    raw = invite[1]
    for method in (outsider_client.get, outsider_client.post):
        response = method(accept_url(raw))
        assert response.status_code == 403
        page = response.content.decode()
        assert "Sign in with the invited address" in page
        assert "invitee@alpha.test" in page and "admin@beta.test" in page
    assert not Membership.objects.filter(organization=org, user=outsider.user).exists()
    assert Invitation.objects.get(pk=invite[0].pk).status == "pending"


def test_an_unverified_address_is_refused(invite, org):
    user = UserFactory(email="invitee@alpha.test")
    user.emailaddress_set.update(verified=False)
    client = Client()
    client.force_login(user)
    response = client.post(accept_url(invite[1]))
    assert response.status_code == 403 and "Verify your email address first" in response.content.decode()
    assert not Membership.objects.filter(user=user).exists()


def test_an_invitation_of_one_organization_never_grants_another(invitee_client, invitee, invite, org, other_org):
    invitee_client.post(accept_url(invite[1]))
    assert list(Membership.objects.filter(user=invitee).values_list("organization__slug", flat=True)) == ["alpha"]
    assert invitee_client.get(reverse("org-home", kwargs={"org_slug": other_org.slug})).status_code == 404
    assert invitee_client.get(reverse("people-list", kwargs={"org_slug": other_org.slug})).status_code == 404


def test_an_invitation_of_the_other_organization_grants_only_that_one(
    outsider, other_org, org, invitee, invitee_client
):
    _invitation, raw = invitation_create(
        organization=other_org, actor=outsider.user, email="invitee@alpha.test", role="admin"
    )
    invitee_client.post(accept_url(raw))
    membership = Membership.objects.get(user=invitee)
    assert membership.organization == other_org and membership.role == "admin"
    assert invitee_client.get(reverse("members", kwargs={"org_slug": org.slug})).status_code == 404


def test_sign_up_from_the_link_then_accept(client, invite, org):
    _invitation, raw = invite
    client.get(accept_url(raw))  # the visitor opens the emailed link first
    response = client.post(
        f"{reverse('account_signup')}?next={accept_url(raw)}",
        {"email": "invitee@alpha.test", "password1": "a-long-pass-phrase-42", "password2": "a-long-pass-phrase-42"},
    )
    # No verification email needed: the address was proven by the invitation link.
    assert response.status_code == 302 and response["Location"] == accept_url(raw)
    response = client.post(accept_url(raw))
    assert response.status_code == 302
    assert Membership.objects.get(organization=org, user__email="invitee@alpha.test").role == "stakeholder"
