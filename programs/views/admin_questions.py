"""The enrollment form builder: a program's questions in order, add / edit / delete / move, and a live
preview of the form as a mentee and as a mentor. Read-only once the program is past enrollment, because
matching works on the answers given to exactly these questions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, get_scoped_or_404, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text
from mentorhub.web.htmx import is_htmx, vary_on_htmx

from .. import selectors
from ..forms.enrollment import EnrollmentForm
from ..forms.questions import RULE_EXPLANATIONS, TYPE_EXPLANATIONS, QuestionForm
from ..models import Participant, Program, Question
from ..services.questions import question_create, question_delete, question_move, question_update

EDITABLE = (Program.Status.DRAFT, Program.Status.ENROLLING)


def _locked(program: Program) -> bool:
    return program.status not in EDITABLE


def _previews(program: Program, questions: list[Question]) -> dict[str, EnrollmentForm]:
    previews: dict[str, EnrollmentForm] = {}
    for role in (Participant.Role.MENTEE, Participant.Role.MENTOR):
        form = EnrollmentForm(program=program, questions=questions, role=role, auto_id=f"preview-{role}-%s")
        for field in form.fields.values():
            field.disabled = True
        previews[role] = form
    return previews


def _builder_context(request: OrgRequest, program: Program) -> dict[str, Any]:
    organization = request.organization
    questions = list(selectors.program_questions(organization=organization, program=program))
    previews = _previews(program, questions)
    answered = 0
    if program.status == Program.Status.ENROLLING:
        stats = selectors.program_participant_stats(organization=organization, program=program)
        answered = sum(
            n for role in Participant.Role.values for status, n in stats[role].items() if status != "invited"
        )
    return {
        "nav_section": "programs",
        "program": program,
        "questions": questions,
        "locked": _locked(program),
        "answered": answered,
        "mentee_preview": previews[Participant.Role.MENTEE],
        "mentor_preview": previews[Participant.Role.MENTOR],
        "rule_labels": dict(Question.Rule.choices),
    }


def _editor(
    request: OrgRequest, program: Program, form: QuestionForm, question: Question | None, status: int = 200
) -> HttpResponse:
    context = {
        "nav_section": "programs",
        "program": program,
        "form": form,
        "question": question,
        "type_explanations": [(label, TYPE_EXPLANATIONS[value]) for value, label in Question.Type.choices],
        "rule_explanations": RULE_EXPLANATIONS,
    }
    return render(request, "programs/admin_question_form.html", context, status=status)


def _refuse_if_locked(request: OrgRequest, program: Program) -> HttpResponse | None:
    if _locked(program):
        messages.error(
            request,
            _(
                "The enrollment form is locked: the program is %(status)s, and matching uses the answers to these "
                "exact questions."
            )
            % {"status": program.get_status_display().lower()},
        )
        return redirect("program-questions", org_slug=request.organization.slug, program_pk=program.pk)
    return None


@org_view(roles=["admin"])
@require_http_methods(["GET"])
def program_questions(request: OrgRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, program_id=program_pk)
    context = _builder_context(request, program)
    template = "programs/_admin_question_builder.html" if is_htmx(request) else "programs/admin_questions.html"
    return vary_on_htmx(render(request, template, context))


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def question_create_view(request: OrgRequest, program_pk: int) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, program_id=program_pk)
    if refused := _refuse_if_locked(request, program):
        return refused
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            try:
                question = question_create(
                    organization=request.organization,
                    actor=request.user,
                    program_id=program.pk,
                    data=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Question “%(prompt)s” added.") % {"prompt": question.prompt})
                return redirect("program-questions", org_slug=request.organization.slug, program_pk=program.pk)
        return _editor(request, program, form, None, status=400)
    return _editor(request, program, QuestionForm(), None)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def question_edit(request: OrgRequest, program_pk: int, question_pk: int) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, program_id=program_pk)
    question = get_scoped_or_404(Question, request.organization, pk=question_pk, program=program)
    if refused := _refuse_if_locked(request, program):
        return refused
    if request.method == "POST":
        form = QuestionForm(request.POST, question=question)
        if form.is_valid():
            try:
                question_update(
                    organization=request.organization,
                    actor=request.user,
                    program_id=program.pk,
                    question_id=question.pk,
                    data=form.service_data(),
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(request, _("Question saved."))
                return redirect("program-questions", org_slug=request.organization.slug, program_pk=program.pk)
        return _editor(request, program, form, question, status=400)
    return _editor(request, program, QuestionForm(question=question), question)


@org_view(roles=["admin"])
@require_http_methods(["GET", "POST"])
def question_delete_view(request: OrgRequest, program_pk: int, question_pk: int) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, program_id=program_pk)
    question = get_scoped_or_404(Question, request.organization, pk=question_pk, program=program)
    if refused := _refuse_if_locked(request, program):
        return refused
    if request.method == "POST":
        try:
            question_delete(
                organization=request.organization, actor=request.user, program_id=program.pk, question_id=question.pk
            )
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(request, _("Question “%(prompt)s” deleted.") % {"prompt": question.prompt})
        return redirect("program-questions", org_slug=request.organization.slug, program_pk=program.pk)
    context = {"nav_section": "programs", "program": program, "question": question}
    return render(request, "programs/admin_question_delete.html", context)


@org_view(roles=["admin"])
@require_POST
def question_move_view(request: OrgRequest, program_pk: int, question_pk: int) -> HttpResponse:
    program = selectors.program_get(organization=request.organization, program_id=program_pk)
    question = get_scoped_or_404(Question, request.organization, pk=question_pk, program=program)
    direction = -1 if request.POST.get("direction") == "up" else 1
    status_message = ""
    try:
        question_move(
            organization=request.organization,
            actor=request.user,
            program_id=program.pk,
            question_id=question.pk,
            direction=direction,
        )
    except ValidationError as error:
        status_message = service_error_text(error)
        if not is_htmx(request):
            messages.error(request, status_message)
    else:
        moved = _("Moved “%(prompt)s” up.") if direction < 0 else _("Moved “%(prompt)s” down.")
        status_message = moved % {"prompt": question.prompt}
    if is_htmx(request):
        # The builder is swapped in place; the status line tells screen readers what happened.
        context = {**_builder_context(request, program), "status_message": status_message}
        return render(request, "programs/_admin_question_builder.html", context)
    return redirect("program-questions", org_slug=request.organization.slug, program_pk=program.pk)
