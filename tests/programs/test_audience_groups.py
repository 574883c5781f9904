"""A program's audience by employee groups: nobody outside the groups is eligible (enrolling, invitations,
counts, the open programs), group changes take effect at once, and the settings page chooses the groups."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from identity.services.groups import group_create, group_delete, group_members_add, group_members_remove
from mentorhub.accounts.models import Employee
from programs import selectors
from programs.eligibility import employee_is_eligible
from programs.models import Participant, Program, ProgramAudienceGroup
from programs.services.participants import participant_enroll, participants_invite
from programs.services.programs import program_create, program_update
from tests.factories import EmployeeFactory, MembershipFactory
from tests.helpers import client_for, org_url, page_text

from .factories import ProgramFactory, QuestionFactory, api, patch

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org):
    return {name: EmployeeFactory(organization=org, name=name, department="Sales") for name in ("Ada", "Bo", "Cy")}


@pytest.fixture
def erg(org, admin, people):
    return group_create(
        organization=org, actor=admin.user, display_name="Women in Leadership", member_ids=[people["Ada"].pk]
    )


@pytest.fixture
def program(org, admin, erg):
    program = ProgramFactory(organization=org, name="Leadership circles")
    QuestionFactory(program=program, required=False)
    program_update(organization=org, actor=admin.user, program_id=program.pk, data={"audience_group_ids": [erg.pk]})
    return program


def test_only_group_members_are_eligible_and_counted(org, program, people):
    assert employee_is_eligible(program=program, employee=people["Ada"])
    assert not employee_is_eligible(program=program, employee=people["Bo"])
    assert selectors.eligible_count(organization=org, program=program) == 1
    open_to = ProgramFactory(organization=org)  # no audience groups: everyone, as before
    assert employee_is_eligible(program=open_to, employee=people["Bo"])
    everyone = Employee.objects.filter(organization=org).count()  # the admin's roster entry too
    assert selectors.eligible_count(organization=org, program=open_to) == everyone > 3


def test_membership_changes_take_effect_at_once(org, admin, program, erg, people):
    group_members_add(organization=org, actor=admin.user, group_id=erg.pk, employee_ids=[people["Bo"].pk])
    assert employee_is_eligible(program=program, employee=people["Bo"])
    assert selectors.eligible_count(organization=org, program=program) == 2
    group_members_remove(organization=org, actor=admin.user, group_id=erg.pk, employee_ids=[people["Ada"].pk])
    assert not employee_is_eligible(program=program, employee=people["Ada"])
    assert [p.name for p in selectors.open_programs_for(organization=org, employee=people["Ada"])] == []
    assert [p.name for p in selectors.open_programs_for(organization=org, employee=people["Bo"])] == [
        "Leadership circles"
    ]


def test_outsiders_cannot_enroll(org, admin, program, people):
    with pytest.raises(ValidationError, match="not eligible"):
        participant_enroll(
            organization=org, actor=admin.user, program_id=program.pk, employee=people["Bo"], role="mentee", answers={}
        )
    enrolled = participant_enroll(
        organization=org, actor=admin.user, program_id=program.pk, employee=people["Ada"], role="mentee", answers={}
    )
    assert enrolled.status == Participant.Status.APPLIED


def test_enroll_page_names_the_groups(org, program):
    outsider_member = EmployeeFactory(organization=org)
    membership = MembershipFactory(organization=org, employee=outsider_member)
    text = page_text(client_for(membership).get(org_url("program-enroll", org, program_pk=program.pk, role="mentee")))
    assert "members of the groups Women in Leadership" in text


def test_invitations_reach_group_members_only(org, admin, program, people):
    result = participants_invite(
        organization=org, actor=admin.user, program_id=program.pk, role="mentee", departments=["Sales"]
    )
    assert result["invited"] == 1
    invited = Participant.objects.filter(program=program, status=Participant.Status.INVITED)
    assert [p.employee_id for p in invited] == [people["Ada"].pk]


def test_create_with_groups_and_validation_of_circles_within_groups(org, other_org, admin, erg):
    program = program_create(
        organization=org,
        actor=admin.user,
        data={"name": "ERG circles", "kind": "group", "audience_group_ids": [erg.pk], "circles_within_groups": True},
    )
    assert list(program.audience_groups.all()) == [erg] and program.circles_within_groups
    with pytest.raises(ValidationError) as refused:
        program_create(
            organization=org, actor=admin.user, data={"name": "X", "kind": "group", "circles_within_groups": True}
        )
    assert "circles_within_groups" in refused.value.message_dict
    with pytest.raises(ValidationError):
        program_create(organization=org, actor=admin.user, data={"name": "Y", "circles_within_groups": True})
    foreign = group_create(organization=other_org, actor=None, display_name="Foreign")
    with pytest.raises(ValidationError) as foreign_refused:
        program_update(
            organization=org, actor=admin.user, program_id=program.pk, data={"audience_group_ids": [foreign.pk]}
        )
    assert "audience_group_ids" in foreign_refused.value.message_dict
    assert list(program.audience_groups.all()) == [erg]


def test_a_group_in_an_audience_cannot_be_deleted(org, admin, program, erg):
    with pytest.raises(ValidationError, match="audience of a program"):
        group_delete(organization=org, actor=admin.user, group_id=erg.pk)
    assert ProgramAudienceGroup.objects.filter(program=program, group=erg).exists()


def test_settings_page_chooses_groups_and_program_page_shows_them(org, admin, admin_client, erg):
    program = ProgramFactory(organization=org, kind=Program.Kind.GROUP, name="Circles", status=Program.Status.DRAFT)
    veterans = group_create(organization=org, actor=admin.user, display_name="Veterans Network")
    edit = org_url("program-edit", org, program_pk=program.pk)
    form_text = page_text(admin_client.get(edit))
    assert "Women in Leadership" in form_text and "Form circles within one group" in form_text
    data = {
        "kind": "group",
        "name": "Circles",
        "cadence_per_month": 2,
        "default_mentor_capacity": 2,
        "max_mentor_capacity": 5,
        "circle_min_size": 2,
        "circle_max_size": 4,
        "match_mode": "admin",
        "objective": "score",
        "audience_group_ids": [str(erg.pk), str(veterans.pk)],
        "circles_within_groups": "on",
    }
    assert admin_client.post(edit, data).status_code == 302
    program.refresh_from_db()
    assert set(program.audience_groups.all()) == {erg, veterans} and program.circles_within_groups
    detail = page_text(admin_client.get(org_url("program-detail", org, program_pk=program.pk)))
    assert "Members of" in detail and "Veterans Network" in detail and "Circles are formed within one group" in detail

    foreign = group_create(organization=ProgramFactory().organization, actor=None, display_name="Elsewhere")
    refused = admin_client.post(edit, {**data, "audience_group_ids": [str(foreign.pk)]})
    assert refused.status_code == 400
    assert set(program.audience_groups.all()) == {erg, veterans}

    # Unticking every group opens the program to everyone again (and circles within groups must go too).
    cleared = admin_client.post(edit, {**data, "audience_group_ids": [], "circles_within_groups": ""})
    assert cleared.status_code == 302
    assert not program.audience_groups.exists()


def test_api_sets_and_shows_the_audience(org, other_org, admin_client, erg):
    program = ProgramFactory(organization=org, status=Program.Status.DRAFT)
    url = api("program-detail", org, program_pk=program.pk)
    response = patch(admin_client, url, {"audience_group_ids": [erg.pk]})
    assert response.status_code == 200 and response.json()["audience_group_ids"] == [erg.pk]
    listed = {p["id"]: p for p in admin_client.get(api("program-list", org)).json()["results"]}
    assert listed[program.pk]["audience_group_ids"] == [erg.pk]
    foreign = group_create(organization=other_org, actor=None, display_name="Foreign")
    assert patch(admin_client, url, {"audience_group_ids": [foreign.pk]}).status_code == 400
    assert list(program.audience_groups.all()) == [erg]
