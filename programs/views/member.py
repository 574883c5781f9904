"""Member pages: the open programs a person may join, enrolling as mentor or mentee, changing one's answers
until matched, and withdrawing. Admins and members with a roster entry take part (stakeholders read
dashboards and change nothing, as in the API); the enrollment pages only ever show the signed-in person's
own enrollments."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from mentorhub.accounts.models import Role
from mentorhub.tenancy import OrgRequest, employee_or_refusal, get_scoped_or_404, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from .. import selectors
from ..eligibility import employee_is_eligible
from ..forms.enrollment import EnrollmentForm, question_field
from ..models import Participant, Program
from ..services.participants import WITHDRAWABLE, participant_enroll, participant_update, participant_withdraw

P = Participant.Status
# The roles that take part in programs, as in the API (stakeholders get 403 here).
TAKING_PART = [Role.ADMIN, Role.MEMBER]
# An enrollment in one of these states can be (re)started from the enrollment page.
RESTARTABLE = (P.INVITED, P.WITHDRAWN)
WITHDRAWABLE = WITHDRAWABLE  # the service's rule, so the page offers exactly what it accepts
REVERSE_NOTE = gettext_lazy(
    "In reverse mentoring the mentor is the more junior person: early-career colleagues share what they know "
    "about AI, social media and new tools with senior colleagues, who learn from them and offer their "
    "experience in return."
)


def _my_programs(request: OrgRequest) -> HttpResponse:
    return redirect("my-programs", org_slug=request.organization.slug)


def _own_participant(request: OrgRequest, participant_pk: int) -> Participant:
    """The signed-in person's own enrollment, or 404: scoped by organization AND employee in the query, so
    someone else's enrollment answers exactly like one that does not exist."""
    return get_scoped_or_404(
        Participant.objects.select_related("program", "employee"),
        request.organization,
        pk=participant_pk,
        employee_id=request.membership.employee_id,
    )


def _after_answers(request: OrgRequest, participant: Participant) -> HttpResponse:
    """A mentee who asked for skills is asked next how well they know them (the start of "skills growth")."""
    if participant.role == Participant.Role.MENTEE and selectors.wanted_skills(
        organization=request.organization, participant=participant
    ):
        return redirect("skill-ratings", org_slug=request.organization.slug, participant_pk=participant.pk)
    return _my_programs(request)


def _role_label(role: str) -> str:
    return Participant.Role(role).label.lower()


# --- My programs ---------------------------------------------------------------------------------


def _role_actions(program: Program, mine: dict) -> list[dict]:
    actions = []
    for role in (Participant.Role.MENTEE, Participant.Role.MENTOR):
        enrollment = mine.get((program.pk, role))
        action: dict = {"role": role, "role_label": _role_label(role), "enrollment": enrollment, "label": ""}
        if enrollment is None:
            action["label"] = _("Apply as %(role)s") % {"role": _role_label(role)}
        elif enrollment.status == P.INVITED:
            action["label"] = _("Accept the invitation as %(role)s") % {"role": _role_label(role)}
        elif enrollment.status == P.WITHDRAWN:
            action["label"] = _("Apply again as %(role)s") % {"role": _role_label(role)}
        actions.append(action)
    return actions


def _enrollment_flags(enrollment: Participant) -> Participant:
    # Flags for the templates, set on the row itself (not model fields).
    enrollment.can_accept = (  # type: ignore[attr-defined]
        enrollment.status in RESTARTABLE and enrollment.program.status == Program.Status.ENROLLING
    )
    enrollment.can_edit = (  # type: ignore[attr-defined]
        enrollment.is_editable_by_participant and enrollment.status != P.INVITED
    )
    enrollment.can_withdraw = enrollment.status in WITHDRAWABLE  # type: ignore[attr-defined]
    return enrollment


@org_view(roles=TAKING_PART)
@require_GET
def my_programs(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    context: dict = {"nav_section": "join", "reverse_note": REVERSE_NOTE}
    try:
        employee = employee_or_refusal(request)
    except ValidationError as error:
        context["problem"] = service_error_text(error)
        return render(request, "programs/member_programs.html", context)
    enrollments = [_enrollment_flags(e) for e in selectors.enrollments_of(organization=organization, employee=employee)]
    mine = {(e.program_id, e.role): e for e in enrollments}
    context["open_programs"] = [
        {"program": program, "actions": _role_actions(program, mine)}
        for program in selectors.open_programs_for(organization=organization, employee=employee)
    ]
    context["enrollments"] = enrollments
    context["employee"] = employee
    return render(request, "programs/member_programs.html", context)


# --- Enroll --------------------------------------------------------------------------------------


def _enroll_problem(program: Program, employee, existing: Participant | None) -> str:
    """Why this person cannot apply right now (the service checks the same again under a lock)."""
    if existing is not None and existing.status not in RESTARTABLE:
        return _("You are already enrolled in %(program)s as %(role)s.") % {
            "program": program.name,
            "role": _role_label(existing.role),
        }
    if program.status != Program.Status.ENROLLING:
        return _("%(program)s is not open for enrollment (it is %(status)s).") % {
            "program": program.name,
            "status": program.get_status_display().lower(),
        }
    if not employee_is_eligible(program=program, employee=employee):
        return _("You are not eligible for this program: it is open to %(audience)s.") % {
            "audience": _eligibility_text(program)
        }
    return ""


def _eligibility_text(program: Program) -> str:
    parts = []
    if program.eligible_departments:
        parts.append(_("the departments %(list)s") % {"list": ", ".join(program.eligible_departments)})
    if program.eligible_job_levels:
        levels = ", ".join(str(level) for level in sorted(program.eligible_job_levels))
        parts.append(_("job levels %(list)s") % {"list": levels})
    if program.eligible_locations:
        parts.append(_("the locations %(list)s") % {"list": ", ".join(program.eligible_locations)})
    groups = [
        g.display_name for g in selectors.program_audience_groups(organization=program.organization, program=program)
    ]
    if groups:
        parts.append(_("members of the groups %(list)s") % {"list": ", ".join(groups)})
    return "; ".join(parts) if parts else _("current employees only")


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def program_enroll(request: OrgRequest, program_pk: int, role: str) -> HttpResponse:
    if role not in Participant.Role.values:
        raise Http404(_("No such role."))
    organization = request.organization
    # Drafts are not published yet: for the enrollment page they do not exist.
    program = get_scoped_or_404(Program.objects.exclude(status=Program.Status.DRAFT), organization, pk=program_pk)
    context: dict = {
        "nav_section": "join",
        "program": program,
        "role": role,
        "role_label": _role_label(role),
        "reverse_note": REVERSE_NOTE,
    }
    try:
        employee = employee_or_refusal(request)
    except ValidationError as error:
        context["problem"] = service_error_text(error)
        return render(request, "programs/member_enroll.html", context, status=403)
    existing = (
        selectors.enrollments_of(organization=organization, employee=employee)
        .filter(program=program, role=role)
        .first()
    )
    problem = _enroll_problem(program, employee, existing)
    if problem and request.method == "POST" and existing is not None and existing.status not in RESTARTABLE:
        # A second click on "Apply" (or a resubmitted form): the first one worked, say so and move on.
        messages.info(request, problem)
        return _my_programs(request)
    if problem:
        context.update(problem=problem, existing=existing and _enrollment_flags(existing))
        return render(request, "programs/member_enroll.html", context, status=200 if request.method == "GET" else 400)
    questions = list(selectors.program_questions(organization=organization, program=program))
    form_kwargs: dict = {"program": program, "questions": questions, "role": role}
    if existing is not None:
        # Applying again after withdrawing starts from the answers given before.
        form_kwargs.update(answers=existing.answers, capacity=existing.capacity)
    if request.method == "POST":
        form = EnrollmentForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                enrolled = participant_enroll(
                    organization=organization,
                    actor=request.user,
                    program_id=program.pk,
                    employee=employee,
                    role=role,
                    answers=form.cleaned_answers,
                    capacity=form.cleaned_data.get("capacity"),
                )
            except ValidationError as error:
                # Per-question messages next to their question, capacity next to capacity, the rest at the top.
                form_add_service_error(form, error, field_for=question_field)
            else:
                messages.success(
                    request,
                    _("You applied to %(program)s as %(role)s. You can change your answers until you are matched.")
                    % {"program": program.name, "role": _role_label(role)},
                )
                return _after_answers(request, enrolled)
        status = 400
    else:
        form = EnrollmentForm(**form_kwargs)
        status = 200
    context.update(form=form, invited=existing is not None and existing.status == P.INVITED)
    return render(request, "programs/member_enroll.html", context, status=status)


# --- Edit and withdraw ---------------------------------------------------------------------------


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def participant_edit(request: OrgRequest, participant_pk: int) -> HttpResponse:
    organization = request.organization
    participant = _own_participant(request, participant_pk)
    program = participant.program
    if participant.status == P.INVITED:
        # Answering an invitation is an application, made on the enrollment page.
        return redirect("program-enroll", org_slug=organization.slug, program_pk=program.pk, role=participant.role)
    if not participant.is_editable_by_participant:
        messages.error(
            request,
            _("Your enrollment in %(program)s is %(status)s; it can no longer be changed.")
            % {"program": program.name, "status": participant.get_status_display().lower()},
        )
        return _my_programs(request)
    questions = list(selectors.program_questions(organization=organization, program=program))
    form_kwargs = {
        "program": program,
        "questions": questions,
        "role": participant.role,
        "answers": participant.answers,
        "capacity": participant.capacity,
    }
    status = 200
    if request.method == "POST":
        form = EnrollmentForm(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                participant_update(
                    organization=organization,
                    actor=request.user,
                    participant_id=participant.pk,
                    answers=form.cleaned_answers,
                    capacity=form.cleaned_data.get("capacity"),
                )
            except ValidationError as error:
                form_add_service_error(form, error, field_for=question_field)
            else:
                messages.success(request, _("Your answers for %(program)s are saved.") % {"program": program.name})
                return _after_answers(request, participant)
        status = 400
    else:
        form = EnrollmentForm(**form_kwargs)
    context = {
        "nav_section": "join",
        "program": program,
        "participant": participant,
        "role": participant.role,
        "role_label": _role_label(participant.role),
        "reverse_note": REVERSE_NOTE,
        "form": form,
        "editing": True,
    }
    return render(request, "programs/member_enroll.html", context, status=status)


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def participant_withdraw_view(request: OrgRequest, participant_pk: int) -> HttpResponse:
    participant = _own_participant(request, participant_pk)
    program = participant.program
    if participant.status == P.WITHDRAWN:
        # Also the answer to a second click on "Withdraw": nothing left to do.
        messages.info(request, _("You have already withdrawn from %(program)s.") % {"program": program.name})
        return _my_programs(request)
    if request.method == "POST":
        try:
            participant_withdraw(organization=request.organization, actor=request.user, participant_id=participant.pk)
        except ValidationError as error:
            messages.error(request, service_error_text(error))
        else:
            messages.success(
                request,
                _("You withdrew from %(program)s as %(role)s.")
                % {"program": program.name, "role": _role_label(participant.role)},
            )
        return _my_programs(request)
    context = {
        "nav_section": "join",
        "participant": participant,
        "program": program,
        "role_label": _role_label(participant.role),
        "can_withdraw": participant.status in WITHDRAWABLE,
    }
    return render(request, "programs/member_withdraw_confirm.html", context)
