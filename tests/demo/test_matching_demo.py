"""seed_demo's matches: acme's one-to-one and reverse programs active with accepted pairs, the group program in
active circles, the demo member in an active pair; running it again changes nothing."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command

from matching.models import Match, MatchMember, MatchRun
from programs.models import Participant, Program


def _snapshot() -> dict:
    return {
        "programs": sorted(Program.objects.values_list("organization__slug", "name", "status")),
        "matches": Counter(Match.objects.values_list("program__name", "kind", "status")),
        "members": MatchMember.objects.filter(current=True).count(),
        "runs": MatchRun.objects.count(),
        "participants": Counter(Participant.objects.values_list("program__name", "status")),
    }


@pytest.mark.django_db
def test_seed_demo_leaves_acme_matched_and_is_idempotent(mailoutbox):
    call_command("seed_demo", stdout=io.StringIO())
    first = _snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert _snapshot() == first
    assert mailoutbox == []  # seeding emails nobody

    acme = {p.name: p for p in Program.objects.filter(organization__slug="acme")}
    for name, kind in (
        ("Grow Together", "pair"),
        ("Digital Reverse Mentoring", "pair"),
        ("Leadership Circles", "circle"),
    ):
        program = acme[name]
        assert program.status == Program.Status.ACTIVE, name
        matches = Match.objects.filter(program=program)
        assert matches.count() >= 2 and set(matches.values_list("kind", flat=True)) == {kind}, name
        # Active, but for the few pairs the mentoring history (demo/sessions/) ended early, with a reason.
        statuses = set(matches.values_list("status", flat=True))
        assert Match.Status.ACTIVE in statuses and statuses <= {Match.Status.ACTIVE, Match.Status.ENDED}, name
        assert not matches.filter(status=Match.Status.ENDED, end_reason="").exists(), name
        members = MatchMember.objects.filter(program=program, current=True)
        assert set(members.values_list("response", flat=True)) == {"accepted"}, name
        # Everyone in an active match is "matched".
        assert set(Participant.objects.filter(match_memberships__in=members).values_list("status", flat=True)) == {
            "matched"
        }
    circles = Match.objects.filter(program=acme["Leadership Circles"])
    for circle in circles:
        roles = Counter(circle.members.filter(current=True).values_list("role", flat=True))
        assert roles["facilitator"] == 1
        assert (
            acme["Leadership Circles"].circle_min_size <= roles["member"] <= acme["Leadership Circles"].circle_max_size
        )

    demo = MatchMember.objects.get(participant__employee__email="member@acme.example", current=True)
    assert demo.match.program.name == "Grow Together" and demo.match.status == Match.Status.ACTIVE
    assert demo.role == "mentee" and demo.match.explanation

    # Globex's program is still enrolling, untouched.
    assert not Match.objects.filter(organization__slug="globex").exists()
