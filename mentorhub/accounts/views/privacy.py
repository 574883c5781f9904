"""People's data rights (docs/privacy.md): a person downloads everything MentorHub holds about them (JSON, and a
readable HTML page) from "Your data"; an admin produces the same for a person from their page in People
(audited), erases a person after a confirmation, and sets how long leavers' data is kept."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mentorhub.tenancy import OrgRequest, get_scoped_or_404, org_view
from mentorhub.web.errors import form_add_service_error

from ..forms import ErasureConfirmForm, RetentionForm
from ..models import Employee
from ..services.erasure import employee_erase, erasure_preview
from ..services.personal_export import (
    PersonalExport,
    employee_data_export,
    employee_sign_in,
    personal_export_build,
)
from ..services.retention import organization_retention_update, retention_due

FORMATS = ("json", "html")


def _download(request: OrgRequest, export: PersonalExport, fmt: str, stem: str) -> HttpResponse:
    if fmt == "json":
        response = HttpResponse(export.as_json(), content_type="application/json; charset=utf-8")
    else:
        # A page to keep: no navigation, no scripts, readable offline.
        body = render_to_string("accounts/personal_export.html", {"export": export}, request=request)
        response = HttpResponse(body, content_type="text/html; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{request.organization.slug}-{stem}-{stamp}.{fmt}"'
    # Personal data: never kept by a shared cache or the browser's back-forward cache.
    response["Cache-Control"] = "no-store"
    return response


@org_view()
@require_GET
def my_data(request: OrgRequest) -> HttpResponse:
    context = {"nav_section": "my-data", "employee": request.membership.employee}
    return render(request, "accounts/my_data.html", context)


@org_view()
@require_GET
def my_data_export(request: OrgRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such format.")
    export = personal_export_build(
        organization=request.organization, employee=request.membership.employee, user=request.user
    )
    return _download(request, export, fmt, "my-data")


@org_view(roles=["admin"])
@require_GET
def people_data_export(request: OrgRequest, employee_pk: int, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404("No such format.")
    organization = request.organization
    person = get_scoped_or_404(Employee, organization, pk=employee_pk)
    user = employee_sign_in(organization=organization, employee=person)
    export = employee_data_export(organization=organization, actor=request.user, employee=person, user=user)
    return _download(request, export, fmt, f"data-of-employee-{person.pk}")


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def people_erase(request: OrgRequest, employee_pk: int) -> HttpResponse:
    organization = request.organization
    person = get_scoped_or_404(Employee, organization, pk=employee_pk)
    preview = erasure_preview(organization=organization, actor=request.user, employee=person)
    form = ErasureConfirmForm(request.POST or None, expected_email=person.email)
    status = 200
    if request.method == "POST":
        if preview.refusal:
            form.add_error(None, preview.refusal)
        elif form.is_valid():
            try:
                employee_erase(organization=organization, actor=request.user, employee=person)
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "Erased. Their personal data is gone; their matches and figures remain, shown as “Erased "
                        "person #%(pk)s”."
                    )
                    % {"pk": person.pk},
                )
                return redirect("people-detail", org_slug=organization.slug, employee_pk=person.pk)
        status = 400
    context = {"nav_section": "people", "person": person, "preview": preview, "form": form}
    return render(request, "accounts/people_erase_confirm.html", context, status=status)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def retention_settings(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    status = 200
    if request.method == "POST":
        form = RetentionForm(request.POST)
        if form.is_valid():
            months = form.cleaned_data["retention_months"]
            organization_retention_update(organization=organization, actor=request.user, months=months)
            if months:
                messages.success(
                    request,
                    _("Saved. Leavers' personal data is erased %(months)s months after they left.")
                    % {"months": months},
                )
            else:
                messages.success(request, _("Saved. Leavers' personal data is no longer erased automatically."))
            return redirect("retention-settings", org_slug=organization.slug)
        status = 400
    else:
        form = RetentionForm(initial={"retention_months": organization.retention_months})
    context = {"nav_section": "people", "form": form, "due": len(retention_due(organization=organization))}
    return render(request, "accounts/retention_settings.html", context, status=status)
