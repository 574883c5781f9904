"""A person's own calendar (busy times): paste its free/busy or ICS address, see whether it is read, remove it
(after a confirmation). The address itself is never shown again after saving, only its host."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, employee_or_none, org_view
from mentorhub.web.errors import form_add_service_error

from ..forms import BusyFeedForm
from ..selectors.calendar_feeds import busy_feed_of, busy_feed_upcoming_count
from ..services.busy_feeds import WINDOW, busy_feed_remove, busy_feed_save
from .common import TAKING_PART


def _private(response: HttpResponse) -> HttpResponse:
    # A form that posts a secret address: never in a shared cache. (Not "no-referrer": Chromium then sends
    # `Origin: null` with the form's POST, which the CSRF check refuses; the secret is never in a URL anyway.)
    response["Cache-Control"] = "private, no-store"
    return response


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def busy_feed(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    employee = employee_or_none(request)
    feed = busy_feed_of(organization=organization, employee=employee) if employee else None
    form = BusyFeedForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and employee is not None and form.is_valid():
        try:
            busy_feed_save(
                organization=organization, actor=request.user, employee=employee, url=form.cleaned_data["url"]
            )
        except ValidationError as error:
            form_add_service_error(form, error, unkeyed_field="url")
        else:
            messages.success(request, _("Calendar address saved. MentorHub reads your busy times in a moment."))
            return redirect("busy-feed", org_slug=organization.slug)
    now = timezone.now()
    context = {
        "nav_section": "mentoring",
        "employee": employee,
        "feed": feed,
        "form": form,
        "window_days": WINDOW.days,
        "upcoming": busy_feed_upcoming_count(organization=organization, feed=feed, now=now) if feed else 0,
    }
    status = 400 if request.method == "POST" else 200
    return _private(render(request, "sessions/busy_feed.html", context, status=status))


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def busy_feed_remove_view(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    employee = employee_or_none(request)
    feed = busy_feed_of(organization=organization, employee=employee) if employee else None
    if feed is None or employee is None:
        return redirect("busy-feed", org_slug=organization.slug)
    if request.method == "POST":
        busy_feed_remove(organization=organization, actor=request.user, employee=employee)
        messages.success(request, _("Calendar address removed, with every busy time read from it."))
        return redirect("busy-feed", org_slug=organization.slug)
    return _private(render(request, "sessions/busy_feed_remove.html", {"nav_section": "mentoring", "feed": feed}))
