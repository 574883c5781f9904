"""Every read of the programs app, scoped by organization in the query."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped

from .models import Participant, Program, Question
from .services import eligible_employees_q, employee_is_eligible

ACTIVE_ENROLLMENT = [
    Participant.Status.APPLIED,
    Participant.Status.APPROVED,
    Participant.Status.WAITLISTED,
    Participant.Status.MATCHED,
]


def programs_with_counts(*, organization: Organization) -> QuerySet[Program]:
    return scoped(Program, organization).annotate(
        mentor_count=Count(
            "participants", filter=Q(participants__role="mentor", participants__status__in=ACTIVE_ENROLLMENT)
        ),
        mentee_count=Count(
            "participants", filter=Q(participants__role="mentee", participants__status__in=ACTIVE_ENROLLMENT)
        ),
        pending_count=Count("participants", filter=Q(participants__status=Participant.Status.APPLIED)),
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
