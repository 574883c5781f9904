"""Demo matches for `manage.py seed_demo`, after the demo programs (demo/programs.py): acme's one-to-one and
reverse programs are matched, approved and active (everyone accepted), and its group program runs in
circles. The demo member (member@acme.example) has an active match in the one-to-one program, with the demo
mentor (mentor@acme.example).

Everything goes through the services, as an admin and the participants would do it; the runs execute in
this process. Idempotent: a program that has any match already is left as it is.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from demo.programs import DEMO_MEMBER_EMAIL, DEMO_MENTOR_EMAIL, admin_of
from matching.models import Match, MatchMember
from matching.services.responses import match_respond
from matching.services.review import match_set_mentee, match_swap, matches_approve
from matching.services.runs import match_run_execute, match_run_start
from mentorhub.accounts.models import Membership, Organization
from mentorhub.tenancy import scoped
from programs.models import Participant, Program
from programs.services.participants import participants_decide
from programs.services.programs import program_move

DEMO_PROGRAMS = ("Grow Together", "Digital Reverse Mentoring", "Leadership Circles")
DEMO_MEMBER_PROGRAM = "Grow Together"


def _demo_member(organization: Organization, program: Program) -> Participant | None:
    return (
        scoped(Participant, organization)
        .filter(program=program, employee__email=DEMO_MEMBER_EMAIL, role=Participant.Role.MENTEE)
        .first()
    )


def _ensure_demo_member_matched(organization: Organization, actor, program: Program, participant: Participant) -> None:
    """The solver decides on fit alone; the demo needs this one person matched. If they were left out, they
    take the place of the weakest proposed pair whose mentor may mentor them."""
    if scoped(MatchMember, organization).filter(participant=participant, current=True).exists():
        return
    for match in scoped(Match, organization).filter(program=program, status=Match.Status.PROPOSED).order_by("score"):
        try:
            with transaction.atomic():
                match_set_mentee(
                    organization=organization, actor=actor, match_id=match.pk, mentee_participant_id=participant.pk
                )
            return
        except Exception:  # noqa: S112 - not allowed with this mentor (must question, chain...): try the next
            continue


def _ensure_demo_pair(organization: Organization, actor, program: Program, member: Participant) -> None:
    """The demo mentor (mentor@acme.example) mentors the demo member, so the pair can be seen from both sides.
    The admin's own edits do it: swap the mentor of the demo member's proposal; when the demo mentor has no
    room left, their weakest other proposal goes to the demo member's mentor first."""
    mentor = (
        scoped(Participant, organization)
        .filter(program=program, employee__email=DEMO_MENTOR_EMAIL, role=Participant.Role.MENTOR)
        .first()
    )
    mine = (
        scoped(MatchMember, organization)
        .filter(participant=member, current=True, match__status=Match.Status.PROPOSED)
        .select_related("match")
        .first()
    )
    if mentor is None or mine is None:
        return
    lead = (
        scoped(MatchMember, organization).filter(match=mine.match, current=True, role=MatchMember.Role.MENTOR).first()
    )
    if lead is not None and lead.participant_id == mentor.pk:
        return
    others = scoped(Match, organization).filter(
        status=Match.Status.PROPOSED, members__participant=mentor, members__current=True
    )
    for other in [None, *others.order_by("score", "id")]:
        try:
            with transaction.atomic():
                if other is not None and lead is not None:
                    match_swap(
                        organization=organization,
                        actor=actor,
                        match_id=other.pk,
                        mentor_participant_id=lead.participant_id,
                    )
                match_swap(
                    organization=organization, actor=actor, match_id=mine.match_id, mentor_participant_id=mentor.pk
                )
            return
        except ValidationError:  # no room, or a pair the rules forbid: try the next way
            continue


def _match_program(organization: Organization, admin: Membership, program: Program) -> int:
    actor = admin.user
    if program.name == DEMO_MEMBER_PROGRAM:
        member = _demo_member(organization, program)
        if member is not None and member.status == Participant.Status.APPLIED:
            participants_decide(
                organization=organization,
                actor=actor,
                program_id=program.pk,
                participant_ids=[member.pk],
                decision="approve",
            )
    if program.status == Program.Status.ENROLLING:
        program_move(organization=organization, actor=actor, program_id=program.pk, to_status=Program.Status.MATCHING)
    run = match_run_start(organization=organization, actor=actor, program_id=program.pk, queue=False)
    match_run_execute(organization_id=organization.pk, run_id=run.pk)
    if program.name == DEMO_MEMBER_PROGRAM:
        member = _demo_member(organization, program)
        if member is not None:
            _ensure_demo_member_matched(organization, actor, program, member)
            _ensure_demo_pair(organization, actor, program, member)
    approved = matches_approve(organization=organization, actor=actor, program_id=program.pk, notify=False)
    # Everyone accepts: the matches become active and their people "matched".
    match_members = (
        scoped(MatchMember, organization)
        .filter(program=program, current=True, match__status=Match.Status.APPROVED)
        .select_related("participant__employee")
        .order_by("match_id", "id")
    )
    for match_member in list(match_members):
        match_respond(
            organization=organization,
            actor=None,
            employee=match_member.participant.employee,
            match_id=match_member.match_id,
            accept=True,
        )
    program.refresh_from_db()
    if program.status == Program.Status.MATCHING:
        program_move(organization=organization, actor=actor, program_id=program.pk, to_status=Program.Status.ACTIVE)
    return approved


@transaction.atomic
def seed_matching_demo() -> dict[str, int]:
    """Match acme's demo programs (safe to run again). Returns the matches made per program."""
    made: dict[str, int] = {}
    organization = Organization.objects.filter(slug="acme").first()
    if organization is None:
        return made
    admin = admin_of(organization)
    if admin is None:
        return made
    for name in DEMO_PROGRAMS:
        program = scoped(Program, organization).filter(name=name).order_by("id").first()
        if program is None or program.status not in (Program.Status.ENROLLING, Program.Status.MATCHING):
            continue
        if scoped(Match, organization).filter(program=program).exists():
            continue  # matched before: whatever the demo admin did since stays
        made[name] = _match_program(organization, admin, program)
    return made
