"""HR admin pages for matching runs: start a run (objective, weights, what-if) and list the runs; a run's
page with live progress (htmx polls while it is queued or running) and, when done, its figures, a score
histogram, the proposed matches to review and the people left unmatched; and two runs side by side.
Admins only; everything is read through the scoped selectors of programs and matching."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import service_error_text
from mentorhub.web.htmx import HTMX_STOP_POLLING, is_htmx
from programs import selectors as program_selectors
from programs.models import Program

from .. import selectors
from ..forms import RunStartForm
from ..models import Match, MatchRun
from ..services import runs as run_services
from .common import match_view

RUNS_PER_PAGE = 20
MATCHES_PER_PAGE = 50
# Runs may start while the program is being matched, and later for re-matches in a running program.
RUNNABLE = (Program.Status.MATCHING, Program.Status.ACTIVE)


def _run(request: OrgRequest, program: Program, run_pk: int) -> MatchRun:
    run = selectors.run_get(organization=request.organization, run_id=run_pk)
    # A run of another program of the same organization is "not found" under this program's URL.
    if run.program_id != program.pk:
        raise Http404("No such run.")
    return run


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def program_matching(request: OrgRequest, program_pk: int) -> HttpResponse:
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    if not program.has_matching:
        # Flash programs book office hours instead: their program page says so, and runs are refused anyway.
        messages.info(request, _("Flash mentoring programs have no matching: members book mentors' office hours."))
        return redirect("program-detail", org_slug=organization.slug, program_pk=program.pk)
    questions = list(program_selectors.program_questions(organization=organization, program=program))
    can_run = program.status in RUNNABLE
    status = 200
    if request.method == "POST" and can_run:
        form = RunStartForm(request.POST, program=program, questions=questions)
        if form.is_valid():
            try:
                run = run_services.match_run_start(
                    organization=organization,
                    actor=request.user,
                    program_id=program.pk,
                    objective=form.cleaned_data["objective"],
                    weights=form.weights() or None,
                    what_if=form.cleaned_data["what_if"],
                )
            except ValidationError as error:
                form.add_error(None, service_error_text(error))
            else:
                started = _("What-if run %(run)s started.") if run.what_if else _("Matching run %(run)s started.")
                messages.success(request, started % {"run": run.pk})
                return redirect("match-run-detail", org_slug=organization.slug, program_pk=program.pk, run_pk=run.pk)
        status = 400
    else:
        form = RunStartForm(program=program, questions=questions)
    page = Paginator(selectors.runs_of_program(organization=organization, program=program), RUNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    finished = [run for run in page.object_list if run.status == MatchRun.Status.DONE]
    # A decline starts a re-match on its own: the admin sees which runs those are and whose decline it was.
    origins = selectors.rematch_origins(organization=organization, runs=list(page.object_list))
    for run in page.object_list:
        run.origin = origins.get(run.pk)  # type: ignore[attr-defined]
    context = {
        "nav_section": "programs",
        "program": program,
        "form": form,
        "can_run": can_run,
        "page": page,
        "runs": page.object_list,
        "compare_runs": finished,
        "rematch_origins": sorted(origins.values(), key=lambda origin: -origin.run_id),
        "match_mode_note": _match_mode_note(program),
    }
    return render(request, "matching/admin_matching.html", context, status=status)


def _match_mode_note(program: Program) -> str:
    if program.match_mode == Program.MatchMode.AUTOMATIC:
        return "This program approves matches automatically: a run's matches go straight to the participants."
    if program.match_mode == Program.MatchMode.MENTEE_CHOICE:
        return (
            "Mentees in this program pick their mentor from suggestions. A run here matches the mentees who have "
            "not picked one yet."
        )
    return ""


def _run_context(request: OrgRequest, program: Program, run: MatchRun) -> dict:
    """Everything the run page shows. The results (and their queries) only once the run is done."""
    figures = run.figures or {}
    context: dict = {
        "nav_section": "programs",
        "program": program,
        "run": run,
        "run_heading": _("Matching run %(run)s") % {"run": run.pk},
        "figures": figures,
        "duration": figures.get("duration_s"),
        "weights": _weights_used(request, program, run),
        "origin": selectors.rematch_origins(organization=request.organization, runs=[run]).get(run.pk),
    }
    if run.status != MatchRun.Status.DONE:
        return context
    organization = request.organization
    histogram = selectors.run_histogram(organization=organization, run=run)
    peak = max((bin_["count"] for bin_ in histogram), default=0)
    for bin_ in histogram:
        bin_["percent"] = round(bin_["count"] * 100 / peak) if peak else 0
    counts = selectors.run_match_counts(organization=organization, run=run)
    page = Paginator(selectors.proposed_matches(organization=organization, run=run), MATCHES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    context.update(
        histogram=histogram if any(bin_["count"] for bin_ in histogram) else [],
        page=page,
        rows=[match_view(match) for match in page.object_list],
        proposed_total=counts.get(Match.Status.PROPOSED, 0),
        unmatched=selectors.unmatched_of_run(organization=organization, run=run),
        status_counts=[(Match.Status(status).label, n) for status, n in counts.items() if n],
        rematches=selectors.rematches_after_declines(organization=organization, run=run),
    )
    return context


def _weights_used(request: OrgRequest, program: Program, run: MatchRun) -> list[tuple[str, int]]:
    """(question prompt, weight) for the weights this run changed from the enrollment form."""
    if not run.weights:
        return []
    prompts = dict(
        program_selectors.program_questions(organization=request.organization, program=program).values_list(
            "pk", "prompt"
        )
    )
    return [
        (prompts.get(int(key), f"Question {key}"), value)
        for key, value in run.weights.items()
        if key.isascii() and key.isdigit()
    ]


@org_view(roles=["admin"])
@require_GET
def match_run_detail(request: OrgRequest, program_pk: int, run_pk: int) -> HttpResponse:
    """The run's page; while it is queued or running, htmx polls the same URL for the progress partial, and
    the answer that reports it finished also carries the results (an out-of-band swap)."""
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    run = _run(request, program, run_pk)
    context = _run_context(request, program, run)
    if is_htmx(request):
        context["oob_results"] = run.is_finished
        response = render(request, "matching/_run_progress.html", context)
        if run.is_finished:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "matching/admin_run_detail.html", context)


@org_view(roles=["admin"])
@require_GET
def match_run_compare(request: OrgRequest, program_pk: int) -> HttpResponse:
    """Two finished runs side by side: matched, mean score, how many pairs differ."""
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    runs = list(
        selectors.runs_of_program(organization=organization, program=program).filter(status=MatchRun.Status.DONE)
    )
    by_id = {run.pk: run for run in runs}

    def chosen(key: str, default: int | None) -> int | None:
        value = request.GET.get(key, "")
        return int(value) if value.isascii() and value.isdigit() and int(value) in by_id else default

    run_a = chosen("a", runs[1].pk if len(runs) > 1 else None)
    run_b = chosen("b", runs[0].pk if runs else None)
    comparison = problem = None
    if run_a and run_b and run_a == run_b:
        problem = "Pick two different runs."
    elif run_a and run_b:
        try:
            comparison = run_services.match_run_compare(organization=organization, run_a_id=run_a, run_b_id=run_b)
        except ValidationError as error:
            problem = service_error_text(error)
    context = {
        "nav_section": "programs",
        "program": program,
        "runs": runs,
        "run_a": by_id[run_a] if run_a is not None else None,  # `chosen` gives only ids of these runs
        "run_b": by_id[run_b] if run_b is not None else None,
        "comparison": comparison,
        "problem": problem,
    }
    return render(request, "matching/admin_run_compare.html", context)


def matches_page_url(program: Program, match: Match, organization_slug: str, page: str = "") -> str:
    """Back to the run page that lists `match` (keeping the page number), or to the program's runs."""
    if match.run_id is None:
        return reverse("program-matching", kwargs={"org_slug": organization_slug, "program_pk": program.pk})
    url = reverse(
        "match-run-detail", kwargs={"org_slug": organization_slug, "program_pk": program.pk, "run_pk": match.run_id}
    )
    suffix = f"?page={page}" if page.isdigit() and page != "1" else ""
    return f"{url}{suffix}#match-{match.pk}"
