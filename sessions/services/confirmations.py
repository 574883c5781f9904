"""A member confirms they will be at a scheduled session ("Confirm I'll be there"): from the session page, a
Slack button or a Teams card, always through `session_attendance_confirm`, so the rules and the audit are the
same wherever the click comes from.

The confirmation holds for the session as it stands: rescheduling raises its `sequence`, and a confirmation of
an earlier sequence no longer counts (models_confirmations.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.accounts.services.audit import audit_record
from mentorhub.tenancy import get_scoped_or_404, scoped

from ..models import MentoringSession, Reminder, SessionConfirmation
from .common import match_for_write


def invitation_sequence(reminder: Reminder) -> int | None:
    """The session's sequence an invitation was sent for (its slot, "seq<n>"), or None when it names none."""
    slot = reminder.slot or ""
    return int(slot[3:]) if slot.startswith("seq") and slot[3:].isdigit() else None


@transaction.atomic
def session_attendance_confirm(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    session_id: int,
    sequence: int | None = None,
) -> SessionConfirmation:
    """`employee` confirms they will be at the session. `sequence` is the session's version the person saw (an
    invitation names it): a session changed since is refused, so nobody confirms a time they were not shown.

    Someone never in the session's match: 404 (the same as no such session). A session no longer scheduled or
    already started, a match no longer active, a person no longer in it: refused with the reason. Confirming
    twice changes nothing and is audited once."""
    session = get_scoped_or_404(MentoringSession.objects.all(), organization, pk=session_id)
    match_for_write(organization, employee, session.match_id)  # locks the match; 404 / refusals as every write
    session = scoped(MentoringSession, organization).select_for_update().get(pk=session_id)
    if session.status != MentoringSession.Status.SCHEDULED or session.starts_at <= timezone.now():
        raise ValidationError(_("This session is not ahead any more."))
    if sequence is not None and sequence != session.sequence:
        raise ValidationError(_("The session changed since this invitation: confirm the newer one."))
    confirmation = scoped(SessionConfirmation, organization).filter(session=session, employee=employee).first()
    if confirmation is not None and confirmation.sequence == session.sequence:
        return confirmation  # confirmed already: nothing changes
    if confirmation is None:
        confirmation = SessionConfirmation(organization=organization, session=session, employee=employee)
    confirmation.sequence, confirmation.confirmed_at = session.sequence, timezone.now()
    confirmation.full_clean(validate_constraints=False)
    confirmation.save()
    audit_record(
        organization=organization,
        actor=actor,
        verb="session.attendance_confirm",
        target=session,
        changes={"sequence": [None, session.sequence]},
    )
    return confirmation
