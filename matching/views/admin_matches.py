"""HR admin actions on proposed matches: pin (a re-run keeps it), change the mentor, approve (one, the ticked
ones or all of a run's proposals, with a confirmation step for more than one) and discard (confirmed).
Every action is one service call; these views only parse, confirm and redirect back to the run page."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import service_error_text
from programs import selectors as program_selectors
from programs.models import Participant, Program

from .. import selectors
from ..models import Match, MatchRun
from ..services import review as review_services
from ..services.loading import MENTOR_STATUSES
from ..services.pairs import PairJudge, capacity_of, mentor_load
from .admin_runs import matches_page_url
from .common import MatchView, match_view

# The confirmation page names this many matches and says how many more there are.
CONFIRM_LISTED = 20
# Past this many mentors with room, the edit page lists them without scoring each one.
MAX_SCORED_CANDIDATES = 300


def _match(request: OrgRequest, program: Program, match_pk: int) -> Match:
    match = selectors.match_get(organization=request.organization, match_id=match_pk)
    if match.program_id != program.pk:
        raise Http404("No such match.")
    return match


def _back(request: OrgRequest, program: Program, match: Match) -> HttpResponse:
    return redirect(matches_page_url(program, match, request.organization.slug, request.POST.get("page", "")))


@org_view(roles=["admin"])
@require_POST
def match_pin(request: OrgRequest, program_pk: int, match_pk: int) -> HttpResponse:
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    match = _match(request, program, match_pk)
    pinned = request.POST.get("pinned") == "1"
    try:
        review_services.match_pin(
            organization=request.organization, actor=request.user, match_id=match.pk, pinned=pinned
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        names = match_view(match).names
        messages.success(
            request,
            (
                _("Pinned %(names)s: a re-run keeps them.")
                if pinned
                else _("Unpinned %(names)s: a re-run may change them.")
            )
            % {"names": names},
        )
    return _back(request, program, match)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def match_edit(request: OrgRequest, program_pk: int, match_pk: int) -> HttpResponse:
    """Change the mentor (facilitator) of a proposed match to one with a free place."""
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    match = _match(request, program, match_pk)
    view = match_view(match)
    candidates = _mentor_candidates(request, program, match, view) if match.status == Match.Status.PROPOSED else []
    error = ""
    if request.method == "POST":
        value = request.POST.get("mentor", "")
        if not (value.isascii() and value.isdigit()):
            error = "Choose a mentor."
        else:
            try:
                review_services.match_swap(
                    organization=organization, actor=request.user, match_id=match.pk, mentor_participant_id=int(value)
                )
            except ValidationError as exc:
                error = service_error_text(exc)
            else:
                messages.success(request, _("Mentor changed. The score and its explanation were recalculated."))
                return _back(request, program, match)
    context = {
        "nav_section": "programs",
        "program": program,
        "row": view,
        "candidates": candidates,
        "error": error,
        "back_url": matches_page_url(program, match, organization.slug, request.GET.get("page", "")),
        "page_number": request.POST.get("page") or request.GET.get("page", ""),
    }
    return render(request, "matching/admin_match_edit.html", context, status=400 if error else 200)


@dataclass
class Candidate:
    participant: Participant
    free: int
    score: float | None


def _mentor_candidates(request: OrgRequest, program: Program, match: Match, view: MatchView) -> list[Candidate]:
    """The program's mentors who have room for this match's people and are allowed with all of them, with
    the score the match would get, best first. Capacity and the pair rules are the services' (the same ones
    match_swap applies), asked in a constant number of queries."""
    organization = request.organization
    current = {lead.participant_id for lead in view.leads}
    mentors = [
        p
        for p in program_selectors.program_participants(
            organization=organization, program=program, role=Participant.Role.MENTOR
        )
        if p.status in MENTOR_STATUSES and p.pk not in current
    ]
    if not mentors:
        return []
    followers = [m.participant_id for m in view.members]
    needed = len(followers) if program.is_group else 1
    load = mentor_load(organization.pk, program, [p.pk for p in mentors], exclude_match=match.pk)
    roomy = [(p, capacity_of(p, program) - load.get(p.pk, 0)) for p in mentors]
    roomy = [(p, free) for p, free in roomy if free >= needed]
    if len(roomy) > MAX_SCORED_CANDIDATES or not followers:
        return [Candidate(p, free, None) for p, free in roomy]
    weights = match.run.weights if match.run_id and match.run else None
    judge = PairJudge.load(organization.pk, program, [*(p.pk for p, _ in roomy), *followers], weights=weights)
    candidates = []
    for participant, free in roomy:
        try:
            score, _explanation = judge.judge(followers, participant.pk)
        except ValidationError:
            continue  # not allowed with these people (level rule, management chain, time zones, excluded)
        candidates.append(Candidate(participant, free, score))
    return sorted(candidates, key=lambda c: (-(c.score or 0), c.participant.employee.name))


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def match_discard(request: OrgRequest, program_pk: int, match_pk: int) -> HttpResponse:
    """GET (or an unconfirmed POST) asks first; a confirmed POST discards the proposal."""
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    match = _match(request, program, match_pk)
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            review_services.match_discard(organization=organization, actor=request.user, match_id=match.pk)
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Discarded the proposal for %(names)s.") % {"names": match_view(match).names})
        return _back(request, program, match)
    context = {
        "nav_section": "programs",
        "program": program,
        "row": match_view(match),
        "back_url": matches_page_url(program, match, organization.slug, request.GET.get("page", "")),
        "page_number": request.POST.get("page") or request.GET.get("page", ""),
    }
    return render(request, "matching/admin_match_discard.html", context)


@org_view(roles=["admin"])
@require_POST
def matches_approve(request: OrgRequest, program_pk: int) -> HttpResponse:
    """Approve one match (`match`, no confirmation), the ticked ones or all proposals of `run`
    (`all=1`); more than one asks for confirmation first."""
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    run = _posted_run(request, program)
    if request.POST.get("all") == "1" and run is not None:
        ids = list(
            selectors.proposed_matches(organization=organization, run=run)
            .filter(status=Match.Status.PROPOSED)
            .values_list("pk", flat=True)
        )
    else:
        ids = [int(value) for value in request.POST.getlist("match") if value.isascii() and value.isdigit()]
    back_url = _run_url(request, program, run)
    if not ids:
        messages.error(request, _("Tick at least one proposed match first."))
        return redirect(back_url)
    single = request.POST.get("single") == "1" and len(ids) == 1
    if not single and request.POST.get("confirm") != "yes":
        chosen = list(
            selectors.proposed_matches(organization=organization, run=run).filter(pk__in=ids)[:CONFIRM_LISTED]
            if run is not None
            else []
        )
        context = {
            "nav_section": "programs",
            "program": program,
            "run": run,
            "ids": ids,
            "count": len(ids),
            "approve_all": request.POST.get("all") == "1",
            "listed": [match_view(m) for m in chosen],
            "more": max(len(ids) - len(chosen), 0),
            "back_url": back_url,
        }
        return render(request, "matching/admin_approve_confirm.html", context)
    try:
        approved = review_services.matches_approve(
            organization=organization, actor=request.user, program_id=program.pk, match_ids=ids
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        skipped = len(ids) - approved
        message = ngettext(
            "Approved %(count)s match. The participants were told by email and can now accept or decline.",
            "Approved %(count)s matches. The participants were told by email and can now accept or decline.",
            approved,
        ) % {"count": approved}
        if skipped:
            message += " " + _("%(count)s were no longer proposed and were left as they are.") % {"count": skipped}
        messages.success(request, message)
    return redirect(back_url)


def _posted_run(request: OrgRequest, program: Program) -> MatchRun | None:
    value = request.POST.get("run", "")
    if not (value.isascii() and value.isdigit()):
        return None
    run = selectors.run_get(organization=request.organization, run_id=int(value))
    if run.program_id != program.pk:
        raise Http404("No such run.")
    return run


def _run_url(request: OrgRequest, program: Program, run: MatchRun | None) -> str:
    slug = request.organization.slug
    if run is None:
        return reverse("program-matching", kwargs={"org_slug": slug, "program_pk": program.pk})
    page = request.POST.get("page", "")
    suffix = f"?page={page}" if page.isdigit() and page != "1" else ""
    return reverse("match-run-detail", kwargs={"org_slug": slug, "program_pk": program.pk, "run_pk": run.pk}) + suffix
