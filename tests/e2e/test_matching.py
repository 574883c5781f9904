"""The issue's browser test for matching: the demo admin runs matching on a program, watches the progress
finish, opens a pair's explanation and approves all; the mentee (the demo member) sees the match and
accepts. With PostgreSQL and Redis configured the run executes on a real Celery worker, so this covers
the whole path: form -> queue -> worker -> htmx progress -> review -> approval -> participant's answer.

seed_demo leaves acme's demo programs matched and active, so the test sets up its own program the way
people would: the admin creates it, employees enroll (the demo member as a mentee), the admin approves
them and closes enrollment. Everything goes through the services."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from matching.models import Match, MatchMember, MatchRun
from mentorhub.accounts.models import Employee, Membership, Organization
from programs.models import Participant, Program, Question
from programs.services.participants import participant_enroll, participants_decide
from programs.services.programs import program_create, program_move

from .conftest import E2E, axe_check, sign_in

pytestmark = E2E

PROGRAM_NAME = "Mentoring Sprint"
MEMBER_EMAIL = "member@acme.example"
MENTORS = 6
MENTEES = 9  # plus the demo member


def _services_configured() -> bool:
    return bool(settings.REDIS_URL) and settings.POSTGRESQL


@pytest.fixture
def matching_worker(request, page):
    """A real Celery worker when PostgreSQL and Redis are configured (eager mode off while it runs);
    otherwise the run executes in the live server's thread. Asks for `page` first so the worker shares
    the cache key prefix `page` gave this test."""
    if not _services_configured():
        return None
    return request.getfixturevalue("celery_worker_process")


def _answers(questions: list[Question], role: str, index: int) -> dict[str, object]:
    """Plausible, varied answers: rotating skills and goals, everyone speaks English."""
    answers: dict[str, object] = {}
    for question in questions:
        if not question.asks(role):
            continue
        options = list(question.options)
        if question.rule == Question.Rule.MUST:
            answers[str(question.pk)] = ["English"] if "English" in options else options[:1]
        elif question.type in (Question.Type.TAGS, Question.Type.MULTIPLE):
            answers[str(question.pk)] = [options[(index + k) % len(options)] for k in range(2)]
        elif question.type == Question.Type.SINGLE:
            answers[str(question.pk)] = options[index % len(options)]
        elif question.type == Question.Type.SCALE:
            answers[str(question.pk)] = 1 + index % 5
    return answers


def _program_in_matching(acme: Organization) -> Program:
    admin = Membership.objects.select_related("user").get(organization=acme, user__email="admin@acme.example")
    member = Membership.objects.select_related("employee").get(organization=acme, user__email=MEMBER_EMAIL)
    program = program_create(
        organization=acme,
        actor=admin.user,
        data={"name": PROGRAM_NAME, "kind": Program.Kind.ONE_ON_ONE, "description": "Six weeks, one mentor each."},
    )
    program_move(organization=acme, actor=admin.user, program_id=program.pk, to_status="enrolling")
    questions = list(Question.objects.filter(program=program).order_by("position"))
    roster = Employee.objects.filter(organization=acme, left_on__isnull=True).exclude(employee_id__startswith="DEMO-")
    mentors = list(roster.filter(job_level__gte=6).order_by("employee_id")[:MENTORS])
    mentees = [*roster.filter(job_level__lte=3).order_by("employee_id")[:MENTEES], member.employee]
    for role, people in ((Participant.Role.MENTOR, mentors), (Participant.Role.MENTEE, mentees)):
        for index, employee in enumerate(people):
            participant_enroll(
                organization=acme,
                actor=admin.user,
                program_id=program.pk,
                employee=employee,
                role=role,
                answers=_answers(questions, role, index),
                capacity=2 if role == Participant.Role.MENTOR else None,
            )
    participants_decide(
        organization=acme,
        actor=admin.user,
        program_id=program.pk,
        participant_ids=list(Participant.objects.filter(program=program).values_list("pk", flat=True)),
        decision="approve",
    )
    program_move(organization=acme, actor=admin.user, program_id=program.pk, to_status="matching")
    return program


def test_admin_runs_matching_and_the_mentee_accepts(page, live_server, demo_data, matching_worker):
    acme = Organization.objects.get(slug="acme")
    program = _program_in_matching(acme)
    member = Membership.objects.select_related("employee").get(organization=acme, user__email=MEMBER_EMAIL)

    # --- The admin runs matching ---
    sign_in(page, live_server, "admin@acme.example")
    page.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name="Programs").click()
    page.get_by_role("link", name=PROGRAM_NAME).first.click()
    expect(page).to_have_url(re.compile(rf"/o/acme/programs/{program.pk}/$"))
    page.get_by_role("main").get_by_role("link", name="Matching").first.click()
    expect(page).to_have_url(re.compile(rf"/o/acme/programs/{program.pk}/matching/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROGRAM_NAME)
    axe_check(page)

    page.get_by_label("Aim for").select_option("participation")
    page.get_by_label("What are your goals for this program?").fill("5")
    with page.expect_navigation():
        page.get_by_role("button", name="Start matching").click()
    expect(page).to_have_url(re.compile(rf"/o/acme/programs/{program.pk}/matching/runs/\d+/$"))

    # The page polls with htmx until the run is done; the answer that says so brings the results.
    progress = page.locator("#run-progress")
    expect(progress).to_have_attribute("aria-live", "polite")
    try:
        expect(progress).to_contain_text(re.compile(r"Done: \d+ matched"), timeout=60_000)
    except AssertionError as exc:
        raise AssertionError(_why_not_done(matching_worker)) from exc
    if matching_worker is not None:
        assert "matching.execute_run" in matching_worker.log()
    run = MatchRun.objects.get(program=program)
    assert run.objective == "participation" and run.status == MatchRun.Status.DONE
    proposed = Match.objects.filter(run=run, status=Match.Status.PROPOSED).count()
    # Twelve places for ten mentees, everyone speaks English, and the aim is "most people matched".
    assert proposed == MENTEES + 1, run.figures.get("unmatched")
    expect(progress).to_contain_text(f"Done: {proposed} matched, 0 unmatched")

    table = page.locator("table.proposals")
    expect(table.locator("tbody tr")).to_have_count(proposed)
    expect(page.get_by_role("table", name=re.compile("Number of proposed matches per score range"))).to_be_visible()

    # Open the explanation of the demo member's pair.
    row = table.locator("tbody tr", has_text=member.employee.name)
    explanation = row.locator("details")
    expect(explanation.locator("ul.explanation")).to_be_hidden()
    explanation.locator("summary").click()
    expect(explanation.locator("ul.explanation")).to_be_visible()
    expect(explanation.locator("ul.explanation li").first).to_contain_text("+0.")
    axe_check(page)

    # Approve all, after the confirmation.
    page.get_by_role("button", name=re.compile(rf"Approve all {proposed} proposals")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Approve all {proposed} matches?")
    with page.expect_navigation():
        page.get_by_role("button", name=f"Approve {proposed}").click()
    expect(page.locator(".messages")).to_contain_text(f"Approved {proposed} matches.")
    assert Match.objects.filter(program=program, status=Match.Status.APPROVED).count() == proposed
    my_match = Match.objects.get(program=program, members__participant__employee=member.employee)
    mentor_name = my_match.members.get(role=MatchMember.Role.MENTOR).participant.employee.name

    # --- The mentee sees the match and accepts ---
    page.context.clear_cookies()
    sign_in(page, live_server, MEMBER_EMAIL)
    page.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name="My matches").click()
    expect(page).to_have_url(re.compile(r"/o/acme/matches/$"))
    card = page.locator("li.card", has_text=PROGRAM_NAME)
    expect(card).to_contain_text(mentor_name)
    expect(card).to_contain_text("Approved, waiting for answers")
    card.get_by_role("link", name=PROGRAM_NAME).click()
    expect(page).to_have_url(re.compile(rf"/o/acme/matches/{my_match.pk}/$"))
    expect(page.get_by_role("heading", name="Why you were matched")).to_be_visible()
    axe_check(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Accept the match").click()
    expect(page.locator(".messages")).to_contain_text("You accepted the match.")
    expect(page.get_by_role("main")).to_contain_text("Waiting for the others to answer.")
    assert my_match.members.get(participant__employee=member.employee).response == MatchMember.Response.ACCEPTED
    axe_check(page)


def _why_not_done(worker) -> str:
    state = list(MatchRun.objects.values("id", "status", "progress", "stage", "error"))
    log = worker.log() if worker is not None else "(no worker: eager mode)"
    return f"The run did not finish in the browser. Runs in the database: {state}\nWorker log:\n{log}"
