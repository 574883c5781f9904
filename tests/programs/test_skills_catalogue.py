"""The skills catalogue: the starter set, add / rename / deactivate by HR admins (stakeholders and members may
not, outsiders get 404), the CSV import (problems by line, nothing half-applied) and export, and enrollment
questions that take their options from the catalogue."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from matching.scoring import criteria_for, score_matrix
from matching.services.loading import load_cohort
from mentorhub.accounts.models import AuditEvent
from programs.models import Question, Skill
from programs.services.questions import question_create
from programs.services.skills import skill_create, skill_set_active, skills_ensure_starter, skills_import
from tests.analytics.skills_data import enroll, skills_program
from tests.helpers import org_url, page_text

from .factories import ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def names(org) -> list[str]:
    return sorted(Skill.objects.filter(organization=org).values_list("name", flat=True))


def test_first_visit_creates_the_starter_set_once(admin_client, org, other_org):
    response = admin_client.get(org_url("skill-list", org))
    assert response.status_code == 200
    assert {"Leadership", "AI and data", "Digital tools", "Sustainability", "Communication"} <= set(names(org))
    count = len(names(org))
    admin_client.get(org_url("skill-list", org))
    assert len(names(org)) == count
    assert names(other_org) == []  # the other organization's catalogue is its own
    assert "AI and data" in page_text(response)


def test_admin_adds_renames_and_deactivates_after_confirming(admin_client, org, admin):
    response = admin_client.post(org_url("skill-list", org), {"name": "  Public   speaking ", "category": "People"})
    assert response.status_code == 302
    skill = Skill.objects.get(organization=org, name="Public speaking")
    assert skill.category == "People" and skill.active
    # The same name in another case is refused, on the form.
    duplicate = admin_client.post(org_url("skill-list", org), {"name": "public SPEAKING"})
    assert duplicate.status_code == 400
    assert "already has a skill of this name" in page_text(duplicate)
    edit = admin_client.post(org_url("skill-edit", org, skill_pk=skill.pk), {"name": "Presenting", "category": ""})
    assert edit.status_code == 302
    skill.refresh_from_db()
    assert skill.name == "Presenting" and skill.category == ""
    confirm = admin_client.get(org_url("skill-active", org, skill_pk=skill.pk))
    assert "Deactivate “Presenting”?" in page_text(confirm)
    skill.refresh_from_db()
    assert skill.active  # a GET only asks
    admin_client.post(org_url("skill-active", org, skill_pk=skill.pk))
    skill.refresh_from_db()
    assert not skill.active
    verbs = list(AuditEvent.objects.filter(organization=org, verb__startswith="skill.").values_list("verb", flat=True))
    assert sorted(verbs) == ["skill.create", "skill.deactivate", "skill.update"]


def test_stakeholders_and_members_cannot_edit(stakeholder_client, member_client, org, admin):
    skill = skill_create(organization=org, actor=admin.user, name="Negotiation")
    for client in (stakeholder_client, member_client):
        assert client.get(org_url("skill-list", org)).status_code == 403
        assert client.post(org_url("skill-list", org), {"name": "Sneaky"}).status_code == 403
        assert client.post(org_url("skill-edit", org, skill_pk=skill.pk), {"name": "Renamed"}).status_code == 403
        assert client.post(org_url("skill-active", org, skill_pk=skill.pk)).status_code == 403
        assert client.get(org_url("skill-export", org)).status_code == 403
    skill.refresh_from_db()
    assert skill.name == "Negotiation" and skill.active
    assert not Skill.objects.filter(name="Sneaky").exists()


def test_outsider_gets_404_for_every_skill_route(outsider_client, org, admin):
    skill = skill_create(organization=org, actor=admin.user, name="Negotiation")
    for url in (
        org_url("skill-list", org),
        org_url("skill-import", org),
        org_url("skill-export", org),
        org_url("skill-edit", org, skill_pk=skill.pk),
        org_url("skill-active", org, skill_pk=skill.pk),
    ):
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url, {"name": "x"}).status_code == 404
    skill.refresh_from_db()
    assert skill.active and skill.name == "Negotiation"


def test_another_organizations_skill_is_404_to_an_admin(admin_client, org, other_org, outsider):
    theirs = skill_create(organization=other_org, actor=outsider.user, name="Secret skill")
    assert admin_client.get(org_url("skill-edit", org, skill_pk=theirs.pk)).status_code == 404
    assert admin_client.post(org_url("skill-active", org, skill_pk=theirs.pk)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.active


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("skills.csv", text.encode(), content_type="text/csv")


def test_import_reports_every_bad_row_by_line_and_applies_nothing(admin_client, org, admin):
    skill_create(organization=org, actor=admin.user, name="Leadership", category="Old")
    text = (
        "name,category,description\n"
        "Cloud computing,Technology,Running services in the cloud\n"  # line 2: fine
        ",Technology,no name\n"  # line 3
        "Negotiation,People\n"  # line 4: too few values
        '"' + "x" * 81 + '",People,too long\n'  # line 5
        "cloud COMPUTING,Technology,again\n"  # line 6: duplicate of line 2
        "Leadership,People,Leading a team\n"  # line 7: fine (an update)
    )
    response = admin_client.post(org_url("skill-import", org), {"file": upload(text)})
    assert response.status_code == 400
    body = page_text(response)
    assert "Nothing was imported" in body
    for line in ("Line 3: the name is empty", "Line 4: 2 values", "Line 5: name is longer", "Line 6: "):
        assert line in body
    assert "Line 2" not in body and "Line 7" not in body
    assert names(org) == ["Leadership"]
    assert Skill.objects.get(organization=org, name="Leadership").category == "Old"


def test_import_adds_and_updates_and_round_trips_the_export(admin_client, org, admin):
    skill_create(organization=org, actor=admin.user, name="Leadership", category="Old")
    gone = skill_create(organization=org, actor=admin.user, name="Mainframes")
    skill_set_active(organization=org, actor=admin.user, skill_id=gone.pk, active=False)
    text = "name,category\n=Formula skill,Technology\nleadership,People\nMAINFRAMES,Legacy\n"
    response = admin_client.post(org_url("skill-import", org), {"file": upload(text)})
    assert response.status_code == 302
    assert names(org) == ["=Formula skill", "Leadership", "Mainframes"]
    assert Skill.objects.get(organization=org, name="Leadership").category == "People"
    assert Skill.objects.get(organization=org, name="Mainframes").active  # an import brings a skill back
    export = admin_client.get(org_url("skill-export", org))
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["name", "category", "description", "active"]
    assert ["'=Formula skill", "Technology", "", "yes"] in rows  # no spreadsheet formula
    # The exported file imports again unchanged (the formula guard is undone on the way in).
    result = skills_import(organization=org, actor=admin.user, content=export.content)
    assert (result.created, result.updated) == (0, 0)
    assert names(org) == ["=Formula skill", "Leadership", "Mainframes"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"skill,level\nx,1\n", "Line 1: the header"),
        (b"name\n", "no skills"),
        (b"name\n\xff\xfe\n", "Line 2: the file is not UTF-8"),
    ],
)
def test_import_refuses_bad_files(org, admin, content, message):
    with pytest.raises(ValidationError) as refused:
        skills_import(organization=org, actor=admin.user, content=content)
    assert message in " ".join(refused.value.messages)
    assert names(org) == []


def test_catalogue_question_follows_the_catalogue_and_keeps_chosen_options(org, admin):
    skills_ensure_starter(organization=org)
    program = ProgramFactory(organization=org, status="enrolling")
    question = question_create(
        organization=org,
        actor=admin.user,
        program_id=program.pk,
        data={
            "prompt": "Skills you want to learn",
            "mentor_prompt": "Skills you can offer",
            "type": "multiple_choice",
            "option_source": "skills",
            "audience": "both",
            "rule": "offers_wants",
            "weight": 5,
        },
    )
    assert "AI and data" in question.options and "Leadership" in question.options
    ParticipantFactory(program=program, answers={str(question.pk): ["Leadership"]})
    new = skill_create(organization=org, actor=admin.user, name="Quantum computing")
    question.refresh_from_db()
    assert "Quantum computing" in question.options
    leadership = Skill.objects.get(organization=org, name="Leadership")
    skill_set_active(organization=org, actor=admin.user, skill_id=leadership.pk, active=False)
    skill_set_active(organization=org, actor=admin.user, skill_id=new.pk, active=False)
    question.refresh_from_db()
    assert "Quantum computing" not in question.options  # nobody chose it: it leaves the form
    assert "Leadership" in question.options  # someone chose it: their answer stays valid


def test_catalogue_source_needs_a_multiple_choice_or_tags_question(admin_client, org):
    program = ProgramFactory(organization=org, status="draft")
    response = admin_client.post(
        org_url("question-create", org, program_pk=program.pk),
        {
            "prompt": "Your favourite skill",
            "type": "single_choice",
            "option_source": "skills",
            "audience": "both",
            "rule": "none",
            "weight": "0",
        },
    )
    assert response.status_code == 400
    assert "need “Multiple choice” or “Skills / tags”" in page_text(response)
    assert not Question.objects.filter(program=program).exists()


def test_deactivating_twice_stays_deactivated_and_reactivating_asks_for_it(admin_client, org, admin):
    skill = skill_create(organization=org, actor=admin.user, name="Negotiation")
    url = org_url("skill-active", org, skill_pk=skill.pk)
    admin_client.post(url, {"active": "0"})
    admin_client.post(url, {"active": "0"})  # a double submit
    skill.refresh_from_db()
    assert not skill.active
    page = page_text(admin_client.get(url))
    assert "Reactivate “Negotiation”?" in page and 'name="active" value="1"' in page
    admin_client.post(url, {"active": "1"})
    skill.refresh_from_db()
    assert skill.active
    assert "Negotiation" in page_text(admin_client.get(org_url("skill-list", org)))


def test_matching_scores_a_catalogue_question_like_any_offers_wants_question(org):
    """The mentor who offers what the mentee wants scores higher; the catalogue only supplies the options."""
    program, question = skills_program(org)
    mentee = enroll(program, question, role="mentee", skills=["AI and data"], department="Sales")
    offers = enroll(program, question, role="mentor", skills=["AI and data"], department="Sales", capacity=1)
    other = enroll(program, question, role="mentor", skills=["Leadership"], department="Sales", capacity=1)
    cohort = load_cohort(organization_id=org.pk, program=program)
    criteria = criteria_for(program.kind, cohort.questions)
    assert any(c.key == str(question.pk) and c.rule == "offers_wants" for c in criteria)
    scores = score_matrix(cohort.mentees, cohort.mentors, criteria, program_kind=program.kind, max_tz_gap_hours=None)
    column = {p.participant_id: i for i, p in enumerate(cohort.mentors)}
    row = next(i for i, p in enumerate(cohort.mentees) if p.participant_id == mentee.pk)
    assert np.isfinite(scores[row]).all()
    assert scores[row, column[offers.pk]] > scores[row, column[other.pk]]
