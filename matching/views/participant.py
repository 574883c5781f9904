"""Participants' own pages: my matches across programs (with whom, the status, why we were matched), one
match with accept / decline (a decline always gives a reason and is confirmed on its own page). A person
only ever sees matches they are in: another member's match answers 404, like one that does not exist."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.accounts.models import Employee
from mentorhub.tenancy import OrgRequest, employee_or_404, employee_or_none, org_view
from mentorhub.web.errors import service_error_text
from programs import selectors as program_selectors
from programs.models import Participant, Program

from .. import selectors
from ..forms import DeclineForm
from ..models import Match, MatchMember, MentorRequest
from ..services.responses import match_respond
from .common import TAKING_PART, match_view

# A participant can answer while the match waits for answers (approved) and can still turn it down then.
ANSWERABLE = (Match.Status.APPROVED,)


def _my_match(request: OrgRequest, employee: Employee, match_pk: int) -> Match:
    """One of the person's own matches, or 404: the selector filters by organization and employee."""
    return selectors.match_of_employee(organization=request.organization, employee=employee, match_id=match_pk)


def _decorate(match: Match, employee: Employee) -> dict[str, Any]:
    view = match_view(match)
    me = selectors.match_member_of(match, employee)
    others = [m for m in [*view.leads, *view.members] if m.participant.employee_id != employee.pk]
    return {
        "view": view,
        "match": match,
        "me": me,
        "others": others,
        "can_answer": match.status in ANSWERABLE
        and me is not None
        and me.current
        and me.response == MatchMember.Response.PENDING,
    }


@org_view(roles=TAKING_PART)
@require_http_methods(["GET"])
def my_matches(request: OrgRequest) -> HttpResponse:
    employee = employee_or_none(request)
    organization = request.organization
    items, choice_programs, pending_requests = [], [], 0
    if employee is not None:
        matches = selectors.match_cards_of_employee(organization=organization, employee=employee)
        items = [_decorate(match, employee) for match in matches]
        enrollments = program_selectors.enrollments_of(organization=organization, employee=employee)
        # Mentee-choice programs get a link to their suggestions; mentors see how many requests wait.
        choice_programs = [
            e.program
            for e in enrollments
            if e.role == Participant.Role.MENTEE
            and e.program.match_mode == Program.MatchMode.MENTEE_CHOICE
            and e.status in (Participant.Status.APPROVED, Participant.Status.MATCHED)
        ]
        if any(e.role == Participant.Role.MENTOR for e in enrollments):
            pending_requests = (
                selectors.mentor_requests_of(organization=organization, employee=employee)
                .filter(mentor__employee=employee, status=MentorRequest.Status.PENDING)
                .count()
            )
    context = {
        "nav_section": "matches",
        "employee": employee,
        "waiting": [i for i in items if i["can_answer"]],
        "items": items,
        "choice_programs": choice_programs,
        "pending_requests": pending_requests,
    }
    return render(request, "matching/my_matches.html", context)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def my_match(request: OrgRequest, match_pk: int) -> HttpResponse:
    """The match; POST `accept` answers yes (declining goes through its own page, with a reason)."""
    employee = employee_or_404(request, _("Not found."))
    match = _my_match(request, employee, match_pk)
    if request.method == "POST":
        try:
            match_respond(
                organization=request.organization, actor=request.user, employee=employee, match_id=match.pk, accept=True
            )
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("You accepted the match. We let the others know."))
        return redirect("my-match", org_slug=request.organization.slug, match_pk=match.pk)
    item = _decorate(match, employee)
    context = {"nav_section": "matches", "item": item, **item}
    return render(request, "matching/my_match.html", context)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def my_match_decline(request: OrgRequest, match_pk: int) -> HttpResponse:
    employee = employee_or_404(request, _("Not found."))
    match = _my_match(request, employee, match_pk)
    item = _decorate(match, employee)
    status = 200
    if request.method == "POST":
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                match_respond(
                    organization=request.organization,
                    actor=request.user,
                    employee=employee,
                    match_id=match.pk,
                    accept=False,
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error(None, service_error_text(error))
            else:
                messages.success(request, _("You declined the match. HR will look for a better one for you."))
                return redirect("my-matches", org_slug=request.organization.slug)
        status = 400
    else:
        form = DeclineForm()
    names = get_text_list([m.participant.employee.name for m in item["others"]], _("and"))
    context = {"nav_section": "matches", "form": form, "item": item, "other_names": names, **item}
    return render(request, "matching/my_match_decline.html", context, status=status)
