"""About me: what a person chooses to share about themselves (gender, age band, ...), so that the program
team can see whether mentoring reaches everyone. Opt-in, changeable, removable; every role may answer (all
are employees). Only the person sees their own answers: HR pages never show them, not even to admins; the
impact report counts them in aggregate, under the small-group rule."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error

from .. import selectors
from ..forms import AboutMeForm
from ..services.self_identification import self_identification_clear, self_identification_save


def _context(request: OrgRequest, **extra) -> dict:
    return {
        "nav_section": "about-me",
        "employee": request.membership.employee,
        "min_group_size": request.organization.min_group_size,
        **extra,
    }


@org_view()
@require_http_methods(["GET", "POST"])
def about_me(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    employee = request.membership.employee
    if employee is None:
        return render(request, "analytics/about_me.html", _context(request))
    current = selectors.self_identification_of(organization=organization, employee=employee)
    form = AboutMeForm(request.POST if request.method == "POST" else None, current=current)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                saved = self_identification_save(organization=organization, employee=employee, answers=form.answers())
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                shared = len(saved)
                messages.success(
                    request,
                    ngettext(
                        "Saved. You share %(count)s answer; change or remove them at any time.",
                        "Saved. You share %(count)s answers; change or remove them at any time.",
                        shared,
                    )
                    % {"count": shared}
                    if shared
                    else _("Saved. You share nothing about yourself here."),
                )
                return redirect("about-me", org_slug=organization.slug)
        status = 400
    return render(request, "analytics/about_me.html", _context(request, form=form, shared=len(current)), status=status)


@org_view()
@require_http_methods(["GET", "POST"])
def about_me_clear(request: OrgRequest) -> HttpResponse:
    """Remove every answer, after a confirmation."""
    organization = request.organization
    employee = request.membership.employee
    if employee is None:
        return redirect("about-me", org_slug=organization.slug)
    if request.method == "POST":
        removed = self_identification_clear(organization=organization, employee=employee)
        messages.success(
            request,
            _("All your answers are removed.") if removed else _("There was nothing to remove: you share nothing."),
        )
        return redirect("about-me", org_slug=organization.slug)
    shared = len(selectors.self_identification_of(organization=organization, employee=employee))
    return render(request, "analytics/about_me_clear.html", _context(request, shared=shared))
