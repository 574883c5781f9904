"""The organization's skills catalogue (HR admins): the list with an add form, edit, deactivate / reactivate
(after a confirmation), the CSV import (all rows or none, problems by line) and the CSV export. The starter set
is created on the first visit (services.skills.skills_ensure_starter)."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mentorhub.accounts.models import Role
from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error

from .. import selectors
from ..forms.skills import SkillForm, SkillImportForm
from ..services.skills import (
    IMPORT_COLUMNS,
    IMPORT_MAX_BYTES,
    skill_create,
    skill_set_active,
    skill_update,
    skills_ensure_starter,
    skills_import,
)

ADMINS = [Role.ADMIN]


def _catalogue(request: OrgRequest) -> HttpResponse:
    return redirect("skill-list", org_slug=request.organization.slug)


@org_view(roles=ADMINS)
@require_http_methods(["GET", "POST"])
def skill_list(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    status = 200
    if request.method == "POST":
        form = SkillForm(request.POST, prefix_ids="add")
        if form.is_valid():
            try:
                skill = skill_create(organization=organization, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("“%(skill)s” added to the catalogue.") % {"skill": skill.name})
                return _catalogue(request)
        status = 400
    else:
        skills_ensure_starter(organization=organization)
        form = SkillForm(prefix_ids="add")
    skills = list(selectors.skills_list(organization=organization))
    context = {
        "nav_section": "skills",
        "form": form,
        "active": [s for s in skills if s.active],
        "inactive": [s for s in skills if not s.active],
        "import_form": SkillImportForm(),
    }
    return render(request, "programs/admin_skills.html", context, status=status)


@org_view(roles=ADMINS)
@require_http_methods(["GET", "POST"])
def skill_edit(request: OrgRequest, skill_pk: int) -> HttpResponse:
    organization = request.organization
    skill = selectors.skill_get(organization=organization, skill_id=skill_pk)
    status = 200
    if request.method == "POST":
        form = SkillForm(request.POST, skill=skill)
        if form.is_valid():
            try:
                skill = skill_update(
                    organization=organization, actor=request.user, skill_id=skill.pk, **form.cleaned_data
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("“%(skill)s” saved.") % {"skill": skill.name})
                return _catalogue(request)
        status = 400
    else:
        form = SkillForm(skill=skill)
    return render(
        request,
        "programs/admin_skill_edit.html",
        {"nav_section": "skills", "skill": skill, "form": form},
        status=status,
    )


@org_view(roles=ADMINS)
@require_http_methods(["GET", "POST"])
def skill_active(request: OrgRequest, skill_pk: int) -> HttpResponse:
    """GET asks for a confirmation; POST sets the state the confirmation asked for (active=1 reactivates)."""
    organization = request.organization
    skill = selectors.skill_get(organization=organization, skill_id=skill_pk)
    if request.method == "POST":
        # The state asked for, not a toggle: a double submit (or a second tab) cannot undo the first.
        wanted = request.POST.get("active") == "1"
        skill = skill_set_active(organization=organization, actor=request.user, skill_id=skill.pk, active=wanted)
        if skill.active:
            message = _("“%(skill)s” is back in the catalogue.")
        else:
            message = _("“%(skill)s” is deactivated: new enrollment forms no longer offer it.")
        messages.success(request, message % {"skill": skill.name})
        return _catalogue(request)
    return render(request, "programs/admin_skill_active.html", {"nav_section": "skills", "skill": skill})


@org_view(roles=ADMINS)
@require_http_methods(["GET", "POST"])
def skill_import(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    status = 200
    problems: list[str] = []
    if request.method == "POST":
        form = SkillImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > IMPORT_MAX_BYTES:
                    raise ValidationError(_("The file is larger than 1 MB. Split it into smaller files."))
                result = skills_import(organization=organization, actor=request.user, content=upload.read())
            except ValidationError as error:
                problems = error.messages
            else:
                messages.success(
                    request,
                    _("Skills imported: %(created)s added, %(updated)s updated.")
                    % {"created": result.created, "updated": result.updated},
                )
                return _catalogue(request)
        status = 400
    else:
        form = SkillImportForm()
    context = {"nav_section": "skills", "form": form, "problems": problems, "columns": IMPORT_COLUMNS}
    return render(request, "programs/admin_skill_import.html", context, status=status)


@org_view(roles=ADMINS)
@require_GET
def skill_export(request: OrgRequest) -> HttpResponse:
    """The catalogue in the import's format (plus whether each skill is active): it can be edited and uploaded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([*IMPORT_COLUMNS, "active"])
    for skill in selectors.skills_list(organization=request.organization):
        writer.writerow(
            [
                safe_cell(skill.name),
                safe_cell(skill.category),
                safe_cell(skill.description),
                "yes" if skill.active else "no",
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{request.organization.slug}-skills-{stamp}.csv"'
    return response
