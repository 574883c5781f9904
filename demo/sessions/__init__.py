"""Demo mentoring history for `manage.py seed_demo`, after the demo matches (demo/matching.py): acme's three
programs are moved back so that they started about six months ago, and their matches get six months of
sessions, feedback, shared notes, goals with milestones and comments, and the reminders that went out.

Most matches thrive (a session every couple of weeks, good ratings), some are steady, a few went quiet: they
were nudged (and HR told), and some of those were ended early with a reason. The demo pair (member@acme.example
with mentor@acme.example) has a full history, an open milestone and its next session booked a few days ahead.

History is written in bulk (fast enough for `make run` and the browser tests), row by row as the services
would have left it: every row carries the organization, reminder rows use the planner's keys (so planning
again adds nothing) and are sent or skipped, never pending in the past. What lies ahead (next sessions,
milestone reminders) and the early ends go through the services. Idempotent: once acme has any session,
this does nothing. Deterministic apart from today's date.

content.py holds the texts and the shape of the stories, history.py builds each match's history in memory,
delivery.py the reminders and what lies ahead.
"""

from __future__ import annotations

import random
from datetime import UTC, timedelta

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from demo.audit_history import audit_history_writable
from demo.programs import DEMO_MEMBER_EMAIL, DEMO_MENTOR_EMAIL
from matching.models import Match, MatchMember
from mentorhub.accounts.models import AuditEvent, Membership, Organization, Role
from mentorhub.tenancy import scoped
from programs.models import Program
from sessions.models import (
    Goal,
    GoalComment,
    GoalTemplate,
    MentoringSession,
    Milestone,
    Notification,
    Reminder,
    SessionFeedback,
)
from sessions.selectors.notifications import unread_cache_key
from sessions.services.goals import goal_template_create
from sessions.services.reminders import program_admins

from .content import ENDED, PROGRAMS, QUIET, SEED, STALLED, STEADY, TEMPLATES, THRIVING
from .delivery import (
    Sent,
    add_milestone_reminders,
    add_nudges,
    add_session_reminders,
    book_next,
    end_early,
    plan_milestones,
)
from .history import Plan, build_feedback, build_goals, build_sessions, insert, new_plan, rewind_programs

K = Reminder.Kind


# --- The whole history -------------------------------------------------------------------------------------


def _stories(plans: list[Plan], rng: random.Random) -> None:
    """Most pairs thrive, a quarter are steady, eight went quiet: two nudged once lately, two stalled (HR told),
    four ended early (two by HR after the escalation, two by one of the pair). Circles keep going."""
    pairs = [p for p in plans if not p.demo and p.match.kind == Match.Kind.PAIR]
    rest = [p for p in pairs if DEMO_MENTOR_EMAIL not in {person.email for person in p.people}]
    rng.shuffle(rest)
    # Alternate the programs, so that each has its quiet matches.
    rank = {id(p): [q for q in rest if q.program == p.program].index(p) for p in rest}
    rest.sort(key=lambda p: rank[id(p)])
    quiet = [(QUIET, "", False)] * 2 + [(STALLED, "", True)] * 2
    quiet += [(ENDED, "hr", True)] * 2 + [(ENDED, "member", False)] * 2
    for plan, (story, end, escalated) in zip(rest, quiet, strict=False):
        plan.story, plan.end, plan.escalated = story, end, escalated
    for plan in rest[len(quiet) :][: len(rest) // 4]:
        plan.story = STEADY
    circles = [p for p in plans if p.match.kind == Match.Kind.CIRCLE]
    for index, plan in enumerate(circles):
        plan.story = STEADY if index % 2 else THRIVING


def _templates(organization: Organization, admin: Membership, programs: list[Program]) -> dict[int, list[GoalTemplate]]:
    """Each program's goal templates, as its admin made them before the start."""
    made: dict[int, list[GoalTemplate]] = {}
    for program in programs:
        for title, description, steps in TEMPLATES[program.name]:
            template = goal_template_create(
                organization=organization,
                actor=admin.user,
                program_id=program.pk,
                title=title,
                description=description,
                milestones=[{"title": t, "due_after_days": days} for t, days in steps],
            )
            made.setdefault(program.pk, []).append(template)
        when = program.created_at + timedelta(days=3)
        scoped(GoalTemplate, organization).filter(program=program).update(created_at=when, updated_at=when)
        ids = [str(t.pk) for t in made[program.pk]]
        with audit_history_writable() as writable:
            if writable:
                audit = scoped(AuditEvent, organization)
                audit.filter(verb="goal_template.create", target_id__in=ids).update(created_at=when)
    return made


@transaction.atomic
def seed_sessions_demo() -> dict[str, int]:
    """Write acme's six months of mentoring (safe to run again: once acme has a session, nothing happens).
    Returns the rows added per kind."""
    organization = Organization.objects.filter(slug="acme").first()
    if organization is None or scoped(MentoringSession, organization).exists():
        return {}
    admin = (
        scoped(Membership, organization).filter(role=Role.ADMIN).select_related("user").order_by("user__email").first()
    )
    programs = list(
        scoped(Program, organization).filter(name__in=PROGRAMS, status=Program.Status.ACTIVE).order_by("id")
    )
    if admin is None or not programs:
        return {}
    rng = random.Random(SEED)
    now = timezone.now().astimezone(UTC)
    rewind_programs(organization, programs, rng, now)

    members = (
        scoped(MatchMember, organization)
        .filter(program__in=programs, current=True, match__status=Match.Status.ACTIVE)
        .select_related("match__program", "participant__employee")
        .order_by("match_id", "id")
    )
    by_match: dict[int, list[MatchMember]] = {}
    for member in members:
        by_match.setdefault(member.match_id, []).append(member)
    plans = []
    for group in by_match.values():
        demo = {DEMO_MEMBER_EMAIL, DEMO_MENTOR_EMAIL} <= {m.participant.employee.email for m in group}
        plans.append(new_plan(group[0].match, group, rng, demo))
    _stories(plans, rng)

    for plan in plans:
        build_sessions(plan, rng, now)
    sessions = [s for plan in plans for s in plan.sessions]
    insert(MentoringSession, sessions, ("created_at", "updated_at"))
    feedback = [row for plan in plans for row in build_feedback(plan, rng, now)]
    insert(SessionFeedback, feedback, ("created_at", "updated_at"))

    templates = _templates(organization, admin, programs)
    goals, milestones, comments = [], [], []
    for plan in plans:
        plan.goals, more_milestones, more_comments = build_goals(plan, templates[plan.program.pk], rng, now)
        goals += plan.goals
        milestones += more_milestones
        comments += more_comments
    insert(Goal, goals, ("created_at", "updated_at"))
    insert(Milestone, milestones)
    insert(GoalComment, comments)

    sent = Sent(organization)
    admins = {program.pk: program_admins(organization, program) for program in programs}
    for plan in plans:
        if plan.story in (QUIET, STALLED, ENDED):
            add_nudges(plan, sent, admins[plan.program.pk], rng, now)
        if DEMO_MENTOR_EMAIL in {person.email for person in plan.people}:  # the demo people's own history
            add_session_reminders(plan, sent)
            add_milestone_reminders(plan, [m for m in milestones if m.goal in plan.goals], sent, now)
    sent.save()
    latest = scoped(Notification, organization).filter(kind=K.NUDGE_ESCALATION).order_by("-created_at", "-id").first()
    if latest is not None:  # the admin has not opened the newest "needs attention" yet
        scoped(Notification, organization).filter(pk=latest.pk).update(read_at=None)

    for plan in plans:
        if plan.end:
            end_early(organization, admin, plan, rng)
    booked = [book_next(organization, plan, rng, now) for plan in plans if plan.story in (THRIVING, STEADY)]
    plan_milestones(organization, plans, milestones, now)
    people = {p.pk for plan in plans for p in plan.people} | {a.pk for group in admins.values() for a in group}
    cache.delete_many([unread_cache_key(organization.pk, pk) for pk in people])
    return {
        "sessions": len(sessions) + len(booked),
        "feedback": len(feedback),
        "goals": len(goals),
        "milestones": len(milestones),
        "comments": len(comments),
        "reminders": scoped(Reminder, organization).count(),
        "notifications": scoped(Notification, organization).count(),
    }
