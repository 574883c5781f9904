"""The new-program wizard for HR admins: kind, basics, matching and eligibility, review with a preview of
the enrollment form, then create.

Each step's cleaned input is kept in the session under the organization's id (so two organizations in
two tabs never mix), and every step is validated again before creating, since the roster or the
session may have changed in between. Each step is a plain form post followed by a redirect, so Back,
reload and the keyboard all behave as on any other page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, org_view

from .. import selectors
from ..forms.common import jsonable
from ..forms.enrollment import EnrollmentForm
from ..forms.programs import (
    KIND_DESCRIPTIONS,
    MATCH_MODE_HINTS,
    ProgramBasicsForm,
    ProgramKindForm,
    ProgramMatchingForm,
)
from ..models import Participant, Program, Question
from ..question_sets import QUESTION_SETS
from ..services.programs import program_create, program_defaults

STEPS = [
    ("kind", gettext_lazy("Kind of program")),
    ("basics", gettext_lazy("Name and dates")),
    ("matching", gettext_lazy("Matching and eligibility")),
    ("review", gettext_lazy("Review and create")),
]
STEP_NAMES = [name for name, _label in STEPS]
FORM_STEPS = STEP_NAMES[:-1]
# Model defaults the wizard starts from, before the kind's own defaults (question_sets.PROGRAM_DEFAULTS).
MATCHING_FIELDS = [
    "default_mentor_capacity",
    "max_mentor_capacity",
    "circle_min_size",
    "circle_max_size",
    "max_time_zone_gap_hours",
    "match_mode",
    "objective",
]


def _session_key(request: OrgRequest) -> str:
    return f"program_wizard:{request.organization.pk}"


def wizard_in_progress(request: OrgRequest) -> bool:
    """Whether a new program was started and not finished, so the program list can offer to resume it."""
    return bool(request.session.get(_session_key(request)))


def _state(request: OrgRequest) -> dict[str, dict[str, Any]]:
    return dict(request.session.get(_session_key(request), {}))


def _save_state(request: OrgRequest, state: dict[str, dict[str, Any]]) -> None:
    request.session[_session_key(request)] = state


def _kind(state: dict[str, dict[str, Any]]) -> str:
    return state.get("kind", {}).get("kind", Program.Kind.ONE_ON_ONE)


def _model_default(name: str) -> Any:
    field = Program._meta.get_field(name)
    assert isinstance(field, models.Field)  # a column of Program, not a reverse relation
    return field.get_default()


def _defaults(kind: str) -> dict[str, Any]:
    values = {field: _model_default(field) for field in MATCHING_FIELDS}
    values["cadence_per_month"] = _model_default("cadence_per_month")
    # Circles exist to reach many people: matching aims to place everyone first.
    if kind == Program.Kind.GROUP:
        values["objective"] = Program.Objective.PARTICIPATION
    return {**values, **program_defaults(kind)}


def _form(request: OrgRequest, step: str, state: dict, data: Any = None) -> forms.Form:
    kind = _kind(state)
    saved = state.get(step)
    if step == "kind":
        return ProgramKindForm(data, initial=saved or {"kind": Program.Kind.ONE_ON_ONE})
    if step == "basics":
        return ProgramBasicsForm(data, initial=saved or {"cadence_per_month": _defaults(kind)["cadence_per_month"]})
    roster = selectors.roster_values(organization=request.organization)
    return ProgramMatchingForm(data, kind=kind, roster=roster, initial=saved or _defaults(kind))


def _first_incomplete(state: dict) -> str:
    return next((step for step in FORM_STEPS if step not in state), "review")


def _url(request: OrgRequest, step: str) -> str:
    return reverse("program-create", kwargs={"org_slug": request.organization.slug}) + f"?step={step}"


def _revalidated(request: OrgRequest, state: dict) -> tuple[dict[str, Any], str | None]:
    """All steps' data, cleaned again; or the first step that no longer validates."""
    data: dict[str, Any] = {}
    for step in FORM_STEPS:
        form = _form(request, step, state, data=state.get(step, {}))
        if not form.is_valid():
            return {}, step
        data.update(form.cleaned_data)
    return data, None


def _preview(program: Program) -> dict[str, EnrollmentForm]:
    """The kind's ready-made enrollment form as a mentee and a mentor will see it (disabled)."""
    questions = []
    for position, spec in enumerate(QUESTION_SETS.get(program.kind, [])):
        # Unsaved questions need distinct ids for distinct field names; the preview posts nowhere.
        question = Question(program=program, position=position, **spec)
        question.pk = position + 1
        questions.append(question)
    previews: dict[str, EnrollmentForm] = {}
    for role in (Participant.Role.MENTEE, Participant.Role.MENTOR):
        form = EnrollmentForm(program=program, questions=questions, role=role, auto_id=f"preview-{role}-%s")
        for field in form.fields.values():
            field.disabled = True
        previews[role] = form
    return previews


def _error_lines(error: ValidationError) -> list[str]:
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    labels = {**ProgramBasicsForm.base_fields, **ProgramMatchingForm.base_fields}
    return [
        f"{labels[field].label}: {message}" if field in labels else message
        for field, field_messages in error.message_dict.items()
        for message in field_messages
    ]


def _render(
    request: OrgRequest,
    step: str,
    state: dict,
    form: forms.Form | None = None,
    *,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    kind = _kind(state)
    reachable = STEP_NAMES.index(_first_incomplete(state))
    context: dict[str, Any] = {
        "nav_section": "programs",
        "steps": [
            {"name": name, "label": label, "number": i + 1, "done": name in state, "reachable": i <= reachable}
            for i, (name, label) in enumerate(STEPS)
        ],
        "errors": errors or [],
        "step": step,
        "step_number": STEP_NAMES.index(step) + 1,
        "step_label": dict(STEPS)[step],
        "step_count": len(STEPS),
        "form": form,
        "kind": kind,
        "kind_label": Program.Kind(kind).label,
        "kind_description": KIND_DESCRIPTIONS[kind],
        "is_group": kind == Program.Kind.GROUP,
    }
    if step == "matching":
        context["roster"] = selectors.roster_values(organization=request.organization)
    if step == "review":
        data, _broken = _revalidated(request, state)
        program = Program(organization=request.organization, **{**_defaults(kind), **data})
        previews = _preview(program)
        context.update(
            {
                "program": program,
                "match_mode_hint": MATCH_MODE_HINTS[program.match_mode],
                "mentee_preview": previews[Participant.Role.MENTEE],
                "mentor_preview": previews[Participant.Role.MENTOR],
                "question_count": len(QUESTION_SETS.get(kind, [])),
            }
        )
    return render(request, "programs/admin_program_wizard.html", context, status=status)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def program_create_view(request: OrgRequest) -> HttpResponse:
    state = _state(request)
    if request.method == "GET":
        if request.GET.get("restart"):
            request.session.pop(_session_key(request), None)
            return redirect(_url(request, "kind"))
        limit = STEP_NAMES.index(_first_incomplete(state))
        step = request.GET.get("step", "")
        if step not in STEP_NAMES or STEP_NAMES.index(step) > limit:
            step = STEP_NAMES[limit]
        if step == "review":
            _data, broken = _revalidated(request, state)
            if broken:
                messages.error(
                    request, _("Some answers are no longer valid (the roster may have changed). Check this step.")
                )
                return redirect(_url(request, broken))
        return _render(request, step, state, None if step == "review" else _form(request, step, state))

    step, action = request.POST.get("step", ""), request.POST.get("action", "next")
    if step not in STEP_NAMES or STEP_NAMES.index(step) > STEP_NAMES.index(_first_incomplete(state)):
        messages.warning(request, _("That step is not available yet; continue from here."))
        return redirect(_url(request, _first_incomplete(state)))
    index = STEP_NAMES.index(step)

    if step == "review":
        if action == "back":
            return redirect(_url(request, STEP_NAMES[index - 1]))
        data, broken = _revalidated(request, state)
        if broken:
            messages.error(
                request, _("Some answers are no longer valid (the roster may have changed). Check this step.")
            )
            return redirect(_url(request, broken))
        try:
            program = program_create(organization=request.organization, actor=request.user, data=data)
        except ValidationError as error:
            return _render(request, "review", state, errors=_error_lines(error), status=400)
        request.session.pop(_session_key(request), None)
        messages.success(
            request,
            _(
                "“%(program)s” was created as a draft with %(count)s ready-made questions. Adjust the enrollment "
                "form, then open enrollment."
            )
            % {"program": program.name, "count": program.questions.count()},
        )
        return redirect("program-detail", org_slug=request.organization.slug, program_pk=program.pk)

    form = _form(request, step, state, data=request.POST)
    if form.is_valid():
        cleaned = jsonable(form.cleaned_data)
        if step == "kind" and state.get("kind", {}).get("kind") not in (None, cleaned["kind"]):
            # A new kind brings its own defaults: drop the old kind's matching answers and cadence.
            state.pop("matching", None)
            if "basics" in state:
                state["basics"] = {
                    **state["basics"],
                    "cadence_per_month": _defaults(cleaned["kind"])["cadence_per_month"],
                }
        state[step] = cleaned
        _save_state(request, state)
    elif action != "back":
        return _render(request, step, state, form, status=400)
    target = STEP_NAMES[max(index - 1, 0)] if action == "back" else STEP_NAMES[index + 1]
    return redirect(_url(request, target))
