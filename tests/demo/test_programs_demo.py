"""seed_demo's programs: one of each kind for acme, one for globex, plausible answers, safe to run twice."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from programs.answers import answers_clean
from programs.models import Participant, Program, Question


def _snapshot() -> dict:
    return {
        "programs": sorted(Program.objects.values_list("organization__slug", "name", "kind", "status")),
        "participants": Counter(Participant.objects.values_list("program__name", "role", "status")),
        "questions": Question.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_programs_are_idempotent_and_valid():
    call_command("seed_demo", stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert _snapshot() == first

    # The current programs (the analytics demo adds a past cohort, closed: tests/demo/test_analytics_demo.py).
    # Flash mentoring and the skills demo have programs of their own (demo/flash.py, tests/sessions/test_flash_demo.py;
    # tests/demo/test_skills_demo.py); the matched ones:
    acme = (
        Program.objects.filter(organization__slug="acme")
        .exclude(status=Program.Status.CLOSED)
        .exclude(name="Future Skills Mentoring")
    )
    assert sorted(acme.values_list("kind", flat=True)) == ["flash", "group", "one_on_one", "reverse"]
    acme = acme.exclude(kind=Program.Kind.FLASH)
    acme_total = Participant.objects.filter(program__in=acme).count()
    assert 110 <= acme_total <= 130
    globex = Program.objects.get(organization__slug="globex")
    assert (globex.name, globex.kind, globex.status) == ("Globex Mentoring", "one_on_one", "enrolling")
    assert 15 <= globex.participants.count() <= 25

    # Every enrollment passes the same validation as a real one; mentors have a capacity within bounds.
    questions = {}
    for participant in Participant.objects.select_related("program", "employee"):
        program = participant.program
        if program.pk not in questions:
            questions[program.pk] = list(Question.objects.filter(program=program))
        assert answers_clean(questions=questions[program.pk], role=participant.role, answers=participant.answers) == (
            participant.answers
        )
        assert participant.employee.organization_id == program.organization_id == participant.organization_id
        if participant.role == Participant.Role.MENTOR:
            assert 1 <= participant.capacity <= program.max_mentor_capacity
        else:
            assert participant.capacity is None

    statuses = Counter(Participant.objects.values_list("status", flat=True))
    # Approved people of acme's programs have been matched since (demo/matching.py).
    assert statuses["approved"] + statuses["matched"] > statuses["applied"] > 0 and statuses["waitlisted"] > 0

    reverse = acme.get(kind="reverse")
    levels = {
        role: {p.employee.job_level for p in reverse.participants.filter(role=role).select_related("employee")}
        for role in ("mentor", "mentee")
    }
    assert max(levels["mentor"]) <= 3 and min(levels["mentee"]) >= 6  # the mentor is the junior one

    # Her enrollment in a matched program (she also books flash sessions: demo/flash.py).
    demo_member = Participant.objects.exclude(program__kind="flash").get(employee__email="member@acme.example")
    assert (demo_member.program.name, demo_member.role) == ("Grow Together", "mentee")
