"""Data for the sessions tests: an active pair (or circle) whose people can sign in, with everything made
directly (the matching engine is tested elsewhere). Times are explicit, so tests can state them. And for the
API tests: an API address, a JSON request, times to the second, and sessions scheduled ahead or held."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Membership, Organization, Role
from programs.models import Participant, Program
from sessions.models import MentoringSession
from sessions.services.sessions import session_log_past, session_schedule
from tests.factories import MembershipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory


@dataclass
class Pair:
    program: Program
    match: Match
    mentor: Membership
    mentee: Membership
    others: list[Membership] = field(default_factory=list)  # circle members beyond the mentee

    @property
    def members(self) -> list[Membership]:
        return [self.mentor, self.mentee, *self.others]

    def client(self, membership: Membership) -> Client:
        client = Client()
        client.force_login(membership.user)
        return client


def person(org: Organization, email: str, *, zone: str = "Europe/London", name: str = "", level: int = 3) -> Membership:
    membership = MembershipFactory(
        organization=org,
        role=Role.MEMBER,
        user__email=email,
        employee__time_zone=zone,
        employee__job_level=level,
        **({"employee__name": name} if name else {}),
    )
    membership.user.time_zone = zone
    membership.user.save(update_fields=["time_zone"])
    return membership


def active_pair(
    org: Organization,
    *,
    mentor: Membership | None = None,
    mentee: Membership | None = None,
    program: Program | None = None,
    started_at: datetime | None = None,
    circle_members: int = 0,
    status: str = Match.Status.ACTIVE,
    **program_fields,
) -> Pair:
    program = program or ProgramFactory(organization=org, status=Program.Status.ACTIVE, **program_fields)
    mentor = mentor or person(org, f"mentor{Match.objects.count()}@{org.slug}.test", name="Morgan Mentor", level=7)
    mentee = mentee or person(org, f"mentee{Match.objects.count()}@{org.slug}.test", name="Ellis Mentee", level=2)
    others = [
        person(org, f"member{i}.{Match.objects.count()}@{org.slug}.test", name=f"Circle Member {i}")
        for i in range(circle_members)
    ]
    started = started_at or timezone.now() - timedelta(days=30)
    match = Match.objects.create(
        organization=org,
        program=program,
        kind=Match.Kind.CIRCLE if circle_members else Match.Kind.PAIR,
        status=status,
        score=0.8,
        approved_at=started - timedelta(days=2),
        started_at=started,
    )
    current = status in Match.CURRENT_STATUSES
    roles = [
        (mentor, "facilitator" if circle_members else "mentor"),
        (mentee, "member" if circle_members else "mentee"),
    ]
    roles += [(m, "member") for m in others]
    for membership, role in roles:
        participant_role = Participant.Role.MENTOR if role in ("mentor", "facilitator") else Participant.Role.MENTEE
        # A mentor with several mentees in one program has one enrollment.
        participant = Participant.objects.filter(
            program=program, employee=membership.employee, role=participant_role
        ).first() or ParticipantFactory(
            program=program, employee=membership.employee, role=participant_role, status=Participant.Status.MATCHED
        )
        MatchMember.objects.create(
            organization=org,
            program=program,
            match=match,
            participant=participant,
            role=role,
            current=current,
            response=MatchMember.Response.ACCEPTED,
        )
    return Pair(program=program, match=match, mentor=mentor, mentee=mentee, others=others)


PRIVATE = "I felt out of my depth on the budget talk"  # a reflection: its author's alone
NOTES = "Agreed: draft the promotion case by Friday"  # shared notes: the match's people only


def api(name: str, org, **kwargs) -> str:
    return reverse(f"api-{name}", kwargs={"org_slug": org.slug, **kwargs})


def send(client: Client, method: str, url: str, data=None):
    return getattr(client, method)(url, data if data is not None else {}, content_type="application/json")


def at(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def ahead(days: float = 3) -> datetime:
    return at(timezone.now() + timedelta(days=days))


def api_schedule(org, pair, starts_at=None, by=None, **fields) -> MentoringSession:
    return session_schedule(
        organization=org,
        actor=None,
        employee=(by or pair.mentee).employee,
        match_id=pair.match.pk,
        starts_at=starts_at or ahead(),
        **fields,
    )


def api_held(org, pair, days_ago: float = 2, by=None, **fields) -> MentoringSession:
    return session_log_past(
        organization=org,
        actor=None,
        employee=(by or pair.mentee).employee,
        match_id=pair.match.pk,
        starts_at=at(timezone.now() - timedelta(days=days_ago)),
        **fields,
    )
