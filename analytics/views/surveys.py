"""Surveys in the browser. Participants answer their own check-ins and closing surveys (one page each, only
theirs: anyone else's answers 404, like one that does not exist). HR admins see a program's two surveys,
their questions and how many people answered, and add or remove questions of their own.

There is deliberately no page that lists answers: individual answers are seen by no one but their author;
the program's figures are aggregates on the dashboards, under the small-group rule."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mentorhub.accounts.models import Organization, Role
from mentorhub.tenancy import OrgRequest, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text
from programs import selectors as program_selectors
from programs.models import Participant, Program
from programs.services.skill_ratings import closing_ratings_open

from .. import selectors, suppression
from ..forms import SurveyAnswerForm, SurveyQuestionForm, field_name
from ..models import Survey, SurveyAssignment
from ..question_sets import CHECKIN, CLOSING
from ..services.survey_answers import closed_message, survey_answer, survey_assignment_state
from ..services.surveys import survey_for, survey_question_add, survey_question_remove
from ..survey_schedule import CHECKIN_EVERY, assignment_expires_at

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The roles that take part in programs (stakeholders read dashboards only: 403 on these pages).
TAKING_PART = [Role.ADMIN, Role.MEMBER]
SURVEY_NAMES = {CHECKIN: gettext_lazy("check-in"), CLOSING: gettext_lazy("closing survey")}


# --- Answering ------------------------------------------------------------------------------------------------


def _title(assignment: SurveyAssignment) -> str:
    if assignment.round:
        return f"Check-in after {assignment.round * CHECKIN_EVERY.days} days"
    return "Closing survey"


def _closing_skill_ratings(organization: Organization, assignment: SurveyAssignment) -> HttpResponse | None:
    """After a mentee's closing survey: their closing self-ratings of the skills they wanted (skills growth)."""
    participant = (
        program_selectors.enrollments_of(organization=organization, employee=assignment.respondent)
        .filter(program_id=assignment.program_id, role=Participant.Role.MENTEE)
        .select_related("program")
        .first()
    )
    if participant is None or not closing_ratings_open(participant):
        return None
    if not program_selectors.wanted_skills(organization=organization, participant=participant):
        return None
    url = reverse("skill-ratings", kwargs={"org_slug": organization.slug, "participant_pk": participant.pk})
    return redirect(f"{url}?moment=closing")


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def survey_answer_page(request: OrgRequest, assignment_pk: int) -> HttpResponse:
    organization = request.organization
    employee = request.membership.employee
    assignment = selectors.assignment_for_respondent(
        organization=organization, employee=employee, assignment_id=assignment_pk
    )
    state = survey_assignment_state(assignment)
    if request.method == "POST" and state != "open":
        # A second submit (double click, another tab) lands here: the first one was saved.
        messages.info(request, closed_message(state))
        return redirect("my-mentoring", org_slug=organization.slug)
    form = SurveyAnswerForm(assignment.survey.questions.all(), request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                survey_answer(
                    organization=organization, employee=employee, assignment_id=assignment.pk, answers=form.answers()
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict"):  # answered or closed in the meantime
                    messages.info(request, service_error_text(error))
                    return redirect("my-mentoring", org_slug=organization.slug)
                # The service's messages are keyed by question id: each goes on its question's field.
                form_add_service_error(form, error, field_for=field_name)
            else:
                messages.success(request, _("Thank you! Your answers are saved."))
                if assignment.survey.kind == CLOSING and (rating := _closing_skill_ratings(organization, assignment)):
                    return rating
                return redirect("my-mentoring", org_slug=organization.slug)
        status = 400
    others = selectors.other_match_members(assignment)
    context = {
        "nav_section": "mentoring",
        "assignment": assignment,
        "title": _title(assignment),
        "state": state,
        "closed_message": closed_message(state) if state != "open" else "",
        "with_whom": selectors.names(others) or "your match",
        "expires_at": assignment_expires_at(assignment),
        "form": form,
        "min_group_size": organization.min_group_size,
    }
    return render(request, "analytics/surveys/answer.html", context, status=status)


# --- HR admins: a program's surveys -----------------------------------------------------------------------------


@dataclass
class SurveyPanel:
    """One survey as the admin page shows it: questions, response figures (hidden under the small-group
    rule) and the form that adds a question."""

    survey: Survey
    name: StrOrPromise  # "check-in", "closing survey"
    form: SurveyQuestionForm
    people: suppression.Figure
    due: suppression.Figure
    answered: suppression.Figure
    rate: suppression.Figure

    @property
    def questions(self):
        return self.survey.questions.all()


def _panels(request: OrgRequest, program: Program, bound: dict[int, SurveyQuestionForm]) -> list[SurveyPanel]:
    organization = request.organization
    for kind in (CHECKIN, CLOSING):
        survey_for(organization=organization, program=program, kind=kind)
    counts = selectors.survey_response_counts(organization=organization, program=program, now=timezone.now())
    k = organization.min_group_size
    panels = []
    for survey in selectors.program_surveys(organization=organization, program=program):
        figures = counts.get(survey.pk, selectors.ResponseCounts()).figures(k)
        panels.append(
            SurveyPanel(
                survey=survey,
                name=SURVEY_NAMES[survey.kind],
                form=bound.get(survey.pk) or SurveyQuestionForm(prefix=f"survey{survey.pk}"),
                **figures,
            )
        )
    return panels


def _surveys_page(
    request: OrgRequest, program: Program, bound: dict[int, SurveyQuestionForm] | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "nav_section": "programs",
        "program": program,
        "panels": _panels(request, program, bound or {}),
        "min_group_size": request.organization.min_group_size,
    }
    return render(request, "analytics/surveys/program_surveys.html", context, status=status)


@org_view(roles=[Role.ADMIN])
@require_http_methods(["GET"])
def program_surveys(request: OrgRequest, program_pk: int) -> HttpResponse:
    return _surveys_page(
        request, program_selectors.program_get(organization=request.organization, program_id=program_pk)
    )


@org_view(roles=[Role.ADMIN])
@require_POST
def survey_question_create(request: OrgRequest, program_pk: int, survey_pk: int) -> HttpResponse:
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    survey = selectors.program_survey_get(organization=organization, program=program, survey_id=survey_pk)
    form = SurveyQuestionForm(request.POST, prefix=f"survey{survey.pk}")
    if form.is_valid():
        try:
            question = survey_question_add(
                organization=organization,
                actor=request.user,
                program_id=program.pk,
                survey_id=survey.pk,
                **form.cleaned_data,
            )
        except ValidationError as error:
            form_add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Question “%(prompt)s” added to the %(survey)s.")
                % {"prompt": question.prompt, "survey": SURVEY_NAMES[survey.kind]},
            )
            return redirect("program-surveys", org_slug=organization.slug, program_pk=program.pk)
    return _surveys_page(request, program, {survey.pk: form}, status=400)


@org_view(roles=[Role.ADMIN])
@require_http_methods(["GET", "POST"])
def survey_question_delete(
    request: OrgRequest, program_pk: int, survey_pk: int, survey_question_pk: int
) -> HttpResponse:
    organization = request.organization
    program = program_selectors.program_get(organization=request.organization, program_id=program_pk)
    survey = selectors.program_survey_get(organization=organization, program=program, survey_id=survey_pk)
    question = selectors.survey_question_get(organization=organization, survey=survey, question_id=survey_question_pk)
    back = redirect("program-surveys", org_slug=organization.slug, program_pk=program.pk)
    if question.is_standard:
        messages.error(request, _("This is a standard question: the program's reports read it, so it stays."))
        return back
    if request.method == "POST":
        try:
            survey_question_remove(
                organization=organization,
                actor=request.user,
                program_id=program.pk,
                survey_id=survey.pk,
                question_id=question.pk,
            )
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(
                request, _("Question “%(prompt)s” removed: it is no longer asked.") % {"prompt": question.prompt}
            )
        return back
    context = {
        "nav_section": "programs",
        "program": program,
        "survey_name": SURVEY_NAMES[survey.kind],
        "question": question,
    }
    return render(request, "analytics/surveys/question_delete.html", context)
