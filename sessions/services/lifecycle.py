"""The end of a match as the people in it live it: completing it (everyone agrees, or the program ends),
or ending it early with a reason. The match itself changes in matching.services; here the rest follows:
sessions still ahead are cancelled (with calendar cancellations), planned reminders are dropped, and the
others are told in the app."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from matching.models import Match
from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.tenancy import scoped

from ..models import MentoringSession, Notification
from ..selectors import recipients_of
from .common import deliver_reminders_on_commit
from .notifications import notification_create
from .reminders import reminders_match_ended, reminders_session_cancelled


def _wind_down(organization: Organization, match: Match, people: list[Employee], reason: str) -> int:
    """Cancel the match's sessions still ahead (everyone's calendar drops them) and every reminder planned
    for the match. Returns how many sessions were cancelled."""
    ahead = list(
        scoped(MentoringSession, organization)
        .select_for_update()
        .filter(match=match, status=MentoringSession.Status.SCHEDULED, starts_at__gt=timezone.now())
    )
    for session in ahead:
        session.status = MentoringSession.Status.CANCELLED
        session.cancel_reason = reason[:500]
        session.sequence += 1
        session.save(update_fields=["status", "cancel_reason", "sequence", "updated_at"])
    reminders_match_ended(organization=organization, match=match)
    for session in ahead:
        reminders_session_cancelled(organization=organization, session=session, recipients=people)
    if ahead:
        deliver_reminders_on_commit()
    return len(ahead)


def _tell(organization: Organization, match: Match, people: list[Employee], title: str, skip: Employee | None) -> None:
    url = reverse("mentoring-match", kwargs={"org_slug": organization.slug, "match_pk": match.pk})
    for person in people:
        if skip is None or person.pk != skip.pk:
            notification_create(
                organization=organization, recipient=person, kind=Notification.MATCH_UPDATE, title=title, url=url
            )


@transaction.atomic
def mentoring_request_completion(
    *, organization: Organization, actor: User | None, employee: Employee, match_id: int, wanted: bool = True
) -> matching_services.CompletionAnswer:
    """`employee` asks to complete the match now (or takes it back); when everyone in it has asked, it is
    completed and what was still planned is called off."""
    people = recipients_of(organization, [match_id]).get(match_id, [])
    answer = matching_services.match_request_completion(
        organization=organization, actor=actor, employee=employee, match_id=match_id, wanted=wanted
    )
    if answer.completed:
        _wind_down(organization, answer.match, people, "The match was completed.")
        _tell(organization, answer.match, people, f"Your match in {answer.match.program.name} is completed", None)
    elif wanted and answer.changed:
        _tell(
            organization,
            answer.match,
            people,
            f"{employee.name} would like to complete your match in {answer.match.program.name}",
            employee,
        )
    return answer


@transaction.atomic
def mentoring_end_early(
    *,
    organization: Organization,
    actor: User | None,
    match_id: int,
    reason: str,
    employee: Employee | None = None,
    rematch: bool = True,
) -> matching_services.EndResult:
    """End an active match early, by one of its people (`employee`) or an HR admin (None). The reason is
    for admins; the others only hear that it ended."""
    people = recipients_of(organization, [match_id]).get(match_id, [])
    result = matching_services.match_end_early(
        organization=organization, actor=actor, match_id=match_id, reason=reason, employee=employee, rematch=rematch
    )
    _wind_down(organization, result.match, people, "The match ended.")
    who = employee.name if employee is not None else "HR"
    _tell(organization, result.match, people, f"{who} ended your match in {result.match.program.name}", employee)
    return result


def matches_complete_finished(*, organization: Organization, today: date | None = None) -> int:
    """Complete the active matches of programs whose end date has passed (run daily by beat). Each match
    in its own transaction: one that fails does not hold back the others."""
    today = today or timezone.localdate()
    ids = list(
        scoped(Match, organization)
        .filter(status=Match.Status.ACTIVE, program__ends_on__lt=today)
        .values_list("pk", flat=True)
    )
    completed = 0
    for match_id in ids:
        with transaction.atomic():
            match = scoped(Match, organization).select_for_update().select_related("program").get(pk=match_id)
            if match.status != Match.Status.ACTIVE:
                continue  # completed by its people in the meantime
            people = recipients_of(organization, [match_id]).get(match_id, [])
            matching_services.match_complete(
                organization=organization, actor=None, match=match, reason="Completed: the program ended."
            )
            _wind_down(organization, match, people, "The program ended.")
            _tell(
                organization, match, people, f"Your match in {match.program.name} is completed: the program ended", None
            )
            completed += 1
    return completed
