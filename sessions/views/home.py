"""The participant's side of mentoring: My mentoring (the home page: my matches, the next sessions, open
goals, things to do), one match's space (people, sessions, goals, completing it), and ending a match early
(confirmed on its own page, with a reason for HR). Times are shown in the viewer's own zone."""

from __future__ import annotations

from datetime import date, datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matching import selectors as matching_selectors
from matching.models import Match, MatchMember
from matching.services.lifecycle import match_end_early, match_request_completion
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import OrgRequest, employee_or_404, employee_or_none, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from ..extensions import home_todos
from ..forms import EndMatchForm
from ..models import Goal, MentoringSession
from ..page_cache import person_cached
from ..selectors.goals import goal_progress, goals_of_match, goals_visible_to
from ..selectors.matches import match_for_employee, started_matches_of
from ..selectors.notifications import unread_count
from ..selectors.sessions import sessions_of_match, sessions_to_log, upcoming_sessions
from .common import TAKING_PART, MatchSide, acting_in, match_side, names, session_phase, zone_name

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


def _answers_waiting(request: OrgRequest, employee: Employee) -> list[Match]:
    """Matches approved by HR that wait for this person's yes or no (answered on the matching pages)."""
    approved = matching_selectors.matches_of_employee(
        organization=request.organization, employee=employee, current_only=True
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
    context: dict = {"nav_section": "mentoring", "zone": zone_name(), "employee": employee}
    if employee is None:
        return render(request, "sessions/my_mentoring.html", context)
    organization = request.organization
    now = timezone.now()
    sides = [match_side(match, employee) for match in started_matches_of(organization=organization, employee=employee)]
    current = [side for side in sides if side.can_act]
    by_match = {side.match.pk: side for side in sides}
    # The costly parts come from the person's cache (sessions/page_cache.py), keyed by the matches read just now.
    parts = person_cached(
        organization=organization,
        employee_id=employee.pk,
        part="home",
        stamp=tuple((side.match.pk, side.match.status, side.can_act) for side in sides),
        build=lambda: _home_parts(organization, employee, current, now),
    )
    upcoming = parts["upcoming"]
    next_of: dict[int, MentoringSession] = {}
    for session in upcoming:
        next_of.setdefault(session.match_id, session)
    context.update(
        {
            "now": now,
            "current": [{"side": side, "next": next_of.get(side.match.pk)} for side in current],
            "history": [side for side in sides if not side.can_act],
            "upcoming": [{"session": s, "side": by_match.get(s.match_id)} for s in upcoming],
            "goals": parts["goals"],
            "to_log": [
                {"session": s, "side": by_match[s.match_id]}
                for s in parts["to_log"]
                if s.match_id in by_match and by_match[s.match_id].can_act
            ],
            "answers_waiting": _answers_waiting(request, employee),
            "unread": unread_count(organization=organization, employee=employee),
            "more_todos": parts["todos"],
        }
    )
    return render(request, "sessions/my_mentoring.html", context)


def _home_parts(
    organization: Organization, employee: Employee, current: list[MatchSide], now: datetime
) -> tuple[dict, datetime | None]:
    """The home page's sessions ahead and to log, open goals and things to do; and when they change by
    themselves (the first session ahead ends: it then waits to be logged)."""
    upcoming = upcoming_sessions(organization=organization, employee=employee, now=now, limit=UPCOMING_SHOWN)
    goals = (
        goals_visible_to(organization=organization, employee=employee)
        .filter(
            Q(match_id__in=[side.match.pk for side in current])
            | Q(match__isnull=True, program_id__in={side.match.program_id for side in current})
        )
        .exclude(status=Goal.Status.DONE)
        .order_by("status", "due_on", "id")
    )
    parts = {
        "upcoming": upcoming,
        "goals": _goal_rows(list(goals), MILESTONES_SHOWN),
        "to_log": sessions_to_log(organization=organization, employee=employee, now=now),
        "todos": home_todos(organization, employee),  # e.g. check-ins (analytics)
    }
    return parts, min((session.ends_at for session in upcoming), default=None)


@org_view(roles=TAKING_PART)
@require_GET
def mentoring_match(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    match = match_for_employee(organization=organization, employee=employee, match_id=match_pk)
    side = match_side(match, employee)
    now = timezone.now()
    # Its sessions and the goals this person sees, from the person's cache (sessions/page_cache.py); each
    # session's phase is worked out below, at each visit.
    sessions, goals = person_cached(
        organization=organization,
        employee_id=employee.pk,
        part=f"match{match.pk}",
        stamp=(match.status, side.can_act, side.is_current),
        build=lambda: (_match_parts(organization, match, employee), None),
    )
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
        "nav_section": "mentoring",
        "zone": zone_name(),
        "now": now,
        "side": side,
        "match": match,
        "upcoming": upcoming,
        "to_log": to_log,
        "past": past,
        "goals": goals,
    }
    return render(request, "sessions/match.html", context)


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
            messages.success(request, "Everyone agreed: your match is completed. Thank you for taking part!")
        elif wanted:
            waiting = " and ".join(answer.waiting_for)
            messages.success(
                request, f"You asked to complete the match. We let the others know; waiting for {waiting}."
            )
        else:
            messages.success(request, "You took back your request to complete the match.")
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
        form.fields["rematch"].label = f"Offer {side.other_names} a new match in this program"
        form.fields[
            "rematch"
        ].help_text = "Unticked, they stay in the program without a new match for now; HR can match them later."
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
        return "The match has ended." + (f" {names(again)} can be matched again." if again else "")
    if side.me.participant_id in freed:
        return "The match has ended. You can be matched again: a new match will appear under My matches."
    return "The match has ended, and you have left the program."
