"""/scim/v2/o/<slug>/Groups: member changes take effect at once, only this organization's people, ETags,
filters, and the groups shown on each User."""

from __future__ import annotations

import pytest

from identity.models import EmployeeGroup
from identity.services.groups import group_create
from mentorhub.accounts.models import AuditEvent
from tests.factories import EmployeeFactory

from .scim_helpers import ScimClient, patch_op, scim_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def scim(org, admin):
    return ScimClient(org, scim_token(admin))


def member_ids(group: EmployeeGroup) -> set[int]:
    return set(group.members.values_list("pk", flat=True))


def test_patch_add_and_remove_members_take_effect_at_once(scim, org, admin):
    ada, bob, cy = EmployeeFactory.create_batch(3, organization=org)
    group_id = scim.post("Groups", {"displayName": "Mentors", "members": [{"value": str(ada.pk)}]}).json()["id"]
    group = EmployeeGroup.objects.get(pk=int(group_id), organization=org)
    assert member_ids(group) == {ada.pk}

    response = scim.patch(
        f"Groups/{group_id}",
        patch_op({"op": "add", "path": "members", "value": [{"value": str(bob.pk)}, {"value": str(cy.pk)}]}),
    )
    assert response.status_code == 200, response.content
    assert member_ids(group) == {ada.pk, bob.pk, cy.pk}
    assert {m["value"] for m in response.json()["members"]} == {str(ada.pk), str(bob.pk), str(cy.pk)}

    response = scim.patch(f"Groups/{group_id}", patch_op({"op": "remove", "path": f'members[value eq "{ada.pk}"]'}))
    assert response.status_code == 200, response.content
    assert member_ids(group) == {bob.pk, cy.pk}

    response = scim.patch(f"Groups/{group_id}", patch_op({"op": "remove", "path": "members"}))
    assert response.status_code == 200, response.content
    assert member_ids(group) == set()
    assert "members" not in response.json()

    patches = AuditEvent.objects.filter(organization=org, verb="scim.group.patch", target_id=group_id).order_by("id")
    assert [e.changes["added"][1] for e in patches] == [sorted([bob.pk, cy.pk]), [], []]
    assert [e.changes["removed"][1] for e in patches] == [[], [ada.pk], sorted([bob.pk, cy.pk])]
    assert set(patches.values_list("actor", flat=True)) == {admin.user_id}


def test_a_member_of_another_organization_or_unknown_is_refused_and_nothing_changes(scim, org, other_org):
    ours = EmployeeFactory(organization=org)
    theirs = EmployeeFactory(organization=other_org)
    group_id = scim.post("Groups", {"displayName": "Mentors", "members": [{"value": str(ours.pk)}]}).json()["id"]
    group = EmployeeGroup.objects.get(pk=int(group_id))
    for value in (str(theirs.pk), "not-an-id", "999999"):
        response = scim.patch(
            f"Groups/{group_id}", patch_op({"op": "add", "path": "members", "value": [{"value": value}]})
        )
        assert response.status_code == 400, (value, response.content)
        assert member_ids(group) == {ours.pk}
    response = scim.post("Groups", {"displayName": "Spies", "members": [{"value": str(theirs.pk)}]})
    assert response.status_code == 400
    assert not EmployeeGroup.objects.filter(organization=org, display_name="Spies").exists()


def test_another_organizations_group_is_404(scim, other_org):
    theirs = group_create(organization=other_org, actor=None, display_name="Theirs")
    assert scim.get(f"Groups/{theirs.pk}").status_code == 404
    assert (
        scim.patch(f"Groups/{theirs.pk}", patch_op({"op": "replace", "path": "displayName", "value": "x"})).status_code
        == 404
    )
    assert scim.delete(f"Groups/{theirs.pk}").status_code == 404
    assert scim.get("Groups", filter='displayName eq "Theirs"').json()["totalResults"] == 0
    theirs.refresh_from_db()
    assert theirs.display_name == "Theirs"


def test_group_etag_412_filters_and_uniqueness(scim, org):
    response = scim.post("Groups", {"displayName": "Engineering Mentors", "externalId": "ext-1"})
    group_id, etag = response.json()["id"], response["ETag"]
    assert scim.get(f"Groups/{group_id}")["ETag"] == etag
    rename = patch_op({"op": "replace", "path": "displayName", "value": "Eng Mentors"})
    assert scim.patch(f"Groups/{group_id}", rename, **{"If-Match": etag}).status_code == 200
    stale = scim.patch(
        f"Groups/{group_id}", patch_op({"op": "replace", "path": "displayName", "value": "X"}), **{"If-Match": etag}
    )
    assert stale.status_code == 412
    assert EmployeeGroup.objects.get(pk=int(group_id)).display_name == "Eng Mentors"

    assert [r["id"] for r in scim.get("Groups", filter='displayName eq "eng mentors"').json()["Resources"]] == [
        group_id
    ]
    assert scim.get("Groups", filter='externalId eq "ext-1"').json()["totalResults"] == 1
    assert scim.get("Groups", filter='externalId eq "EXT-1"').json()["totalResults"] == 0
    assert scim.get("Groups", filter='displayName sw "Eng"').status_code == 400
    # displayName is unique per organization, whatever its case.
    response = scim.post("Groups", {"displayName": "ENG MENTORS"})
    assert response.status_code == 409, response.content


def test_users_show_their_groups(scim, org):
    person = EmployeeFactory(organization=org)
    group_id = scim.post("Groups", {"displayName": "Mentors", "members": [{"value": str(person.pk)}]}).json()["id"]
    groups = scim.get(f"Users/{person.pk}").json()["groups"]
    assert groups == [
        {"value": group_id, "$ref": f"http://testserver/scim/v2/o/alpha/Groups/{group_id}", "display": "Mentors"}
    ]
