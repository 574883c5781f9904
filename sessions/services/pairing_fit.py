"""The early pairing-fit check: after a match's first held session every member is asked, privately, "Is this
a good match for you?" (a notice and an email, and the question on their match page and home page). A "no"
opens the no-fault route: the program's admins are told (naming the match and who answered, with the
comment), never the other members; the mentee of a pair is offered a new mentor, which they confirm
(`pairing_fit_rematch`): the match ends without fault and matching's re-match runs with the pair excluded
(matching.services.lifecycle.match_end_early, the path a decline takes).

Privacy: an answer touches only its author's pages (page_cache.people_changed for them alone) and the
admins' notices; nothing the other members read changes until the mentee chooses to end the match."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from matching.models import FOLLOWER_ROLES, Match
from matching.services.lifecycle import EndResult, match_end_early
from mentorhub.accounts.models import Employee, Organization, User
from mentorhub.tenancy import scoped

from ..models import MentoringSession, PairingFitAnswer, Reminder
from ..page_cache import people_changed
from .common import match_for_write
from .reminders import _row, program_admins, reminders_insert

MAX_COMMENT = 2000
FIRST_HELD_SLOT = "first-held"
# The question's notice and email come a while after the session was logged (the match page asks at once):
# not in the same minute as the log prompt, and picked up by the beat's next round like every reminder.
FIT_CHECK_AFTER = timedelta(hours=1)
# Kept on the match for admins (matching's end_reason); the members only hear that the match ended.
NO_FAULT_REASON = "No-fault end after the pairing-fit check: the mentee asked for a new mentor."


def fit_check_after_held(
    *, organization: Organization, session: MentoringSession, members: list[Employee], now: datetime | None = None
) -> int:
    """Called when a session of the match is logged as held: on the first such session, ask every current
    member (one reminder each, a notice and an email, due FIT_CHECK_AFTER from now). The reminder's key makes a
    second ask impossible. Returns how many were asked for."""
    held = (
        scoped(MentoringSession, organization)
        .filter(match_id=session.match_id, status=MentoringSession.Status.HELD)
        .count()
    )
    if held != 1:
        return 0
    due = (now or timezone.now()) + FIT_CHECK_AFTER
    rows = [
        _row(organization, Reminder.Kind.FIT_CHECK, person, due, FIRST_HELD_SLOT, match=session.match)
        for person in members
    ]
    return reminders_insert(rows)


@transaction.atomic
def pairing_fit_answer(
    *,
    organization: Organization,
    actor: User | None,
    employee: Employee,
    match_id: int,
    answer: str,
    comment: str = "",
    now: datetime | None = None,
) -> PairingFitAnswer:
    """`employee`'s private answer (yes, not sure, no; set or changed) with an optional comment for the
    program's admins. A "no" tells the admins once per person and match."""
    now = now or timezone.now()
    found = match_for_write(organization, employee, match_id)
    if not scoped(MentoringSession, organization).filter(match=found.match, status="held").exists():
        raise ValidationError(_("You are asked once your first session is logged as held."))
    if answer not in PairingFitAnswer.Answer.values:
        raise ValidationError({"answer": [_("Choose yes, not sure or no.")]})
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError({"comment": [_("At most %(count)s characters.") % {"count": f"{MAX_COMMENT:,}"}]})
    row = scoped(PairingFitAnswer, organization).select_for_update().filter(match=found.match, author=employee).first()
    if row is not None and row.rematch_requested_at is not None:
        raise ValidationError(_("You asked for a new mentor already."))
    said_no_before = row is not None and row.answer == PairingFitAnswer.Answer.NO
    if row is None:
        row = PairingFitAnswer(
            organization=organization, program=found.match.program, match=found.match, author=employee
        )
    row.answer, row.comment = answer, comment
    row.full_clean(validate_constraints=False)
    row.save()
    if answer == PairingFitAnswer.Answer.NO and not said_no_before:
        admins = program_admins(organization, found.match.program)
        # The slot names the author: the admins hear once of each member's "no" (never a second time).
        slot = f"no-e{employee.pk}"
        # Due now: the beat's next round (within a minute) sends it.
        reminders_insert(
            _row(organization, Reminder.Kind.FIT_CONCERN, admin, now, slot, match=found.match) for admin in admins
        )
    # Only the author's own pages change: the other members' pages must not differ in any way.
    people_changed(organization=organization, employee_ids=[employee.pk])
    return row


@transaction.atomic
def pairing_fit_rematch(
    *, organization: Organization, actor: User | None, employee: Employee, match_id: int
) -> EndResult:
    """The mentee of a pair who answered "no" confirms they want a new mentor: the match ends without fault
    (as HR would end it: the mentor hears only that it ended), the pair is excluded and a re-match starts."""
    found = match_for_write(organization, employee, match_id)
    if found.match.kind != Match.Kind.PAIR or found.me.role not in FOLLOWER_ROLES:
        raise ValidationError(_("Only the mentee of a pair can ask for a new mentor here; talk to your program's HR."))
    row = scoped(PairingFitAnswer, organization).select_for_update().filter(match=found.match, author=employee).first()
    if row is None or row.answer != PairingFitAnswer.Answer.NO:
        raise ValidationError(_("Answer “no” to “Is this a good match for you?” first."))
    if row.rematch_requested_at is not None:
        raise ValidationError(_("You asked for a new mentor already."))
    row.rematch_requested_at = timezone.now()
    row.save(update_fields=["rematch_requested_at", "updated_at"])
    result = match_end_early(
        organization=organization, actor=actor, match_id=found.match.pk, reason=NO_FAULT_REASON, rematch=True
    )
    people_changed(organization=organization, employee_ids=[employee.pk])
    return result
