"""What a SCIM client controls (ids, paging, body size) never makes a 500: an
oversized body answers in SCIM's error form, and an organization's SCIM cannot re-enable a sign-in the
operator disabled."""

from __future__ import annotations

from typing import cast

import pytest
from django.test import override_settings

from identity.models import ScimUser
from mentorhub.accounts.models import Employee, Membership, Role, User
from tests.factories import EmployeeFactory, MembershipFactory

from .scim_helpers import ENTERPRISE, ERROR, ScimClient, patch_op, scim_token

pytestmark = pytest.mark.django_db

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def scim(org, admin):
    return ScimClient(org, scim_token(admin))


def _scim_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/scim+json"
    body = response.json()
    assert body["schemas"] == [ERROR]
    return body


@pytest.mark.parametrize("odd_id", ["²", "٣", "99999999999999999999999"])
def test_ids_that_are_digits_but_no_database_key_answer_not_found(scim, org, odd_id):
    employee = cast(Employee, EmployeeFactory(organization=org))
    _scim_error(scim.get(f"Users/{odd_id}"), 404)
    _scim_error(scim.get(f"Groups/{odd_id}"), 404)
    for resource in ("Users", "Groups"):
        listing = scim.get(resource, filter=f'id eq "{odd_id}"')
        assert listing.status_code == 200, listing.content
        assert listing.json()["totalResults"] == 0
    created = scim.post("Groups", {"schemas": [GROUP], "displayName": "Odd", "members": [{"value": odd_id}]})
    _scim_error(created, 400)
    manager = scim.patch(
        f"Users/{employee.pk}", patch_op({"op": "replace", "path": f"{ENTERPRISE}:manager", "value": odd_id})
    )
    _scim_error(manager, 400)


def test_a_start_index_past_the_database_range_is_an_empty_page(scim, org):
    EmployeeFactory(organization=org)
    response = scim.get("Users", startIndex=str(10**25))
    assert response.status_code == 200, response.content
    assert response.json()["Resources"] == [] and response.json()["totalResults"] >= 1


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversized_body_is_refused_in_scim_form(scim):
    body = {"schemas": [GROUP], "displayName": "Big", "members": [{"value": str(n)} for n in range(1, 5000)]}
    _scim_error(scim.post("Groups", body), 413)


def test_scim_reactivation_does_not_re_enable_a_sign_in_the_operator_disabled(scim, org, other_org):
    membership = cast(Membership, MembershipFactory(organization=org, role=Role.MEMBER, user__email="pat@alpha.test"))
    MembershipFactory(organization=other_org, role=Role.MEMBER, user=membership.user)
    employee = membership.employee
    assert employee is not None
    ScimUser.objects.create(organization=org, employee=employee, user_name="pat@alpha.test")
    User.objects.filter(pk=membership.user_id).update(is_active=False)  # the operator disabled the account

    for active in (False, True):
        response = scim.patch(f"Users/{employee.pk}", patch_op({"op": "replace", "path": "active", "value": active}))
        assert response.status_code == 200, response.content

    assert Membership.objects.get(pk=membership.pk).deactivated_at is None  # org's access restored, as it should
    assert User.objects.get(pk=membership.user_id).is_active is False  # but not the operator's decision
