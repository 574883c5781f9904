"""The participant's side of mentoring: My mentoring (the home page: my matches, the next sessions, open
goals, things to do), one match's space (people, sessions, goals, completing it), and ending a match early
(confirmed on its own page, with a reason for HR). Times are shown in the viewer's own zone."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching import selectors as matching_selectors
from matching.models import Match, MatchMember
from matching.services.lifecycle import match_end_early, match_request_completion
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import OrgRequest, employee_or_404, employee_or_none, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from ..extensions import home_todos
from ..forms import EndMatchForm
from ..models import Goal, MentoringSession, PairingFitAnswer
from ..page_cache import person_cached
from ..selectors.agreements import agreement_state
from ..selectors.goals import goal_progress, goals_of_match, goals_visible_to
from ..selectors.matches import match_for_employee, matches_stamp, stamp_started_match_ids, started_matches_of
from ..selectors.notifications import unread_count
from ..selectors.pairing_fit import fit_state
from ..selectors.sessions import sessions_of_match, sessions_to_log, upcoming_sessions
from .common import TAKING_PART, acting_in, match_side, names, session_phase, zone_name
from .rendered import render_with_holes

# The home page lists this many sessions ahead (each match's card names its own next one).
UPCOMING_SHOWN = 5
# Open milestones shown under each goal on the home page.
MILESTONES_SHOWN = 3
# Goals needing attention first, done ones last.
BY_ATTENTION: dict[str, int] = {Goal.Status.AT_RISK: 0, Goal.Status.ON_TRACK: 1, Goal.Status.DONE: 2}


def _goal_rows(goals: list[Goal], milestones_shown: int | None = None) -> list[dict]:
    rows = []
    for goal in goals:
        milestones = list(goal.milestones.all())
        open_milestones = [m for m in milestones if not m.is_done]
        rows.append(
            {
                "goal": goal,
                "progress": goal_progress(goal),
                "done": len(milestones) - len(open_milestones),
                "total": len(milestones),
                "open_milestones": open_milestones[:milestones_shown] if milestones_shown else open_milestones,
            }
        )
    return rows


def _answers_waiting(organization: Organization, employee: Employee) -> list[Match]:
    """Matches approved by HR that wait for this person's yes or no (answered on the matching pages)."""
    approved = matching_selectors.matches_of_employee(
        organization=organization, employee=employee, current_only=True
    ).filter(status=Match.Status.APPROVED)
    waiting = []
    for match in approved:
        me = matching_selectors.match_member_of(match, employee)
        if me is not None and me.response == MatchMember.Response.PENDING:
            waiting.append(match)
    return waiting


@org_view(roles=TAKING_PART)
@require_GET
def my_mentoring(request: OrgRequest) -> HttpResponse:
    employee = employee_or_none(request)
    zone = zone_name()
    context: dict = {"nav_section": "mentoring", "zone": zone, "employee": employee}
    if employee is None:
        return render(request, "sessions/my_mentoring.html", context)
    organization = request.organization
    now = timezone.now()
    # The page but the unread count, rendered once per person, zone and state of their matches
    # (sessions/page_cache.py); the stamp, one small query, is who is in those matches and how.
    parts = person_cached(
        organization=organization,
        employee_id=employee.pk,
        part=f"home:{organization.slug}:{zone}",
        stamp=matches_stamp(organization, employee),
        build=lambda: _home_parts(organization, employee, now),
    )
    todo = parts["todo"]
    context.update(
        {
            "page": {"todo": todo.fill(request, now) if todo else "", "main": parts["main"].fill(request, now)},
            "unread": unread_count(organization=organization, employee=employee),
        }
    )
    return render(request, "sessions/my_mentoring.html", context)


def _home_parts(organization: Organization, employee: Employee, now: datetime) -> tuple[dict, datetime | None]:
    """The home page's things to do (but the unread count) and the rest, rendered; and when they change by
    themselves (a session ahead ends: it then waits to be logged)."""
    sides = [match_side(match, employee) for match in started_matches_of(organization=organization, employee=employee)]
    current = [side for side in sides if side.can_act]
    by_match = {side.match.pk: side for side in sides}
    # One more than shown: a session not shown cannot end before it starts, and that moment bounds the cache too.
    ahead = upcoming_sessions(organization=organization, employee=employee, now=now, limit=UPCOMING_SHOWN + 1)
    upcoming = ahead[:UPCOMING_SHOWN]
    next_of: dict[int, MentoringSession] = {}
    for session in upcoming:
        next_of.setdefault(session.match_id, session)
    goals = (
        goals_visible_to(organization=organization, employee=employee)
        .filter(
            Q(match_id__in=[side.match.pk for side in current])
            | Q(match__isnull=True, program_id__in={side.match.program_id for side in current})
        )
        .exclude(status=Goal.Status.DONE)
        .order_by("status", "due_on", "id")
    )
    to_log = [
        {"session": s, "side": by_match[s.match_id]}
        for s in sessions_to_log(organization=organization, employee=employee, now=now)
        if s.match_id in by_match and by_match[s.match_id].can_act
    ]
    todo = {
        "to_log": to_log,
        "answers_waiting": _answers_waiting(organization, employee),
        "more_todos": home_todos(organization, employee),  # e.g. check-ins (analytics)
    }
    main = {
        "current": [{"side": side, "next": next_of.get(side.match.pk)} for side in current],
        "history": [side for side in sides if not side.can_act],
        "upcoming": [{"session": s, "side": by_match.get(s.match_id)} for s in upcoming],
        "goals": _goal_rows(list(goals), MILESTONES_SHOWN),
    }
    base = {"current_organization": organization, "now": now}
    parts = {
        "todo": render_with_holes("sessions/_home_todo.html", {**base, **todo}) if any(todo.values()) else None,
        "main": render_with_holes("sessions/_home_main.html", {**base, **main}),
    }
    changes_at = [session.ends_at for session in upcoming]
    if len(ahead) > UPCOMING_SHOWN:
        changes_at.append(ahead[UPCOMING_SHOWN].starts_at)
    return parts, min(changes_at, default=None)


@org_view(roles=TAKING_PART)
@require_GET
def mentoring_match(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    # Who is in this person's matches, read live: the 404 of `match_for_employee` (not theirs, or not started)
    # is answered from it before anything cached is used, and it keys the rendered page.
    stamp = matches_stamp(organization, employee)
    if match_pk not in stamp_started_match_ids(stamp, employee):
        raise Http404("Not found.")
    zone = zone_name()
    now = timezone.now()
    page = person_cached(
        organization=organization,
        employee_id=employee.pk,
        part=f"match{match_pk}:{organization.slug}:{zone}",
        stamp=stamp,
        build=lambda: _match_page(organization, employee, match_pk, zone, now),
    )
    context = {
        "nav_section": "mentoring",
        "program_name": page["program_name"],
        "page": page["html"].fill(request, now),
    }
    return render(request, "sessions/match.html", context)


def _match_page(
    organization: Organization, employee: Employee, match_pk: int, zone: str, now: datetime
) -> tuple[dict, datetime | None]:
    """The match's page rendered, and when it changes by itself (a session ahead starts: it then waits to be
    logged)."""
    match = match_for_employee(organization=organization, employee=employee, match_id=match_pk)
    side = match_side(match, employee)
    sessions, goals = _match_parts(organization, match, employee)
    upcoming, to_log, past = [], [], []
    for session in sessions:
        phase = session_phase(session, now)
        # Read by templates/sessions/_session_item.html (`session.phase`): a display attribute, not a field.
        session.phase = phase  # type: ignore[attr-defined]
        if phase == "upcoming":
            upcoming.append(session)
        elif phase == "to_log":
            to_log.append(session)
        else:
            past.append(session)
    upcoming.reverse()  # soonest first; the rest stay newest first
    context = {
        "current_organization": organization,
        "zone": zone,
        "now": now,
        "side": side,
        "match": match,
        "upcoming": upcoming,
        "to_log": to_log,
        "past": past,
        "goals": goals,
        # The agreement and the viewer's own pairing-fit question (never another member's answer).
        "agreement": agreement_state(organization=organization, match=match, members=side.members),
        "fit": fit_state(
            organization=organization,
            match=match,
            employee=employee,
            me=side.me,
            held=any(session.status == MentoringSession.Status.HELD for session in sessions),
        ),
        "fit_choices": PairingFitAnswer.Answer.choices,
    }
    page = {"program_name": match.program.name, "html": render_with_holes("sessions/_match_page.html", context)}
    return page, min((session.starts_at for session in upcoming), default=None)


def _match_parts(organization: Organization, match: Match, employee: Employee) -> tuple[list[MentoringSession], list]:
    """A match's sessions, newest first, and the rows of the goals `employee` sees in it."""
    # Only the goals this person may see: a circle member never sees another member's personal goal.
    goals = sorted(
        goals_of_match(organization=organization, match=match, viewer=employee),
        key=lambda g: (BY_ATTENTION[g.status], g.due_on or date.max, g.pk),
    )
    return list(sessions_of_match(organization=organization, match=match)), _goal_rows(goals)


@org_view(roles=TAKING_PART)
@require_POST
def match_complete(request: OrgRequest, match_pk: int) -> HttpResponse:
    """Ask to complete the match now (`wanted=1`) or take the request back (`wanted=0`). When everyone in
    it has asked, the match is completed."""
    organization = request.organization
    employee = employee_or_404(request)
    match = match_for_employee(organization=organization, employee=employee, match_id=match_pk)
    wanted = request.POST.get("wanted", "1") != "0"
    try:
        answer = match_request_completion(
            organization=organization, actor=request.user, employee=employee, match_id=match.pk, wanted=wanted
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        if answer.completed:
            messages.success(request, _("Everyone agreed: your match is completed. Thank you for taking part!"))
        elif wanted:
            waiting = answer.waiting_for[0] if len(answer.waiting_for) == 1 else ""
            if len(answer.waiting_for) > 1:
                waiting = _("%(names)s and %(last)s") % {
                    "names": ", ".join(answer.waiting_for[:-1]),
                    "last": answer.waiting_for[-1],
                }
            messages.success(
                request,
                _("You asked to complete the match. We let the others know; waiting for %(names)s.")
                % {"names": waiting},
            )
        else:
            messages.success(request, _("You took back your request to complete the match."))
    return redirect("mentoring-match", org_slug=organization.slug, match_pk=match.pk)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def match_end(request: OrgRequest, match_pk: int) -> HttpResponse:
    """End the match early: a confirmation page with the reason (for HR) and whether a new match is wanted."""
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk, only_on_post=True)
    if acting.refusal is not None:
        return acting.refusal
    match, side = acting.match, acting.side
    form = EndMatchForm(request.POST or None)
    if side.is_lead:
        form.fields["rematch"].label = _("Offer %(names)s a new match in this program") % {"names": side.other_names}
        form.fields["rematch"].help_text = _(
            "Unticked, they stay in the program without a new match for now; HR can match them later."
        )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = match_end_early(
                    organization=organization,
                    actor=request.user,
                    match_id=match.pk,
                    reason=form.cleaned_data["reason"],
                    employee=employee,
                    rematch=form.cleaned_data["rematch"],
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _ended_message(side, result.freed))
                return redirect("my-mentoring", org_slug=organization.slug)
        status = 400
    context = {"nav_section": "mentoring", "side": side, "match": match, "form": form}
    return render(request, "sessions/match_end.html", context, status=status)


def _ended_message(side, freed: list[int]) -> str:
    if side.is_lead:
        again = [m for m in side.others if m.participant_id in freed]
        if again:
            return _("The match has ended. %(names)s can be matched again.") % {"names": names(again)}
        return _("The match has ended.")
    if side.me.participant_id in freed:
        return _("The match has ended. You can be matched again: a new match will appear under My matches.")
    return _("The match has ended, and you have left the program.")
