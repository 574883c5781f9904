"""The SCIM server against the exact requests Microsoft Entra ID and Okta send, taken from their own docs:

- Entra: MicrosoftDocs/entra-docs, docs/identity/app-provisioning/use-scim-to-provision-users-and-groups.md
  ("SCIM protocol requests and responses": Create User, Get User by query - Zero results, Update User,
  Disable User, Delete User, Create Group, Get Group, Update Group [Add Members] / [Remove Members];
  "Build a SCIM endpoint", Example 5: the manager update; "Integrate your SCIM endpoint": Test Connection
  queries a random GUID and expects 200 with an empty ListResponse) and
  docs/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility.md (the requests
  without and with the `aadOptscim062020` flag: capitalised `Replace`, `"False"` strings, a path-less value
  map keyed by attribute paths, members removed by `value` or by a path filter).
- Okta: okta/okta-developer-docs, packages/@okta/vuepress-site/docs/reference/scim/scim-20/index.md
  ("Determine if the User already exists", "Create the User", "Update the User" (PUT), "Update a specific
  User (PATCH)": deactivation, "Create Groups", "Update a specific Group name", "Update specific Group
  membership").

Bodies are copied as the docs give them (ids replaced by the ones our server issued); what our roster
needs beyond them (job level, department) comes from the documented defaults or the mappings an admin adds.
"""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.utils import timezone

from identity.models import EmployeeGroup, ScimUser
from mentorhub.accounts.models import AuditEvent, Employee, EmploymentEvent, Membership
from tests.factories import EmployeeFactory, MembershipFactory

from .scim_helpers import ENTERPRISE, LIST_RESPONSE, MENTORHUB, ScimClient, patch_op, scim_token

pytestmark = pytest.mark.django_db

ENTRA_CREATE_USER = {
    "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
    ],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
    "active": True,
    "emails": [
        {"primary": True, "type": "work", "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"}
    ],
    "meta": {"resourceType": "User"},
    "name": {"formatted": "givenName familyName", "familyName": "familyName", "givenName": "givenName"},
    "roles": [],
}
OKTA_CREATE_USER = {
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "test.user@okta.local",
    "name": {"givenName": "Test", "familyName": "User"},
    "emails": [{"primary": True, "value": "test.user@okta.local", "type": "work"}],
    "displayName": "Test User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "password": "1mz050nq",
    "active": True,
}


@pytest.fixture
def scim(org, admin):
    return ScimClient(org, scim_token(admin))


def events(employee: Employee) -> list[tuple[str, str, str]]:
    return list(
        EmploymentEvent.objects.filter(employee=employee).order_by("id").values_list("kind", "old_value", "new_value")
    )


def verbs(org, employee: Employee) -> list[str]:
    return list(
        AuditEvent.objects.filter(organization=org, target_id=str(employee.pk))
        .order_by("id")
        .values_list("verb", flat=True)
    )


def test_entra_test_connection_queries_a_random_guid_and_gets_an_empty_list(scim):
    for attribute in ("userName", "externalId", 'emails[type eq "work"].value'):
        response = scim.get("Users", filter=f'{attribute} eq "{uuid.uuid4()}"')
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/scim+json"
        assert response.json() == {
            "schemas": [LIST_RESPONSE],
            "totalResults": 0,
            "startIndex": 1,
            "itemsPerPage": 0,
            "Resources": [],
        }
    # Get Group by displayName (zero results), as Entra asks with excludedAttributes=members.
    response = scim.get("Groups", excludedAttributes="members", filter=f'displayName eq "{uuid.uuid4()}"')
    assert response.status_code == 200 and response.json()["totalResults"] == 0


def test_entra_user_lifecycle_create_manager_department_disable_enable_delete(scim, org, admin):
    boss = EmployeeFactory(organization=org, name="Boss Person", job_level=9)

    response = scim.post("Users", ENTRA_CREATE_USER)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["userName"] == ENTRA_CREATE_USER["userName"]
    assert body["externalId"] == ENTRA_CREATE_USER["externalId"]
    assert body["active"] is True
    assert body["emails"] == [{"value": ENTRA_CREATE_USER["emails"][0]["value"], "type": "work"}]
    assert body["name"] == {"familyName": "familyName", "givenName": "givenName"}
    user_id = body["id"]
    assert response["Location"].endswith(f"/scim/v2/o/alpha/Users/{user_id}")
    employee = Employee.objects.get(pk=int(user_id), organization=org)
    assert (employee.email, employee.name, employee.department, employee.job_level, employee.left_on) == (
        "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com",
        "givenName familyName",
        "Unassigned",
        1,
        None,
    )
    scim_user = ScimUser.objects.get(employee=employee)
    assert (scim_user.user_name, scim_user.external_id) == (
        ENTRA_CREATE_USER["userName"],
        ENTRA_CREATE_USER["externalId"],
    )
    assert events(employee) == [("hired", "", "")]

    # Get User by query (userName, then the work email Entra may match on).
    for filter_text in (
        f'userName eq "{ENTRA_CREATE_USER["userName"]}"',
        f'emails[type eq "work"].value eq "{employee.email.upper()}"',
    ):
        listing = scim.get("Users", filter=filter_text).json()
        assert listing["totalResults"] == 1 and listing["Resources"][0]["id"] == user_id

    # Build a SCIM endpoint, Example 5: "Add" of the manager as a list of {$ref, value}.
    response = scim.patch(
        f"Users/{user_id}",
        patch_op(
            {
                "op": "Add",
                "path": "manager",
                "value": [{"$ref": f"http://testserver/scim/v2/o/alpha/Users/{boss.pk}", "value": str(boss.pk)}],
            }
        ),
    )
    assert response.status_code == 200, response.content
    assert response.json()[ENTERPRISE]["manager"]["value"] == str(boss.pk)
    employee.refresh_from_db()
    assert employee.manager_id == boss.pk

    # The attribute table maps manager to the enterprise URN path, the value a bare id (the schema example).
    response = scim.patch(f"Users/{user_id}", patch_op({"op": "Remove", "path": f"{ENTERPRISE}:manager"}))
    assert response.status_code == 200, response.content
    employee.refresh_from_db()
    assert employee.manager_id is None
    response = scim.patch(
        f"Users/{user_id}", patch_op({"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(boss.pk)})
    )
    assert response.status_code == 200, response.content
    employee.refresh_from_db()
    assert employee.manager_id == boss.pk

    # "Requests to replace multiple attributes", without the flag: one path per operation.
    response = scim.patch(
        f"Users/{user_id}",
        patch_op(
            {"op": "Replace", "path": "displayName", "value": "Pvlo"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "TestBcwqnm@test.microsoft.com"},
            {"op": "Replace", "path": "name.givenName", "value": "Gtfd"},
            {"op": "Replace", "path": "name.familyName", "value": "Pkqf"},
            {"op": "Replace", "path": "externalId", "value": "Eqpj"},
            {"op": "Replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "Eqpj"},
        ),
    )
    assert response.status_code == 200, response.content
    employee.refresh_from_db()
    scim_user.refresh_from_db()
    assert (employee.name, employee.email, employee.employee_id) == ("Pvlo", "TestBcwqnm@test.microsoft.com", "Eqpj")
    assert (scim_user.given_name, scim_user.family_name, scim_user.external_id) == ("Gtfd", "Pkqf", "Eqpj")

    # With aadOptscim062020: a path-less value map keyed by attribute paths; plus a department change and a
    # promotion as an admin maps them (enterprise department, the MentorHub jobLevel).
    response = scim.patch(
        f"Users/{user_id}",
        patch_op(
            {"op": "replace", "path": 'emails[type eq "work"].value', "value": "TestMhvaes@test.microsoft.com"},
            {
                "op": "replace",
                "value": {
                    "displayName": "Bjfe",
                    "name.givenName": "Kkom",
                    "name.familyName": "Unua",
                    f"{ENTERPRISE}:employeeNumber": "Aklq",
                    f"{ENTERPRISE}:department": "Sales",
                    f"{MENTORHUB}:jobLevel": 4,
                },
            },
        ),
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body[ENTERPRISE]["department"] == "Sales" and body[MENTORHUB]["jobLevel"] == 4
    employee.refresh_from_db()
    assert (employee.name, employee.email, employee.employee_id, employee.department, employee.job_level) == (
        "Bjfe",
        "TestMhvaes@test.microsoft.com",
        "Aklq",
        "Sales",
        4,
    )
    assert events(employee)[1:] == [("level_change", "1", "4"), ("department_change", "Unassigned", "Sales")]
    assert EmploymentEvent.objects.get(employee=employee, kind="level_change").is_promotion

    # Disable User without the flag: "Replace", the value the string "False".
    membership = MembershipFactory(organization=org, employee=employee, user__email="entra.user@testuser.com")
    response = scim.patch(f"Users/{user_id}", patch_op({"op": "Replace", "path": "active", "value": "False"}))
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    employee.refresh_from_db()
    assert employee.left_on == timezone.localdate()
    assert events(employee)[-1] == ("left", "", timezone.localdate().isoformat())
    membership.refresh_from_db()
    assert (
        membership.deactivated_at is not None
        and not membership.user.__class__.objects.get(pk=membership.user_id).is_active
    )
    # A disabled user is still returned (Entra: only a hard-deleted one is not).
    assert scim.get(f"Users/{user_id}").json()["active"] is False
    assert scim.get("Users", filter=f'userName eq "{ENTRA_CREATE_USER["userName"]}"').json()["totalResults"] == 1

    # Re-enable, with the flag: a real boolean.
    response = scim.patch(f"Users/{user_id}", patch_op({"op": "replace", "path": "active", "value": True}))
    assert response.status_code == 200 and response.json()["active"] is True
    employee.refresh_from_db()
    assert employee.left_on is None
    assert events(employee)[-1][0] == "hired"
    assert Membership.objects.get(pk=membership.pk).deactivated_at is None

    # Delete User: 204, then 404; the roster row stays, departed.
    assert scim.delete(f"Users/{user_id}").status_code == 204
    response = scim.get(f"Users/{user_id}")
    assert response.status_code == 404 and response.json()["status"] == "404"
    employee.refresh_from_db()
    assert employee.left_on == timezone.localdate()
    assert not ScimUser.objects.filter(employee=employee).exists()

    assert verbs(org, employee)[:2] == ["employee.create", "scim.user.create"]
    assert {"scim.user.patch", "employee.update", "employee.depart", "employee.reactivate", "scim.user.delete"} <= set(
        verbs(org, employee)
    )
    assert set(AuditEvent.objects.filter(verb__startswith="scim.").values_list("actor", flat=True)) == {admin.user_id}


def test_entra_groups_create_get_add_and_remove_members(scim, org):
    people = EmployeeFactory.create_batch(3, organization=org)
    response = scim.post(
        "Groups",
        {
            "schemas": [
                "urn:ietf:params:scim:schemas:core:2.0:Group",
                "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group",
            ],
            "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
            "displayName": "displayName",
            "meta": {"resourceType": "Group"},
        },
    )
    assert response.status_code == 201, response.content
    group_id = response.json()["id"]
    group = EmployeeGroup.objects.get(pk=int(group_id), organization=org)
    assert (group.display_name, group.external_id, group.managed_by_scim) == (
        "displayName",
        "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        True,
    )

    def members() -> set[int]:
        return set(group.members.values_list("pk", flat=True))

    # Update Group [Add Members]: one operation per member, "$ref": null.
    for person in people:
        response = scim.patch(
            f"Groups/{group_id}",
            patch_op({"op": "Add", "path": "members", "value": [{"$ref": None, "value": str(person.pk)}]}),
        )
        assert response.status_code == 200, response.content
    assert members() == {p.pk for p in people}

    # Get Group, members excluded.
    body = scim.get(f"Groups/{group_id}", excludedAttributes="members").json()
    assert body["displayName"] == "displayName" and "members" not in body
    listing = scim.get("Groups", excludedAttributes="members", filter='displayName eq "displayName"').json()
    assert listing["totalResults"] == 1 and "members" not in listing["Resources"][0]

    # Update Group [Remove Members] without the flag (the member named in value) and with it (a path filter).
    response = scim.patch(
        f"Groups/{group_id}", patch_op({"op": "Remove", "path": "members", "value": [{"value": str(people[0].pk)}]})
    )
    assert response.status_code == 200, response.content
    assert members() == {people[1].pk, people[2].pk}
    response = scim.patch(
        f"Groups/{group_id}", patch_op({"op": "remove", "path": f'members[value eq "{people[1].pk}"]'})
    )
    assert response.status_code == 200, response.content
    assert members() == {people[2].pk}

    # Update Group [Non-member attributes].
    response = scim.patch(
        f"Groups/{group_id}", patch_op({"op": "Replace", "path": "displayName", "value": "1879db59updatedDisplayName"})
    )
    assert response.status_code == 200
    group.refresh_from_db()
    assert group.display_name == "1879db59updatedDisplayName" and members() == {people[2].pk}

    assert scim.delete(f"Groups/{group_id}").status_code == 204
    assert not EmployeeGroup.objects.filter(pk=group.pk).exists()
    assert set(
        AuditEvent.objects.filter(target_id=group_id, verb__startswith="scim.group").values_list("verb", flat=True)
    ) == {
        "scim.group.create",
        "scim.group.patch",
        "scim.group.delete",
    }


def test_okta_user_lifecycle_lookup_create_put_deactivate_reactivate(scim, org):
    # Determine if the User already exists: userName eq, startIndex=1, count=100; none: an empty list.
    response = scim.get("Users", filter='userName eq "test.user@okta.local"', startIndex=1, count=100)
    assert response.status_code == 200 and response.json()["totalResults"] == 0

    response = scim.post("Users", OKTA_CREATE_USER)
    assert response.status_code == 201, response.content
    body = response.json()
    assert "password" not in body and "locale" not in body
    assert (body["userName"], body["displayName"], body["externalId"], body["active"]) == (
        "test.user@okta.local",
        "Test User",
        "00ujl29u0le5T6Aj10h7",
        True,
    )
    user_id = body["id"]
    employee = Employee.objects.get(pk=int(user_id), organization=org)
    assert (employee.email, employee.name) == ("test.user@okta.local", "Test User")

    # The same create again (Okta retrying): 409 uniqueness, nothing duplicated.
    response = scim.post("Users", OKTA_CREATE_USER)
    assert response.status_code == 409 and response.json()["scimType"] == "uniqueness"
    assert Employee.objects.filter(organization=org, email__iexact="test.user@okta.local").count() == 1

    # Update the User: GET, then PUT of the whole object Okta changed (its body, our id).
    assert scim.get(f"Users/{user_id}").status_code == 200
    response = scim.put(
        f"Users/{user_id}",
        {
            "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
            "id": user_id,
            "userName": "test.user@okta.local",
            "name": {"givenName": "Another", "middleName": "Excited", "familyName": "User"},
            "emails": [
                {"primary": True, "value": "test.user@okta.local", "type": "work", "display": "test.user@okta.local"}
            ],
            "active": True,
            "groups": [],
            "meta": {"resourceType": "User"},
        },
    )
    assert response.status_code == 200, response.content
    assert response.json()["name"] == {"givenName": "Another", "familyName": "User"}
    assert ScimUser.objects.get(employee=employee).given_name == "Another"
    employee.refresh_from_db()
    assert (employee.name, employee.left_on) == ("Test User", None)  # the PUT omits displayName: kept

    # Deactivation: a path-less replace of {"active": false}.
    response = scim.patch(f"Users/{user_id}", patch_op({"op": "replace", "value": {"active": False}}))
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    employee.refresh_from_db()
    assert employee.left_on == timezone.localdate()
    assert [kind for kind, _old, _new in events(employee)] == ["hired", "left"]

    # Activation: the same request with true.
    response = scim.patch(f"Users/{user_id}", patch_op({"op": "replace", "value": {"active": True}}))
    assert response.status_code == 200 and response.json()["active"] is True
    employee.refresh_from_db()
    assert employee.left_on is None
    assert [kind for kind, _old, _new in events(employee)] == ["hired", "left", "hired"]
    assert {
        "scim.user.create",
        "scim.user.replace",
        "scim.user.patch",
        "employee.depart",
        "employee.reactivate",
    } <= set(verbs(org, employee))


def test_okta_group_push_rename_membership_and_unlink(scim, org):
    first, second = EmployeeFactory.create_batch(2, organization=org)
    response = scim.post(
        "Groups",
        {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "Test SCIMv2", "members": []},
    )
    assert response.status_code == 201, response.content
    group_id = response.json()["id"]
    group = EmployeeGroup.objects.get(pk=int(group_id), organization=org)

    # Update a specific Group name: a path-less replace carrying the (read-only) id.
    response = scim.patch(
        f"Groups/{group_id}", patch_op({"op": "replace", "value": {"id": group_id, "displayName": "Test SCIMv20"}})
    )
    assert response.status_code == 200, response.content
    group.refresh_from_db()
    assert group.display_name == "Test SCIMv20"

    # Update specific Group membership: remove by path filter and add with `display`, in one request.
    scim.patch(f"Groups/{group_id}", patch_op({"op": "add", "path": "members", "value": [{"value": str(second.pk)}]}))
    response = scim.patch(
        f"Groups/{group_id}",
        patch_op(
            {"op": "remove", "path": f'members[value eq "{second.pk}"]'},
            {"op": "add", "path": "members", "value": [{"value": str(first.pk), "display": "test.user@okta.local"}]},
        ),
    )
    assert response.status_code == 200, response.content
    assert set(group.members.values_list("pk", flat=True)) == {first.pk}

    # A full push of the membership: replace.
    response = scim.patch(
        f"Groups/{group_id}",
        patch_op(
            {
                "op": "replace",
                "path": "members",
                "value": [
                    {"value": str(first.pk), "display": "test.user@okta.local"},
                    {"value": str(second.pk), "display": "test.user@okta.local"},
                ],
            }
        ),
    )
    assert response.status_code == 200, response.content
    assert set(group.members.values_list("pk", flat=True)) == {first.pk, second.pk}
    assert {m["value"] for m in response.json()["members"]} == {str(first.pk), str(second.pk)}

    # Unlink pushed group, "Delete the group in the target app".
    assert scim.delete(f"Groups/{group_id}").status_code == 204
    assert scim.get(f"Groups/{group_id}").status_code == 404


def test_a_departure_date_in_the_past_is_not_rewritten_by_a_second_disable(scim, org):
    employee = EmployeeFactory(organization=org, left_on=None)
    ScimUser.objects.create(organization=org, employee=employee, user_name=employee.email)
    patch = patch_op({"op": "Replace", "path": "active", "value": "False"})
    assert scim.patch(f"Users/{employee.pk}", patch).status_code == 200
    Employee.objects.filter(pk=employee.pk).update(left_on=timezone.localdate() - datetime.timedelta(days=3))
    assert scim.patch(f"Users/{employee.pk}", patch).status_code == 200
    employee.refresh_from_db()
    assert employee.left_on == timezone.localdate() - datetime.timedelta(days=3)
    assert [kind for kind, _o, _n in events(employee)] == ["left"]
