"""HR admin pages for programs: the list, the wizard, the program page with its lifecycle buttons, the
settings page, and the role checks on every admin route."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from programs.models import Participant, Program
from programs.question_sets import QUESTION_SETS
from programs.services.programs import program_create
from tests.factories import EmployeeFactory, MembershipFactory
from tests.helpers import org_url, page_text

from .factories import ParticipantFactory, ProgramFactory, QuestionFactory


def _create(org, admin, **data) -> Program:
    return program_create(organization=org, actor=admin.user, data={"name": "Grow", **data})


def _status(program: Program, status: str) -> Program:
    Program.objects.filter(pk=program.pk).update(status=status)
    program.refresh_from_db()
    return program


# Every admin route of the programs app, with the objects it names.
ADMIN_ROUTES = [
    ("program-list", ()),
    ("program-create", ()),
    ("program-detail", ("program",)),
    ("program-edit", ("program",)),
    ("program-move", ("program",)),
    ("program-questions", ("program",)),
    ("question-create", ("program",)),
    ("question-edit", ("program", "question")),
    ("question-delete", ("program", "question")),
    ("question-move", ("program", "question")),
    ("program-participants", ("program",)),
    ("program-participants-decide", ("program",)),
    ("program-participants-export", ("program",)),
    ("program-invite", ("program",)),
]


def _route_url(name: str, needs: tuple[str, ...], slug: str, program: Program) -> str:
    kwargs = {"org_slug": slug}
    if "program" in needs:
        kwargs["program_pk"] = program.pk
    if "question" in needs:
        kwargs["question_pk"] = program.questions.first().pk
    return reverse(name, kwargs=kwargs)


class TestRoles:
    @pytest.mark.parametrize(("name", "needs"), ADMIN_ROUTES)
    def test_member_and_stakeholder_get_403(self, name, needs, org, admin, member_client, stakeholder_client):
        program = _create(org, admin)
        url = _route_url(name, needs, org.slug, program)
        for client in (member_client, stakeholder_client):
            assert client.get(url).status_code in (403, 405)
            assert client.post(url, {"to_status": "closed", "confirm": "yes"}).status_code in (403, 405)
        program.refresh_from_db()
        assert program.status == Program.Status.DRAFT
        assert program.questions.count() == len(QUESTION_SETS["one_on_one"])

    @pytest.mark.parametrize(("name", "needs"), ADMIN_ROUTES)
    def test_outsider_gets_404(self, name, needs, org, admin, outsider, outsider_client):
        program = _create(org, admin)
        # In the victim's organization, and naming the victim's objects inside their own.
        assert outsider_client.get(_route_url(name, needs, org.slug, program)).status_code == 404
        if needs:
            own = _route_url(name, needs, outsider.organization.slug, program)
            answers = {
                outsider_client.get(own).status_code,
                outsider_client.post(own, {"to_status": "closed", "confirm": "yes"}).status_code,
            }
            assert answers <= {404, 405} and 404 in answers
        program.refresh_from_db()
        assert program.status == Program.Status.DRAFT

    def test_anonymous_is_sent_to_sign_in(self, client, org):
        response = client.get(reverse("program-list", kwargs={"org_slug": org.slug}))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


class TestProgramList:
    def test_lists_programs_with_kind_status_and_counts(self, admin_client, org, admin, other_org):
        program = _create(org, admin, kind="group", starts_on=date(2026, 3, 1), ends_on=date(2026, 9, 30))
        ParticipantFactory.create_batch(2, program=program, role="mentor", status="approved")
        ParticipantFactory.create_batch(3, program=program, role="mentee", status="applied")
        ParticipantFactory(program=program, role="mentee", status="withdrawn")
        ProgramFactory(organization=other_org, name="Beta secret program")

        response = admin_client.get(reverse("program-list", kwargs={"org_slug": org.slug}))

        assert response.status_code == 200
        [row] = response.context["programs"]
        # Five questions joined with six participants must still count each participant once.
        assert (row.mentor_count, row.mentee_count, row.pending_count, row.question_count) == (2, 3, 3, 5)
        html = page_text(response)
        assert "Grow" in html and "Group mentoring circles" in html and "Draft" in html
        assert "Mar 1, 2026" in html and "Sep 30, 2026" in html
        assert "Beta secret program" not in html
        assert "New program" in html

    def test_empty_state_explains_the_three_kinds(self, admin_client, org):
        html = page_text(admin_client.get(reverse("program-list", kwargs={"org_slug": org.slug})))
        assert "No programs yet" in html
        for kind in ("One-to-one mentoring", "Group mentoring circles", "Reverse mentoring"):
            assert kind in html
        assert "junior employee mentors a more senior one" in html

    def test_query_count_does_not_grow_with_programs(self, admin_client, org, admin, django_assert_max_num_queries):
        for n in range(8):
            program = _create(org, admin, name=f"P{n}")
            ParticipantFactory.create_batch(3, program=program)
        with django_assert_max_num_queries(8):
            response = admin_client.get(reverse("program-list", kwargs={"org_slug": org.slug}))
        assert len(response.context["programs"]) == 8


def _wizard(client, org):
    return reverse("program-create", kwargs={"org_slug": org.slug})


def _step(client, org, step, action="next", **data):
    return client.post(_wizard(client, org), {"step": step, "action": action, **data})


class TestWizard:
    @pytest.mark.parametrize(
        ("kind", "cadence", "capacity", "mentor_prompt"),
        [
            ("one_on_one", 2, 2, "Which skills can you offer?"),
            ("group", 2, 6, "Which topics should your circle focus on?"),
            ("reverse", 1, 1, "Which topics can you teach?"),
        ],
    )
    def test_creates_each_kind_with_its_defaults(self, admin_client, org, kind, cadence, capacity, mentor_prompt):
        url = _wizard(admin_client, org)
        assert "What kind of program?" in page_text(admin_client.get(url))
        response = _step(admin_client, org, "kind", kind=kind)
        assert response.status_code == 302 and response["Location"].endswith("?step=basics")

        basics = admin_client.get(url + "?step=basics")
        assert basics.context["form"]["cadence_per_month"].value() == cadence
        response = _step(
            admin_client,
            org,
            "basics",
            name=f"Spring {kind}",
            description="Learn together",
            starts_on="2026-03-01",
            ends_on="2026-06-30",
            cadence_per_month=str(cadence),
        )
        assert response["Location"].endswith("?step=matching")

        matching = admin_client.get(url + "?step=matching")
        form = matching.context["form"]
        assert form["default_mentor_capacity"].value() == capacity
        assert ("circle_min_size" in form.fields) == (kind == "group")
        data = {
            "default_mentor_capacity": str(form["default_mentor_capacity"].value()),
            "max_mentor_capacity": str(form["max_mentor_capacity"].value()),
            "match_mode": "admin",
            "objective": form["objective"].value(),
        }
        if kind == "group":
            data.update(circle_min_size="4", circle_max_size="6")
        response = _step(admin_client, org, "matching", **data)
        assert response["Location"].endswith("?step=review")

        review = page_text(admin_client.get(url + "?step=review"))
        assert f"Spring {kind}" in review
        assert "As a mentee sees it" in review and mentor_prompt in review
        assert "disabled" in review  # the preview cannot be filled in

        response = _step(admin_client, org, "review", action="create")
        program = Program.objects.get(organization=org, name=f"Spring {kind}")
        assert response.status_code == 302
        assert response["Location"] == reverse(
            "program-detail", kwargs={"org_slug": org.slug, "program_pk": program.pk}
        )
        assert program.kind == kind and program.status == Program.Status.DRAFT
        assert program.cadence_per_month == cadence and program.default_mentor_capacity == capacity
        assert (program.starts_on, program.ends_on) == (date(2026, 3, 1), date(2026, 6, 30))
        assert program.questions.count() == len(QUESTION_SETS[kind])
        assert program.objective == ("participation" if kind == "group" else "score")
        # The wizard is finished: a new visit starts over.
        assert admin_client.get(url).context["step"] == "kind"

    def test_each_step_validates_with_clear_messages(self, admin_client, org):
        response = _step(admin_client, org, "kind")
        assert response.status_code == 400
        assert "Choose the kind of program." in page_text(response)

        _step(admin_client, org, "kind", kind="group")
        response = _step(
            admin_client, org, "basics", name="", starts_on="2026-05-01", ends_on="2026-04-01", cadence_per_month="0"
        )
        html = page_text(response)
        assert response.status_code == 400
        assert "Give the program a name." in html
        assert "The end date must be on or after the start date." in html
        assert "greater than or equal to 1" in html
        assert 'aria-invalid="true"' in html

        _step(admin_client, org, "basics", name="Circles", cadence_per_month="2")
        response = _step(
            admin_client,
            org,
            "matching",
            default_mentor_capacity="9",
            max_mentor_capacity="3",
            circle_min_size="6",
            circle_max_size="4",
            match_mode="admin",
            objective="score",
        )
        html = page_text(response)
        assert response.status_code == 400
        assert "The default cannot be more than the most a mentor may take." in html
        assert "The largest circle cannot be smaller than the smallest." in html
        assert not Program.objects.filter(organization=org).exists()

    def test_back_keeps_answers_and_steps_cannot_be_skipped(self, admin_client, org):
        url = _wizard(admin_client, org)
        # Nothing done yet: asking for the review shows the first step.
        assert admin_client.get(url + "?step=review").context["step"] == "kind"
        response = _step(admin_client, org, "review", action="create")
        assert response["Location"].endswith("?step=kind")

        _step(admin_client, org, "kind", kind="reverse")
        response = _step(admin_client, org, "basics", action="back", name="Half typed", cadence_per_month="1")
        assert response["Location"].endswith("?step=kind")
        kind_page = admin_client.get(url + "?step=kind")
        assert kind_page.context["form"]["kind"].value() == "reverse"
        # What was valid on the way back is kept.
        assert admin_client.get(url + "?step=basics").context["form"]["name"].value() == "Half typed"

    def test_changing_the_kind_brings_its_defaults(self, admin_client, org):
        url = _wizard(admin_client, org)
        _step(admin_client, org, "kind", kind="one_on_one")
        _step(admin_client, org, "basics", name="X", cadence_per_month="2")
        _step(
            admin_client,
            org,
            "matching",
            default_mentor_capacity="2",
            max_mentor_capacity="4",
            match_mode="admin",
            objective="score",
        )
        _step(admin_client, org, "kind", kind="reverse")
        assert admin_client.get(url + "?step=basics").context["form"]["cadence_per_month"].value() == 1
        matching = admin_client.get(url + "?step=matching").context["form"]
        assert matching["max_mentor_capacity"].value() == 2

    def test_eligibility_is_chosen_from_the_roster(self, admin_client, org, other_org):
        EmployeeFactory(organization=org, department="Sales", job_level=2, location="Lisbon")
        EmployeeFactory(organization=org, department="Finance", job_level=5, location="Austin")
        EmployeeFactory(organization=other_org, department="Beta Only Dept", job_level=9)
        url = _wizard(admin_client, org)
        _step(admin_client, org, "kind", kind="one_on_one")
        _step(admin_client, org, "basics", name="Sales growth", cadence_per_month="2")
        html = page_text(admin_client.get(url + "?step=matching"))
        assert "Sales" in html and "Finance" in html and "Lisbon" in html
        assert "Beta Only Dept" not in html
        _step(
            admin_client,
            org,
            "matching",
            default_mentor_capacity="2",
            max_mentor_capacity="4",
            eligible_departments=["Sales"],
            eligible_job_levels=["2", "5"],
            eligible_locations=["Lisbon"],
            max_time_zone_gap_hours="4",
            match_mode="mentee_choice",
            objective="participation",
        )
        review = page_text(admin_client.get(url + "?step=review"))
        assert "Mentees pick from suggestions" in review
        _step(admin_client, org, "review", action="create")
        program = Program.objects.get(organization=org, name="Sales growth")
        assert program.eligible_departments == ["Sales"]
        assert program.eligible_job_levels == [2, 5]
        assert program.eligible_locations == ["Lisbon"]
        assert program.max_time_zone_gap_hours == 4
        assert program.match_mode == "mentee_choice"

    def test_unknown_department_is_refused(self, admin_client, org):
        EmployeeFactory(organization=org, department="Sales")
        _step(admin_client, org, "kind", kind="one_on_one")
        _step(admin_client, org, "basics", name="X", cadence_per_month="2")
        response = _step(
            admin_client,
            org,
            "matching",
            default_mentor_capacity="2",
            max_mentor_capacity="4",
            eligible_departments=["Beta Only Dept"],
            match_mode="admin",
            objective="score",
        )
        assert response.status_code == 400
        assert "Select a valid choice" in page_text(response)

    def test_program_list_offers_to_resume(self, admin_client, org):
        list_url = reverse("program-list", kwargs={"org_slug": org.slug})
        assert "Continue the program you started" not in page_text(admin_client.get(list_url))
        _step(admin_client, org, "kind", kind="group")
        assert "Continue the program you started" in page_text(admin_client.get(list_url))
        # "New program" starts over.
        response = admin_client.get(_wizard(admin_client, org) + "?restart=1", follow=True)
        assert response.context["step"] == "kind"
        assert "Continue the program you started" not in page_text(admin_client.get(list_url))

    def test_wizard_state_is_kept_per_organization(self, org, admin, other_org):
        MembershipFactory(organization=other_org, user=admin.user, role="admin")
        from django.test import Client

        client = Client()
        client.force_login(admin.user)
        _step(client, org, "kind", kind="group")
        assert client.get(_wizard(client, other_org)).context["step"] == "kind"
        assert client.get(_wizard(client, org)).context["step"] == "basics"


def _detail(client, program):
    return client.get(
        reverse("program-detail", kwargs={"org_slug": program.organization.slug, "program_pk": program.pk})
    )


def _move(client, program, to_status, **extra):
    url = reverse("program-move", kwargs={"org_slug": program.organization.slug, "program_pk": program.pk})
    return client.post(url, {"to_status": to_status, **extra}, follow=True)


class TestProgramDetail:
    def test_shows_counts_and_next_action(self, admin_client, org, admin):
        EmployeeFactory.create_batch(3, organization=org, department="Sales")
        program = _status(_create(org, admin, eligible_departments=["Sales"]), "enrolling")
        ParticipantFactory(program=program, role="mentor", status="approved", capacity=3)
        ParticipantFactory(program=program, role="mentor", status="approved", capacity=2)
        ParticipantFactory.create_batch(2, program=program, role="mentee", status="applied")
        ParticipantFactory(program=program, role="mentee", status="waitlisted")

        response = _detail(admin_client, program)
        ctx = response.context
        assert ctx["eligible"] == 3 + 0  # only the Sales employees; participants are in Engineering
        assert ctx["totals"] == {"applied": 2, "approved": 2, "waitlisted": 1}
        assert ctx["mentor_capacity"] == 5
        html = page_text(response)
        assert "2 applications waiting for review." in html
        assert "Review applications" in html

    def test_links_reach_their_routes(self, admin_client, org, admin):
        """The program's navigation and the list write their links below one reversed address: each must be
        where its route is."""
        program = _status(_create(org, admin), "active")
        ParticipantFactory(program=program, role="mentee", status="applied")
        names = ["program-detail", "program-questions", "program-participants", "program-matching"]
        names += ["program-mentoring", "goal-templates", "program-surveys", "program-invite", "program-edit"]
        html = page_text(_detail(admin_client, program))
        for name in names:
            assert f'href="{reverse(name, kwargs={"org_slug": org.slug, "program_pk": program.pk})}"' in html, name
        listed = page_text(admin_client.get(reverse("program-list", kwargs={"org_slug": org.slug})))
        participants = reverse("program-participants", kwargs={"org_slug": org.slug, "program_pk": program.pk})
        for url in (reverse("program-detail", kwargs={"org_slug": org.slug, "program_pk": program.pk}), participants):
            assert f'href="{url}' in listed

    @pytest.mark.parametrize(
        ("status", "shown", "hidden"),
        [
            ("draft", ["Open enrollment", "Close the program…"], ["Start matching", "Activate", "Back to draft"]),
            ("enrolling", ["Back to draft", "start matching", "Close the program…"], ["Activate", "Open enrollment"]),
            ("matching", ["Reopen enrollment", "Activate the program"], ["Back to draft"]),
            ("active", ["Close the program…"], ["Open enrollment", "Activate", "Back to draft", "start matching"]),
            ("closed", ["This program is closed"], ["Close the program…", "Open enrollment", "Activate"]),
        ],
    )
    def test_lifecycle_buttons_only_when_allowed(self, admin_client, org, admin, status, shown, hidden):
        program = _status(_create(org, admin), status)
        html = page_text(_detail(admin_client, program))
        for label in shown:
            assert label in html, label
        for label in hidden:
            assert label not in html, label

    def test_next_action_for_a_draft_without_questions(self, admin_client, org, admin):
        program = _create(org, admin)
        program.questions.all().delete()
        assert "Add questions to the enrollment form, then open enrollment." in page_text(
            _detail(admin_client, program)
        )

    def test_open_enrollment(self, admin_client, org, admin):
        program = _create(org, admin)
        html = page_text(_move(admin_client, program, "enrolling"))
        program.refresh_from_db()
        assert program.status == "enrolling"
        assert "is now enrolling" in html

    def test_refused_move_shows_the_message(self, admin_client, org, admin):
        program = _create(org, admin)
        program.questions.all().delete()
        html = page_text(_move(admin_client, program, "enrolling"))
        assert "Add at least one question before opening enrollment." in html
        html = page_text(_move(admin_client, program, "active"))
        assert "A program that is draft cannot move to “Active”." in html
        program.refresh_from_db()
        assert program.status == "draft"

    def test_closing_asks_for_confirmation(self, admin_client, org, admin):
        program = _status(_create(org, admin), "active")
        url = reverse("program-move", kwargs={"org_slug": org.slug, "program_pk": program.pk})
        page = admin_client.get(url + "?to_status=closed")
        assert "cannot be reopened" in page_text(page)
        response = admin_client.post(url, {"to_status": "closed"})
        assert response.status_code == 200 and "Close “Grow”?" in page_text(response)
        program.refresh_from_db()
        assert program.status == "active"
        _move(admin_client, program, "closed", confirm="yes")
        program.refresh_from_db()
        assert program.status == "closed"


class TestProgramEdit:
    def _url(self, program):
        return org_url("program-edit", program.organization, program_pk=program.pk)

    def _data(self, program, **changes):
        data = {
            "kind": program.kind,
            "name": program.name,
            "description": program.description,
            "cadence_per_month": program.cadence_per_month,
            "default_mentor_capacity": program.default_mentor_capacity,
            "max_mentor_capacity": program.max_mentor_capacity,
            "match_mode": program.match_mode,
            "objective": program.objective,
        }
        if program.is_group:
            data.update(circle_min_size=program.circle_min_size, circle_max_size=program.circle_max_size)
        return {**data, **changes}

    def test_saves_settings(self, admin_client, org, admin):
        EmployeeFactory(organization=org, department="Sales")
        program = _create(org, admin)
        response = admin_client.post(
            self._url(program), self._data(program, name="Renamed", eligible_departments=["Sales"], kind="group")
        )
        assert response.status_code == 302
        program.refresh_from_db()
        assert program.name == "Renamed" and program.eligible_departments == ["Sales"] and program.kind == "group"

    def test_kind_is_fixed_after_draft_and_errors_are_shown(self, admin_client, org, admin):
        program = _status(_create(org, admin), "enrolling")
        page = admin_client.get(self._url(program))
        assert page.context["form"].fields["kind"].disabled
        response = admin_client.post(
            self._url(program), self._data(program, kind="group", starts_on="2026-05-01", ends_on="2026-01-01")
        )
        assert response.status_code == 400
        assert "The end date must be on or after the start date." in page_text(response)
        admin_client.post(self._url(program), self._data(program, kind="group", name="Still one to one"))
        program.refresh_from_db()
        assert program.kind == "one_on_one" and program.name == "Still one to one"

    def test_closed_program_is_read_only(self, admin_client, org, admin):
        program = _status(_create(org, admin), "closed")
        html = page_text(admin_client.get(self._url(program)))
        assert "can no longer change" in html and "Save settings" not in html
        admin_client.post(self._url(program), self._data(program, name="Changed"))
        program.refresh_from_db()
        assert program.name == "Grow"


def test_question_of_another_program_is_404(admin_client, org, admin):
    program = _create(org, admin)
    elsewhere = QuestionFactory(program=ProgramFactory(organization=org))
    url = reverse("question-edit", kwargs={"org_slug": org.slug, "program_pk": program.pk, "question_pk": elsewhere.pk})
    assert admin_client.get(url).status_code == 404


def test_participant_statuses_are_listed_for_each_role(admin_client, org, admin):
    program = _create(org, admin)
    ParticipantFactory(program=program, role="mentor", status=Participant.Status.MATCHED)
    rows = _detail(admin_client, program).context["statuses"]
    statuses = {label: (mentors, mentees) for label, mentors, mentees in rows}
    assert statuses["Matched"] == (1, 0)
