"""API tokens page: list, create (shown once), revoke with confirmation; and the token in use."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client

from mentorhub.accounts.models import ApiToken, AuditEvent, Role
from mentorhub.accounts.services.memberships import membership_change_role
from mentorhub.accounts.services.tokens import api_token_create
from mentorhub.db.tenant_scope import all_organizations
from tests.factories import MembershipFactory
from tests.helpers import org_url


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def create_on_page(admin_client, org, name="Nightly sync") -> tuple[str, str]:
    response = admin_client.post(org_url("api-tokens", org), {"name": name, "scopes": ["read", "write"]})
    assert response.status_code == 201
    page = response.content.decode()
    raw = re.search(r'id="raw-token" value="([^"]+)"', page).group(1)
    return raw, page


@pytest.fixture
def token(org, admin):
    return api_token_create(organization=org, actor=admin.user, membership=admin, name="existing")[0]


def test_create_shows_the_token_once_with_a_curl_example(admin_client, org, admin):
    raw, page = create_on_page(admin_client, org)
    assert raw.startswith("mh_")
    assert f'curl -H "Authorization: Bearer {raw}" http://testserver/api/v1/o/alpha/employees/' in page
    assert "shown only this once" in page
    stored = ApiToken.objects.get(organization=org)
    assert stored.name == "Nightly sync" and stored.membership == admin
    assert stored.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored.prefix)
    # The list afterwards shows the prefix, never the secret.
    listing = admin_client.get(org_url("api-tokens", org)).content.decode()
    assert "Nightly sync" in listing and f"{stored.prefix}…" in listing and raw not in listing
    assert "Never" in listing and "Active" in listing
    assert AuditEvent.objects.filter(organization=org, verb="api_token.create", target_id=str(stored.pk)).exists()


def test_a_name_is_required(admin_client, org):
    response = admin_client.post(org_url("api-tokens", org), {"name": ""})
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_created_token_works_for_its_organization_only(admin_client, org, other_org, outsider):
    raw, _page = create_on_page(admin_client, org)
    response = bearer(raw).get(f"/api/v1/o/{org.slug}/members/")
    assert response.status_code == 200
    assert "admin@alpha.test" in [m["email"] for m in response.json()["results"]]
    assert bearer(raw).get(f"/api/v1/o/{other_org.slug}/members/").status_code == 404
    assert ApiToken.objects.get(organization=org).last_used_at is not None
    listing = admin_client.get(org_url("api-tokens", org)).content.decode()
    assert "Never" not in listing


def test_revoke_needs_confirmation_then_the_token_is_refused(admin_client, org, token):
    raw = api_token_create(organization=org, actor=token.membership.user, membership=token.membership, name="r")[1]
    revoking = ApiToken.objects.get(organization=org, name="r")
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 200

    confirm = admin_client.get(org_url("api-token-revoke", org, token_pk=revoking.pk))
    assert confirm.status_code == 200 and "Revoke the token “r”?" in confirm.content.decode()
    revoking.refresh_from_db()
    assert revoking.is_active  # the confirmation page changes nothing

    response = admin_client.post(org_url("api-token-revoke", org, token_pk=revoking.pk), follow=True)
    assert "The token “r” is revoked" in response.content.decode()
    revoking.refresh_from_db()
    assert not revoking.is_active
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code in (401, 403)
    assert AuditEvent.objects.filter(organization=org, verb="api_token.revoke", target_id=str(revoking.pk)).exists()
    token.refresh_from_db()
    assert token.is_active  # only the chosen one


def test_a_members_token_cannot_read_admin_routes(org, member):
    raw = api_token_create(organization=org, actor=member.user, membership=member, name="m")[1]
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 403


def test_token_pages_are_admin_only(member_client, stakeholder_client, org, token):
    for client in (member_client, stakeholder_client):
        assert client.get(org_url("api-tokens", org)).status_code == 403
        assert client.post(org_url("api-tokens", org), {"name": "x"}).status_code == 403
        assert client.post(org_url("api-token-revoke", org, token_pk=token.pk)).status_code == 403
    token.refresh_from_db()
    assert token.is_active and ApiToken.objects.count() == 1


def test_outsider_gets_404_on_token_pages(outsider_client, outsider, org, token):
    assert outsider_client.get(org_url("api-tokens", org)).status_code == 404
    assert outsider_client.post(org_url("api-tokens", org), {"name": "x"}).status_code == 404
    assert outsider_client.get(org_url("api-token-revoke", org, token_pk=token.pk)).status_code == 404
    assert outsider_client.post(org_url("api-token-revoke", org, token_pk=token.pk)).status_code == 404
    own = outsider.organization
    assert outsider_client.post(org_url("api-token-revoke", own, token_pk=token.pk)).status_code == 404
    token.refresh_from_db()
    assert token.is_active
    assert "existing" not in outsider_client.get(org_url("api-tokens", own)).content.decode()


def test_a_scim_only_token_is_refused_by_the_rest_api(org, admin):
    token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="idp", scopes=["scim"])
    assert token.scopes == "scim"
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 401
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/employees/").status_code == 401
    assert bearer(raw).get(f"/scim/v2/o/{org.slug}/Users").status_code == 200


def test_a_read_write_token_is_refused_by_the_scim_server(org, admin):
    token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="sync")
    assert token.scopes == "read write"
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 200
    response = bearer(raw).get(f"/scim/v2/o/{org.slug}/Users")
    assert response.status_code == 403 and response.json()["status"] == "403"
    both = api_token_create(organization=org, actor=admin.user, membership=admin, name="b", scopes=["read", "scim"])[1]
    assert bearer(both).get(f"/api/v1/o/{org.slug}/members/").status_code == 200
    assert bearer(both).get(f"/scim/v2/o/{org.slug}/Users").status_code == 200


def test_scopes_are_chosen_on_the_page_and_write_implies_read(admin_client, org, admin):
    response = admin_client.post(org_url("api-tokens", org), {"name": "IdP", "scopes": ["scim"]})
    assert response.status_code == 201
    assert ApiToken.objects.get(organization=org, name="IdP").scopes == "scim"
    write_only, _raw = api_token_create(
        organization=org, actor=admin.user, membership=admin, name="w", scopes=["write"]
    )
    assert write_only.scopes == "read write"
    response = admin_client.post(org_url("api-tokens", org), {"name": "None", "scopes": []})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(name="None").exists()


# --- Expiry ----------------------------------------------------------------------------------


def _expire(token: ApiToken) -> None:
    """As if its expiry date had passed: moved into the past in the database, the clock left alone."""
    ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at - timedelta(seconds=1))


def test_new_tokens_expire_after_the_chosen_days_default_90(admin_client, org, admin):
    page = admin_client.get(org_url("api-tokens", org)).content.decode()
    assert "Expires after" in page and '<option value="90" selected>90 days</option>' in page
    for days in ("30", "180", "365"):
        assert f'<option value="{days}">{days} days</option>' in page
    created = admin_client.post(org_url("api-tokens", org), {"name": "IdP", "scopes": ["scim"], "expires_in_days": 365})
    assert created.status_code == 201 and "Expires on" in created.content.decode()
    token = ApiToken.objects.get(organization=org, name="IdP")
    assert abs(token.expires_at - token.created_at - timedelta(days=365)) < timedelta(minutes=1)
    default = api_token_create(organization=org, actor=admin.user, membership=admin, name="d")[0]
    assert abs(default.expires_at - default.created_at - timedelta(days=90)) < timedelta(minutes=1)
    refused = admin_client.post(org_url("api-tokens", org), {"name": "x", "scopes": ["read"], "expires_in_days": 7})
    assert refused.status_code == 400 and not ApiToken.objects.filter(name="x").exists()
    event = AuditEvent.objects.get(verb="api_token.create", target_id=str(token.pk))
    assert event.changes["expires_at"][1] == token.expires_at.isoformat()


def test_an_expired_token_is_refused_by_the_rest_api_and_the_scim_server(admin_client, org, admin):
    token, raw = api_token_create(
        organization=org, actor=admin.user, membership=admin, name="old", scopes=["read", "scim"]
    )
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 200
    _expire(token)
    response = bearer(raw).get(f"/api/v1/o/{org.slug}/members/")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    response = bearer(raw).get(f"/scim/v2/o/{org.slug}/Users")
    assert response.status_code == 401 and "expired" in response.json()["detail"]
    listing = admin_client.get(org_url("api-tokens", org)).content.decode()
    assert "Expired" in listing and "Revoke<span" not in listing


def test_tokens_made_before_expiry_existed_never_expire(admin_client, org, admin):
    token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="legacy")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 200
    row = re.search(r"legacy</th>(.*?)</tr>", admin_client.get(org_url("api-tokens", org)).content.decode(), re.S)
    assert row.group(1).count("Never") == 1 and "Active" in row.group(1)  # never expires; used already


# --- Rights follow the creator's current role and the token's scopes ---------------------------


def test_a_demoted_admins_token_loses_admin_rights_at_once(org, admin):
    MembershipFactory(organization=org, role=Role.ADMIN)  # someone stays admin
    raw = api_token_create(
        organization=org, actor=admin.user, membership=admin, name="all", scopes=["read", "write", "scim"]
    )[1]
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 200
    assert (
        bearer(raw).post(f"/api/v1/o/{org.slug}/invitations/", {}, content_type="application/json").status_code == 400
    )
    assert bearer(raw).get(f"/scim/v2/o/{org.slug}/Users").status_code == 200

    membership_change_role(organization=org, actor=admin.user, membership_id=admin.pk, role=Role.MEMBER)

    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 403
    assert (
        bearer(raw).post(f"/api/v1/o/{org.slug}/invitations/", {}, content_type="application/json").status_code == 403
    )
    assert bearer(raw).get(f"/scim/v2/o/{org.slug}/Users").status_code == 403
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/employees/").status_code == 200  # what a member may read


def test_a_read_only_token_cannot_write(org, admin):
    raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="ro", scopes=["read"])[1]
    assert bearer(raw).get(f"/api/v1/o/{org.slug}/members/").status_code == 200
    response = bearer(raw).post(f"/api/v1/o/{org.slug}/invitations/", {}, content_type="application/json")
    assert response.status_code == 403 and "write" in response.json()["detail"]


def test_a_token_whose_organization_is_not_its_memberships_is_refused(org, other_org, admin):
    """Never written by the services; if a row ever says so, the token opens neither organization."""
    token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="odd")
    with all_organizations():
        ApiToken.objects.filter(pk=token.pk).update(organization=other_org)
    for slug in (org.slug, other_org.slug):
        response = bearer(raw).get(f"/api/v1/o/{slug}/members/")
        assert response.status_code == 401, slug
