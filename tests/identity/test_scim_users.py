"""/scim/v2/o/<slug>/Users: who may call it (401/403/404), ETags, filters, pagination, DELETE."""

from __future__ import annotations

import pytest
from django.utils import timezone

from identity.models import ScimUser
from mentorhub.accounts.models import ApiToken, Employee, Role
from mentorhub.accounts.services.tokens import api_token_revoke
from tests.factories import EmployeeFactory, MembershipFactory

from .scim_helpers import ERROR, ScimClient, patch_op, scim_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def scim(org, admin):
    return ScimClient(org, scim_token(admin))


def provisioned(org, **fields) -> Employee:
    employee = EmployeeFactory(organization=org, **fields)
    ScimUser.objects.create(
        organization=org, employee=employee, user_name=f"u-{employee.employee_id}", external_id=f"x-{employee.pk}"
    )
    return employee


def assert_error(response, status: int, scim_type: str | None = None) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR] and body["status"] == str(status)
    if scim_type:
        assert body["scimType"] == scim_type
    return body


def test_no_token_or_a_bad_one_is_401_with_a_bearer_challenge(org, admin):
    raw = scim_token(admin)
    for client in (
        ScimClient(org, None),
        ScimClient(org, "mh_not-a-real-token"),
        ScimClient(org, raw[:-1] + ("x" if raw[-1] != "x" else "y")),
    ):
        response = client.get("Users")
        assert_error(response, 401)
        assert response["WWW-Authenticate"] == 'Bearer realm="SCIM"'
    # Basic auth is not a bearer token.
    response = ScimClient(org, None).client.get("/scim/v2/o/alpha/Users", headers={"Authorization": f"Basic {raw}"})
    assert response.status_code == 401


def test_a_revoked_token_or_one_of_a_departed_admin_is_401(org, admin):
    raw = scim_token(admin)
    client = ScimClient(org, raw)
    assert client.get("Users").status_code == 200
    token = ApiToken.objects.get(organization=org, scopes="scim")
    api_token_revoke(organization=org, actor=admin.user, token_id=token.pk)
    assert_error(client.get("Users"), 401)

    other = MembershipFactory(organization=org, role=Role.ADMIN)
    client = ScimClient(org, scim_token(other))
    assert client.get("Users").status_code == 200
    type(other).objects.filter(pk=other.pk).update(deactivated_at=timezone.now())
    assert_error(client.get("Users"), 401)


def test_a_token_without_the_scim_scope_or_of_a_non_admin_is_403(org, admin, member):
    assert_error(ScimClient(org, scim_token(admin, ("read", "write"))).get("Users"), 403)
    assert_error(ScimClient(org, scim_token(member)).get("Users"), 403)
    assert_error(ScimClient(org, scim_token(member)).post("Users", {"userName": "x@alpha.test"}), 403)
    assert not ScimUser.objects.exists()


def test_another_organizations_slug_or_user_is_404(org, admin, other_org, outsider):
    theirs = provisioned(other_org)
    ours = ScimClient(org, scim_token(admin))
    assert_error(ScimClient(other_org, scim_token(admin)).get("Users"), 404)
    assert_error(ScimClient("no-such-org", scim_token(admin)).get("Users"), 404)
    assert_error(ours.get(f"Users/{theirs.pk}"), 404)
    assert_error(ours.patch(f"Users/{theirs.pk}", patch_op({"op": "replace", "path": "active", "value": False})), 404)
    assert_error(ours.delete(f"Users/{theirs.pk}"), 404)
    theirs.refresh_from_db()
    assert theirs.left_on is None
    assert ours.get("Users").json()["totalResults"] == 1  # the admin's own roster entry only
    # Their filter finds nothing of ours either.
    listing = ScimClient(other_org, scim_token(outsider)).get("Users", filter='userName eq "admin@alpha.test"').json()
    assert listing["totalResults"] == 0


def test_etag_if_match_stale_version_is_412_current_one_applies(scim, org):
    employee = provisioned(org, title="Analyst")
    response = scim.get(f"Users/{employee.pk}")
    etag = response["ETag"]
    assert etag.startswith('W/"') and response.json()["meta"]["version"] == etag

    change = patch_op({"op": "replace", "path": "title", "value": "Lead"})
    response = scim.patch(f"Users/{employee.pk}", change, **{"If-Match": etag})
    assert response.status_code == 200, response.content
    new_etag = response["ETag"]
    assert new_etag != etag

    stale = scim.patch(
        f"Users/{employee.pk}", patch_op({"op": "replace", "path": "title", "value": "Old"}), **{"If-Match": etag}
    )
    assert_error(stale, 412)
    assert_error(scim.delete(f"Users/{employee.pk}", **{"If-Match": etag}), 412)
    employee.refresh_from_db()
    assert (employee.title, employee.left_on) == ("Lead", None)
    assert scim.patch(f"Users/{employee.pk}", change, **{"If-Match": "*"}).status_code == 200


def test_filters_identity_providers_look_people_up_by(scim, org):
    target = provisioned(org, email="Ada.Lovelace@alpha.test", employee_id="E-77")
    provisioned(org, email="someone.else@alpha.test")
    scim_user = ScimUser.objects.get(employee=target)
    for text in (
        f'userName eq "{scim_user.user_name.upper()}"',
        f'externalId eq "{scim_user.external_id}"',
        'emails.value eq "ada.lovelace@alpha.test"',
        'emails[type eq "work"].value eq "ADA.LOVELACE@alpha.test"',
        'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "E-77"',
        f'userName eq "{scim_user.user_name}" and externalId eq "{scim_user.external_id}"',
    ):
        listing = scim.get("Users", filter=text).json()
        assert [r["id"] for r in listing["Resources"]] == [str(target.pk)], text
    # externalId is caseExact.
    assert scim.get("Users", filter=f'externalId eq "{scim_user.external_id.upper()}"').json()["totalResults"] == 0
    body = assert_error(scim.get("Users", filter='userName co "ada"'), 400, "invalidFilter")
    assert "userName" in body["detail"] or "username" in body["detail"]
    assert_error(scim.get("Users", filter='title eq "Analyst"'), 400, "invalidFilter")


def test_pagination_is_stable_and_counted(scim, org, admin):
    people = [provisioned(org) for _ in range(5)]
    ids = [str(admin.employee_id)] + [str(p.pk) for p in people]
    first = scim.get("Users", startIndex=1, count=4).json()
    second = scim.get("Users", startIndex=5, count=4).json()
    assert (first["totalResults"], first["startIndex"], first["itemsPerPage"]) == (6, 1, 4)
    assert (second["totalResults"], second["startIndex"], second["itemsPerPage"]) == (6, 5, 2)
    assert [r["id"] for r in first["Resources"] + second["Resources"]] == ids
    only_count = scim.get("Users", count=0).json()
    assert (only_count["totalResults"], only_count["Resources"]) == (6, [])
    assert scim.get("Users", startIndex=0, count=1).json()["Resources"][0]["id"] == ids[0]  # below 1 reads as 1
    assert scim.get("Users", startIndex=99).json()["Resources"] == []
    assert_error(scim.get("Users", count="many"), 400)


def test_delete_then_get_is_404_while_the_employee_stays_departed(scim, org):
    employee = provisioned(org)
    membership = MembershipFactory(organization=org, employee=employee)
    assert scim.delete(f"Users/{employee.pk}").status_code == 204
    assert_error(scim.get(f"Users/{employee.pk}"), 404)
    assert_error(scim.delete(f"Users/{employee.pk}"), 404)
    employee.refresh_from_db()
    assert employee.left_on == timezone.localdate()
    assert not ScimUser.objects.filter(employee=employee).exists()
    membership.refresh_from_db()
    assert membership.deactivated_at is not None
    assert str(employee.pk) not in {r["id"] for r in scim.get("Users").json()["Resources"]}


def test_create_with_a_taken_username_is_409_and_bad_values_are_400(scim, org):
    existing = provisioned(org)
    body = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": ScimUser.objects.get(employee=existing).user_name,
        "emails": [{"value": "new.person@alpha.test", "type": "work"}],
    }
    assert_error(scim.post("Users", body), 409, "uniqueness")
    body["userName"] = "new.person@alpha.test"
    body["emails"] = [{"value": "not an email", "type": "work"}]
    assert_error(scim.post("Users", body), 400)
    assert not Employee.objects.filter(organization=org, email="not an email").exists()
    response = scim.client.post(
        "/scim/v2/o/alpha/Users", data="{", content_type="application/scim+json", headers=scim.headers
    )
    assert_error(response, 400, "invalidSyntax")
