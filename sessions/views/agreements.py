"""A match's mentoring agreement (edit it; confirm the text one read) and the early pairing-fit check (answer
"Is this a good match for you?"; a mentee who said no confirms they want a new mentor). The agreement and the
question are shown on the match's page (templates/sessions/_match_page.html); these views take the changes.

Every match comes from `acting_in` (the person's own match, else 404). The fit answer is the viewer's own:
these views never read anyone else's."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentorhub.tenancy import OrgRequest, employee_or_404, org_view
from mentorhub.web.errors import form_add_service_error, service_error_text

from ..forms import AgreementForm, FitAnswerForm
from ..models import PairingFitAnswer
from ..selectors.agreements import agreement_state
from ..selectors.pairing_fit import fit_state
from ..services.agreements import agreement_confirm, agreement_edit
from ..services.pairing_fit import pairing_fit_answer, pairing_fit_rematch
from .common import TAKING_PART, acting_in


def _to_match(request: OrgRequest, match_pk: int, anchor: str) -> HttpResponse:
    url = reverse("mentoring-match", kwargs={"org_slug": request.organization.slug, "match_pk": match_pk})
    return redirect(f"{url}#{anchor}")


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def agreement_edit_view(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    match, side = acting.match, acting.side
    state = agreement_state(organization=organization, match=match, members=side.members)
    form = AgreementForm(request.POST or None, sections=state.sections, initial={"version": state.version})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                agreement_edit(
                    organization=organization,
                    actor=request.user,
                    employee=employee,
                    match_id=match.pk,
                    sections=form.sections(),
                    version=form.cleaned_data["version"],
                )
            except ValidationError as error:
                form_add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Agreement saved. Confirm it below; %(names)s will be asked to confirm it too.")
                    % {"names": side.other_names},
                )
                return _to_match(request, match.pk, "agreement-h")
        status = 400
    context = {"nav_section": "mentoring", "match": match, "side": side, "form": form, "state": state}
    return render(request, "sessions/agreement_edit.html", context, status=status)


@org_view(roles=TAKING_PART)
@require_POST
def agreement_confirm_view(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    try:
        state = agreement_confirm(
            organization=organization,
            actor=request.user,
            employee=employee,
            match_id=acting.match.pk,
            digest=request.POST.get("digest", ""),
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        if state.confirmed:
            messages.success(request, _("Agreement confirmed by everyone in the match."))
        else:
            messages.success(
                request, _("You confirmed the agreement. Waiting for %(names)s.") % {"names": acting.side.other_names}
            )
    return _to_match(request, acting.match.pk, "agreement-h")


@org_view(roles=TAKING_PART)
@require_POST
def fit_answer_view(request: OrgRequest, match_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    form = FitAnswerForm(request.POST)
    if not form.is_valid():
        errors = [str(message) for messages_ in form.errors.values() for message in messages_]
        messages.error(request, " ".join(errors))
        return _to_match(request, acting.match.pk, "fit-h")
    try:
        answer = pairing_fit_answer(
            organization=organization,
            actor=request.user,
            employee=employee,
            match_id=acting.match.pk,
            answer=form.cleaned_data["answer"],
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as error:
        messages.error(request, service_error_text(error))
    else:
        if answer.answer == PairingFitAnswer.Answer.NO:
            messages.success(request, _("Thank you for saying so. HR knows; the others in your match do not."))
        else:
            messages.success(request, _("Thank you: your answer is saved, and only you and HR can see it."))
    return _to_match(request, acting.match.pk, "fit-h")


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def fit_rematch_view(request: OrgRequest, match_pk: int) -> HttpResponse:
    """The no-fault route's confirmation: "Yes, find me another mentor"."""
    organization = request.organization
    employee = employee_or_404(request)
    acting = acting_in(request, match_pk)
    if acting.refusal is not None:
        return acting.refusal
    match, side = acting.match, acting.side
    state = fit_state(organization=organization, match=match, employee=employee, me=side.me)
    if not state.can_rematch:
        messages.error(request, _("A new mentor is offered here to a mentee who answered that the match does not fit."))
        return _to_match(request, match.pk, "fit-h")
    if request.method == "POST":
        try:
            result = pairing_fit_rematch(
                organization=organization, actor=request.user, employee=employee, match_id=match.pk
            )
        except ValidationError as error:
            messages.error(request, service_error_text(error))
            return _to_match(request, match.pk, "fit-h")
        if result.rematch_run is not None:
            text = _(
                "Your match has ended, without fault. We are looking for a new mentor for you now. A new match will "
                "appear under My mentoring."
            )
        else:
            text = _("Your match has ended, without fault. A new match will appear under My mentoring.")
        messages.success(request, text)
        return redirect("my-mentoring", org_slug=organization.slug)
    context = {"nav_section": "mentoring", "match": match, "side": side}
    return render(request, "sessions/fit_rematch.html", context)
