"""Reads of the analytics app: a person's own survey assignments, the surveys of a program with their
questions and response rates, a person's own self-identification; and, for the dashboards beyond the reports
themselves (analytics.reports), roll-up runs, when the figures were computed, and which at-risk matches were
nudged today. Every query is scoped by organization in the query itself, and prefetched so that templates
and serializers never query per row.

Confidential by construction: nothing here returns survey answers or self-identification of anyone but the
person asking (`employee`); admins get counts of assignments, never what anyone answered."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from matching.models import LEAD_ROLES, MatchMember
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped
from programs.models import Participant, Program, Question, Skill
from programs.skills import answered_skills, skill_key, text_names, title_suggests
from sessions.models import Reminder

from . import suppression
from .models import ParticipantFact, RollupRun, SelfIdentification, Survey, SurveyAssignment, SurveyQuestion
from .suppression import PRIMARY, Figure
from .survey_schedule import closed_q

# --- A person's own assignments ----------------------------------------------------------------------------


def _match_members_prefetch(organization: Organization) -> Prefetch:
    """The members of each assignment's match (never those who declined it), leads first."""
    return Prefetch(
        "match__members",
        queryset=scoped(MatchMember, organization)
        .exclude(response=MatchMember.Response.DECLINED)
        .select_related("participant__employee")
        .order_by("role", "participant__employee__name", "id"),
    )


def assignments_of(*, organization: Organization, employee: Employee | None, status: str = "") -> QuerySet:
    """The surveys this person was asked to answer, newest first, with survey, program, match and its people."""
    if employee is None:
        return SurveyAssignment.objects.none()
    queryset = (
        scoped(SurveyAssignment, organization)
        .filter(respondent=employee)
        .select_related("survey", "program", "match")
        .prefetch_related(_match_members_prefetch(organization))
        .order_by("-due_at", "-id")
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def open_assignments(queryset: QuerySet, now: datetime) -> QuerySet:
    """Those of `queryset` that still take answers at `now` (open, and not closed by time or a match's end,
    even before the planner marks them expired)."""
    return queryset.filter(status=SurveyAssignment.Status.OPEN).exclude(closed_q(now))


def assignments_in_state(queryset: QuerySet, state: str, now: datetime) -> QuerySet:
    """Those of `queryset` whose state at `now` is "open", "answered" or "expired" (survey_schedule's rule:
    an open one whose time is up counts as expired already)."""
    if state == SurveyAssignment.Status.OPEN:
        return open_assignments(queryset, now)
    if state == SurveyAssignment.Status.EXPIRED:
        return queryset.filter(
            Q(status=SurveyAssignment.Status.EXPIRED) | (Q(status=SurveyAssignment.Status.OPEN) & closed_q(now))
        )
    return queryset.filter(status=state)


def open_assignments_due(*, organization: Organization, employee: Employee, now: datetime) -> QuerySet:
    """What the person still has to answer: open, and due by now (oldest first)."""
    mine = assignments_of(organization=organization, employee=employee)
    return open_assignments(mine, now).filter(due_at__lte=now).order_by("due_at", "id")


def assignment_for_respondent(
    *, organization: Organization, employee: Employee | None, assignment_id: int
) -> SurveyAssignment:
    """One of this person's own assignments with its survey's questions, or 404: anyone else's answers 404
    exactly like one that does not exist (the respondent is part of the query)."""
    queryset = assignments_of(organization=organization, employee=employee).prefetch_related(
        Prefetch("survey__questions", queryset=scoped(SurveyQuestion, organization).order_by("position", "id"))
    )
    return get_scoped_or_404(queryset, organization, pk=assignment_id)


def other_match_members(assignment: SurveyAssignment) -> list[Employee]:
    """The others in the assignment's match, from the prefetched members (no query): leads first."""
    members = [m for m in assignment.match.members.all() if m.participant.employee_id != assignment.respondent_id]
    members.sort(key=lambda m: (m.role not in LEAD_ROLES, m.participant.employee.name, m.pk))
    return [m.participant.employee for m in members]


def names(people: list[Employee]) -> str:
    """“Ana Ruiz”, “Ana Ruiz and Bo Chen”, “Ana Ruiz, Bo Chen and Cy Dee”."""
    found = [person.name for person in people]
    if len(found) <= 2:
        return " and ".join(found)
    return ", ".join(found[:-1]) + " and " + found[-1]


# --- Surveys of a program (HR admins) ---------------------------------------------------------------------


def program_surveys(*, organization: Organization, program: Program) -> list[Survey]:
    """The program's surveys, check-in first, each with its questions in order."""
    surveys = (
        scoped(Survey, organization)
        .filter(program=program)
        .prefetch_related(
            Prefetch("questions", queryset=scoped(SurveyQuestion, organization).order_by("position", "id"))
        )
    )
    order: dict[str, int] = {Survey.Kind.CHECKIN: 0, Survey.Kind.CLOSING: 1}
    return sorted(surveys, key=lambda survey: order.get(survey.kind, 2))


def program_survey_get(*, organization: Organization, program: Program, survey_id: int) -> Survey:
    return get_scoped_or_404(Survey.objects.filter(program=program), organization, pk=survey_id)


def survey_question_get(*, organization: Organization, survey: Survey, question_id: int) -> SurveyQuestion:
    return get_scoped_or_404(SurveyQuestion.objects.filter(survey=survey), organization, pk=question_id)


@dataclass(frozen=True)
class ResponseCounts:
    """Assignments of one survey that are due, how many were answered, and how many people were asked
    (the group size the small-group rule is judged on)."""

    due: int = 0
    answered: int = 0
    people: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.answered / self.due, 1) if self.due else None

    def figures(self, k: int) -> dict[str, Figure]:
        """As people may see them: over at least k people asked, and with the answered and the unanswered each
        none or at least k (else, watched over time, they would tell whether one person answered)."""
        hidden = suppression.chain([self.due, self.answered], k)[1] or (PRIMARY if 0 < self.answered < k else "")
        return {
            "people": suppression.count(self.people, k),
            "due": suppression.figure(self.due, self.people, k),
            "answered": suppression.figure(self.answered, self.people, k, hidden=hidden),
            "rate": suppression.figure(self.rate, self.people, k, hidden=hidden),
        }


def survey_response_counts(*, organization: Organization, program: Program, now: datetime) -> dict[int, ResponseCounts]:
    """{survey id: counts}, for the program's surveys, in one query. Counts only: never an answer."""
    rows = (
        scoped(SurveyAssignment, organization)
        .filter(program=program, due_at__lte=now)
        .values("survey_id")
        .annotate(
            due=Count("id"),
            answered=Count("id", filter=Q(status=SurveyAssignment.Status.ANSWERED)),
            people=Count("respondent_id", distinct=True),
        )
        .order_by()
    )
    return {row["survey_id"]: ResponseCounts(row["due"], row["answered"], row["people"]) for row in rows}


# --- Self-identification ------------------------------------------------------------------------------------


def self_identification_of(*, organization: Organization, employee: Employee) -> dict[str, str]:
    """{attribute code: value} of what this person chose to share (their own answers only)."""
    return dict(scoped(SelfIdentification, organization).filter(employee=employee).values_list("attribute", "value"))


def analytics_rows(model, organization: Organization):
    """A model's rows of one organization from the analytics database: the read replica when one is
    configured (dashboards tolerate seconds of lag; settings.ANALYTICS_DATABASE), else the primary."""
    return scoped(model, organization).using(settings.ANALYTICS_DATABASE)


# --- Dashboards: roll-up runs, nudges ----------------------------------------------------------------------

# A finished run stays on the health page this long, so the admin who started it sees that it is done.
RECENT_RUN = timedelta(minutes=2)


def rollup_runs(*, organization: Organization) -> QuerySet[RollupRun]:
    return scoped(RollupRun, organization).order_by("-created_at", "-id")


def rollup_run_get(*, organization: Organization, run_id: int) -> RollupRun:
    return get_scoped_or_404(RollupRun, organization, pk=run_id)


def rollup_run_to_show(*, organization: Organization, computed_at: datetime | None) -> RollupRun | None:
    """The run the health page tells its admin about: one queued or running; one that failed after the
    figures shown were computed (until a later run succeeds); or one that finished a moment ago."""
    run = rollup_runs(organization=organization).first()
    if run is None:
        return None
    if run.status in (RollupRun.Status.QUEUED, RollupRun.Status.RUNNING):
        return run
    finished = run.finished_at or run.created_at
    if run.status == RollupRun.Status.FAILED and (computed_at is None or finished > computed_at):
        return run
    return run if finished >= timezone.now() - RECENT_RUN else None


def facts_computed_at(*, organization: Organization) -> datetime | None:
    """When the roll-up behind the impact report last ran (None: never)."""
    return scoped(ParticipantFact, organization).aggregate(last=Max("computed_at"))["last"]


def nudged_today(*, organization: Organization, match_ids: list[int], now: datetime | None = None) -> set[int]:
    """The matches an HR admin nudged today (UTC), of these. sessions.services.reminders.reminders_nudge_now names the
    day in the reminder's slot ("...#manual-YYYYMMDD"); a second nudge the same day adds nothing."""
    if not match_ids:
        return set()
    now = now or timezone.now()
    return set(
        scoped(Reminder, organization)
        .filter(
            kind=Reminder.Kind.INACTIVITY_NUDGE,
            match_id__in=match_ids,
            slot__endswith=f"#manual-{now.astimezone(UTC):%Y%m%d}",
        )
        .values_list("match_id", flat=True)
        .distinct()
    )


# --- The skills-gap map's likely mentors (HR admins only) ---------------------------------------------------


@dataclass(frozen=True)
class LikelyMentor:
    employee: Employee
    reasons: tuple[str, ...]


def likely_mentors(*, organization: Organization, skill: Skill) -> list[LikelyMentor]:
    """Current employees whose roster title suggests the skill, or who offered it as a mentor or named it in a
    free-text answer of an earlier enrollment (programs/skills.py), each with why. Names: HR admins only."""
    today = timezone.localdate()
    current = scoped(Employee, organization).filter(Q(left_on__isnull=True) | Q(left_on__gt=today))
    reasons: dict[int, list[str]] = defaultdict(list)
    people: dict[int, Employee] = {}
    for employee in current.exclude(title="").only("pk", "name", "email", "title", "department", "location"):
        if title_suggests(employee.title, skill.name):
            people[employee.pk] = employee
            reasons[employee.pk].append(f"Title: {employee.title}")
    enrollments = list(
        scoped(Participant, organization)
        .filter(employee__in=current)
        .exclude(answers={})
        .select_related("program", "employee")
    )
    questions: dict[int, list[Question]] = defaultdict(list)
    for question in scoped(Question, organization).filter(program_id__in={e.program_id for e in enrollments}):
        questions[question.program_id].append(question)
    key = skill_key(skill.name)
    for enrollment in enrollments:
        asked = questions[enrollment.program_id]
        found = ""
        offered = answered_skills(enrollment.answers, asked, enrollment.role) if enrollment.role == "mentor" else []
        if any(skill_key(name) == key for name in offered):
            found = f"Offered it as a mentor in {enrollment.program.name}"
        elif close := next((name for name in offered if title_suggests(name, skill.name)), None):
            found = f"Offered “{close}” as a mentor in {enrollment.program.name}"
        else:
            texts = {str(q.pk) for q in asked if q.type == Question.Type.TEXT}
            if any(
                isinstance(v, str) and text_names(v, skill.name) for k, v in enrollment.answers.items() if k in texts
            ):
                found = f"Named it in an enrollment answer ({enrollment.program.name})"
        if found and found not in reasons[enrollment.employee_id]:
            people.setdefault(enrollment.employee_id, enrollment.employee)
            reasons[enrollment.employee_id].append(found)
    ordered = sorted(people.values(), key=lambda e: (-len(reasons[e.pk]), e.name))
    return [LikelyMentor(employee, tuple(reasons[employee.pk])) for employee in ordered]


def invitable_programs(*, organization: Organization) -> list[Program]:
    """Programs that can still invite mentors (a draft or enrolling)."""
    return list(
        scoped(Program, organization)
        .filter(status__in=(Program.Status.DRAFT, Program.Status.ENROLLING))
        .order_by("name")
    )
