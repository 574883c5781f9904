"""More of the HR admin's review of a run: give a proposed pair another mentee (an approved mentee nobody has
matched yet, allowed with the pair's mentor), and start a failed run again as a new run with the same
settings (confirmed first). Each action is one service call (matching/services/review.py, runs.py)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, org_view, scoped
from mentorhub.web.errors import service_error_text
from programs import selectors as program_selectors
from programs.models import Participant, Program

from ..models import FOLLOWER_ROLES, Match, MatchMember, MatchRun
from ..services import review as review_services
from ..services import runs as run_services
from ..services.pairs import PairJudge
from .admin_matches import MAX_SCORED_CANDIDATES, _back, _match
from .admin_runs import _run, matches_page_url
from .common import MatchView, match_view


@dataclass
class MenteeCandidate:
    participant: Participant
    score: float | None


def _mentee_candidates(request: OrgRequest, program: Program, match: Match, view: MatchView) -> list[MenteeCandidate]:
    """Approved mentees of the program without a current match, that the pair's mentor may be matched with
    (the rules match_set_mentee applies: level, management chain, time zones, pairs excluded after a
    decline), best score first. A constant number of queries."""
    organization = request.organization
    if view.lead is None:
        return []
    current = {m.participant_id for m in view.members}
    busy = set(
        scoped(MatchMember, organization)
        .filter(program=program, current=True, role__in=FOLLOWER_ROLES)
        .values_list("participant_id", flat=True)
    )
    mentees = [
        p
        for p in program_selectors.program_participants(
            organization=organization, program=program, role=Participant.Role.MENTEE, status=Participant.Status.APPROVED
        )
        if p.pk not in busy and p.pk not in current
    ]
    if not mentees:
        return []
    mentor = view.lead.participant_id
    if len(mentees) > MAX_SCORED_CANDIDATES:
        return [MenteeCandidate(p, None) for p in mentees]
    weights = match.run.weights if match.run_id and match.run else None
    judge = PairJudge.load(organization.pk, program, [mentor, *(p.pk for p in mentees)], weights=weights)
    candidates = []
    for participant in mentees:
        try:
            score, _explanation = judge.judge([participant.pk], mentor)
        except ValidationError:
            continue  # not allowed with this mentor
        candidates.append(MenteeCandidate(participant, score))
    return sorted(candidates, key=lambda c: (-(c.score or 0), c.participant.employee.name))


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def match_edit_mentee(request: OrgRequest, program_pk: int, match_pk: int) -> HttpResponse:
    """Change the mentee of a proposed pair."""
    organization = request.organization
    program = program_selectors.program_get(organization=organization, program_id=program_pk)
    match = _match(request, program, match_pk)
    view = match_view(match)
    editable = match.status == Match.Status.PROPOSED and match.kind == Match.Kind.PAIR
    candidates = _mentee_candidates(request, program, match, view) if editable else []
    error = ""
    if request.method == "POST":
        value = request.POST.get("mentee", "")
        if not (value.isascii() and value.isdigit()):
            error = "Choose a mentee."
        else:
            try:
                review_services.match_set_mentee(
                    organization=organization, actor=request.user, match_id=match.pk, mentee_participant_id=int(value)
                )
            except ValidationError as exc:
                error = service_error_text(exc)
            else:
                messages.success(request, _("Mentee changed. The score and its explanation were recalculated."))
                return _back(request, program, match)
    context = {
        "nav_section": "programs",
        "program": program,
        "row": view,
        "editable": editable,
        "candidates": candidates,
        "error": error,
        "back_url": matches_page_url(program, match, organization.slug, request.GET.get("page", "")),
        "page_number": request.POST.get("page") or request.GET.get("page", ""),
    }
    return render(request, "matching/admin_match_edit_mentee.html", context, status=400 if error else 200)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def match_run_retry(request: OrgRequest, program_pk: int, run_pk: int) -> HttpResponse:
    """GET (or an unconfirmed POST) asks first; a confirmed POST starts a new run with the failed run's
    settings and opens it."""
    organization = request.organization
    program = program_selectors.program_get(organization=organization, program_id=program_pk)
    run = _run(request, program, run_pk)
    error = ""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        try:
            new = run_services.match_run_retry(organization=organization, actor=request.user, run_id=run.pk)
        except ValidationError as exc:
            error = service_error_text(exc)
        else:
            messages.success(
                request,
                _("Matching run %(new)s started with the settings of run %(old)s.") % {"new": new.pk, "old": run.pk},
            )
            return redirect("match-run-detail", org_slug=organization.slug, program_pk=program.pk, run_pk=new.pk)
    context = {
        "nav_section": "programs",
        "program": program,
        "run": run,
        "can_retry": run.status == MatchRun.Status.FAILED,
        "error": error,
    }
    return render(request, "matching/admin_run_retry.html", context, status=400 if error else 200)
