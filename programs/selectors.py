"""Every read of the programs app, scoped by organization in the query."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from identity.models import EmployeeGroup
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped

from .eligibility import eligible_employees_q, employee_is_eligible
from .models import Participant, Program, Question, Skill, SkillRating
from .skills import participant_skill_keys, skill_key

ACTIVE_ENROLLMENT = [
    Participant.Status.APPLIED,
    Participant.Status.APPROVED,
    Participant.Status.WAITLISTED,
    Participant.Status.MATCHED,
]


def programs_with_counts(*, organization: Organization) -> QuerySet[Program]:
    # distinct=True everywhere: the two joins (participants, questions) multiply each other's rows.
    return scoped(Program, organization).annotate(
        mentor_count=Count(
            "participants",
            filter=Q(participants__role="mentor", participants__status__in=ACTIVE_ENROLLMENT),
            distinct=True,
        ),
        mentee_count=Count(
            "participants",
            filter=Q(participants__role="mentee", participants__status__in=ACTIVE_ENROLLMENT),
            distinct=True,
        ),
        pending_count=Count("participants", filter=Q(participants__status=Participant.Status.APPLIED), distinct=True),
        question_count=Count("questions", distinct=True),
    )


def program_get(*, organization: Organization, program_id: int) -> Program:
    return get_scoped_or_404(Program, organization, pk=program_id)


def program_questions(*, organization: Organization, program: Program) -> QuerySet[Question]:
    return scoped(Question, organization).filter(program=program).order_by("position", "id")


def program_participants(
    *, organization: Organization, program: Program, role: str = "", status: str = "", search: str = ""
) -> QuerySet[Participant]:
    queryset = scoped(Participant, organization).filter(program=program).select_related("employee", "decided_by")
    if role:
        queryset = queryset.filter(role=role)
    if status:
        queryset = queryset.filter(status=status)
    if search:
        queryset = queryset.filter(
            Q(employee__name__icontains=search)
            | Q(employee__email__icontains=search)
            | Q(employee__department__icontains=search)
        )
    return queryset.order_by("role", "employee__name", "id")


def open_programs_for(*, organization: Organization, employee: Employee) -> list[Program]:
    """Programs in enrollment whose eligibility rule includes this employee."""
    candidates = scoped(Program, organization).filter(status=Program.Status.ENROLLING).order_by("name")
    return [p for p in candidates if employee_is_eligible(program=p, employee=employee)]


def enrollments_of(*, organization: Organization, employee: Employee) -> QuerySet[Participant]:
    return scoped(Participant, organization).filter(employee=employee).select_related("program").order_by("-created_at")


def eligible_count(*, organization: Organization, program: Program) -> int:
    return scoped(Employee, organization).filter(eligible_employees_q(program)).count()


def program_participant_stats(*, organization: Organization, program: Program) -> dict[str, Any]:
    """{"mentor": {status: count}, "mentee": {status: count}, "mentor_capacity": the approved mentors' total
    capacity}, in one query."""
    stats: dict[str, dict[str, int]] = {role: {} for role in Participant.Role.values}
    capacity = 0
    rows = (
        scoped(Participant, organization)
        .filter(program=program)
        .values("role", "status")
        .annotate(n=Count("id"), capacity=Sum("capacity"))
        .order_by()
    )
    for row in rows:
        stats[row["role"]][row["status"]] = row["n"]
        if row["role"] == Participant.Role.MENTOR and row["status"] in (
            Participant.Status.APPROVED,
            Participant.Status.MATCHED,
        ):
            capacity += row["capacity"] or 0
    return {**stats, "mentor_capacity": capacity}


def roster_values(*, organization: Organization) -> dict[str, list]:
    """The departments, job levels and locations of the current roster, for eligibility pickers."""
    today = timezone.localdate()
    current = scoped(Employee, organization).filter(Q(left_on__isnull=True) | Q(left_on__gt=today))

    def distinct(field: str) -> list:
        return [v for v in current.order_by(field).values_list(field, flat=True).distinct() if v not in ("", None)]

    return {
        "departments": distinct("department"),
        "job_levels": distinct("job_level"),
        "locations": distinct("location"),
        # The employee groups a program's audience can name: [(id, name)].
        "groups": list(
            scoped(EmployeeGroup, organization).order_by("display_name", "id").values_list("pk", "display_name")
        ),
    }


def program_audience_groups(*, organization: Organization, program: Program) -> list[EmployeeGroup]:
    """The program's audience groups with their member counts; empty: the program is open to everyone."""
    return list(
        scoped(EmployeeGroup, organization)
        .filter(program_links__program=program, program_links__organization=organization)
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by("display_name", "id")
    )


# --- Skills ---------------------------------------------------------------------------------------------------


def skills_list(*, organization: Organization, active_only: bool = False) -> QuerySet[Skill]:
    skills = scoped(Skill, organization)
    return skills.filter(active=True) if active_only else skills


def skill_get(*, organization: Organization, skill_id: int) -> Skill:
    return get_scoped_or_404(Skill, organization, pk=skill_id)


def own_mentee_enrollment(*, organization: Organization, employee: Employee, participant_id: int) -> Participant:
    """The signed-in person's own mentee enrollment (anyone else's, an admin's too, is 404)."""
    return get_scoped_or_404(
        Participant.objects.select_related("program"),
        organization,
        pk=participant_id,
        employee=employee,
        role=Participant.Role.MENTEE,
    )


def wanted_skills(*, organization: Organization, participant: Participant) -> list[Skill]:
    """The catalogue's skills this mentee asked for in their enrollment answers (programs/skills.py), in
    catalogue order. Skills deactivated since stay: the person chose them."""
    questions = list(scoped(Question, organization).filter(program_id=participant.program_id))
    keys = participant_skill_keys(participant, questions)
    if not keys:
        return []
    return [skill for skill in scoped(Skill, organization) if skill_key(skill.name) in keys]


def skill_ratings_of(*, organization: Organization, participant: Participant, moment: str) -> dict[int, int]:
    """{skill id: level} this participant gave at `moment`."""
    return dict(
        scoped(SkillRating, organization)
        .filter(participant=participant, moment=moment)
        .values_list("skill_id", "level")
    )
