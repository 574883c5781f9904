"""A participant's mentoring record, for a performance review: the programs they took part in (name, kind), their
role, the period, the sessions held (how many, on which dates), the goals and milestones completed (titles only),
and the sections higher apps add (sessions/extensions.py: skills self-ratings and growth).

What it never reads, so it cannot show: shared session notes and agendas, private reflections and feedback,
goal descriptions and comments, survey answers. Everything is read for one Employee of one organization, the
person the record is about: the signed-in person's own, or the one a share link names."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from ..extensions import RecordSection, record_sections
from ..models import Goal, MentoringSession, Milestone, RecordShare
from .matches import STARTED_MATCH_STATUSES, match_places_of


@dataclass(frozen=True)
class RecordGoal:
    title: str
    done: bool
    completed_on: date | None
    milestones_done: tuple[str, ...]
    personal: bool  # the person's own goal, not the match's shared one


@dataclass
class RecordEntry:
    """One place in one match: a program, as mentor, mentee, facilitator or circle member."""

    program_name: str
    program_kind: str
    role: str
    status: str  # "Active", "Completed", "Ended early", "Left the match" (translated)
    started_on: date | None
    ended_on: date | None  # None while it goes on
    session_dates: list[date] = field(default_factory=list)
    goals: list[RecordGoal] = field(default_factory=list)
    active: bool = False  # the match goes on with this person in it (`status` is words in the reader's language)

    @property
    def sessions_held(self) -> int:
        return len(self.session_dates)

    @property
    def goals_completed(self) -> int:
        return sum(goal.done for goal in self.goals)

    @property
    def milestones_completed(self) -> int:
        return sum(len(goal.milestones_done) for goal in self.goals)


@dataclass
class MentoringRecord:
    organization_name: str
    person_name: str
    person_title: str
    department: str
    zone: str
    generated_at: datetime
    entries: list[RecordEntry]
    sections: list[RecordSection]

    @property
    def sessions_held(self) -> int:
        return sum(entry.sessions_held for entry in self.entries)

    @property
    def goals_completed(self) -> int:
        return sum(entry.goals_completed for entry in self.entries)

    @property
    def is_empty(self) -> bool:
        return not self.entries and not self.sections


def _local(moment: datetime | None, zone: ZoneInfo) -> date | None:
    return moment.astimezone(zone).date() if moment is not None else None


def _status(place: MatchMember) -> str:
    match = place.match
    if match.status == Match.Status.ACTIVE and not place.current:
        return _("Left the match")
    return match.get_status_display()


def _record_goal(goal: Goal, zone: ZoneInfo) -> RecordGoal | None:
    """What the record shows of a goal: its title if done, and the titles of its done milestones; a goal with
    neither is work in progress and stays out."""
    done = goal.status == Goal.Status.DONE
    milestones = tuple(m.title for m in goal.milestones.all() if m.done_at is not None)
    if not done and not milestones:
        return None
    return RecordGoal(
        title=goal.title,
        done=done,
        completed_on=_local(goal.completed_at, zone) if done else None,
        milestones_done=milestones,
        personal=goal.participant_id is not None,
    )


def mentoring_record(*, organization: Organization, employee: Employee, zone: str) -> MentoringRecord:
    """The record of `employee` in `organization`, dates in `zone`. Five queries, however long the history."""
    tz = ZoneInfo(zone)
    places = list(
        match_places_of(organization, employee)
        .filter(match__status__in=STARTED_MATCH_STATUSES)
        .select_related("match__program", "participant")
        .order_by("match__started_at", "match_id")
    )
    match_ids = [place.match_id for place in places]
    held: dict[int, list[date]] = {}
    for match_id, starts_at in (
        scoped(MentoringSession, organization)
        .filter(match_id__in=match_ids, status=MentoringSession.Status.HELD)
        .order_by("starts_at", "id")
        .values_list("match_id", "starts_at")
    ):
        held.setdefault(match_id, []).append(starts_at.astimezone(tz).date())
    # The matches' shared goals and the person's own goals in those programs; never other members' own goals.
    participant_ids = {place.participant_id for place in places}
    goals = (
        scoped(Goal, organization)
        .filter(Q(match_id__in=match_ids) | Q(match__isnull=True, participant_id__in=participant_ids))
        .only("id", "title", "status", "completed_at", "match_id", "participant_id", "program_id")
        .prefetch_related(
            Prefetch(
                "milestones",
                queryset=scoped(Milestone, organization)
                .only("id", "goal_id", "title", "done_at")
                .order_by("position", "due_on", "id"),
            )
        )
        .order_by("completed_at", "id")
    )
    by_match: dict[int, list[RecordGoal]] = {}
    by_participant: dict[int, list[RecordGoal]] = {}
    for goal in goals:
        line = _record_goal(goal, tz)
        if line is None:
            continue
        if goal.match_id is not None:
            by_match.setdefault(goal.match_id, []).append(line)
        elif goal.participant_id is not None:
            by_participant.setdefault(goal.participant_id, []).append(line)
    entries = []
    for place in places:
        match = place.match
        ended = match.ended_at if match.status in (Match.Status.COMPLETED, Match.Status.ENDED) else None
        # A person's own goals belong to their enrollment, not to one match: shown once, with its first match.
        own = by_participant.pop(place.participant_id, [])
        entries.append(
            RecordEntry(
                program_name=match.program.name,
                program_kind=match.program.get_kind_display(),
                role=place.get_role_display(),
                status=_status(place),
                started_on=_local(match.started_at, tz),
                ended_on=_local(ended, tz),
                session_dates=held.get(match.pk, []),
                goals=by_match.get(match.pk, []) + own,
                active=match.status == Match.Status.ACTIVE and place.current,
            )
        )
    entries.reverse()  # the latest first
    return MentoringRecord(
        organization_name=organization.name,
        person_name=employee.name,
        person_title=employee.title,
        department=employee.department,
        zone=zone,
        generated_at=timezone.now(),
        entries=entries,
        sections=record_sections(organization, employee),
    )


def record_shares_of(*, organization: Organization, employee: Employee) -> list[RecordShare]:
    """The person's share links, newest first (the open ones and the last closed ones)."""
    return list(scoped(RecordShare, organization).filter(employee=employee).order_by("-created_at", "-id")[:20])


def record_share_of(*, organization: Organization, employee: Employee, share_id: int) -> RecordShare | None:
    return scoped(RecordShare, organization).filter(employee=employee, pk=share_id).first()
