"""The emails of the matching services: the link to a match page, "you have a match" after approval, and the
short notices of mentee-choice requests. Each is sent after the transaction commits."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver

from ..models import Match, MatchMember

# The chat channels' kind for "you have a match: accept or decline" (mentorhub/accounts/extensions.py).
MATCH_PROPOSED = "match_proposed"

# Used when no request is at hand to build absolute links (a task, a shell); SITE_URL overrides it.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def match_url(organization_slug: str, match_id: int) -> str:
    base = (getattr(settings, "SITE_URL", "") or DEFAULT_BASE_URL).rstrip("/")
    try:
        path = reverse("my-match", kwargs={"org_slug": organization_slug, "match_pk": match_id})
    except NoReverseMatch:  # the participant pages are not installed (yet): the agreed path
        path = f"/o/{organization_slug}/matches/{match_id}/"
    return base + path


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
    for match_id, members in by_match.items():
        match = members[0].match
        for member in members:
            employee = member.participant.employee
            if not employee.email:
                continue
            others = ", ".join(p.participant.employee.name for p in members if p.pk != member.pk)
            role = member.get_role_display().lower()
            body = (
                f"Hello {employee.name},\n\n"
                f"You have a new {'circle' if match.kind == Match.Kind.CIRCLE else 'mentoring match'} in "
                f"{match.program.name} at {match.organization.name}: you take part as {role}, with {others}.\n\n"
                "See why you were matched, and accept or decline, here:\n"
                f"{match_url(match.organization.slug, match_id)}\n"
            )
            subject = f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}Your match in {match.program.name}"
            messages.append((subject, body, None, [employee.email]))
    if messages:
        send_mass_mail(messages, fail_silently=False)
    notice_channels_deliver(
        [
            PersonalNotice(member.organization_id, member.participant.employee_id, MATCH_PROPOSED, match_id)
            for match_id, members in by_match.items()
            for member in members
        ]
    )
    return len(messages)


def notify_on_commit(subject: str, body: str, emails: list[str]) -> None:
    recipients = [e for e in emails if e]
    if recipients:
        full_subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject
        transaction.on_commit(
            lambda: send_mass_mail([(full_subject, body, None, [email]) for email in recipients], fail_silently=False)
        )
