"""The issue's browser test for programs: the demo admin creates a group program with the wizard, adds three
questions in the form builder and opens enrollment; the demo member finds it under "Join a program" and
applies as a mentee; the admin approves the application. Every page on the way is checked with axe, and
full-page screenshots are kept under test-results/programs-*.png for a human look. A second test sweeps the
programs pages the journey does not visit."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from programs.models import Participant, Program, Question

from .conftest import E2E, RESULTS_DIR, _describe, axe_check, sign_in

pytestmark = E2E

NAME = "E2E Leadership circles"
SINGLE = "Which time of day suits you for circle meetings?"
MULTIPLE = "Which leadership topics interest you most?"
TEXT = "Anything your facilitator should know?"
DEFAULT_REQUIRED = "Which topics should your circle focus on?"  # from the group kind's ready-made questions


@pytest.fixture
def member_page(browser, live_server, page) -> Iterator:
    """A second person in their own browser context (own cookies), with the same console-error check as
    `page`. Asks for `page` first so that both share the test's fresh cache prefix."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.set_default_timeout(15_000)
    member = context.new_page()
    problems: list[str] = []
    member.on("console", lambda message: problems.append(_describe(message)) if message.type == "error" else None)
    member.on("pageerror", lambda error: problems.append(f"uncaught exception: {error}"))
    # A form sent back with errors answers 400 on purpose, and Chromium logs every 4xx document as a console
    # error; the test names the ones it expects here, and only those are forgiven.
    member.expected_errors = []
    yield member
    context.close()
    problems = [p for p in problems if not any(re.search(pattern, p) for pattern in member.expected_errors)]
    if problems:
        pytest.fail("The member's browser reported errors:\n" + "\n".join(problems), pytrace=False)


def _check(page, name: str) -> None:
    """axe (fails on serious and critical problems; lists the minor ones in the output) and a screenshot."""
    for violation in axe_check(page):
        targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        print(f"axe {name}: [{violation['impact']}] {violation['id']}: {violation['help']} -> {targets}")
    RESULTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(RESULTS_DIR / f"programs-{name}.png"), full_page=True)


def _continue(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Continue", exact=True).click()


def _add_question(
    page, *, prompt: str, type_: str, rule: str, options=(), weight: str = "", required=False, check: str = ""
) -> None:
    page.get_by_role("link", name="Add a question").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a question")
    if check:
        _check(page, check)
    page.get_by_label("Question (required)", exact=True).fill(prompt)
    page.get_by_label("Answer type (required)", exact=True).select_option(label=type_)
    if options:
        page.get_by_label("Options, one per line", exact=True).fill("\n".join(options))
    page.get_by_role("group", name="Asked of").get_by_label("Both", exact=True).check()
    if required:
        page.get_by_label("An answer is required", exact=True).check()
    page.get_by_role("group", name="How matching uses the answers").get_by_label(rule, exact=True).check()
    if weight:
        page.get_by_label("Weight (required)", exact=True).select_option(weight)
    with page.expect_navigation():
        page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("status").filter(has_text=f"Question “{prompt}” added.")).to_be_visible()


def test_admin_runs_group_enrollment_and_approves_the_demo_member(page, member_page, live_server, demo_data):
    # --- The admin creates a group program with the wizard ------------------------------------------
    sign_in(page, live_server, "admin@acme.example")
    expect(page).to_have_url(f"{live_server.url}/o/acme/")
    page.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name="Programs").click()
    expect(page).to_have_url(re.compile(r"/o/acme/programs/$"))
    page.get_by_role("link", name="New program", exact=True).click()
    expect(page).to_have_url(re.compile(r"/o/acme/programs/new/\?step=kind$"))

    expect(page.get_by_role("heading", level=1)).to_contain_text("Step 1 of 4")
    _check(page, "wizard-1-kind")
    page.get_by_label("Group mentoring circles", exact=True).check()
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Name and dates")
    page.get_by_label("Name (required)", exact=True).fill(NAME)
    page.get_by_label("Description", exact=True).fill("Peer circles for new team leads, with a facilitator.")
    page.get_by_label("Starts on", exact=True).fill("2026-09-01")
    page.get_by_label("Ends on", exact=True).fill("2027-02-28")
    # The group kind's default cadence is prefilled.
    expect(page.get_by_label("Sessions per month (required)", exact=True)).to_have_value("2")
    _check(page, "wizard-2-basics")
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Matching and eligibility")
    # Group defaults: circles of 4 to 6, up to 8 per facilitator.
    expect(page.get_by_label("Smallest circle (required)", exact=True)).to_have_value("4")
    expect(page.get_by_label("Largest circle (required)", exact=True)).to_have_value("6")
    _check(page, "wizard-3-matching")
    _continue(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Review and create")
    expect(page.get_by_role("heading", name="Enrollment form preview")).to_be_visible()
    expect(page.get_by_role("region", name="As a mentee sees it").get_by_text(DEFAULT_REQUIRED)).to_be_visible()
    _check(page, "wizard-4-review")
    with page.expect_navigation():
        page.get_by_role("button", name="Create the program").click()

    expect(page).to_have_url(re.compile(r"/o/acme/programs/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)
    expect(page.locator(".program-meta")).to_contain_text("Draft")
    program = Program.objects.get(organization__slug="acme", name=NAME)
    assert program.kind == Program.Kind.GROUP
    assert program.status == Program.Status.DRAFT
    assert (program.circle_min_size, program.circle_max_size) == (4, 6)
    ready_made = program.questions.count()
    assert ready_made > 0

    # --- Three questions in the form builder ---------------------------------------------------------
    program_nav = page.get_by_role("navigation", name=NAME)
    program_nav.get_by_role("link", name="Enrollment form").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Enrollment form: {NAME}")
    _add_question(
        page,
        prompt=SINGLE,
        type_="Single choice",
        options=["Morning", "Afternoon", "Evening"],
        rule="Prefer the same answer",
        weight="2",
        required=True,
        check="question-editor",
    )
    _add_question(
        page,
        prompt=MULTIPLE,
        type_="Multiple choice",
        options=["Giving feedback", "Running meetings", "Leading change", "Coaching others"],
        rule="Prefer overlapping answers",
        weight="4",
    )
    _add_question(page, prompt=TEXT, type_="Free text", rule="Not used for matching")

    questions = page.get_by_role("table", name="Questions in the order people see them")
    expect(questions.get_by_role("row")).to_have_count(1 + ready_made + 3)
    overlap_row = questions.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(MULTIPLE)))
    expect(overlap_row).to_contain_text("Multiple choice")
    expect(overlap_row).to_contain_text("Prefer overlapping answers, weight 4")
    mentee_preview = page.get_by_role("region", name="As a mentee")
    expect(mentee_preview.get_by_role("combobox", name=SINGLE)).to_be_disabled()
    expect(mentee_preview.get_by_role("group", name=MULTIPLE)).to_be_visible()
    expect(mentee_preview.get_by_role("textbox", name=TEXT)).to_be_disabled()
    _check(page, "questions")

    added = {q.prompt: q for q in program.questions.filter(prompt__in=[SINGLE, MULTIPLE, TEXT])}
    assert (added[SINGLE].type, added[SINGLE].rule, added[SINGLE].weight, added[SINGLE].required) == (
        Question.Type.SINGLE,
        Question.Rule.SAME,
        2,
        True,
    )
    assert added[SINGLE].options == ["Morning", "Afternoon", "Evening"]
    assert (added[MULTIPLE].type, added[MULTIPLE].rule, added[MULTIPLE].weight) == (
        Question.Type.MULTIPLE,
        Question.Rule.OVERLAP,
        4,
    )
    assert (added[TEXT].type, added[TEXT].rule, added[TEXT].weight) == (Question.Type.TEXT, Question.Rule.NONE, 0)

    # --- Open enrollment ------------------------------------------------------------------------------
    program_nav.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("button", name="Close enrollment and start matching")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("button", name="Open enrollment", exact=True).click()
    expect(page.locator(".program-meta")).to_contain_text("Enrolling")
    expect(page.get_by_role("button", name="Open enrollment", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name="Close enrollment and start matching")).to_be_visible()
    _check(page, "program-enrolling")
    program.refresh_from_db()
    assert program.status == Program.Status.ENROLLING

    # --- The member finds the program and applies as a mentee (own browser context) -------------------
    member = member_page
    sign_in(member, live_server, "member@acme.example")
    expect(member).to_have_url(f"{live_server.url}/o/acme/")
    member.get_by_role("navigation", name="Acme Corporation").get_by_role("link", name="Join a program").click()
    expect(member).to_have_url(re.compile(r"/o/acme/programs/open/$"))
    card = member.get_by_role("listitem").filter(has=member.get_by_role("heading", name=NAME, exact=True))
    expect(card).to_contain_text("Circles of 4 to 6 people")
    card.get_by_role("link", name="Apply as mentee").click()
    expect(member.get_by_role("heading", level=1)).to_have_text(f"Apply to {NAME} as mentee")
    _check(member, "enroll")

    # Submitting without the required answers keeps the person on the page with the problems marked.
    member.expected_errors.append(rf"status of 400 \(Bad Request\) \({re.escape(member.url)}:")
    with member.expect_navigation():
        member.get_by_role("button", name="Apply as mentee").click()
    expect(member.get_by_role("alert").filter(has_text="Please check the answers marked below.")).to_be_visible()
    # Keyboard and screen-reader users land on the first problem, and each error is read with its question.
    focus_group = member.get_by_role("group", name=re.compile(DEFAULT_REQUIRED))
    expect(focus_group.get_by_role("checkbox").first).to_be_focused()
    expect(focus_group).to_have_accessible_description(f"“{DEFAULT_REQUIRED}” is required.")
    time_of_day = member.get_by_role("combobox", name=re.compile(SINGLE))
    expect(time_of_day).to_have_attribute("aria-invalid", "true")
    expect(time_of_day).to_have_accessible_description(f"“{SINGLE}” is required.")
    skills = member.get_by_label("Skills you want to build with peers", exact=True)
    expect(skills).to_have_accessible_description(re.compile(r"^Separate skills with commas"))
    # Its ready-made skills are offered as suggestions while typing (the input's list).
    expect(member.locator(f"datalist#{skills.get_attribute('list')} option[value='Public speaking']")).to_have_count(1)
    _check(member, "enroll-errors")

    member.get_by_role("group", name=re.compile(DEFAULT_REQUIRED)).get_by_label("Leadership development").check()
    member.get_by_role("combobox", name=re.compile(SINGLE)).select_option("Evening")
    topics = member.get_by_role("group", name=re.compile(MULTIPLE))
    topics.get_by_label("Giving feedback").check()
    topics.get_by_label("Coaching others").check()
    member.get_by_role("textbox", name=re.compile(TEXT)).fill("I lead a team of five since March.")
    with member.expect_navigation():
        member.get_by_role("button", name="Apply as mentee").click()
    expect(member).to_have_url(re.compile(r"/o/acme/programs/open/$"))
    expect(member.get_by_role("status").filter(has_text=f"You applied to {NAME} as mentee.")).to_be_visible()
    enrollments = member.get_by_role("table").filter(has=member.get_by_role("rowheader", name=re.compile(NAME)))
    expect(enrollments.get_by_role("row").filter(has_text=NAME)).to_contain_text("Applied")

    participant = Participant.objects.select_related("employee").get(program=program)
    assert participant.employee.email == "member@acme.example"
    assert participant.role == Participant.Role.MENTEE
    assert participant.status == Participant.Status.APPLIED
    assert participant.answers[str(added[SINGLE].pk)] == "Evening"
    assert sorted(participant.answers[str(added[MULTIPLE].pk)]) == ["Coaching others", "Giving feedback"]
    assert participant.answers[str(added[TEXT].pk)] == "I lead a team of five since March."

    # --- The admin approves the application -----------------------------------------------------------
    page.reload()
    expect(page.get_by_role("region", name="Next step")).to_contain_text("1 application waiting for review.")
    page.get_by_role("navigation", name=NAME).get_by_role("link", name="Participants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Participants: {NAME}")
    row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=re.compile(participant.employee.name)))
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Applied")
    expect(row).to_contain_text("Mentee")
    _check(page, "participants")
    row.get_by_role("checkbox").check()
    expect(page.locator("#bulk-count")).to_have_text("1 selected.")
    with page.expect_navigation():
        page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="1 person approved.")).to_be_visible()
    expect(row.locator(".badge")).to_have_text("Approved")
    _check(page, "participants-approved")

    participant.refresh_from_db()
    assert participant.status == Participant.Status.APPROVED
    assert participant.decided_by.email == "admin@acme.example"
    assert participant.decided_at is not None

    # The member sees the decision on their own page.
    member.reload()
    expect(enrollments.get_by_role("row").filter(has_text=NAME)).to_contain_text("Approved")


SWEEP = "E2E Axe sweep"


def _sweep_program() -> Program:
    """An enrolling one-to-one program in acme with the kind's ready-made questions (every answer type) and
    a dozen applications, the demo member's among them. Built here rather than taken from the demo programs,
    whose state (enrolling, matching, active) moves on as the demo grows."""
    from mentorhub.accounts.models import Employee, Organization
    from programs.question_sets import QUESTION_SETS
    from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory

    acme = Organization.objects.get(slug="acme")
    program = ProgramFactory(
        organization=acme, name=SWEEP, kind=Program.Kind.ONE_ON_ONE, status=Program.Status.ENROLLING
    )
    questions = [
        QuestionFactory(program=program, position=position, **spec)
        for position, spec in enumerate(QUESTION_SETS[Program.Kind.ONE_ON_ONE])
    ]
    sample = {
        Question.Type.SINGLE: lambda q: q.options[0],
        Question.Type.MULTIPLE: lambda q: q.options[:2],
        Question.Type.SCALE: lambda q: 3,
        Question.Type.TEXT: lambda q: "Happy to meet early in the day.",
        Question.Type.TAGS: lambda q: q.options[:3],
    }
    answers = {str(q.pk): sample[q.type](q) for q in questions}
    member = Employee.objects.get(organization=acme, email="member@acme.example")
    ParticipantFactory(program=program, employee=member, answers=answers)
    others = Employee.objects.filter(organization=acme).exclude(pk=member.pk).order_by("email")[:11]
    for n, employee in enumerate(others):
        role = Participant.Role.MENTOR if n % 3 == 0 else Participant.Role.MENTEE
        capacity = 2 if role == Participant.Role.MENTOR else None
        ParticipantFactory(program=program, employee=employee, role=role, capacity=capacity, answers=answers)
    return program


def test_the_other_programs_pages_pass_axe(page, member_page, live_server, demo_data):
    """The pages the journey above does not pass through: the list, settings, invitations, the question
    editor, the confirmations, and the member's own pages (with a scale and a skills question)."""
    program = _sweep_program()
    sign_in(page, live_server, "admin@acme.example")
    page.goto(f"{live_server.url}/o/acme/programs/")
    expect(page.get_by_role("table", name="Mentoring programs of Acme Corporation")).to_contain_text(SWEEP)
    _check(page, "list")

    page.get_by_role("link", name=SWEEP, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(SWEEP)
    program_nav = page.get_by_role("navigation", name=SWEEP)
    program_nav.get_by_role("link", name="Settings").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(SWEEP)
    _check(page, "settings")
    program_nav.get_by_role("link", name="Invite").click()
    _check(page, "invite")

    program_nav.get_by_role("link", name="Enrollment form").click()
    page.get_by_role("link", name=re.compile(r"^Edit “")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit question")
    _check(page, "question-edit")
    page.go_back()
    page.get_by_role("link", name=re.compile(r"^Delete “")).first.click()
    _check(page, "question-delete")

    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/participants/?status=applied")
    rows = page.get_by_role("table", name=f"Participants of {SWEEP}").get_by_role("row")
    expect(rows).to_have_count(1 + 12)
    _check(page, "participants-sweep")
    page.get_by_role("checkbox", name="Select everyone on this page").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Decline…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Decline 12 people?")
    _check(page, "decline-confirm")
    assert not Participant.objects.filter(program=program, status=Participant.Status.DECLINED).exists()

    page.goto(f"{live_server.url}/o/acme/programs/{program.pk}/")
    page.get_by_role("link", name="Close the program…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Close “{SWEEP}”?")
    _check(page, "close-confirm")
    program.refresh_from_db()
    assert program.status == Program.Status.ENROLLING

    member = member_page
    sign_in(member, live_server, "member@acme.example")
    member.goto(f"{live_server.url}/o/acme/programs/open/")
    _check(member, "member-programs")
    mine = member.get_by_role("row").filter(has=member.get_by_role("rowheader", name=re.compile(SWEEP)))
    mine.get_by_role("link", name=re.compile(r"^Edit answers")).click()
    expect(member.get_by_role("heading", level=1)).to_have_text(f"Your answers for {SWEEP}")
    expect(member.get_by_role("group", name=re.compile("How experienced do you feel"))).to_be_visible()
    _check(member, "member-edit")
    member.go_back()
    mine.get_by_role("link", name=re.compile(r"^Withdraw")).click()
    expect(member.get_by_role("heading", level=1)).to_contain_text(SWEEP)
    _check(member, "member-withdraw")
