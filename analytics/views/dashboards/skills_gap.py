"""The skills-gap map (HR admins and stakeholders): per skill, mentees wanting it against mentor places
offering it, by department and location, with the unmet demand highlighted; chart, table and CSV. Aggregates
only (analytics/reports/skills_gap.py). Admins also get, per skill, the people likely to mentor it and an
invitation to a program's enrollment; stakeholders never see names (403 there, as on every admin page)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mentorhub.accounts.models import Role
from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import service_error_text
from programs import selectors as program_selectors
from programs.services.participants import participants_invite

from ... import selectors
from ...forms import SkillsGapFilterForm
from ...reports.skills_gap import SkillsGap, skills_gap
from .cells import NONE, Row, Table, count, new_table, number, shown
from .common import DASHBOARD_ROLES, csv_response, table_or_404, with_query


def gap_table(report: SkillsGap) -> Table:
    table = new_table(
        "gap",
        _("Skills: mentees wanting each against mentor places offering it"),
        [
            (_("Skill"), False),
            (_("Category"), False),
            (_("Mentees wanting it"), True),
            (_("Mentor places offering it"), True),
            (_("Unmet demand"), True),
        ],
    )
    ordered = sorted(report.rows, key=lambda row: (-(row.unmet or 0) if row.gap else 1, row.category, row.name))
    table.rows = [
        Row(
            [
                row.name,
                row.category or NONE,
                count(row.mentees),
                count(row.places),
                (number(row.unmet) if row.gap else "none") if row.unmet is not None else NONE,
            ],
            action=row,
        )
        for row in ordered
    ]
    return table


def gap_chart(report: SkillsGap) -> dict[str, Any]:
    """For static/js/analytics-charts.js: hidden figures are null, never a number."""
    rows = sorted(report.rows, key=lambda row: (row.category, row.name))
    return {
        "skills": {
            "labels": [row.name for row in rows],
            "mentees": [shown(row.mentees) for row in rows],
            "places": [shown(row.places) for row in rows],
            "menteeTexts": [count(row.mentees) for row in rows],
            "placeTexts": [count(row.places) for row in rows],
        }
    }


def _report(request: OrgRequest) -> tuple[SkillsGapFilterForm, SkillsGap | None]:
    form = SkillsGapFilterForm(request.GET or None, organization=request.organization)
    if request.GET and not form.is_valid():
        return form, None
    filters = form.filters() if request.GET else SkillsGapFilterForm.empty_filters()
    return form, skills_gap(organization=request.organization, filters=filters)


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def skills_gap_page(request: OrgRequest) -> HttpResponse:
    form, report = _report(request)
    context: dict[str, Any] = {"nav_section": "skills-gap", "form": form, "report": report}
    if report is not None:
        query = form.query() if request.GET else {}
        table = gap_table(report)
        if request.membership.role == Role.ADMIN:
            table.action_label = _("Names")  # the likely mentors: admins only, never in the CSV
        export = reverse("skills-gap-export", kwargs={"org_slug": request.organization.slug})
        context.update(
            table=table,
            chart=gap_chart(report),
            export_url=with_query(export, query, table=table.name),
            gaps=report.gaps,
            is_admin=request.membership.role == Role.ADMIN,
            has_demand=any(row.mentees.shown for row in report.rows),
        )
    return render(request, "analytics/skills_gap.html", context, status=200 if report is not None else 400)


@org_view(roles=DASHBOARD_ROLES)
@require_GET
def skills_gap_export(request: OrgRequest) -> HttpResponse:
    form, report = _report(request)
    if report is None:
        return HttpResponse(_("Check the filters: ") + form.errors.as_text(), status=400, content_type="text/plain")
    table = table_or_404({"gap": gap_table(report)}, request)
    return csv_response(table, organization_slug=request.organization.slug, page="skills-gap")


@org_view(roles=[Role.ADMIN])
@require_http_methods(["GET", "POST"])
def likely_mentors(request: OrgRequest, skill_pk: int) -> HttpResponse:
    """People likely to mentor a skill, and an invitation to enroll as mentor in a draft or enrolling program
    (the programs' invitation flow: programs.services.participants.participants_invite)."""
    organization = request.organization
    skill = program_selectors.skill_get(organization=organization, skill_id=skill_pk)
    people = selectors.likely_mentors(organization=organization, skill=skill)
    programs = selectors.invitable_programs(organization=organization)
    status, error = 200, ""
    if request.method == "POST":
        chosen = set(request.POST.getlist("employee"))
        emails = [p.employee.email for p in people if str(p.employee.pk) in chosen]
        program_id = request.POST.get("program", "")
        try:
            if not program_id.isdigit() or int(program_id) not in {p.pk for p in programs}:
                raise ValidationError(_("Choose a program that is a draft or enrolling."))
            if not emails:
                raise ValidationError(_("Tick at least one person to invite."))
            result = participants_invite(
                organization=organization,
                actor=request.user,
                program_id=int(program_id),
                role="mentor",
                emails=emails,
                base_url=request.build_absolute_uri("/"),
            )
        except ValidationError as exc:
            status, error = 400, service_error_text(exc)
        else:
            messages.success(
                request,
                _("%(invited)s invited to enroll as mentor") % {"invited": result["invited"]}
                + (
                    f"; {result['already_enrolled']} already enrolled or not eligible"
                    if result["already_enrolled"]
                    else ""
                )
                + (f"; {len(result['not_found'])} not eligible for that program" if result["not_found"] else "")
                + ".",
            )
            return redirect("skills-gap-mentors", org_slug=organization.slug, skill_pk=skill.pk)
    context = {
        "nav_section": "skills-gap",
        "skill": skill,
        "people": people,
        "programs": programs,
        "error": error,
        "back_url": reverse("skills-gap", kwargs={"org_slug": organization.slug}),
    }
    return render(request, "analytics/skills_gap_mentors.html", context, status=status)
