"""A mentee rates their own level (1 = beginner, 5 = expert) on each skill they asked for: after enrolling, and
again after the closing survey (?moment=closing). Only the person's own mentee enrollment: anyone else's is 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, employee_or_404, org_view
from mentorhub.web.errors import form_add_service_error

from .. import selectors
from ..forms.skills import SkillRatingsForm
from ..models import SkillRating
from ..services.skill_ratings import closing_ratings_open, skill_ratings_save
from .member import TAKING_PART

M = SkillRating.Moment


@org_view(roles=TAKING_PART)
@require_http_methods(["GET", "POST"])
def skill_ratings(request: OrgRequest, participant_pk: int) -> HttpResponse:
    organization = request.organization
    employee = employee_or_404(request)
    participant = selectors.own_mentee_enrollment(
        organization=organization, employee=employee, participant_id=participant_pk
    )
    moment = M.CLOSING if request.GET.get("moment") == M.CLOSING else M.ENROLLMENT
    if moment == M.CLOSING and not closing_ratings_open(participant):
        messages.info(request, _("You can rate your skills again once your mentoring is under way."))
        return redirect("my-programs", org_slug=organization.slug)
    skills = selectors.wanted_skills(organization=organization, participant=participant)
    levels = selectors.skill_ratings_of(organization=organization, participant=participant, moment=moment)
    status = 200
    if request.method == "POST":
        form = SkillRatingsForm(request.POST, skills=skills, levels=levels)
        if form.is_valid():
            try:
                skill_ratings_save(
                    organization=organization,
                    employee=employee,
                    participant_id=participant.pk,
                    moment=moment,
                    levels=form.levels(),
                )
            except ValidationError as error:
                form_add_service_error(form, error, field_for=lambda key: f"skill_{key}" if key.isdigit() else key)
            else:
                messages.success(request, _("Thank you: your skill levels are saved."))
                target = "my-mentoring" if moment == M.CLOSING else "my-programs"
                return redirect(target, org_slug=organization.slug)
        status = 400
    else:
        form = SkillRatingsForm(skills=skills, levels=levels)
    context = {
        "nav_section": "mentoring" if moment == M.CLOSING else "join",
        "participant": participant,
        "program": participant.program,
        "form": form,
        "closing": moment == M.CLOSING,
    }
    return render(request, "programs/member_skill_ratings.html", context, status=status)
