"""The last place of a mentor, accepted for two mentees at the same moment, in two real PostgreSQL
transactions on two connections: exactly one wins. Skipped without PostgreSQL; fails instead when
MENTORHUB_REQUIRE_SERVICES is set (CI)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from matching.models import Match, MatchMember, MentorRequest
from matching.services.choice import mentor_request_create, mentor_request_decide
from programs.models import Program
from tests.helpers import race, require_postgresql

from .builders import engine_cohort

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("repeat", range(3))
def test_two_acceptances_of_the_last_place_one_wins(org, repeat):
    require_postgresql()
    cohort = engine_cohort(org, match_mode=Program.MatchMode.MENTEE_CHOICE)
    mentor = cohort.add("mentor", skills=["Python"], capacity=2)
    earlier = cohort.add("mentee", skills=["Python"])
    first, second = cohort.add("mentee", skills=["Python"]), cohort.add("mentee", skills=["Python"])

    def ask(mentee):
        return mentor_request_create(
            organization=org,
            actor=None,
            employee=mentee.employee,
            program_id=cohort.program.pk,
            mentor_participant_id=mentor.pk,
        )

    def accept(request):
        return lambda: mentor_request_decide(
            organization=org, actor=None, employee=mentor.employee, request_id=request.pk, accept=True
        )

    # One of the two places is taken already; both mentees ask for the last one.
    mentor_request_decide(
        organization=org, actor=None, employee=mentor.employee, request_id=ask(earlier).pk, accept=True
    )
    requests = [ask(first), ask(second)]

    results = race(accept(requests[0]), accept(requests[1]))

    outcomes = sorted(kind for kind, _ in results)
    assert outcomes == ["error", "ok"], results
    error = next(value for kind, value in results if kind == "error")
    assert isinstance(error, ValidationError) and "no places left" in str(error)
    assert MatchMember.objects.filter(participant=mentor, current=True).count() == 2
    assert Match.objects.filter(program=cohort.program, status=Match.Status.ACTIVE).count() == 2
    statuses = sorted(MentorRequest.objects.filter(pk__in=[r.pk for r in requests]).values_list("status", flat=True))
    assert statuses == ["accepted", "pending"]
