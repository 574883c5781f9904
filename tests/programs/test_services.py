from datetime import date

import pytest
from django.core.exceptions import ValidationError

from matching.rules import level_allowed
from mentorhub.accounts.models import AuditEvent
from programs.answers import answers_clean
from programs.eligibility import eligible_employees_q, employee_is_eligible
from programs.models import Participant, Program, Question
from programs.services.participants import (
    participant_enroll,
    participant_withdraw,
    participants_decide,
    participants_invite,
)
from programs.services.programs import program_allowed_moves, program_create, program_move
from programs.services.questions import question_create
from tests.factories import EmployeeFactory

from .factories import ParticipantFactory, ProgramFactory, QuestionFactory


def _create(org, admin, **data):
    return program_create(organization=org, actor=admin.user, data={"name": "Grow", **data})


class TestLifecycle:
    def test_create_is_a_draft_with_the_kind_question_set(self, org, admin):
        program = _create(org, admin, kind="reverse")
        assert program.status == Program.Status.DRAFT
        prompts = list(program.questions.values_list("prompt", flat=True))
        assert "Which topics do you want to learn about?" in prompts
        assert program.default_mentor_capacity == 1  # reverse default
        assert AuditEvent.objects.filter(organization=org, verb="program.create").count() == 1

    def test_allowed_path_to_closed(self, org, admin):
        program = _create(org, admin)
        for status in ["enrolling", "matching", "active", "closed"]:
            program = program_move(organization=org, actor=admin.user, program_id=program.pk, to_status=status)
            assert program.status == status
        assert program_allowed_moves(program) == []

    @pytest.mark.parametrize(
        ("start", "target"),
        [
            ("draft", "active"),
            ("draft", "matching"),
            ("enrolling", "active"),
            ("active", "enrolling"),
            ("closed", "draft"),
        ],
    )
    def test_refused_moves(self, org, admin, start, target):
        program = ProgramFactory(organization=org, status=start)
        QuestionFactory(program=program)
        with pytest.raises(ValidationError, match="cannot move"):
            program_move(organization=org, actor=admin.user, program_id=program.pk, to_status=target)
        program.refresh_from_db()
        assert program.status == start

    def test_open_enrollment_needs_a_question(self, org, admin):
        program = _create(org, admin, kind="group")
        program.questions.all().delete()
        with pytest.raises(ValidationError, match="at least one question"):
            program_move(organization=org, actor=admin.user, program_id=program.pk, to_status="enrolling")

    def test_move_of_another_orgs_program_is_not_found(self, org, admin, other_org):
        from django.http import Http404

        foreign = ProgramFactory(organization=other_org, status="draft")
        with pytest.raises(Http404):
            program_move(organization=org, actor=admin.user, program_id=foreign.pk, to_status="enrolling")

    def test_invalid_dates_and_sizes(self, org, admin):
        with pytest.raises(ValidationError) as exc:
            _create(
                org, admin, starts_on=date(2027, 3, 1), ends_on=date(2027, 1, 1), circle_min_size=9, circle_max_size=4
            )
        assert set(exc.value.message_dict) >= {"ends_on", "circle_max_size"}


class TestEligibility:
    def test_rules(self, org):
        program = ProgramFactory(
            organization=org, eligible_departments=["Sales"], eligible_job_levels=[2, 3], eligible_locations=[]
        )
        yes = EmployeeFactory(organization=org, department="Sales", job_level=2)
        wrong_dept = EmployeeFactory(organization=org, department="Finance", job_level=2)
        wrong_level = EmployeeFactory(organization=org, department="Sales", job_level=7)
        left = EmployeeFactory(organization=org, department="Sales", job_level=3, left_on=date(2020, 1, 1))
        assert employee_is_eligible(program=program, employee=yes)
        for person in (wrong_dept, wrong_level, left):
            assert not employee_is_eligible(program=program, employee=person)
        from mentorhub.accounts.models import Employee

        assert list(Employee.objects.filter(eligible_employees_q(program))) == [yes]

    def test_reverse_level_rule(self, org):
        reverse = ProgramFactory(organization=org, kind="reverse")
        classic = ProgramFactory(organization=org, kind="one_on_one")
        # The rule matching applies (programs only states it in the program kind's description).
        assert level_allowed(reverse.kind, mentor_level=2, mentee_level=7)
        assert not level_allowed(reverse.kind, mentor_level=7, mentee_level=2)
        assert not level_allowed(reverse.kind, mentor_level=4, mentee_level=4)
        assert level_allowed(classic.kind, mentor_level=7, mentee_level=2)
        assert not level_allowed(classic.kind, mentor_level=2, mentee_level=7)


class TestEnrollment:
    @pytest.fixture
    def program(self, org):
        program = ProgramFactory(organization=org, max_mentor_capacity=3, default_mentor_capacity=2)
        QuestionFactory(program=program, prompt="Format?", required=True)
        return program

    def _enroll(self, org, program, employee, role="mentee", answers=None, **kw):
        question = program.questions.first()
        answers = {str(question.pk): "In person"} if answers is None else answers
        return participant_enroll(
            organization=org, actor=None, program_id=program.pk, employee=employee, role=role, answers=answers, **kw
        )

    def test_enroll_and_duplicate_refused(self, org, program, employee):
        participant = self._enroll(org, program, employee)
        assert participant.status == Participant.Status.APPLIED
        with pytest.raises(ValidationError, match="already enrolled"):
            self._enroll(org, program, employee)
        assert Participant.objects.filter(program=program, employee=employee).count() == 1
        # The same person may still enroll in the other role.
        assert self._enroll(org, program, employee, role="mentor").capacity == 2

    def test_capacity_bounded_by_program_maximum(self, org, program, employee):
        with pytest.raises(ValidationError, match="from 1 to 3"):
            self._enroll(org, program, employee, role="mentor", capacity=4)

    def test_not_enrolling_refused(self, org, program, employee):
        program.status = "draft"
        program.save()
        with pytest.raises(ValidationError, match="not open"):
            self._enroll(org, program, employee)

    def test_other_orgs_employee_refused(self, org, program, other_employee):
        with pytest.raises(ValidationError, match="roster"):
            self._enroll(org, program, other_employee)

    def test_withdraw_then_reenroll(self, org, program, employee):
        participant = self._enroll(org, program, employee)
        participant_withdraw(organization=org, actor=None, participant_id=participant.pk)
        again = self._enroll(org, program, employee)
        assert again.pk == participant.pk and again.status == Participant.Status.APPLIED

    def test_bulk_decide(self, org, admin, program):
        people = [ParticipantFactory(program=program) for _ in range(3)]
        changed = participants_decide(
            organization=org,
            actor=admin.user,
            program_id=program.pk,
            participant_ids=[p.pk for p in people[:2]],
            decision="approve",
        )
        assert changed == 2
        assert sorted(Participant.objects.filter(program=program).values_list("status", flat=True)) == [
            "applied",
            "approved",
            "approved",
        ]

    def test_bulk_decide_ignores_other_orgs_ids(self, org, admin, program, other_org):
        foreign = ParticipantFactory(program=ProgramFactory(organization=other_org))
        changed = participants_decide(
            organization=org, actor=admin.user, program_id=program.pk, participant_ids=[foreign.pk], decision="decline"
        )
        assert changed == 0
        foreign.refresh_from_db()
        assert foreign.status == "applied"

    def test_bulk_invite(self, org, admin, program):
        sales = [EmployeeFactory(organization=org, department="Sales") for _ in range(2)]
        EmployeeFactory(organization=org, department="Finance", email="fin@alpha.test")
        result = participants_invite(
            organization=org,
            actor=admin.user,
            program_id=program.pk,
            role="mentee",
            departments=["Sales"],
            emails=["FIN@alpha.test", "nobody@alpha.test"],
        )
        assert result == {"invited": 3, "already_enrolled": 0, "not_found": ["nobody@alpha.test"]}
        assert Participant.objects.filter(program=program, status="invited").count() == 3
        # The invited person takes the invitation up by enrolling.
        participant = self._enroll(org, program, sales[0])
        assert participant.status == "applied"


class TestAnswers:
    @pytest.fixture
    def questions(self, org):
        program = ProgramFactory(organization=org)
        return {
            "single": QuestionFactory(program=program, type="single_choice", options=["A", "B"], required=True),
            "multi": QuestionFactory(program=program, type="multiple_choice", options=["X", "Y", "Z"], rule="overlap"),
            "scale": QuestionFactory(program=program, type="scale", options=[], rule="none", weight=0),
            "tags": QuestionFactory(program=program, type="tags", options=[], rule="overlap"),
            "mentor_only": QuestionFactory(program=program, type="text", options=[], rule="none", audience="mentor"),
        }

    def _clean(self, questions, answers, role="mentee"):
        return answers_clean(questions=questions.values(), role=role, answers=answers)

    def test_valid_answers_are_normalized(self, questions):
        q = questions
        cleaned = self._clean(
            q,
            {
                str(q["single"].pk): "A",
                str(q["multi"].pk): ["X", "X", "Z"],
                str(q["scale"].pk): "4",
                str(q["tags"].pk): "Python, SQL , ,Python",
            },
        )
        assert cleaned == {
            str(q["single"].pk): "A",
            str(q["multi"].pk): ["X", "Z"],
            str(q["scale"].pk): 4,
            str(q["tags"].pk): ["Python", "SQL"],
        }

    def test_missing_required(self, questions):
        with pytest.raises(ValidationError) as exc:
            self._clean(questions, {})
        assert "is required" in exc.value.message_dict[str(questions["single"].pk)][0]

    def test_unknown_option(self, questions):
        q = questions
        with pytest.raises(ValidationError) as exc:
            self._clean(q, {str(q["single"].pk): "C", str(q["multi"].pk): ["X", "W"]})
        errors = exc.value.message_dict
        assert "Choose one of: A, B" in errors[str(q["single"].pk)][0]
        assert "Unknown option: W" in errors[str(q["multi"].pk)][0]

    @pytest.mark.parametrize("value", ["seven", 7, 0, 2.5, True, ["3"]])
    def test_wrong_type_for_scale(self, questions, value):
        q = questions
        with pytest.raises(ValidationError) as exc:
            self._clean(q, {str(q["single"].pk): "A", str(q["scale"].pk): value})
        assert "1 to 5" in exc.value.message_dict[str(q["scale"].pk)][0]

    def test_question_of_other_role_refused(self, questions):
        q = questions
        with pytest.raises(ValidationError, match="not part of the form"):
            self._clean(q, {str(q["single"].pk): "A", str(q["mentor_only"].pk): "hi"})
        assert self._clean(q, {str(q["single"].pk): "A", str(q["mentor_only"].pk): "hi"}, role="mentor")


class TestQuestions:
    def test_choice_needs_two_options_and_weight_rules(self, org, admin):
        program = ProgramFactory(organization=org, status="draft")
        with pytest.raises(ValidationError) as exc:
            question_create(
                organization=org,
                actor=admin.user,
                program_id=program.pk,
                data={"prompt": "Pick", "type": "single_choice", "options": ["Only"], "rule": "same", "weight": 0},
            )
        assert {"options", "weight"} <= set(exc.value.message_dict)
        question = question_create(
            organization=org,
            actor=admin.user,
            program_id=program.pk,
            data={"prompt": "Pick", "type": "single_choice", "options": ["A", "B"], "rule": "must", "weight": 3},
        )
        assert question.weight == 0  # a hard filter has no weight
        assert question.type == Question.Type.SINGLE

    def test_questions_frozen_once_matching(self, org, admin):
        program = ProgramFactory(organization=org, status="matching")
        with pytest.raises(ValidationError, match="draft or enrolling"):
            question_create(
                organization=org, actor=admin.user, program_id=program.pk, data={"prompt": "Late?", "type": "text"}
            )
