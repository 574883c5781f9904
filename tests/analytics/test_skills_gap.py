"""The skills-gap map: mentees wanting each skill against mentor places offering it, on hand-built data, with
small groups suppressed (and a filtered view's figures guarded against the whole); the unmet demand sentence;
CSV; likely mentors and their invitation for HR admins only (stakeholders see aggregates); outsiders 404."""

from __future__ import annotations

import csv
import io

import pytest

from analytics.reports.skills_gap import GapFilters, skills_gap
from analytics.views.dashboards.skills_gap import gap_table
from programs.models import Participant, Program, Skill
from tests.factories import EmployeeFactory
from tests.helpers import org_url, page_text

from .skills_data import enroll, gap_world, skills_program

pytestmark = pytest.mark.django_db


def by_name(report):
    return {row.name: row for row in report.rows}


def test_figures_on_hand_built_data(org):
    gap_world(org)
    rows = by_name(skills_gap(organization=org, filters=GapFilters()))
    ai = rows["AI and data"]
    assert (ai.mentees.value, ai.mentees.n) == (17, 17)
    assert (ai.places.value, ai.places.n) == (5, 5)
    assert ai.unmet == 12 and ai.gap
    assert ai.sentence() == "17 mentees want AI and data; 5 mentor places offer it."
    # Fewer than five mentees: hidden, never a number; no unmet demand claimed.
    leadership = rows["Leadership"]
    assert not leadership.mentees.shown and leadership.mentees.text() == "fewer than 5"
    assert leadership.places.value == 0 and leadership.unmet is None and not leadership.gap
    communication = rows["Communication"]
    assert (communication.mentees.value, communication.places.value) == (6, 12)
    assert communication.unmet == -6 and not communication.gap


def test_small_mentor_groups_hide_their_places(org):
    program, question = skills_program(org)
    for _ in range(6):
        enroll(program, question, role="mentee", skills=["Sustainability"], department="Ops")
    for _ in range(2):
        enroll(program, question, role="mentor", skills=["Sustainability"], department="Ops", capacity=3)
    row = by_name(skills_gap(organization=org, filters=GapFilters()))["Sustainability"]
    assert row.mentees.value == 6
    assert not row.places.shown and row.places.value is None  # 2 mentors: their 6 places are not shown
    assert row.unmet is None
    assert row.sentence() == "6 mentees want Sustainability; fewer than 5 mentors offer it."


def test_enrollments_outside_open_programs_or_withdrawn_are_not_counted(org):
    program, question = skills_program(org, status=Program.Status.CLOSED)
    for _ in range(6):
        enroll(program, question, role="mentee", skills=["AI and data"], department="Sales")
    live, live_question = skills_program(org)
    for _ in range(6):
        enroll(live, live_question, role="mentee", skills=["AI and data"], department="Sales")
    Participant.objects.filter(program=live).update(status=Participant.Status.WITHDRAWN)
    row = by_name(skills_gap(organization=org, filters=GapFilters()))["AI and data"]
    assert not row.mentees.shown  # zero counted


def test_department_and_location_filters_with_the_whole_guarded(org):
    gap_world(org)
    sales = by_name(skills_gap(organization=org, filters=GapFilters(department="Sales")))
    assert sales["AI and data"].mentees.value == 10  # leaves out 7 of 17: shown
    assert sales["AI and data"].places.value == 0  # no Sales mentor offers it
    assert sales["AI and data"].unmet == 10
    assert sales["Communication"].places.value == 12
    finance = by_name(skills_gap(organization=org, filters=GapFilters(department="Finance")))
    assert finance["AI and data"].mentees.value == 5
    # Finance's 6 Communication mentees are all of them, but Legal's 2 AI mentees are fewer than 5.
    legal = by_name(skills_gap(organization=org, filters=GapFilters(department="Legal")))
    assert legal["AI and data"].mentees.text() == "fewer than 5"
    london = by_name(skills_gap(organization=org, filters=GapFilters(location="London")))
    # 17 AI mentees in London = the whole: nothing left out, shown.
    assert london["AI and data"].mentees.value == 17
    berlin_sales = by_name(skills_gap(organization=org, filters=GapFilters(department="Sales", location="Berlin")))
    assert berlin_sales["Leadership"].mentees.text() == "fewer than 5"


def test_a_filtered_figure_that_would_reveal_a_small_rest_is_hidden(org):
    program, question = skills_program(org)
    for department, n in (("Sales", 8), ("Finance", 3)):
        for _ in range(n):
            enroll(program, question, role="mentee", skills=["Digital tools"], department=department)
    whole = by_name(skills_gap(organization=org, filters=GapFilters()))["Digital tools"]
    assert whole.mentees.value == 11
    sales = by_name(skills_gap(organization=org, filters=GapFilters(department="Sales")))["Digital tools"]
    # 11 - 8 = 3 Finance mentees would be revealed: the Sales figure is hidden (complementary).
    assert not sales.mentees.shown and sales.mentees.text() == "hidden (it would reveal a smaller group)"


def test_page_highlights_the_gap_and_exports_the_table(admin_client, org):
    gap_world(org)
    response = admin_client.get(org_url("skills-gap", org))
    assert response.status_code == 200
    body = page_text(response)
    assert "17 mentees want AI and data; 5 mentor places offer it." in body
    assert "skills-gap-highlight" in body and 'data-chart="skills-gap"' in body
    assert "Likely mentors" in body  # admins: the names link per skill
    export = admin_client.get(org_url("skills-gap-export", org, query={"table": "gap"}))
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert rows[0] == ["Skill", "Category", "Mentees wanting it", "Mentor places offering it", "Unmet demand"]
    assert rows[1] == ["AI and data", "Technology", "17", "5", "12"]
    assert ["Leadership", "People", "fewer than 5", "0", "\u2013"] in rows
    assert rows[1:] == [row.cells for row in gap_table(skills_gap(organization=org, filters=GapFilters())).rows]
    filtered = admin_client.get(org_url("skills-gap", org, query={"department": "Sales"}))
    assert "10 mentees want AI and data; 0 mentor places offer it." in page_text(filtered)
    bad = admin_client.get(org_url("skills-gap", org, query={"department": "Nowhere"}))
    assert bad.status_code == 400 and "Check the filters" in page_text(bad)


def test_empty_state(admin_client, org):
    body = page_text(admin_client.get(org_url("skills-gap", org)))
    assert "No skill is wanted by at least 5 mentees" in body


def test_stakeholder_sees_aggregates_only(stakeholder_client, org):
    program, _question = gap_world(org)
    EmployeeFactory(organization=org, name="Dana Datawell", title="Data Scientist")
    response = stakeholder_client.get(org_url("skills-gap", org))
    assert response.status_code == 200
    body = page_text(response)
    assert "17 mentees want AI and data" in body
    assert "Likely mentors" not in body and "Find likely mentors" not in body
    assert "Dana Datawell" not in body
    mentee_names = Participant.objects.filter(program=program).values_list("employee__name", flat=True)
    assert not any(name in body for name in mentee_names)
    skill = Skill.objects.get(organization=org, name="AI and data")
    mentors_url = org_url("skills-gap-mentors", org, skill_pk=skill.pk)
    assert stakeholder_client.get(mentors_url).status_code == 403
    assert stakeholder_client.post(mentors_url, {"program": program.pk}).status_code == 403
    assert stakeholder_client.get(org_url("skills-gap-export", org, query={"table": "gap"})).status_code == 200


def test_members_and_outsiders_are_refused(member_client, outsider_client, org):
    gap_world(org)
    skill = Skill.objects.get(organization=org, name="AI and data")
    urls = [
        org_url("skills-gap", org),
        org_url("skills-gap-export", org, query={"table": "gap"}),
        org_url("skills-gap-mentors", org, skill_pk=skill.pk),
    ]
    for url in urls:
        assert member_client.get(url).status_code == 403
        assert outsider_client.get(url).status_code == 404


def test_likely_mentors_and_their_invitation(admin_client, org, other_org):
    gap_world(org)
    scientist = EmployeeFactory(organization=org, name="Dana Datawell", title="Senior Data Scientist")
    EmployeeFactory(organization=org, name="Colin Cook", title="Chef")
    EmployeeFactory(organization=org, name="Lee Left", title="Data Engineer", left_on="2024-01-01")
    EmployeeFactory(organization=other_org, name="Otto Other", title="Data Scientist")
    skill = Skill.objects.get(organization=org, name="AI and data")
    url = org_url("skills-gap-mentors", org, skill_pk=skill.pk)
    body = page_text(admin_client.get(url))
    assert "Dana Datawell" in body and "Title: Senior Data Scientist" in body
    assert "Offered it as a mentor in Future skills" in body  # the five mentors
    assert "Colin Cook" not in body and "Lee Left" not in body and "Otto Other" not in body
    draft = Program.objects.create(organization=org, name="Next cohort", status=Program.Status.DRAFT)
    refused = admin_client.post(url, {"program": draft.pk})
    assert refused.status_code == 400 and "Tick at least one person" in page_text(refused)
    response = admin_client.post(url, {"program": draft.pk, "employee": [scientist.pk]})
    assert response.status_code == 302
    invited = Participant.objects.get(program=draft)
    assert (invited.employee, invited.role, invited.status) == (scientist, "mentor", "invited")
    other_skill = Skill.objects.create(organization=other_org, name="AI and data")
    assert admin_client.get(org_url("skills-gap-mentors", org, skill_pk=other_skill.pk)).status_code == 404
