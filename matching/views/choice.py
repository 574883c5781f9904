"""Mentee-choice mode: a mentee sees their top five suggested mentors with the reasons and requests one;
a mentor sees the requests they received and accepts or declines them (a decline gives a reason). The
capacity rule (two mentees asking for a mentor's last place at once: one wins) lives in the service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentorhub.accounts.models import Employee
from mentorhub.tenancy import OrgRequest, employee_or_404, employee_or_none, get_scoped_or_404, org_view
from mentorhub.web.errors import service_error_text
from programs.models import Participant, Program

from .. import selectors
from ..forms import DeclineForm
from ..models import MentorRequest
from ..services import choice as choice_services
from .common import TAKING_PART, explanation_parts

SUGGESTIONS = 5


def _my_mentee_enrollment(request: OrgRequest, employee: Employee, program_pk: int) -> Participant:
    """The person's own mentee enrollment in the program, or 404 (scoped by organization and employee)."""
    return get_scoped_or_404(
        Participant.objects.select_related("program"),
        request.organization,
        program_id=program_pk,
        employee_id=employee.pk,
        role=Participant.Role.MENTEE,
    )


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def program_suggestions(request: OrgRequest, program_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request, "No such program.")
    participant = _my_mentee_enrollment(request, employee, program_pk)
    program = participant.program
    if request.method == "POST":
        value = request.POST.get("mentor", "")
        try:
            if not (value.isascii() and value.isdigit()):
                raise ValidationError(_("Choose a mentor to request."))
            choice_services.mentor_request_create(
                organization=organization,
                actor=request.user,
                employee=employee,
                program_id=program.pk,
                mentor_participant_id=int(value),
                message=request.POST.get("message", "").strip()[:1000],
            )
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Request sent. The mentor will accept or decline it; we will email you."))
        return redirect("program-suggestions", org_slug=organization.slug, program_pk=program.pk)
    is_choice = program.match_mode == Program.MatchMode.MENTEE_CHOICE
    requests = list(
        selectors.mentor_requests_of(organization=organization, employee=employee).filter(mentee=participant)
    )
    pending = next((r for r in requests if r.status == MentorRequest.Status.PENDING), None)
    matched = participant.status == Participant.Status.MATCHED
    suggestions = []
    if is_choice and not matched and pending is None:
        suggestions = [
            {"suggestion": s, "parts": explanation_parts(s.explanation)}
            for s in choice_services.suggestions_for(
                organization=organization, participant_id=participant.pk, limit=SUGGESTIONS
            )
        ]
    context = {
        "nav_section": "matches",
        "program": program,
        "participant": participant,
        "is_choice": is_choice,
        "matched": matched,
        "pending": pending,
        "past_requests": [r for r in requests if r is not pending],
        "suggestions": suggestions,
    }
    return render(request, "matching/program_suggestions.html", context)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET"])
def mentor_requests(request: OrgRequest) -> HttpResponse:
    employee = employee_or_none(request)
    requests = (
        list(
            selectors.mentor_requests_of(organization=request.organization, employee=employee).filter(
                mentor__employee=employee
            )
        )
        if employee is not None
        else []
    )
    rows: list[dict[str, Any]] = [{"request": r, "parts": explanation_parts(r.explanation)} for r in requests]
    context = {
        "nav_section": "matches",
        "employee": employee,
        "pending": [row for row in rows if row["request"].status == MentorRequest.Status.PENDING],
        "decided": [row for row in rows if row["request"].status != MentorRequest.Status.PENDING],
    }
    return render(request, "matching/mentor_requests.html", context)


def _my_request(request: OrgRequest, employee: Employee, request_pk: int) -> MentorRequest:
    """A request made to one of the person's own mentor enrollments, or 404."""
    return get_scoped_or_404(
        selectors.mentor_requests_of(organization=request.organization, employee=employee),
        request.organization,
        pk=request_pk,
        mentor__employee=employee,
    )


@org_view(roles=TAKING_PART)
@require_POST
def mentor_request_accept(request: OrgRequest, request_pk: int) -> HttpResponse:
    employee = employee_or_404(request, "No such request.")
    mentor_request = _my_request(request, employee, request_pk)
    try:
        choice_services.mentor_request_decide(
            organization=request.organization,
            actor=request.user,
            employee=employee,
            request_id=mentor_request.pk,
            accept=True,
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(
            request,
            _("You accepted %(name)s's request: you are now matched.") % {"name": mentor_request.mentee.employee.name},
        )
    return redirect("mentor-requests", org_slug=request.organization.slug)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def mentor_request_decline(request: OrgRequest, request_pk: int) -> HttpResponse:
    employee = employee_or_404(request, "No such request.")
    mentor_request = _my_request(request, employee, request_pk)
    status = 200
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                choice_services.mentor_request_decide(
                    organization=request.organization,
                    actor=request.user,
                    employee=employee,
                    request_id=mentor_request.pk,
                    accept=False,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, service_error_text(error))
            else:
                messages.success(
                    request, _("You declined %(name)s's request.") % {"name": mentor_request.mentee.employee.name}
                )
                return redirect("mentor-requests", org_slug=request.organization.slug)
        status = 400
    else:
        form = DeclineForm()
    context = {"nav_section": "matches", "mentor_request": mentor_request, "form": form}
    return render(request, "matching/mentor_request_decline.html", context, status=status)


@org_view(roles=TAKING_PART)
@require_POST
def mentor_request_withdraw(request: OrgRequest, request_pk: int) -> HttpResponse:
    """The mentee takes back their open request, to ask someone else."""
    employee = employee_or_404(request, "No such request.")
    mentor_request = get_scoped_or_404(
        selectors.mentor_requests_of(organization=request.organization, employee=employee),
        request.organization,
        pk=request_pk,
        mentee__employee=employee,
    )
    try:
        choice_services.mentor_request_withdraw(
            organization=request.organization, actor=request.user, employee=employee, request_id=mentor_request.pk
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(
            request, _("You withdrew your request to %(name)s.") % {"name": mentor_request.mentor.employee.name}
        )
    return redirect("program-suggestions", org_slug=request.organization.slug, program_pk=mentor_request.program_id)
