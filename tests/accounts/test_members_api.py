"""API: GET members/, GET/POST invitations/, POST invitations/<id>/revoke/ (admins only)."""

from __future__ import annotations

import pytest
from django.test import Client

from mentorhub.accounts.models import AuditEvent, Invitation
from mentorhub.accounts.services.invitations import invitation_create


def api(org_slug: str, path: str) -> str:
    return f"/api/v1/o/{org_slug}/{path}"


@pytest.fixture
def invitation(org, admin):
    return invitation_create(organization=org, actor=admin.user, email="new@alpha.test", role="member")[0]


def test_members_list(admin_client, org, admin, member, outsider):
    response = admin_client.get(api(org.slug, "members/"))
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["email"] for r in results] == ["admin@alpha.test", "member@alpha.test"]
    row = results[1]
    assert row["role"] == "member" and row["id"] == member.pk
    assert row["employee"] == {
        "id": member.employee.pk,
        "employee_id": member.employee.employee_id,
        "name": member.employee.name,
    }
    assert row["joined_at"]


def test_members_and_invitations_are_admin_only(member_client, stakeholder_client, org):
    for client in (member_client, stakeholder_client):
        assert client.get(api(org.slug, "members/")).status_code == 403
        assert client.get(api(org.slug, "invitations/")).status_code == 403
        assert client.post(api(org.slug, "invitations/"), {"email": "z@alpha.test"}).status_code == 403
    assert not Invitation.objects.exists()


def test_outsider_gets_404(outsider_client, outsider, org, invitation):
    assert outsider_client.get(api(org.slug, "members/")).status_code == 404
    assert outsider_client.get(api(org.slug, "invitations/")).status_code == 404
    assert outsider_client.post(api(org.slug, "invitations/"), {"email": "z@alpha.test"}).status_code == 404
    assert outsider_client.post(api(org.slug, f"invitations/{invitation.pk}/revoke/")).status_code == 404
    # Alpha's invitation named under the outsider's own organization is "not found" as well.
    own = outsider.organization.slug
    assert outsider_client.post(api(own, f"invitations/{invitation.pk}/revoke/")).status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == "pending"
    assert outsider_client.get(api(own, "invitations/")).json()["results"] == []


def test_create_invitation(admin_client, org, admin, django_capture_on_commit_callbacks):
    from django.core import mail

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            api(org.slug, "invitations/"), {"email": "Api@Alpha.test", "role": "admin"}, content_type="application/json"
        )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "api@alpha.test" and body["role"] == "admin" and body["status"] == "pending"
    assert body["invited_by"] == "admin@alpha.test"
    assert "token" not in body and "token_hash" not in body
    assert Invitation.objects.get(pk=body["id"]).organization == org
    assert len(mail.outbox) == 1 and "http://testserver/invite/" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("payload", "field", "text"),
    [
        ({"email": "nope", "role": "member"}, "email", "valid email"),
        ({"email": "ok@alpha.test", "role": "owner"}, "role", "not a valid choice"),
        ({"email": "member@alpha.test", "role": "member"}, "email", "already a member"),
        ({"email": "new@alpha.test", "role": "member"}, "email", "pending invitation"),
    ],
)
def test_create_invitation_validation(admin_client, org, member, invitation, payload, field, text):
    response = admin_client.post(api(org.slug, "invitations/"), payload, content_type="application/json")
    assert response.status_code == 400
    assert text in " ".join(response.json()[field])
    assert Invitation.objects.filter(organization=org).count() == 1


def test_list_and_revoke(admin_client, org, invitation, other_org, outsider):
    invitation_create(organization=other_org, actor=outsider.user, email="b@beta.test", role="member")
    listed = admin_client.get(api(org.slug, "invitations/")).json()["results"]
    assert [(i["email"], i["status"]) for i in listed] == [("new@alpha.test", "pending")]

    response = admin_client.post(api(org.slug, f"invitations/{invitation.pk}/revoke/"))
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert AuditEvent.objects.filter(organization=org, verb="invitation.revoke").count() == 1
    # Revoking again is harmless and records nothing new.
    assert admin_client.post(api(org.slug, f"invitations/{invitation.pk}/revoke/")).status_code == 200
    assert AuditEvent.objects.filter(organization=org, verb="invitation.revoke").count() == 1


def test_schema_documents_the_routes(admin_client):
    schema = Client().get("/api/schema/?format=json")
    if schema.status_code in (401, 403):
        schema = admin_client.get("/api/schema/?format=json")
    paths = schema.json()["paths"]
    assert "/api/v1/o/{org_slug}/members/" in paths
    assert set(paths["/api/v1/o/{org_slug}/invitations/"]) >= {"get", "post"}
    assert "post" in paths["/api/v1/o/{org_slug}/invitations/{invitation_pk}/revoke/"]
    assert paths["/api/v1/o/{org_slug}/invitations/"]["post"]["summary"] == "Invite an email address with a role"
