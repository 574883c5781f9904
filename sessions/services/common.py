"""What the sessions services share: finding the match a person acts in (locked, checked), the people to
tell, and waking the reminder sender after commit."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import get_scoped_or_404, scoped


@dataclass
class MatchForWrite:
    match: Match
    members: list[Employee]  # the current members (who receive invitations and reminders)
    me: MatchMember


def match_for_write(organization: Organization, employee: Employee, match_id: int) -> MatchForWrite:
    """The match, locked, for a change by `employee`: 404 when they were never in it (same as "does not
    exist"); a clear refusal when it is not active or they are no longer in it."""
    match = get_scoped_or_404(Match.objects.select_for_update().select_related("program"), organization, pk=match_id)
    members = list(
        scoped(MatchMember, organization)
        .filter(match=match)
        .exclude(response=MatchMember.Response.DECLINED)
        .select_related("participant__employee")
        .order_by("role", "id")
    )
    mine = [m for m in members if m.participant.employee_id == employee.pk]
    if not mine or match.status in (Match.Status.PROPOSED, Match.Status.DISCARDED):
        raise Http404("No such match.")
    if match.status != Match.Status.ACTIVE:
        raise ValidationError(
            _("This match is %(status)s: it can no longer change.") % {"status": match.get_status_display().lower()}
        )
    me = next((m for m in mine if m.current), None)
    if me is None:
        raise ValidationError(_("You are no longer in this match."))
    return MatchForWrite(match=match, members=[m.participant.employee for m in members if m.current], me=me)


def deliver_reminders_on_commit() -> None:
    """Invitations and cancellations are due at once: wake the sender after commit instead of waiting for
    the next beat tick. Once per transaction, however many sessions it scheduled."""
    from ..tasks import deliver_reminders  # the tasks module imports the services

    connection = transaction.get_connection()
    waiting = (getattr(callback, "wake", None) for _, callback, *_ in connection.run_on_commit)
    if any(wake is not None and not wake.done for wake in waiting):
        return
    # robust: the reminders are saved rows; with the broker down the next beat tick sends them, and the request
    # that saved them does not fail for it.
    transaction.on_commit(_Wake(deliver_reminders), robust=True)


class _Wake:
    """The after-commit call that wakes the sender; `done` once it ran (a test's captured callbacks stay in
    the list after they ran, and must not stop the next transaction's wake-up)."""

    def __init__(self, task) -> None:
        self.task, self.done, self.wake = task, False, self

    def __call__(self) -> None:
        self.done = True
        self.task.delay()
