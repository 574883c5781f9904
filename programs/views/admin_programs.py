"""HR admin pages for programs: the list, the program page (counts, next action, lifecycle buttons), the
lifecycle moves and the settings page. Admins only; every object is read through scoped selectors."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from .. import selectors
from ..forms.programs import KIND_DESCRIPTIONS, ProgramSettingsForm
from ..models import Participant, Program
from ..services.programs import program_allowed_moves, program_move, program_update
from .admin_wizard import wizard_in_progress

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

S = Program.Status
# Button labels for lifecycle moves; "enrolling" reads differently when coming back from matching.
MOVE_LABELS: dict[str, StrOrPromise] = {
    S.ENROLLING: gettext_lazy("Open enrollment"),
    S.MATCHING: gettext_lazy("Close enrollment and start matching"),
    S.ACTIVE: gettext_lazy("Activate the program"),
    S.DRAFT: gettext_lazy("Back to draft"),
    S.CLOSED: gettext_lazy("Close the program…"),
}
MOVE_HINTS: dict[str, StrOrPromise] = {
    S.ENROLLING: gettext_lazy("Eligible employees can see the program and apply."),
    S.MATCHING: gettext_lazy("No new applications; you can run matching on the approved participants."),
    S.ACTIVE: gettext_lazy("Matches meet and log sessions."),
    S.DRAFT: gettext_lazy("Hides the program from employees so you can change its kind and settings."),
    S.CLOSED: gettext_lazy("Ends the program for good. This cannot be undone."),
}


@dataclass(frozen=True)
class NextAction:
    text: str
    url: str = ""
    link_text: str = ""


def _url(name: str, request: OrgRequest, program: Program) -> str:
    return reverse(name, kwargs={"org_slug": request.organization.slug, "program_pk": program.pk})


def next_action(request: OrgRequest, program: Program, stats: dict, question_count: int) -> NextAction:
    """The one thing the admin should do next, spelled out."""
    pending = stats["mentor"].get(Participant.Status.APPLIED, 0) + stats["mentee"].get(Participant.Status.APPLIED, 0)
    approved_mentors = stats["mentor"].get(Participant.Status.APPROVED, 0)
    approved_mentees = stats["mentee"].get(Participant.Status.APPROVED, 0)
    participants_url = _url("program-participants", request, program)
    if program.status == S.DRAFT:
        if not question_count:
            return NextAction(
                _("Add questions to the enrollment form, then open enrollment."),
                _url("program-questions", request, program),
                _("Edit the enrollment form"),
            )
        return NextAction(
            _("Check the enrollment form, then open enrollment."),
            _url("program-questions", request, program),
            _("Review the enrollment form"),
        )
    if program.status == S.ENROLLING:
        if pending:
            return NextAction(
                ngettext(
                    "%(count)s application waiting for review.", "%(count)s applications waiting for review.", pending
                )
                % {"count": pending},
                f"{participants_url}?status=applied",
                _("Review applications"),
            )
        if not (approved_mentors and approved_mentees):
            return NextAction(
                _("Waiting for applications. Invite people to apply as mentors and mentees."),
                _url("program-invite", request, program),
                _("Invite people"),
            )
        if program.is_flash:
            return NextAction(
                _("Approved members can book the mentors' office hours now. Activate the program when it is under way.")
            )
        return NextAction(
            _("%(mentors)s and %(mentees)s approved. When enough people have joined, start matching.")
            % {
                "mentors": ngettext("%(count)s mentor", "%(count)s mentors", approved_mentors)
                % {"count": approved_mentors},
                "mentees": ngettext("%(count)s mentee", "%(count)s mentees", approved_mentees)
                % {"count": approved_mentees},
            }
        )
    if program.status == S.MATCHING:
        return NextAction(_("Run matching, review the proposed matches, then activate the program."))
    if program.status == S.ACTIVE:
        if program.ends_on:
            return NextAction(
                _("The program is running. It ends on %(day)s. Close it when it is over.")
                % {"day": date_format(program.ends_on, "F j, Y")}
            )
        return NextAction(_("The program is running. Close it when it is over."))
    return NextAction(_("This program is closed. Nothing is left to do."))


@org_view(roles=["admin"])
@require_GET
def program_list(request: OrgRequest) -> HttpResponse:
    programs = list(selectors.programs_with_counts(organization=request.organization))
    context = {
        "nav_section": "programs",
        "programs": programs,
        "kinds": [(label, KIND_DESCRIPTIONS[value]) for value, label in Program.Kind.choices],
        "wizard_in_progress": wizard_in_progress(request),
    }
    return render(request, "programs/admin_program_list.html", context)


@org_view(roles=["admin"])
@require_GET
def program_detail(request: OrgRequest, program_pk: int) -> HttpResponse:
    organization = request.organization
    program = selectors.program_get(organization=organization, program_id=program_pk)
    stats = selectors.program_participant_stats(organization=organization, program=program)
    question_count = selectors.program_questions(organization=organization, program=program).count()
    statuses = [
        (label, stats["mentor"].get(value, 0), stats["mentee"].get(value, 0))
        for value, label in Participant.Status.choices
    ]
    audience_groups = list(selectors.program_audience_groups(organization=organization, program=program))
    moves = [
        {"status": status, "label": MOVE_LABELS[status], "hint": MOVE_HINTS[status], "confirm": status == S.CLOSED}
        for status in program_allowed_moves(program)
    ]
    if program.status == S.MATCHING:
        for move in moves:
            if move["status"] == S.ENROLLING:
                move["label"], move["hint"] = _("Reopen enrollment"), _("Lets late applicants join before matching.")
    context = {
        "nav_section": "programs",
        "program": program,
        "eligible": selectors.eligible_count(organization=organization, program=program),
        "audience_groups": audience_groups,
        "audience_links": format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("group-detail", kwargs={"org_slug": organization.slug, "group_pk": g.pk}),
                    g.display_name,
                    g.member_count,  # type: ignore[attr-defined]  # annotated by the selector
                )
                for g in audience_groups
            ),
        ),
        "question_count": question_count,
        "statuses": statuses,
        "totals": {
            status: stats["mentor"].get(status, 0) + stats["mentee"].get(status, 0)
            for status in ("applied", "approved", "waitlisted")
        },
        "mentor_capacity": stats["mentor_capacity"],
        "approved_mentees": stats["mentee"].get(Participant.Status.APPROVED, 0),
        "next": next_action(request, program, stats, question_count),
        "moves": moves,
        "kind_description": KIND_DESCRIPTIONS[program.kind],
    }
    return render(request, "programs/admin_program_detail.html", context)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def program_move_view(request: OrgRequest, program_pk: int) -> HttpResponse:
    """POST `to_status`. Closing asks first (GET or an unconfirmed POST shows the confirmation page)."""
    organization = request.organization
    program = selectors.program_get(organization=organization, program_id=program_pk)
    to_status = (request.POST.get("to_status") or request.GET.get("to_status") or "").strip()
    detail_url = _url("program-detail", request, program)
    needs_confirmation = to_status == S.CLOSED and request.POST.get("confirm") != "yes"
    if request.method == "GET" or needs_confirmation:
        if to_status != S.CLOSED or S.CLOSED not in program_allowed_moves(program):
            return redirect(detail_url)
        stats = selectors.program_participant_stats(organization=organization, program=program)
        return render(
            request,
            "programs/admin_program_close_confirm.html",
            {"nav_section": "programs", "program": program, "stats": stats},
        )
    try:
        program = program_move(
            organization=organization,
            actor=request.user,
            program_id=program.pk,
            to_status=to_status,
            base_url=request.build_absolute_uri("/"),
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        messages.success(
            request,
            _("“%(program)s” is now %(status)s.")
            % {"program": program.name, "status": program.get_status_display().lower()},
        )
    return redirect(detail_url)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def program_edit(request: OrgRequest, program_pk: int) -> HttpResponse:
    organization = request.organization
    program = selectors.program_get(organization=organization, program_id=program_pk)
    roster = selectors.roster_values(organization=organization)
    locked = program.status == S.CLOSED
    if request.method == "POST" and not locked:
        form = ProgramSettingsForm(request.POST, program=program, roster=roster)
        if form.is_valid():
            try:
                program_update(
                    organization=organization, actor=request.user, program_id=program.pk, data=form.cleaned_data
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("program-detail", org_slug=organization.slug, program_pk=program.pk)
        status = 400
    else:
        form = ProgramSettingsForm(program=program, roster=roster)
        status = 200
    if locked:
        for field in form.fields.values():
            field.disabled = True
    context = {"nav_section": "programs", "program": program, "form": form, "locked": locked, "roster": roster}
    return render(request, "programs/admin_program_edit.html", context, status=status)
