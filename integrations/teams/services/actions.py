"""A card's button: the person the card was for acts, through the same services as the web pages (the same
rules, the same audit), exactly once, and the card shows the outcome.

Exactly once on a double click or two devices racing: the card row is locked (SELECT ... FOR UPDATE) for the
action's transaction; the second click waits, then finds the outcome written and acts no more, answering with
the same outcome. A refusal of the service (a rule broken, a reason missing) writes nothing: the person may try
again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from analytics.services.survey_answers import survey_answer
from matching.models import Match
from matching.services.emails import MATCH_PROPOSED
from matching.services.responses import match_respond
from mentorhub.accounts.languages import language_of_employee
from mentorhub.accounts.models import Employee, Organization, User
from sessions.messages import when
from sessions.models import Reminder
from sessions.services.confirmations import invitation_sequence, session_attendance_confirm

from ..cards import ACCEPT, ANSWER, CONFIRM, DECLINE, REASON_INPUT
from ..content import checkin_assignment
from ..models import TeamsCard, TeamsLink
from ..selectors import acting_membership

K = Reminder.Kind


@dataclass(frozen=True)
class ActionResult:
    card: TeamsCard
    acted: bool  # False: an earlier click did it (the outcome is that one's)


@transaction.atomic
def teams_card_act(
    *, organization: Organization, link: TeamsLink, card_id: int, verb: str, inputs: dict[str, Any]
) -> ActionResult:
    """Act on the card's button for the linked person. A card of anyone else is 404 (the same as none); a
    person who may not take part on the web pages (no sign-in, a stakeholder) is refused."""
    card = (
        TeamsCard.objects.select_for_update()
        .filter(organization=organization, pk=card_id, employee_id=link.employee_id)
        .first()
    )
    if card is None:
        raise Http404("No such card.")
    if card.outcome:
        return ActionResult(card=card, acted=False)
    membership = acting_membership(organization=organization, employee_id=link.employee_id)
    if membership is None:
        raise PermissionDenied(_("Sign in to MentorHub once to answer from Teams."))
    employee = Employee.objects.get(organization=organization, pk=link.employee_id)
    with translation.override(language_of_employee(organization, employee)):
        outcome = _act(organization, membership.user, employee, card, verb, inputs)
    card.outcome, card.acted_at = outcome[:300], timezone.now()
    card.save(update_fields=["outcome", "acted_at"])
    return ActionResult(card=card, acted=True)


def _act(
    organization: Organization, actor: User, employee: Employee, card: TeamsCard, verb: str, inputs: dict[str, Any]
) -> str:
    if card.kind == MATCH_PROPOSED and verb in (ACCEPT, DECLINE):
        reason = str(inputs.get(REASON_INPUT) or "")
        match = match_respond(
            organization=organization,
            actor=actor,
            employee=employee,
            match_id=card.object_id,
            accept=verb == ACCEPT,
            reason=reason,
        )
        if verb == DECLINE:
            return _("You declined this match. Thank you for telling us why: HR will look for a better one.")
        if match.status == Match.Status.ACTIVE:
            return _("You accepted. Everyone has: your match has started.")
        return _("You accepted. The match starts when everyone has.")
    if card.kind == K.SESSION_INVITE and verb == CONFIRM:
        reminder = Reminder.objects.filter(organization=organization, pk=card.object_id, recipient=employee).first()
        if reminder is None or reminder.session is None:
            raise Http404("No such invitation.")
        session = reminder.session
        session_attendance_confirm(
            organization=organization,
            actor=actor,
            employee=employee,
            session_id=session.pk,
            sequence=invitation_sequence(reminder),
        )
        return _("You confirmed the session on %(when)s.") % {"when": when(session.starts_at, employee.time_zone)}
    if card.kind == K.CHECKIN_DUE and verb == ANSWER:
        reminder = Reminder.objects.filter(organization=organization, pk=card.object_id, recipient=employee).first()
        assignment = checkin_assignment(organization, reminder) if reminder is not None else None
        if assignment is None:
            raise Http404("No such check-in.")
        answers = {key[1:]: value for key, value in inputs.items() if key.startswith("q") and key[1:].isdigit()}
        survey_answer(organization=organization, employee=employee, assignment_id=assignment.pk, answers=answers)
        return _("Thank you: your answers are in.")
    raise ValidationError(_("This card has no such button."))
