"""The Groups pages: admins list, create, edit, delete groups and add or remove members; SCIM-managed groups
are read-only; members and stakeholders are refused; the member export is a defused CSV."""

from __future__ import annotations

import csv
import io

import pytest

from identity.models import EmployeeGroup, EmployeeGroupMember
from identity.services.groups import group_create
from mentorhub.accounts.models import AuditEvent
from programs.models import ProgramAudienceGroup
from tests.factories import EmployeeFactory
from tests.helpers import client_for, org_url, page_text
from tests.programs.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def _group(org, admin, name="Women in Leadership", members=(), **kwargs):
    return group_create(
        organization=org, actor=admin.user, display_name=name, member_ids=[m.pk for m in members], **kwargs
    )


def _member_ids(group):
    return set(EmployeeGroupMember.objects.filter(group=group).values_list("employee_id", flat=True))


def test_list_shows_groups_with_counts_and_scim_badge_and_empty_state(org, admin, admin_client):
    empty = page_text(admin_client.get(org_url("group-list", org)))
    assert "No groups yet." in empty
    people = EmployeeFactory.create_batch(3, organization=org)
    _group(org, admin, members=people)
    _group(org, admin, name="Engineering (IdP)", managed_by_scim=True, external_id="okta-1")
    text = page_text(admin_client.get(org_url("group-list", org)))
    assert "Women in Leadership" in text and "Engineering (IdP)" in text
    assert "Identity provider (SCIM)" in text
    assert ">3</td>" in text
    assert "No groups yet." not in text


def test_admins_only(org, member, stakeholder):
    group = EmployeeGroup.objects.create(organization=org, display_name="Veterans Network")
    for membership in (member, stakeholder):
        client = client_for(membership)
        for url in (
            org_url("group-list", org),
            org_url("group-new", org),
            org_url("group-detail", org, group_pk=group.pk),
            org_url("group-export", org, group_pk=group.pk),
        ):
            assert client.get(url).status_code == 403
        assert client.post(org_url("group-new", org), {"display_name": "Sneaky"}).status_code == 403
    assert not EmployeeGroup.objects.filter(display_name="Sneaky").exists()


def test_navigation_link_for_admins_only(org, admin_client, member):
    assert "Groups</a>" in page_text(admin_client.get(org_url("org-home", org)))
    assert org_url("group-list", org) not in page_text(client_for(member).get(org_url("org-home", org)))


def test_create_edit_and_name_clash(org, admin, admin_client):
    response = admin_client.post(
        org_url("group-new", org), {"display_name": "  Veterans Network ", "description": "Served in the forces"}
    )
    group = EmployeeGroup.objects.get(organization=org)
    assert response.status_code == 302 and response["Location"] == org_url("group-detail", org, group_pk=group.pk)
    assert group.display_name == "Veterans Network" and group.description == "Served in the forces"
    assert AuditEvent.objects.filter(organization=org, verb="group.create").exists()

    clash = admin_client.post(org_url("group-new", org), {"display_name": "veterans network"})
    assert clash.status_code == 400
    assert "already exists" in page_text(clash)
    assert EmployeeGroup.objects.filter(organization=org).count() == 1

    edit_url = org_url("group-edit", org, group_pk=group.pk)
    assert "Veterans Network" in page_text(admin_client.get(edit_url))
    assert admin_client.post(edit_url, {"display_name": "Veterans", "description": ""}).status_code == 302
    group.refresh_from_db()
    assert (group.display_name, group.description) == ("Veterans", "")


def test_add_by_search_and_by_employee_id_then_remove_after_confirmation(org, admin, admin_client):
    group = _group(org, admin)
    ada = EmployeeFactory(organization=org, name="Ada Lovelace", employee_id="E-ADA")
    grace = EmployeeFactory(organization=org, name="Grace Hopper", employee_id="E-GRACE")
    detail = org_url("group-detail", org, group_pk=group.pk)

    found = page_text(admin_client.get(detail, {"find": "lovelace"}))
    assert "Ada Lovelace" in found and "Grace Hopper" not in found

    add_url = org_url("group-members-add", org, group_pk=group.pk)
    response = admin_client.post(add_url, {"employee": [str(ada.pk)], "employee_ids": "e-grace"})
    assert response.status_code == 302
    assert _member_ids(group) == {ada.pk, grace.pk}
    # Already-in people are searched no more.
    assert "Ada Lovelace" not in page_text(admin_client.get(detail, {"find": "lovelace"})).split("Members")[0]

    unknown = admin_client.post(add_url, {"employee_ids": "E-NOBODY"})
    assert unknown.status_code == 400 and "Not on the roster: E-NOBODY." in page_text(unknown)

    remove_url = org_url("group-member-remove", org, group_pk=group.pk, employee_pk=ada.pk)
    confirm = admin_client.get(remove_url)
    assert "Remove Ada Lovelace from" in page_text(confirm)
    assert _member_ids(group) == {ada.pk, grace.pk}  # asking is not removing
    assert admin_client.post(remove_url).status_code == 302
    assert _member_ids(group) == {grace.pk}
    assert admin_client.get(remove_url).status_code == 404  # no longer a member


def test_another_organizations_employee_cannot_be_added(org, other_org, admin, admin_client):
    group = _group(org, admin)
    stranger = EmployeeFactory(organization=other_org, employee_id="E-STRANGER")
    response = admin_client.post(org_url("group-members-add", org, group_pk=group.pk), {"employee": [str(stranger.pk)]})
    assert response.status_code == 400
    assert "are not on this organization" in page_text(response)
    by_id = admin_client.post(org_url("group-members-add", org, group_pk=group.pk), {"employee_ids": "E-STRANGER"})
    assert by_id.status_code == 400
    assert _member_ids(group) == set()


def test_members_are_paginated_and_searchable(org, admin, admin_client):
    people = [EmployeeFactory(organization=org, name=f"Person {n:03d}") for n in range(55)]
    group = _group(org, admin, members=people)
    detail = org_url("group-detail", org, group_pk=group.pk)
    first = page_text(admin_client.get(detail))
    assert "Person 000" in first and "Person 054" not in first and "Page 1 of 2" in first
    assert "Person 054" in page_text(admin_client.get(detail, {"page": 2}))
    assert "Person 000" not in page_text(admin_client.get(detail, {"q": "Person 054"}))


def test_delete_after_confirmation_and_refused_while_a_program_audience(org, admin, admin_client):
    group = _group(org, admin, members=[EmployeeFactory(organization=org)])
    delete_url = org_url("group-delete", org, group_pk=group.pk)
    program = ProgramFactory(organization=org, name="ERG circles")
    link = ProgramAudienceGroup.objects.create(organization=org, program=program, group=group)

    refused = admin_client.post(delete_url)
    assert refused.status_code == 409 and "audience of ERG circles" in page_text(refused)
    assert EmployeeGroup.objects.filter(pk=group.pk).exists()

    link.delete()
    assert "Delete the group" in page_text(admin_client.get(delete_url))
    assert admin_client.post(delete_url).status_code == 302
    assert not EmployeeGroup.objects.filter(pk=group.pk).exists()
    assert AuditEvent.objects.filter(organization=org, verb="group.delete").exists()


def test_scim_managed_group_is_read_only(org, admin, admin_client):
    person = EmployeeFactory(organization=org, name="Managed Person")
    other = EmployeeFactory(organization=org)
    group = _group(org, admin, name="Okta Engineers", members=[person], managed_by_scim=True)
    text = page_text(admin_client.get(org_url("group-detail", org, group_pk=group.pk)))
    assert "managed by your identity provider" in text and "Managed Person" in text
    assert "Add people" not in text and "Remove" not in text
    refused = [
        admin_client.get(org_url("group-edit", org, group_pk=group.pk)),
        admin_client.post(org_url("group-edit", org, group_pk=group.pk), {"display_name": "Renamed"}),
        admin_client.post(org_url("group-delete", org, group_pk=group.pk)),
        admin_client.post(org_url("group-members-add", org, group_pk=group.pk), {"employee": [str(other.pk)]}),
        admin_client.post(org_url("group-member-remove", org, group_pk=group.pk, employee_pk=person.pk)),
    ]
    assert [r.status_code for r in refused] == [403] * 5
    group.refresh_from_db()
    assert group.display_name == "Okta Engineers" and _member_ids(group) == {person.pk}


def test_export_lists_every_member_with_defused_cells(org, admin, admin_client):
    people = [EmployeeFactory(organization=org, name=f"P{n:02d}") for n in range(60)]
    people.append(EmployeeFactory(organization=org, name="=HYPERLINK(1)", employee_id="E-EVIL"))
    group = _group(org, admin, members=people)
    EmployeeFactory(organization=org, name="Outside the group")
    response = admin_client.get(org_url("group-export", org, group_pk=group.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["employee_id", "email", "name"]
    names = {row[2] for row in rows[1:]}
    assert len(rows) == 62 and "Outside the group" not in names
    assert "'=HYPERLINK(1)" in names


def test_list_and_detail_pages_read_a_fixed_number_of_queries(org, admin, admin_client, django_assert_max_num_queries):
    """No query per group, member, candidate or program: 15 of each cost what one does."""
    people = EmployeeFactory.create_batch(15, organization=org, department="Research")
    groups = [_group(org, admin, name=f"Group {n:02d}", members=people, managed_by_scim=bool(n % 2)) for n in range(15)]
    for n in range(15):
        program = ProgramFactory(organization=org, name=f"Program {n:02d}")
        ProgramAudienceGroup.objects.create(organization=org, program=program, group=groups[0])
    EmployeeFactory.create_batch(15, organization=org, department="Research")  # candidates outside the group
    with django_assert_max_num_queries(9):
        text = page_text(admin_client.get(org_url("group-list", org)))
    assert "Group 14" in text
    detail = org_url("group-detail", org, group_pk=groups[0].pk)
    with django_assert_max_num_queries(14):
        text = page_text(admin_client.get(detail, {"find": "Research"}))
    assert "Program 14" in text and text.count('name="employee"') == 15
