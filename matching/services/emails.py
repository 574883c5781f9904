"""The emails of the matching services: "you have a match" after approval (accept or decline), and the notices
of mentee-choice requests (asked, accepted, declined). Each is sent after the transaction commits, rendered in
its recipient's language with the organization's branding (mentorhub/web/email.py): one template per message,
HTML with its plain-text part."""

from __future__ import annotations

from django.core.mail import get_connection
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from mentorhub.accounts.branding import branding_of, site_url
from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver
from mentorhub.accounts.languages import languages_of_employees
from mentorhub.accounts.models import Organization
from mentorhub.web.email import email_message, render_email

from ..models import Match, MatchMember, MentorRequest

# The chat channels' kind for "you have a match: accept or decline" (mentorhub/accounts/extensions.py).
MATCH_PROPOSED = "match_proposed"

# The mentee-choice notices: who gets each, and what its button does.
REQUEST_ASKED = "asked"  # to the mentor: someone would like you as their mentor
REQUEST_ACCEPTED = "accepted"  # to the mentee
REQUEST_DECLINED = "declined"  # to the mentee
REQUEST_BUTTONS = {
    REQUEST_ASKED: gettext_lazy("Accept or decline"),
    REQUEST_ACCEPTED: gettext_lazy("See your match"),
    REQUEST_DECLINED: gettext_lazy("Choose another mentor"),
}


def match_url(organization_slug: str, match_id: int) -> str:
    try:
        path = reverse("my-match", kwargs={"org_slug": organization_slug, "match_pk": match_id})
    except NoReverseMatch:  # the participant pages are not installed (yet): the agreed path
        path = f"/o/{organization_slug}/matches/{match_id}/"
    return site_url() + path


def notify_matched_on_commit(match_ids: list[int]) -> None:
    """After commit, email everyone in these matches a link to their match page (to accept or decline)."""
    if match_ids:
        ids = list(match_ids)
        transaction.on_commit(lambda: send_match_emails(ids))


def send_match_emails(match_ids: list[int]) -> int:
    rows = (
        MatchMember.objects.filter(match_id__in=match_ids, current=True)
        .select_related("match__program", "match__organization", "participant__employee")
        .order_by("match_id", "role", "id")
    )
    by_match: dict[int, list[MatchMember]] = {}
    for member in rows:
        by_match.setdefault(member.match_id, []).append(member)
    messages = []
    organizations = {members[0].match.organization_id: members[0].match.organization for members in by_match.values()}
    languages: dict[int, str] = {}
    brandings = {pk: branding_of(organization) for pk, organization in organizations.items()}
    for organization in organizations.values():
        employee_ids = [
            m.participant.employee_id for ms in by_match.values() for m in ms if m.organization_id == organization.pk
        ]
        languages.update(languages_of_employees(organization, employee_ids))
    for match_id, members in by_match.items():
        match = members[0].match
        for member in members:
            employee = member.participant.employee
            if not employee.email:
                continue
            language = languages[employee.pk]
            with translation.override(language):
                role = member.get_role_display()
            rendered = render_email(
                "matching/email/match_proposed.html",
                {
                    "name": employee.name,
                    "circle": match.kind == Match.Kind.CIRCLE,
                    "program": match.program.name,
                    "organization": match.organization.name,
                    "role": role.lower() if language == "en" else role,
                    "others": [p.participant.employee.name for p in members if p.pk != member.pk],
                    "button_url": match_url(match.organization.slug, match_id),
                    "button_label": gettext_lazy("Accept or decline"),
                },
                branding=brandings[match.organization_id],
                language=language,
            )
            messages.append(email_message(rendered, to=[employee.email]))
    if messages:
        get_connection(fail_silently=False).send_messages(messages)
    notice_channels_deliver(
        [
            PersonalNotice(member.organization_id, member.participant.employee_id, MATCH_PROPOSED, match_id)
            for match_id, members in by_match.items()
            for member in members
        ]
    )
    return len(messages)


def mentor_request_notify_on_commit(
    *, organization: Organization, request: MentorRequest, kind: str, match_id: int | None = None
) -> None:
    """After commit, tell the other side of a mentee-choice request what happened (`kind`, see above)."""
    organization_id, request_id = organization.pk, request.pk
    transaction.on_commit(
        lambda: send_mentor_request_email(
            organization_id=organization_id, request_id=request_id, kind=kind, match_id=match_id
        )
    )


def send_mentor_request_email(*, organization_id: int, request_id: int, kind: str, match_id: int | None) -> int:
    request = (
        MentorRequest.objects.select_related("organization", "program", "mentee__employee", "mentor__employee")
        .filter(organization_id=organization_id, pk=request_id)
        .first()
    )
    if request is None:
        return 0
    organization = request.organization
    mentee, mentor = request.mentee.employee, request.mentor.employee
    recipient = mentor if kind == REQUEST_ASKED else mentee
    if not recipient.email:
        return 0
    slug = organization.slug
    if kind == REQUEST_ASKED:
        url = site_url() + reverse("mentor-requests", kwargs={"org_slug": slug})
    elif kind == REQUEST_ACCEPTED and match_id is not None:
        url = match_url(slug, match_id)
    else:
        url = site_url() + reverse("program-suggestions", kwargs={"org_slug": slug, "program_pk": request.program_id})
    language = languages_of_employees(organization, [recipient.pk])[recipient.pk]
    rendered = render_email(
        "matching/email/mentor_request.html",
        {
            "kind": kind,
            "name": recipient.name,
            "mentee": mentee.name,
            "mentor": mentor.name,
            "program": request.program.name,
            "message": request.message if kind == REQUEST_ASKED else "",
            "button_url": url,
            "button_label": REQUEST_BUTTONS[kind],
        },
        branding=branding_of(organization),
        language=language,
    )
    return email_message(rendered, to=[recipient.email]).send()
