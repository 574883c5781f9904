"""Goals (a match's shared goals, or one participant's personal goal), their milestones and comments, and
the goal templates an HR admin offers per program.

Who changes a goal: for a match goal, the people currently in the (active) match; for a personal goal,
its participant and the mentors (facilitators) of their active matches in that program. Everyone who may
see a goal (sessions.selectors.visible_goals_q) may comment on it; the mentor's comments are its purpose.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import LEAD_ROLES, Match, MatchMember
from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Program

from ..models import Goal, GoalComment, GoalTemplate, Milestone
from ..page_cache import goal_people_changed
from ..selectors.goals import visible_goals_q
from .common import match_for_write
from .reminders import reminders_goal_closed, reminders_plan_milestone

GOAL_FIELDS = ("title", "description", "due_on", "status")
MAX_MILESTONES = 20
MAX_TEMPLATE_DAYS = 730


MAX_TITLE = 200


def _clean_title(title: str, field: str = "title") -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({field: [_("Give it a short title.")]})
    if len(title) > MAX_TITLE:
        too_long = _("“%(start)s…” is too long: at most %(count)s characters.") % {
            "start": title[:30],
            "count": MAX_TITLE,
        }
        raise ValidationError({field: [too_long]})
    return title


def goal_owners(organization: Organization, goal: Goal) -> list[Employee]:
    """Who a goal's milestone reminders go to: the match's current members, or the personal goal's owner."""
    if goal.participant is not None:
        return [goal.participant.employee]
    assert goal.match_id is not None, "a goal without an owner belongs to a match (its check constraint)"
    return [
        member.participant.employee
        for member in scoped(MatchMember, organization)
        .filter(match_id=goal.match_id, current=True)
        .select_related("participant__employee")
        .order_by("role", "id")
    ]


def _goal_for_write(
    organization: Organization, employee: Employee, goal_id: int | None = None, *, milestone_id: int | None = None
) -> Goal:
    """The goal (by its id, or the one holding `milestone_id`), locked, if `employee` may change it; 404 when
    they may not even see it. Every change of a goal and its milestones comes through here: the mentoring pages
    of who sees it are told (sessions/page_cache.py)."""
    lookup: dict[str, int | None] = {"pk": goal_id} if milestone_id is None else {"milestones__pk": milestone_id}
    goal = _goal_writable(organization, employee, lookup)
    goal_people_changed(organization=organization, goal=goal)
    return goal


def _goal_writable(organization: Organization, employee: Employee, lookup: dict[str, int | None]) -> Goal:
    visible = scoped(Goal, organization).filter(visible_goals_q(organization, employee))
    goal = get_scoped_or_404(
        visible.select_for_update(of=("self",)).select_related("match", "participant__employee", "program"),
        organization,
        **lookup,
    )
    if goal.match_id is not None:
        match_for_write(organization, employee, goal.match_id)  # active, and they are in it now
        return goal
    owner = goal.participant
    assert owner is not None, "a goal without a match is a personal goal (its check constraint)"
    if owner.employee_id == employee.pk:
        return goal
    mentors_now = (
        scoped(MatchMember, organization)
        .filter(
            participant__employee=employee,
            role__in=LEAD_ROLES,
            current=True,
            match__status=Match.Status.ACTIVE,
            match__members__participant_id=owner.pk,
            match__members__current=True,
        )
        .exists()
    )
    if not mentors_now:
        raise ValidationError(_("Only its owner and their current mentor can change this goal."))
    return goal


def _replan(organization: Organization, goal: Goal) -> None:
    owners = goal_owners(organization, goal)
    for milestone in scoped(Milestone, organization).filter(goal=goal):
        reminders_plan_milestone(organization=organization, milestone=milestone, recipients=owners)


@transaction.atomic
def goal_create(
    *,
    organization: Organization,
    employee: Employee,
    match_id: int,
    title: str = "",
    description: str = "",
    due_on: date | None = None,
    personal: bool = False,
    template_id: int | None = None,
    milestones: list[dict[str, Any]] | None = None,
) -> Goal:
    """A goal of the match (or, `personal`, of the person creating it, in the match's program). A template
    fills in what was left blank and adds its milestones, due the given number of days from today."""
    found = match_for_write(organization, employee, match_id)
    template = None
    if template_id is not None:
        template = get_scoped_or_404(
            GoalTemplate.objects.filter(program=found.match.program), organization, pk=template_id
        )
        title = title or template.title
        description = description or template.description
    goal = Goal(
        organization=organization,
        program=found.match.program,
        match=None if personal else found.match,
        participant=found.me.participant if personal else None,
        template=template,
        title=_clean_title(title),
        description=(description or "").strip(),
        due_on=due_on,
        created_by=employee,
    )
    goal.full_clean()
    goal.save()
    goal_people_changed(organization=organization, goal=goal)
    today = timezone.localdate()
    planned = list(milestones or [])
    if template is not None:
        planned += [
            {
                "title": item["title"],
                "due_on": None
                if item.get("due_after_days") is None
                else today + timedelta(days=item["due_after_days"]),
            }
            for item in template.milestones
        ]
    if len(planned) > MAX_MILESTONES:
        raise ValidationError({"milestones": [_("At most %(count)s milestones.") % {"count": MAX_MILESTONES}]})
    for position, item in enumerate(planned):
        Milestone(
            organization=organization,
            goal=goal,
            title=_clean_title(item.get("title", ""), "milestones"),
            due_on=item.get("due_on"),
            position=position,
        ).save()
    _replan(organization, goal)
    return goal


@transaction.atomic
def goal_update(*, organization: Organization, employee: Employee, goal_id: int, **changes: Any) -> Goal:
    unknown = set(changes) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    goal = _goal_for_write(organization, employee, goal_id)
    was_done = goal.status == Goal.Status.DONE
    if "title" in changes:
        changes["title"] = _clean_title(changes["title"])
    if "description" in changes:
        changes["description"] = (changes["description"] or "").strip()
    for field, value in changes.items():
        setattr(goal, field, value)
    goal.full_clean()
    is_done = goal.status == Goal.Status.DONE
    if is_done and not was_done:
        goal.completed_at = timezone.now()
    elif was_done and not is_done:
        goal.completed_at = None
    goal.save()
    if is_done:
        reminders_goal_closed(organization=organization, goal=goal)
    elif was_done:
        _replan(organization, goal)
    return goal


@transaction.atomic
def goal_delete(*, organization: Organization, employee: Employee, goal_id: int) -> None:
    goal = _goal_for_write(organization, employee, goal_id)
    goal.delete()  # milestones, comments and their reminders go with it (CASCADE)


@transaction.atomic
def milestone_add(
    *, organization: Organization, employee: Employee, goal_id: int, title: str, due_on: date | None = None
) -> Milestone:
    goal = _goal_for_write(organization, employee, goal_id)
    existing = scoped(Milestone, organization).filter(goal=goal)
    if existing.count() >= MAX_MILESTONES:
        raise ValidationError({"title": [_("A goal has at most %(count)s milestones.") % {"count": MAX_MILESTONES}]})
    position = (existing.aggregate(top=Max("position"))["top"] or 0) + 1
    milestone = Milestone(
        organization=organization, goal=goal, title=_clean_title(title), due_on=due_on, position=position
    )
    milestone.full_clean()
    milestone.save()
    reminders_plan_milestone(organization=organization, milestone=milestone, recipients=goal_owners(organization, goal))
    return milestone


def _milestone_for_write(organization: Organization, employee: Employee, milestone_id: int) -> Milestone:
    """The milestone, locked after its goal (found through the milestone: the goal's visibility is the
    milestone's), with that goal."""
    goal = _goal_for_write(organization, employee, milestone_id=milestone_id)
    milestone = get_scoped_or_404(Milestone.objects.select_for_update(), organization, pk=milestone_id, goal=goal)
    milestone.goal = goal
    return milestone


@transaction.atomic
def milestone_update(*, organization: Organization, employee: Employee, milestone_id: int, **changes: Any) -> Milestone:
    """Change a milestone's title or due date, or tick it off (`done`: True / False)."""
    unknown = set(changes) - {"title", "due_on", "done"}
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    milestone = _milestone_for_write(organization, employee, milestone_id)
    if "title" in changes:
        milestone.title = _clean_title(changes["title"])
    if "due_on" in changes:
        milestone.due_on = changes["due_on"]
    if "done" in changes:
        done = bool(changes["done"])
        if done and milestone.done_at is None:
            milestone.done_at, milestone.done_by = timezone.now(), employee
        elif not done:
            milestone.done_at, milestone.done_by = None, None
    # Its keys are rows this transaction has just read and locked (or the actor): checking they exist would be
    # a query each for nothing.
    milestone.full_clean(exclude=["organization", "goal", "done_by"])
    milestone.save(update_fields=["title", "due_on", "done_at", "done_by"])
    # Only an open milestone with a due date has a reminder to plan; otherwise its pending ones are dropped.
    planned = milestone.due_on is not None and not milestone.is_done
    recipients = goal_owners(organization, milestone.goal) if planned else []
    reminders_plan_milestone(organization=organization, milestone=milestone, recipients=recipients)
    return milestone


@transaction.atomic
def milestone_delete(*, organization: Organization, employee: Employee, milestone_id: int) -> None:
    _milestone_for_write(organization, employee, milestone_id).delete()


@transaction.atomic
def goal_comment_add(*, organization: Organization, employee: Employee, goal_id: int, body: str) -> GoalComment:
    """Who may change the goal may comment on it (mostly the mentor: advice, encouragement); people of a
    finished match may still read, not add."""
    goal = _goal_for_write(organization, employee, goal_id)
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": [_("Write a comment first.")]})
    comment = GoalComment(organization=organization, goal=goal, author=employee, body=body)
    comment.full_clean()
    comment.save()
    return comment


# --- Templates (HR admins) ---------------------------------------------------------------------------------


def template_milestones_clean(items: Any) -> list[dict[str, Any]]:
    """[{title, due_after_days}] from a list of dicts, or from lines "title | days" (days optional)."""
    if isinstance(items, str):
        rows: list[dict[str, Any]] = []
        for number, line in enumerate(items.splitlines(), start=1):
            if not line.strip():
                continue
            title, _bar, days_text = line.partition("|")
            days_text = days_text.strip()
            if days_text and not (days_text.isascii() and days_text.isdigit()):
                raise ValidationError(
                    {"milestones": [_("Line %(number)s: after “|” give a number of days.") % {"number": number}]}
                )
            rows.append({"title": title, "due_after_days": int(days_text) if days_text else None})
        items = rows
    if not isinstance(items, list):
        raise ValidationError({"milestones": [_("Give the milestones as a list.")]})
    cleaned: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise ValidationError({"milestones": [_("Each milestone has a title and, optionally, due_after_days.")]})
        days = item.get("due_after_days")
        if days is not None and (
            not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_TEMPLATE_DAYS
        ):
            raise ValidationError(
                {"milestones": [_("Days after the start run from 0 to %(count)s.") % {"count": MAX_TEMPLATE_DAYS}]}
            )
        cleaned.append({"title": _clean_title(str(item.get("title", "")), "milestones"), "due_after_days": days})
    if len(cleaned) > MAX_MILESTONES:
        raise ValidationError({"milestones": [_("At most %(count)s milestones.") % {"count": MAX_MILESTONES}]})
    return cleaned


def _save_template(template: GoalTemplate) -> GoalTemplate:
    template.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError:
        raise ValidationError({"title": [_("This program has a goal template with that title already.")]}) from None
    return template


@transaction.atomic
def goal_template_create(
    *,
    organization: Organization,
    actor: User,
    program_id: int,
    title: str,
    description: str = "",
    milestones: Any = (),
) -> GoalTemplate:
    program = get_scoped_or_404(Program, organization, pk=program_id)
    position = (
        scoped(GoalTemplate, organization).filter(program=program).aggregate(top=Max("position"))["top"] or 0
    ) + 1
    template = _save_template(
        GoalTemplate(
            organization=organization,
            program=program,
            title=_clean_title(title),
            description=(description or "").strip(),
            milestones=template_milestones_clean(list(milestones) if isinstance(milestones, tuple) else milestones),
            position=position,
        )
    )
    audit_record(organization=organization, actor=actor, verb="goal_template.create", target=template)
    return template


@transaction.atomic
def goal_template_update(
    *, organization: Organization, actor: User, program_id: int, template_id: int, **changes: Any
) -> GoalTemplate:
    unknown = set(changes) - {"title", "description", "milestones"}
    if unknown:
        raise ValidationError(_("These cannot be changed here: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    template = get_scoped_or_404(
        GoalTemplate.objects.select_for_update().filter(program_id=program_id), organization, pk=template_id
    )
    if "title" in changes:
        template.title = _clean_title(changes["title"])
    if "description" in changes:
        template.description = (changes["description"] or "").strip()
    if "milestones" in changes:
        template.milestones = template_milestones_clean(changes["milestones"])
    _save_template(template)
    audit_record(organization=organization, actor=actor, verb="goal_template.update", target=template)
    return template


@transaction.atomic
def goal_template_delete(*, organization: Organization, actor: User, program_id: int, template_id: int) -> None:
    """Goals made from it stay as they are."""
    template = get_scoped_or_404(GoalTemplate.objects.filter(program_id=program_id), organization, pk=template_id)
    audit_record(organization=organization, actor=actor, verb="goal_template.delete", target=template)
    template.delete()
