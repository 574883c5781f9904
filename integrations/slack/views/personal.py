"""My Slack messages: each person's own switch for MentorHub's Slack messages (members, stakeholders and admins
alike; about the signed-in person only)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mentorhub.tenancy import OrgRequest, employee_or_none, org_view

from .. import selectors
from ..services.people import slack_person_messages_set


@org_view()
@require_http_methods(["GET", "POST"])
def my_slack_messages(request: OrgRequest) -> HttpResponse:
    organization = request.organization
    employee = employee_or_none(request)
    if request.method == "POST" and employee is not None:
        wanted = request.POST.get("wanted") == "on"
        slack_person_messages_set(organization=organization, employee=employee, wanted=wanted)
        messages.success(
            request,
            _("You get MentorHub's messages in Slack.") if wanted else _("You get no Slack messages from MentorHub."),
        )
        return redirect(reverse("slack-my-messages", kwargs={"org_slug": organization.slug}))
    person = selectors.person_for(organization=organization, employee_id=employee.pk) if employee else None
    context = {
        "employee": employee,
        "installation": selectors.installation_for(organization=organization),
        "wanted": person is None or not person.dms_off,
        "linked": person is not None and bool(person.slack_user_id),
    }
    return render(request, "integrations/slack_my_messages.html", context)
