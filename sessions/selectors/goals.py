"""Goals, milestones and goal templates. A personal goal is seen by its participant and the mentors
(facilitators) of the matches they are in now; a match's goals by its members."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from matching.models import FOLLOWER_ROLES, LEAD_ROLES, Match, MatchMember
from matching.selectors import matches_with_members
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Program

from ..models import Goal, GoalComment, GoalTemplate, Milestone
from .matches import (
    STARTED_MATCH_STATUSES,
    match_members_of,
    match_places_of,
    started_matches_of,
)

_ordering = Goal._meta.ordering
assert _ordering is not None, "Goal.Meta sets its ordering"
GOAL_ORDER = tuple(_ordering)  # open goals first, by due date; done ones last
MILESTONE_ORDER = ("position", "due_on", "id")


def _goals(organization: Organization) -> QuerySet[Goal]:
    return (
        scoped(Goal, organization)
        .select_related("program", "match", "participant__employee", "created_by", "template")
        .prefetch_related(Prefetch("milestones", queryset=scoped(Milestone, organization).order_by(*MILESTONE_ORDER)))
    )


def visible_goals_q(organization: Organization, employee: Employee) -> Q:
    """Goals this person may see: of their matches (a finished match's too), their own, and the personal
    goals of the people they mentor now. A former mentor no longer sees a personal goal: it goes on with the
    person's next mentor, whose advice is not theirs to read."""
    in_match = match_places_of(organization, employee).filter(match__status__in=STARTED_MATCH_STATUSES)
    led_now = in_match.filter(role__in=LEAD_ROLES, current=True, match__status=Match.Status.ACTIVE).values("match_id")
    mentees = (
        scoped(MatchMember, organization)
        .filter(match_id__in=led_now, role__in=FOLLOWER_ROLES, current=True)
        .values("participant_id")
    )
    return (
        Q(match_id__in=in_match.values("match_id")) | Q(participant__employee=employee) | Q(participant_id__in=mentees)
    )


def goals_visible_to(*, organization: Organization, employee: Employee) -> QuerySet[Goal]:
    return _goals(organization).filter(visible_goals_q(organization, employee))


def goals_of_match(*, organization: Organization, match: Match, viewer: Employee) -> QuerySet[Goal]:
    """What `viewer` sees of a match's goals: its shared goals, and those personal goals of its members (in
    the same program) that the viewer may see: their own, and their mentees'."""
    participant_ids = [m.participant_id for m in match_members_of(match)]
    personal = Q(participant_id__in=participant_ids, program_id=match.program_id)
    return (
        _goals(organization)
        .filter(Q(match=match) | personal)
        .filter(visible_goals_q(organization, viewer))
        .order_by(*GOAL_ORDER)
    )


def goal_for_employee(*, organization: Organization, employee: Employee | None, goal_id: int) -> Goal:
    if employee is None:
        return get_scoped_or_404(Goal.objects.none(), organization, pk=goal_id)
    queryset = goals_visible_to(organization=organization, employee=employee).prefetch_related(
        Prefetch("comments", queryset=scoped(GoalComment, organization).select_related("author").order_by("created_at"))
    )
    return get_scoped_or_404(queryset, organization, pk=goal_id)


def milestone_for_employee(*, organization: Organization, employee: Employee | None, milestone_id: int) -> Milestone:
    if employee is None:
        return get_scoped_or_404(Milestone.objects.none(), organization, pk=milestone_id)
    visible = scoped(Goal, organization).filter(visible_goals_q(organization, employee)).values("pk")
    queryset = scoped(Milestone, organization).filter(goal_id__in=visible).select_related("goal")
    return get_scoped_or_404(queryset, organization, pk=milestone_id)


def goal_milestones(*, organization: Organization, goal: Goal) -> list[Milestone]:
    """A goal's milestones, in the order its page lists them."""
    return list(scoped(Milestone, organization).filter(goal=goal).order_by(*MILESTONE_ORDER))


def goal_progress(goal: Goal, milestones: list[Milestone] | None = None) -> int:
    """Percent done, from the milestones given or fetched with the goal (no query): done goals are 100."""
    if goal.status == Goal.Status.DONE:
        return 100
    if milestones is None:
        milestones = list(goal.milestones.all())
    if not milestones:
        return 0
    return round(100 * sum(1 for m in milestones if m.is_done) / len(milestones))


def program_goal_templates(*, organization: Organization, program: Program) -> QuerySet[GoalTemplate]:
    return scoped(GoalTemplate, organization).filter(program=program).order_by("position", "id")


def goal_template_get(*, organization: Organization, program: Program, template_id: int) -> GoalTemplate:
    return get_scoped_or_404(GoalTemplate.objects.filter(program=program), organization, pk=template_id)


def goal_list_of_employee(
    *, organization: Organization, employee: Employee, match_id: int | None = None, status: str = ""
) -> QuerySet[Goal]:
    """The goals a person sees, optionally those of one of their matches (its shared goals and the personal
    goals of its people that this person may see; none for a match that is not theirs) or of one status."""
    goals = goals_visible_to(organization=organization, employee=employee)
    if match_id is not None:
        match = started_matches_of(organization=organization, employee=employee).filter(pk=match_id).first()
        if match is None:
            return goals.none()
        goals = goals.filter(
            pk__in=goals_of_match(organization=organization, match=match, viewer=employee).values("pk")
        )
    if status:
        goals = goals.filter(status=status)
    return goals.order_by(*GOAL_ORDER)


def milestones_visible_to(*, organization: Organization, employee: Employee) -> QuerySet[Milestone]:
    """The milestones of the goals this person sees (milestone_for_employee, as a queryset)."""
    visible = scoped(Goal, organization).filter(visible_goals_q(organization, employee)).values("pk")
    return scoped(Milestone, organization).filter(goal_id__in=visible).select_related("goal")


def goal_matches(*, organization: Organization, goal: Goal) -> list[Match]:
    """The matches a goal belongs to, with their people: a shared goal's match, or the mentoring matches of a
    personal goal's participant (who may edit it, whose comments are a mentor's, where the page links back)."""
    matches = matches_with_members(organization).filter(status__in=STARTED_MATCH_STATUSES)
    if goal.match_id is not None:
        return list(matches.filter(pk=goal.match_id))
    assert goal.participant_id is not None, "a goal without a match is a personal goal (its check constraint)"
    places = (
        scoped(MatchMember, organization)
        .filter(participant_id=goal.participant_id)
        .exclude(response=MatchMember.Response.DECLINED)
        .values("match_id")
    )
    return list(matches.filter(pk__in=places).order_by("status", "-started_at", "-id"))
