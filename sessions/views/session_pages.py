"""Sessions of a match: schedule one, log one that already happened, and one session's page (times in my
zone and in each other person's, shared notes, my own feedback) with its actions: change, cancel, log as
held or missed, edit the shared notes, give feedback, download the invitation (.ics).

Every session comes from `session_for_employee`, so only the people of its match can open it;
whether the others gave feedback, and what they wrote, is never shown."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.accounts.models import Employee
from mentorhub.tenancy import OrgRequest, employee_or_404, org_view
from mentorhub.web.errors import form_add_service_error

from .. import ics
from ..forms import COMMON_TOPICS, CancelForm, FeedbackForm, LogForm, LogPastForm, NotesForm, SessionForm
from ..models import MentoringSession
from ..selectors.agreements import agreement_holds_back
from ..selectors.matches import match_members_of
from ..selectors.sessions import my_feedback, session_confirmations, session_for_employee, topics_of
from ..services.confirmations import session_attendance_confirm
from ..services.sessions import CALENDAR_FIELDS, feedback_save, session_notes_update, session_schedule, session_update
from ..services.sessions import session_cancel as session_cancel_service
from ..services.sessions import session_log as session_log_service
from ..services.sessions import session_log_past as session_log_past_service
from .common import TAKING_PART, acting_in, match_side, session_phase, zone_name

S = MentoringSession.Status


def _location_url(location: str) -> str:
    """The location as a link when it is a web address (http or https only), else ""."""
    if not location.startswith(("https://", "http://")):
        return ""
    try:
        URLValidator(schemes=["http", "https"])(location)
    except ValidationError:
        return ""
    return location


def _topic_suggestions(request: OrgRequest, employee: Employee) -> list[str]:
    own = topics_of(organization=request.organization, employee=employee)
    known = {topic.casefold() for topic in own}
    return own + [topic for topic in COMMON_TOPICS if topic.casefold() not in known]


def _session(request: OrgRequest, session_pk: int) -> MentoringSession:
    return session_for_employee(
        organization=request.organization, employee=employee_or_404(request), session_id=session_pk
    )


def _to_session(request: OrgRequest, session: MentoringSession) -> HttpResponse:
    return redirect("session-detail", org_slug=request.organization.slug, session_pk=session.pk)


def _refused(request: OrgRequest, session: MentoringSession, side, statuses: tuple, why: str) -> HttpResponse | None:
    """Back to the session with the reason when this step does not apply to it (the service would refuse
    too): the match is over or the person left it, or the session's status does not allow it."""
    if side.can_act and session.status in statuses:
        return None
    reason = side.read_only_reason if not side.can_act else why % {"status": session.get_status_display().lower()}
    messages.error(request, reason)
    return _to_session(request, session)


def _form_page(request: OrgRequest, template: str, form, status: int = 200, **context) -> HttpResponse:
    context = {"nav_section": "mentoring", "zone": zone_name(), "now": timezone.now(), "form": form, **context}
    return render(request, template, context, status=status)


# --- New sessions ----------------------------------------------------------------------------------------


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def session_new(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    match, side = acting.match, acting.side
    form = SessionForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                session = session_schedule(
                    organization=organization,
                    actor=request.user,
                    employee=employee,
                    match_id=match.pk,
                    time_zone=zone_name(),
                    **{field: form.cleaned_data[field] for field in SessionForm.EDITABLE},
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Session scheduled. %(names)s will get an invitation by email.") % {"names": side.other_names},
                )
                return _to_session(request, session)
        return _form_page(
            request, "sessions/session_form.html", form, 400, side=side, match=match, **_pending(request, match)
        )
    return _form_page(request, "sessions/session_form.html", form, side=side, match=match, **_pending(request, match))


def _pending(request: OrgRequest, match) -> dict:
    """Whether the program's "agreement before the first session" holds this match back (the page says so,
    with a link to the agreement, before anyone fills in the form)."""
    return {"agreement_pending": agreement_holds_back(organization=request.organization, match=match)}


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def session_log_past(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    match, side = acting.match, acting.side
    form = LogPastForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                session = session_log_past_service(
                    organization=organization,
                    actor=request.user,
                    employee=employee,
                    match_id=match.pk,
                    starts_at=data["starts_at"],
                    duration_minutes=data["duration_minutes"],
                    format=data["format"],
                    location=data["location"],
                    shared_notes=data["shared_notes"],
                    rating=data["rating"],
                    topics=data["topics"],
                    reflection=data["reflection"],
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Session logged as held."))
                return _to_session(request, session)
        status = 400
    return _form_page(
        request,
        "sessions/session_log_past.html",
        form,
        status,
        side=side,
        match=match,
        topic_suggestions=_topic_suggestions(request, employee),
    )


# --- One session ------------------------------------------------------------------------------------------


@org_view(roles=TAKING_PART)
@require_GET
def session_detail(request: OrgRequest, session_pk: int) -> HttpResponse:
    employee = employee_or_404(request)
    session = _session(request, session_pk)
    side = match_side(session.match, employee)
    now = timezone.now()
    context = {
        "nav_section": "mentoring",
        "zone": zone_name(),
        "now": now,
        "session": session,
        "side": side,
        "match": session.match,
        "phase": session_phase(session, now),
        "location_url": _location_url(session.location),
        # Only ever the viewer's own feedback (the selector filters by author).
        "feedback": my_feedback(organization=request.organization, session=session, employee=employee),
    }
    if session.status == S.SCHEDULED:
        confirmations = session_confirmations(organization=request.organization, session=session)
        context["confirmations"], context["viewer_id"] = confirmations, employee.pk
        context["i_confirmed"] = any(c.employee_id == employee.pk for c in confirmations)
    return render(request, "sessions/session_detail.html", context)


@org_view(roles=TAKING_PART)
@require_POST
def session_confirm(request: OrgRequest, session_pk: int) -> HttpResponse:
    """ "Confirm I'll be there": the same service as a Slack button or a Teams card; twice is once."""
    employee = employee_or_404(request)
    session = _session(request, session_pk)
    try:
        session_attendance_confirm(
            organization=request.organization, actor=request.user, employee=employee, session_id=session.pk
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Thank you: the others see that you will be there."))
    return _to_session(request, session)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def session_edit(request: OrgRequest, session_pk: int) -> HttpResponse:
    employee = employee_or_404(request)
    session = _session(request, session_pk)
    side = match_side(session.match, employee)
    if refused := _refused(
        request,
        session,
        side,
        (S.SCHEDULED,),
        _("This session was %(status)s: only a scheduled session can be changed."),
    ):
        return refused
    form = SessionForm(request.POST or None, initial={f: getattr(session, f) for f in SessionForm.EDITABLE})
    if request.method == "POST":
        if form.is_valid():
            changes = form.changes(session)
            if "starts_at" in changes:
                changes["time_zone"] = zone_name()
            if not changes:
                messages.info(request, _("Nothing changed."))
                return _to_session(request, session)
            try:
                session_update(
                    organization=request.organization,
                    actor=request.user,
                    employee=employee,
                    session_id=session.pk,
                    **changes,
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                moved = any(field in changes for field in CALENDAR_FIELDS)
                if moved:
                    messages.success(request, _("Session saved. Everyone gets an updated invitation."))
                else:
                    messages.success(request, _("Session saved."))
                return _to_session(request, session)
        return _form_page(
            request, "sessions/session_form.html", form, 400, side=side, match=session.match, session=session
        )
    return _form_page(request, "sessions/session_form.html", form, side=side, match=session.match, session=session)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def session_cancel(request: OrgRequest, session_pk: int) -> HttpResponse:
    employee = employee_or_404(request)
    session = _session(request, session_pk)
    side = match_side(session.match, employee)
    if refused := _refused(
        request,
        session,
        side,
        (S.SCHEDULED,),
        _("This session was %(status)s: only a scheduled session can be cancelled."),
    ):
        return refused
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session_cancel_service(
                organization=request.organization,
                actor=request.user,
                employee=employee,
                session_id=session.pk,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Session cancelled. We let %(names)s know.") % {"names": side.other_names})
            return _to_session(request, session)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "sessions/session_cancel.html", form, status, side=side, session=session)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def session_log(request: OrgRequest, session_pk: int) -> HttpResponse:
    """How a scheduled session went: held or missed, with shared notes. Held leads on to my feedback."""
    employee = employee_or_404(request)
    session = _session(request, session_pk)
    side = match_side(session.match, employee)
    if refused := _refused(
        request, session, side, (S.SCHEDULED,), _("This session was %(status)s: it is logged already.")
    ):
        return refused
    form = LogForm(request.POST or None, initial={"shared_notes": session.shared_notes})
    started = session.starts_at <= timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            session = session_log_service(
                organization=request.organization,
                actor=request.user,
                employee=employee,
                session_id=session.pk,
                status=form.cleaned_data["status"],
                shared_notes=form.cleaned_data["shared_notes"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            if session.status == S.HELD:
                messages.success(request, _("Session logged as held. How was it for you? Your rating stays private."))
                return redirect("session-feedback", org_slug=request.organization.slug, session_pk=session.pk)
            messages.success(request, _("Session logged as missed."))
            return _to_session(request, session)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "sessions/session_log.html", form, status, side=side, session=session, started=started)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def session_notes(request: OrgRequest, session_pk: int) -> HttpResponse:
    employee = employee_or_404(request)
    session = _session(request, session_pk)
    side = match_side(session.match, employee)
    if refused := _refused(
        request, session, side, (S.SCHEDULED, S.HELD, S.MISSED), _("This session was %(status)s: it has no notes.")
    ):
        return refused
    form = NotesForm(request.POST or None, initial={"shared_notes": session.shared_notes})
    if request.method == "POST" and form.is_valid():
        try:
            session_notes_update(
                organization=request.organization,
                actor=request.user,
                employee=employee,
                session_id=session.pk,
                shared_notes=form.cleaned_data["shared_notes"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Shared notes saved."))
            return _to_session(request, session)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, "sessions/session_notes.html", form, status, side=side, session=session)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def session_feedback(request: OrgRequest, session_pk: int) -> HttpResponse:
    """My own rating, topics and private reflection on a held session (also after the match is over)."""
    organization = request.organization
    employee = employee_or_404(request)
    session = _session(request, session_pk)
    side = match_side(session.match, employee)
    if session.status != S.HELD:
        messages.error(request, _("Only a session that was held can be rated."))
        return _to_session(request, session)
    mine = my_feedback(organization=organization, session=session, employee=employee)
    initial = {"rating": mine.rating, "topics": ", ".join(mine.topics), "reflection": mine.reflection} if mine else {}
    form = FeedbackForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            feedback_save(
                organization=organization,
                employee=employee,
                session_id=session.pk,
                rating=form.cleaned_data["rating"],
                topics=form.cleaned_data["topics"],
                reflection=form.cleaned_data["reflection"],
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(request, _("Your feedback is saved. Only you see your reflection."))
            return _to_session(request, session)
    status = 400 if request.method == "POST" else 200
    return _form_page(
        request,
        "sessions/session_feedback.html",
        form,
        status,
        side=side,
        session=session,
        existing=mine,
        topic_suggestions=_topic_suggestions(request, employee),
    )


@org_view(roles=TAKING_PART)
@require_GET
def session_ics(request: OrgRequest, session_pk: int) -> HttpResponse:
    """The session as a calendar invitation (cancelled sessions as a cancellation)."""
    session = _session(request, session_pk)
    people = [member.participant.employee for member in match_members_of(session.match)]
    body = ics.invitation_ics(session, people, request.organization.slug)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mentoring-session-{session.pk}.ics"'
    return response
