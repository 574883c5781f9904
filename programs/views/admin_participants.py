"""The participants of a program for HR admins: a filtered, paginated table, bulk approve / waitlist /
decline, bulk invitations (by department, level or a list of emails) and the CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from .. import selectors
from ..forms.participants import InviteForm
from ..models import Participant, Program, Question
from ..services.participants import DECIDING_PROGRAM_STATUSES, participants_decide, participants_invite

PAGE_SIZE = 50
SUMMARY_ITEMS = 3
DECISION_LABELS = {
    "approve": gettext_lazy("Approve"),
    "waitlist": gettext_lazy("Waitlist"),
    "decline": gettext_lazy("Decline"),
}
FILTER_KEYS = ("role", "status", "q")


def _filters(params: QueryDict) -> dict[str, str]:
    role = params.get("role", "")
    status = params.get("status", "")
    return {
        "role": role if role in Participant.Role.values else "",
        "status": status if status in Participant.Status.values else "",
        "q": params.get("q", "").strip()[:200],
    }


def _filtered(request: OrgRequest, program: Program, filters: dict[str, str]):
    return selectors.program_participants(
        organization=request.organization,
        program=program,
        role=filters["role"],
        status=filters["status"],
        search=filters["q"],
    )


def _answer_text(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _summary(participant: Participant, questions: list[Question]) -> tuple[list[tuple[str, str]], int]:
    """The first few answers as (prompt, answer) and how many more there are."""
    answered = [
        (q.prompt_for(participant.role), _answer_text(participant.answers[str(q.pk)]))
        for q in questions
        if str(q.pk) in (participant.answers or {})
    ]
    return answered[:SUMMARY_ITEMS], max(len(answered) - SUMMARY_ITEMS, 0)


def _list_url(request: OrgRequest, program: Program, query: dict[str, str]) -> str:
    url = reverse("program-participants", kwargs={"org_slug": request.organization.slug, "program_pk": program.pk})
    active = {k: v for k, v in query.items() if v}
    return f"{url}?{urlencode(active)}" if active else url


@org_view(roles=["admin"])
@require_GET
def program_participants(request: OrgRequest, program_pk: int) -> HttpResponse:
    organization = request.organization
    program = selectors.program_get(organization=organization, program_id=program_pk)
    filters = _filters(request.GET)
    questions = list(selectors.program_questions(organization=organization, program=program))
    page = Paginator(_filtered(request, program, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for participant in page.object_list:
        summary, more = _summary(participant, questions)
        rows.append({"participant": participant, "summary": summary, "more": more})
    active = {k: v for k, v in filters.items() if v}
    context = {
        "nav_section": "programs",
        "program": program,
        "filters": filters,
        "page": page,
        "rows": rows,
        "querystring": urlencode(active),
        "return_query": urlencode({**active, "page": page.number}) if page.number > 1 else urlencode(active),
        "is_filtered": bool(active),
        "roles": [(Participant.Role.MENTOR, _("Mentors")), (Participant.Role.MENTEE, _("Mentees"))],
        "statuses": Participant.Status.choices,
        "decisions": DECISION_LABELS.items(),
        "can_decide": program.status in DECIDING_PROGRAM_STATUSES,
        "can_invite": program.status in (Program.Status.DRAFT, Program.Status.ENROLLING),
    }
    return render(request, "programs/admin_participants.html", context)


@org_view(roles=["admin"])
@require_POST
def participants_decide_view(request: OrgRequest, program_pk: int) -> HttpResponse:
    """Bulk approve / waitlist / decline of the ticked rows. Declining asks for confirmation first."""
    organization = request.organization
    program = selectors.program_get(organization=organization, program_id=program_pk)
    decision = request.POST.get("decision", "")
    # isascii too: str.isdigit() accepts "²" and other digits that int() refuses.
    ids = [int(value) for value in request.POST.getlist("participant") if value.isascii() and value.isdigit()]
    back = QueryDict(request.POST.get("return_query", ""))
    back_url = _list_url(request, program, {**_filters(back), "page": back.get("page", "")})
    if decision not in DECISION_LABELS:
        messages.error(request, _("Choose approve, waitlist or decline."))
        return redirect(back_url)
    if not ids:
        messages.error(request, _("Tick at least one person first."))
        return redirect(back_url)
    if decision == "decline" and request.POST.get("confirm") != "yes":
        chosen = list(selectors.program_participants(organization=organization, program=program).filter(pk__in=ids))
        context = {
            "nav_section": "programs",
            "program": program,
            "chosen": chosen,
            "return_query": request.POST.get("return_query", ""),
            "back_url": back_url,
        }
        return render(request, "programs/admin_participants_decline_confirm.html", context)
    try:
        changed = participants_decide(
            organization=organization, actor=request.user, program_id=program.pk, participant_ids=ids, decision=decision
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        done = {
            "approve": ngettext("%(count)s person approved.", "%(count)s people approved.", changed),
            "waitlist": ngettext("%(count)s person waitlisted.", "%(count)s people waitlisted.", changed),
            "decline": ngettext("%(count)s person declined.", "%(count)s people declined.", changed),
        }[decision] % {"count": changed}
        unchanged = len(ids) - changed
        if unchanged:
            done += " " + _("%(count)s already had that status or could not be changed.") % {"count": unchanged}
        messages.success(request, done)
    return redirect(back_url)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def program_invite(request: OrgRequest, program_pk: int) -> HttpResponse:
    organization = request.organization
    program = selectors.program_get(organization=organization, program_id=program_pk)
    roster = selectors.roster_values(organization=organization)
    session_key = f"program_invite_result:{organization.pk}:{program.pk}"
    status = 200
    if request.method == "POST":
        form = InviteForm(request.POST, request.FILES, roster=roster)
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = participants_invite(
                    organization=organization,
                    actor=request.user,
                    program_id=program.pk,
                    role=data["role"],
                    departments=data["departments"],
                    job_levels=data["job_levels"],
                    emails=data["all_emails"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                request.session[session_key] = {
                    **result,
                    "role": data["role"],
                    "emailed_now": program.status == Program.Status.ENROLLING,
                }
                return redirect("program-invite", org_slug=organization.slug, program_pk=program.pk)
        status = 400
    else:
        form = InviteForm(roster=roster)
    shown: dict[str, Any] | None = request.session.pop(session_key, None) if request.method == "GET" else None
    if shown:
        shown["role_label"] = Participant.Role(shown["role"]).label.lower()
    context = {
        "nav_section": "programs",
        "program": program,
        "form": form,
        "result": shown,
        "can_invite": program.status in (Program.Status.DRAFT, Program.Status.ENROLLING),
        "eligibility": {
            "departments": program.eligible_departments,
            "job_levels": program.eligible_job_levels,
            "locations": program.eligible_locations,
        },
    }
    return render(request, "programs/admin_invite.html", context, status=status)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (answers are free text)."""
    text = "" if value is None else _answer_text(value).replace(", ", "; ") if isinstance(value, list) else str(value)
    return safe_cell(text)


def export_rows(participants: Iterable[Participant], questions: list[Question]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    headers = ["name", "email", "employee_id", "department", "job_level", "role", "status", "capacity", "applied_at"]
    seen: dict[str, int] = {}
    for question in questions:
        # Two questions may share a prompt; number the repeats so every column is distinct.
        seen[question.prompt] = seen.get(question.prompt, 0) + 1
        headers.append(
            _cell(question.prompt if seen[question.prompt] == 1 else f"{question.prompt} ({seen[question.prompt]})")
        )
    yield writer.writerow(headers)
    for p in participants:
        employee = p.employee
        answers = p.answers or {}
        yield writer.writerow(
            [
                _cell(employee.name),
                _cell(employee.email),
                _cell(employee.employee_id),
                _cell(employee.department),
                employee.job_level,
                p.role,
                p.status,
                "" if p.capacity is None else p.capacity,
                timezone.localtime(p.created_at).isoformat(timespec="minutes"),
                *[_cell(answers.get(str(q.pk))) for q in questions],
            ]
        )


@org_view(roles=["admin"])
@require_GET
def participants_export(request: OrgRequest, program_pk: int) -> StreamingHttpResponse:
    organization = request.organization
    program = selectors.program_get(organization=organization, program_id=program_pk)
    questions = list(selectors.program_questions(organization=organization, program=program))
    participants = _filtered(request, program, _filters(request.GET)).iterator(chunk_size=500)
    response = StreamingHttpResponse(export_rows(participants, questions), content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{organization.slug}-program-{program.pk}-participants-{stamp}.csv"'
    )
    return response
