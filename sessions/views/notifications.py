"""Notifications: the list (newest first, unread ones marked), opening one (marks it read and goes to its
page: a path on this site only), marking all as read; preferences (which emails, in-app notices always
appear) and the secret address of the person's calendar feed, which can be rotated."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, employee_or_404, employee_or_none, org_view

from ..extensions import preference_links
from ..forms import PreferencesForm
from ..messages import CATEGORIES
from ..selectors.notifications import notification_get, notifications_of, preference_of, unread_count
from ..services.notifications import (
    calendar_feed_get_or_create,
    calendar_feed_rotate,
    feed_token,
    notification_mark_read,
    notifications_mark_all_read,
    preferences_save,
)
from .common import TAKING_PART, is_local_path

PAGE_SIZE = 25
# Emails only HR admins receive: shown (and changed) on admins' preferences only.
ADMIN_CATEGORIES = ("escalations",)


@org_view(roles=TAKING_PART)
@require_GET
def notification_list(request: OrgRequest) -> HttpResponse:
    employee = employee_or_none(request)
    context: dict = {"nav_section": "notifications", "employee": employee}
    if employee is None:
        return render(request, "sessions/notifications.html", context)
    notices = notifications_of(organization=request.organization, employee=employee)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update({"page": page, "unread": unread_count(organization=request.organization, employee=employee)})
    return render(request, "sessions/notifications.html", context)


@org_view(roles=TAKING_PART)
@require_POST
def notifications_read_all(request: OrgRequest) -> HttpResponse:
    employee = employee_or_none(request)
    if employee is not None:
        count = notifications_mark_all_read(organization=request.organization, employee=employee)
        messages.success(
            request,
            ngettext("Marked %(count)s notification as read.", "Marked %(count)s notifications as read.", count)
            % {"count": count},
        )
    return redirect("notifications", org_slug=request.organization.slug)


@org_view(roles=TAKING_PART)
@require_GET
def notification_open(request: OrgRequest, notification_pk: int) -> HttpResponse:
    """Mark the notice read and go to the page it is about: only a path on this site is followed."""
    employee = employee_or_404(request)
    notice = notification_get(organization=request.organization, employee=employee, notification_id=notification_pk)
    notification_mark_read(organization=request.organization, employee=employee, notification_id=notice.pk)
    if is_local_path(notice.url):
        return redirect(notice.url)
    return redirect("notifications", org_slug=request.organization.slug)


def _shown_categories(request: OrgRequest) -> dict[str, str]:
    return {
        key: str(label)
        for key, (label, _kinds) in CATEGORIES.items()
        if key not in ADMIN_CATEGORIES or request.membership.is_admin
    }


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def preferences(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    employee = employee_or_none(request)
    context: dict = {"nav_section": "notifications", "employee": employee}
    if employee is None:
        return render(request, "sessions/preferences.html", context)
    shown = _shown_categories(request)
    current = preference_of(organization=organization, employee=employee)
    initial = {"email_on": [key for key in shown if key not in current.email_off]}
    form = PreferencesForm(request.POST or None, categories=shown, initial=initial)
    if request.method == "POST" and form.is_valid():
        switched_on = set(form.cleaned_data["email_on"])
        # Categories not on this form (an admin's, for a member) keep whatever they were.
        kept = [key for key in current.email_off if key not in shown]
        preferences_save(
            organization=organization,
            employee=employee,
            email_off=kept + [key for key in shown if key not in switched_on],
        )
        messages.success(request, _("Email preferences saved."))
        return redirect("notification-preferences", org_slug=organization.slug)
    feed = calendar_feed_get_or_create(organization=organization, employee=employee)
    feed_url = request.build_absolute_uri(reverse("calendar-feed", kwargs={"token": feed_token(feed)}))
    context.update(
        {
            "form": form,
            "feed": feed,
            "feed_url": feed_url,
            "more_links": preference_links(organization, employee),
        }
    )
    response = render(request, "sessions/preferences.html", context, status=400 if request.method == "POST" else 200)
    # The page shows a secret address: keep it out of referrers and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["Cache-Control"] = "private, no-store"
    return response


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def calendar_rotate(request: OrgRequest) -> HttpResponse:
    """A new secret calendar address (after a confirmation): the old one stops working at once."""
    employee = employee_or_none(request)
    if employee is None:
        return redirect("notification-preferences", org_slug=request.organization.slug)
    if request.method == "POST":
        calendar_feed_rotate(organization=request.organization, employee=employee)
        messages.success(
            request, _("Your calendar has a new address. Subscribe to it again: the old address no longer works.")
        )
        return redirect(
            reverse("notification-preferences", kwargs={"org_slug": request.organization.slug}) + "#calendar"
        )
    return render(request, "sessions/calendar_rotate.html", {"nav_section": "notifications"})
