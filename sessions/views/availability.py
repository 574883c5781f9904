"""My availability (weekly working windows and away dates) and a match's Find a time: the five best slots for
all its members, each shown in every member's own time, booked in one click through the ordinary scheduling
service. Find a time has its own route, outside the match page's cached HTML (sessions/page_cache.py): its
proposals depend on everyone's calendars and on the minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, employee_or_404, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from .. import slot_finder
from ..extensions import extra_busy_of
from ..forms import AvailabilityForm, FindATimeForm
from ..selectors.availability import availability_of, match_people_for
from ..services.availability import availability_set
from ..services.find_a_time import session_book_slot
from .common import TAKING_PART, acting_in, zone_name


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def my_availability(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    status = 200
    if request.method == "POST":
        form = AvailabilityForm(request.POST)
        if form.is_valid():
            try:
                availability_set(
                    organization=organization,
                    actor=request.user,
                    employee=employee,
                    windows=form.windows(),
                    away=form.away_periods(),
                )
            except ValidationError as error:
                form_add_service_error(form, error, field_for=lambda key: "away" if key == "away" else "__all__")
            else:
                messages.success(request, _("Saved. Find a time now proposes meetings inside these windows."))
                return redirect("my-availability", org_slug=organization.slug)
        status = 400
    else:
        current = availability_of(organization=organization, employee=employee)
        form = AvailabilityForm(initial=AvailabilityForm.initial_from(current.windows, current.away))
    context = {"nav_section": "mentoring", "form": form, "employee": employee}
    return render(request, "sessions/availability.html", context, status=status)


def _proposals(request: OrgRequest, match, employee, duration: int, now: datetime) -> tuple[list, list]:
    people = match_people_for(organization=request.organization, match=match, now=now, viewer=employee)
    horizon_end = now + slot_finder.HORIZON
    extra = extra_busy_of(request.organization, [p.employee.pk for p in people], now, horizon_end)
    slots = slot_finder.find_slots(
        [p.person for p in people], duration=timedelta(minutes=duration), now=now, extra_busy=extra
    )
    return people, slots


@org_view(roles=TAKING_PART)
@require_GET
def find_a_time(request: OrgRequest, match_pk: int) -> HttpResponse:
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    form = FindATimeForm(request.GET or None)
    duration = (form.cleaned_data["duration_minutes"] if form.is_valid() else None) or 45
    now = timezone.now()
    people, slots = _proposals(request, acting.match, employee, duration, now)
    rows = [
        {
            "slot": slot,
            "value": slot.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "times": [(p, slot.starts_at, slot.ends_at, p.employee.time_zone) for p in people],
        }
        for slot in slots
    ]
    context = {
        "nav_section": "mentoring",
        "match": acting.match,
        "side": acting.side,
        "people": people,
        "unset": [p for p in people if not p.has_windows],
        "rows": rows,
        "form": form if form.is_bound else FindATimeForm(),
        "duration": duration,
        "zone": zone_name(),
    }
    return render(request, "sessions/find_a_time.html", context)


@org_view(roles=TAKING_PART)
@require_POST
def find_a_time_book(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    back = redirect("find-a-time", org_slug=organization.slug, match_pk=acting.match.pk)
    try:
        starts_at = datetime.strptime(request.POST.get("starts_at", ""), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        duration = int(request.POST.get("duration_minutes", "45"))
    except ValueError:
        messages.error(request, _("Pick one of the proposed times."))
        return back
    if duration not in dict(FindATimeForm.base_fields["duration_minutes"].choices):  # type: ignore[attr-defined]
        messages.error(request, _("Pick one of the proposed lengths."))
        return back
    try:
        booking = session_book_slot(
            organization=organization,
            actor=request.user,
            employee=employee,
            match_id=acting.match.pk,
            starts_at=starts_at,
            duration_minutes=duration,
            time_zone=zone_name(),
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
        return back
    if booking.created:
        messages.success(
            request,
            _("Session booked. %(names)s will get an invitation by email.") % {"names": acting.side.other_names},
        )
    else:
        messages.info(request, _("This time was booked already: here is the session."))
    return redirect("session-detail", org_slug=organization.slug, session_pk=booking.session.pk)
