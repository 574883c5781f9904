"""Flash mentoring pages. Members: a flash program's upcoming office hours (host, topics, places left, a
book button), their own bookings (cancel within the window, rate after). Mentors: "My office hours"
(publish, once or weekly; list with who booked; cancel with confirmation). Times show in the viewer's zone.

Programs come from `flash_program_get`, slots and bookings from the owner-scoped selectors: someone
else's object, or another organization's, answers 404 like one that does not exist."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, employee_or_404, org_view, scoped
from mentorhub.web.errors import form_add_service_error, service_error_text
from programs.models import Participant, Program

from .. import flash_ics
from ..flash_forms import BookingRateForm, SlotPublishForm
from ..models_flash import FlashBooking
from ..selectors import flash as selectors
from ..services import flash as services
from .common import TAKING_PART, zone_name


def _to_browse(request: OrgRequest, program_pk: int) -> HttpResponse:
    return redirect("flash-browse", org_slug=request.organization.slug, program_pk=program_pk)


def _to_office_hours(request: OrgRequest, program_pk: int) -> HttpResponse:
    return redirect("flash-office-hours", org_slug=request.organization.slug, program_pk=program_pk)


def _context(request: OrgRequest, program: Program, **extra) -> dict:
    return {"nav_section": "mentoring", "zone": zone_name(), "now": timezone.now(), "program": program, **extra}


@org_view(roles=TAKING_PART)
@require_GET
def flash_browse(request: OrgRequest, program_pk: int) -> HttpResponse:
    organization, employee, now = request.organization, employee_or_404(request), timezone.now()
    program = selectors.flash_program_get(organization=organization, program_id=program_pk)
    roles = selectors.flash_roles(organization=organization, program=program, employee=employee)
    bookings = selectors.my_bookings(organization=organization, program=program, employee=employee, now=now)
    mine = {b.slot_id for b in bookings if b.status == FlashBooking.Status.BOOKED}
    for booking in bookings:
        booking.can_cancel = (  # type: ignore[attr-defined]
            booking.status == FlashBooking.Status.BOOKED
            and booking.slot.status == "open"
            and now <= services.cancel_deadline(booking)
        )
        booking.can_rate = (  # type: ignore[attr-defined]
            booking.status == FlashBooking.Status.BOOKED
            and booking.slot.status == "open"
            and booking.rating is None
            and booking.slot.ends_at <= now
        )
    context = _context(
        request,
        program,
        slots=selectors.upcoming_slots(organization=organization, program=program, now=now),
        bookings=bookings,
        booked_slot_ids=mine,
        can_book=bool(roles) and program.status in services.OPEN_PROGRAM,
        is_host=Participant.Role.MENTOR in roles,
        employee=employee,
    )
    return render(request, "sessions/flash_browse.html", context)


@org_view(roles=TAKING_PART)
@require_POST
def flash_book(request: OrgRequest, slot_pk: int) -> HttpResponse:
    organization, employee = request.organization, employee_or_404(request)
    slot = selectors.slot_for_booking(organization=organization, slot_id=slot_pk)
    try:
        booking = services.booking_create(
            organization=organization, actor=request.user, employee=employee, slot_id=slot.pk
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        host = booking.slot.host.employee.name
        messages.success(
            request,
            _("Booked: your session with %(host)s. You and %(host)s will get an invitation by email.") % {"host": host},
        )
    return _to_browse(request, slot.program_id)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def flash_booking_cancel(request: OrgRequest, booking_pk: int) -> HttpResponse:
    organization, employee = request.organization, employee_or_404(request)
    booking = selectors.booking_of_booker(organization=organization, employee=employee, booking_id=booking_pk)
    if request.method == "POST":
        try:
            services.booking_cancel(
                organization=organization, actor=request.user, employee=employee, booking_id=booking.pk
            )
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Booking cancelled. Your host is told, and the place is free for others."))
        return _to_browse(request, booking.program_id)
    context = _context(request, booking.program, booking=booking, deadline=services.cancel_deadline(booking))
    return render(request, "sessions/flash_booking_cancel.html", context)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def flash_booking_rate(request: OrgRequest, booking_pk: int) -> HttpResponse:
    organization, employee = request.organization, employee_or_404(request)
    booking = selectors.booking_of_booker(organization=organization, employee=employee, booking_id=booking_pk)
    form = BookingRateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.booking_rate(
                    organization=organization,
                    actor=request.user,
                    employee=employee,
                    booking_id=booking.pk,
                    rating=form.cleaned_data["rating"],
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Thank you: your rating is saved."))
                return _to_browse(request, booking.program_id)
        status = 400
    return render(
        request,
        "sessions/flash_booking_rate.html",
        _context(request, booking.program, booking=booking, form=form),
        status=status,
    )


@org_view(roles=TAKING_PART)
@require_GET
def flash_booking_ics(request: OrgRequest, booking_pk: int) -> HttpResponse:
    organization, employee = request.organization, employee_or_404(request)
    booking = selectors.booking_of_booker(organization=organization, employee=employee, booking_id=booking_pk)
    response = HttpResponse(
        flash_ics.booking_invitation_ics(booking, organization.slug), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="flash-mentoring-{booking.pk}.ics"'
    return response


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def flash_office_hours(request: OrgRequest, program_pk: int) -> HttpResponse:
    organization, employee, now = request.organization, employee_or_404(request), timezone.now()
    program = selectors.flash_program_get(organization=organization, program_id=program_pk)
    roles = selectors.flash_roles(organization=organization, program=program, employee=employee)
    is_host = Participant.Role.MENTOR in roles
    form = SlotPublishForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                slots = services.slot_publish(
                    organization=organization,
                    actor=request.user,
                    employee=employee,
                    program_id=program.pk,
                    time_zone=zone_name(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                count = len(slots)
                messages.success(
                    request,
                    ngettext("Published %(count)s office hour.", "Published %(count)s office hours.", count)
                    % {"count": count},
                )
                return _to_office_hours(request, program.pk)
        status = 400
    context = _context(
        request,
        program,
        form=form,
        is_host=is_host,
        can_publish=is_host and program.status in services.OPEN_PROGRAM,
        slots=selectors.my_slots(organization=organization, program=program, employee=employee, now=now),
    )
    return render(request, "sessions/flash_office_hours.html", context, status=status)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def flash_slot_cancel(request: OrgRequest, slot_pk: int) -> HttpResponse:
    organization, employee = request.organization, employee_or_404(request)
    slot = selectors.slot_of_host(organization=organization, employee=employee, slot_id=slot_pk)
    if request.method == "POST":
        try:
            services.slot_cancel(organization=organization, actor=request.user, employee=employee, slot_id=slot.pk)
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Office hour cancelled. Anyone who had booked it is told by email."))
        return _to_office_hours(request, slot.program_id)
    booked = scoped(FlashBooking, organization).filter(slot=slot, status=FlashBooking.Status.BOOKED).count()
    return render(request, "sessions/flash_slot_cancel.html", _context(request, slot.program, slot=slot, booked=booked))
