"""HR admins: how a program's matches are doing (sessions held, missed and cancelled, the last and next
session, nudges sent, goals done; the reason of an early end), with its CSV export; ending an active match
early; and the program's goal templates.

Admins see counts and dates only: never shared notes, feedback, ratings, reflections or goal titles. The
overview selector does not load them, so neither the page nor the CSV can show them."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from matching.models import Match
from matching.services.lifecycle import match_end_early
from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text
from programs import selectors as program_selectors
from programs.models import Program

from ..forms import AdminEndMatchForm, GoalTemplateForm
from ..selectors.goals import goal_template_get, program_goal_templates
from ..selectors.matches import STARTED_MATCH_STATUSES, match_members_of
from ..selectors.overview import MatchProgress, program_match_for_admin, program_match_progress
from ..selectors.pairing_fit import fit_concerns
from ..services.goals import goal_template_create, goal_template_update
from ..services.goals import goal_template_delete as goal_template_delete_service
from .common import names
from .mentoring_overview import overview_rows_html

PAGE_SIZE = 50
STATUS_CHOICES = [(status, Match.Status(status).label) for status in STARTED_MATCH_STATUSES]
CSV_HEADERS = [
    "match_id",
    "people",
    "status",
    "started_on",
    "sessions_held",
    "sessions_missed",
    "sessions_cancelled",
    "last_session_on",
    "next_session_at",
    "days_since_last_session",
    "nudges_sent",
    "goals_done",
    "goals_total",
    "ended_on",
    "end_reason",
]


def _status_filter(request: OrgRequest) -> str:
    status = request.GET.get("status", "")
    return status if status in STARTED_MATCH_STATUSES else ""


def _to_overview(request: OrgRequest, program: Program) -> HttpResponse:
    return redirect("program-mentoring", org_slug=request.organization.slug, program_pk=program.pk)


@org_view(roles=["admin"])
@require_GET
def program_mentoring(request: OrgRequest, program_pk: int) -> HttpResponse:
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    status = _status_filter(request)
    rows = program_match_progress(organization=request.organization, program=program, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    list_url = reverse("program-mentoring", kwargs={"org_slug": request.organization.slug, "program_pk": program.pk})
    context = {
        "nav_section": "programs",
        "program": program,
        "page": page,
        "rows": overview_rows_html(page.object_list, list_url=list_url),
        "list_url": list_url,
        "status": status,
        "statuses": STATUS_CHOICES,
        "querystring": urlencode({"status": status}) if status else "",
        # Who said, after the first session, that their match does not fit (or is not sure): for HR only.
        "fit_concerns": fit_concerns(organization=request.organization, program_id=program.pk),
    }
    return render(request, "sessions/admin_program_mentoring.html", context)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _local(moment) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes") if moment else ""


def _day(moment) -> str:
    return timezone.localtime(moment).date().isoformat() if moment else ""


def export_rows(rows: Iterable[MatchProgress]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADERS)
    for row in rows:
        match = row.match
        people = "; ".join(f"{person.name} ({person.get_role_display().lower()})" for person in row.members)
        yield writer.writerow(
            [
                match.pk,
                safe_cell(people),
                match.status,
                _day(match.started_at),
                row.held,
                row.missed,
                row.cancelled,
                _day(row.last_held_at),
                _local(row.next_at),
                row.days_since_last if match.status == Match.Status.ACTIVE and row.days_since_last is not None else "",
                row.nudges,
                row.goals_done,
                row.goals,
                _day(match.ended_at) if match.status != Match.Status.ACTIVE else "",
                safe_cell(match.end_reason) if match.status == Match.Status.ENDED else "",
            ]
        )


@org_view(roles=["admin"])
@require_GET
def program_mentoring_export(request: OrgRequest, program_pk: int) -> StreamingHttpResponse:
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    status = _status_filter(request)
    rows = program_match_progress(organization=organization, program=program, status=status)
    response = StreamingHttpResponse(export_rows(rows), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    suffix = f"-{status}" if status else ""
    response["Content-Disposition"] = (
        f'attachment; filename="{organization.slug}-program-{program.pk}-mentoring{suffix}-{stamp}.csv"'
    )
    return response


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def admin_match_end(request: OrgRequest, program_pk: int, match_pk: int) -> HttpResponse:
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    match = program_match_for_admin(organization=organization, program=program, match_id=match_pk)
    members = match_members_of(match)
    if match.status != Match.Status.ACTIVE and request.method == "POST":
        messages.error(
            request, _("This match is over already (%(status)s).") % {"status": match.get_status_display().lower()}
        )
        return _to_overview(request, program)
    form = AdminEndMatchForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = match_end_early(
                    organization=organization,
                    actor=request.user,
                    match_id=match.pk,
                    reason=form.cleaned_data["reason"],
                    employee=None,
                    rematch=form.cleaned_data["rematch"],
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                text = _("The match of %(names)s has ended.") % {"names": names(members)}
                if result.rematch_run is not None:
                    text += " " + _("A re-match was started for the mentee.")
                messages.success(request, text)
                return _to_overview(request, program)
        status = 400
    context = {"nav_section": "programs", "program": program, "match": match, "members": members, "form": form}
    context["member_names"] = names(members)
    return render(request, "sessions/admin_match_end.html", context, status=status)


# --- Goal templates ----------------------------------------------------------------------------------------


def _template_data(form: GoalTemplateForm) -> dict:
    return {
        "title": form.cleaned_data["title"],
        "description": form.cleaned_data["description"],
        "milestones": form.cleaned_data["milestones"],
    }


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def goal_templates(request: OrgRequest, program_pk: int) -> HttpResponse:
    """The program's templates, and a form to add one."""
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    form = GoalTemplateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                template = goal_template_create(
                    organization=organization, actor=request.user, program_id=program.pk, **_template_data(form)
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Goal template “%(title)s” added.") % {"title": template.title})
                return redirect("goal-templates", org_slug=organization.slug, program_pk=program.pk)
        status = 400
    context = {
        "nav_section": "programs",
        "program": program,
        "templates": program_goal_templates(organization=organization, program=program),
        "form": form,
    }
    return render(request, "sessions/admin_goal_templates.html", context, status=status)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def goal_template_edit(request: OrgRequest, program_pk: int, template_pk: int) -> HttpResponse:
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    template = goal_template_get(organization=organization, program=program, template_id=template_pk)
    initial = {
        "title": template.title,
        "description": template.description,
        "milestones": GoalTemplateForm.milestones_text(template.milestones),
    }
    form = GoalTemplateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                goal_template_update(
                    organization=organization,
                    actor=request.user,
                    program_id=program.pk,
                    template_id=template.pk,
                    **_template_data(form),
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Goal template saved. Goals made from it before keep their milestones."))
                return redirect("goal-templates", org_slug=organization.slug, program_pk=program.pk)
        status = 400
    context = {"nav_section": "programs", "program": program, "template": template, "form": form}
    return render(request, "sessions/admin_goal_template_edit.html", context, status=status)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def goal_template_delete(request: OrgRequest, program_pk: int, template_pk: int) -> HttpResponse:
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    template = goal_template_get(organization=organization, program=program, template_id=template_pk)
    if request.method == "POST":
        try:
            goal_template_delete_service(
                organization=organization, actor=request.user, program_id=program.pk, template_id=template.pk
            )
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Goal template “%(title)s” deleted.") % {"title": template.title})
        return redirect("goal-templates", org_slug=organization.slug, program_pk=program.pk)
    context = {"nav_section": "programs", "program": program, "template": template}
    return render(request, "sessions/admin_goal_template_delete.html", context)
