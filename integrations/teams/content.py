"""What a card says about a notice: read from the notice itself (a reminder's in-app notice keeps the text the
email said) or, for a proposed match, from the match; plus what the card's buttons need (the check-in's
questions, the "propose another time" page). Called inside the recipient's language and organization."""

from __future__ import annotations

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from analytics.models import SurveyAssignment, SurveyQuestion
from analytics.services.survey_answers import SCALES, survey_assignment_state
from analytics.survey_schedule import round_of_slot
from matching.models import MatchMember
from matching.services.emails import MATCH_PROPOSED, match_url
from mentorhub.accounts.models import Organization
from sessions.models import Notification, Reminder

from .cards import CardContent, Question

K = Reminder.Kind
# The notices sent to Teams (the others stay email and in-app notices).
KINDS = frozenset({MATCH_PROPOSED, K.SESSION_INVITE, K.SESSION_24H, K.CHECKIN_DUE, K.INACTIVITY_NUDGE})


def absolute(path: str) -> str:
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL.rstrip("/") + path


def _route(name: str, **kwargs: object) -> str:
    try:
        return absolute(reverse(name, kwargs=kwargs))
    except NoReverseMatch:
        return ""


def card_content(*, organization: Organization, card_id: int, employee_id: int, kind: str, object_id: int):
    """The card's content, or None when there is nothing to tell any more (the match or notice is gone)."""
    if kind == MATCH_PROPOSED:
        return _match_content(organization, card_id, employee_id, object_id)
    return _reminder_content(organization, card_id, employee_id, kind, object_id)


def _match_content(organization: Organization, card_id: int, employee_id: int, match_id: int) -> CardContent | None:
    members = list(
        MatchMember.objects.filter(organization=organization, match_id=match_id, current=True)
        .select_related("match__program", "participant__employee")
        .order_by("role", "id")
    )
    mine = next((m for m in members if m.participant.employee_id == employee_id), None)
    if mine is None:
        return None
    others = ", ".join(m.participant.employee.name for m in members if m.pk != mine.pk)
    program = mine.match.program.name
    return CardContent(
        card_id=card_id,
        kind=MATCH_PROPOSED,
        title=_("Your match in %(program)s") % {"program": program},
        body=_("You take part as %(role)s, with %(others)s. Accept or decline here, or see why you were matched.")
        % {"role": mine.get_role_display().lower(), "others": others or _("your match")},
        url=match_url(organization.slug, match_id),
    )


def _reminder_content(
    organization: Organization, card_id: int, employee_id: int, kind: str, reminder_id: int
) -> CardContent | None:
    notice = (
        Notification.objects.filter(organization=organization, reminder_id=reminder_id, recipient_id=employee_id)
        .select_related("reminder__session")
        .first()
    )
    if notice is None or notice.reminder is None:
        return None
    reminder = notice.reminder
    other_url = ""
    questions: tuple[Question, ...] = ()
    answerable = True
    if kind == K.SESSION_INVITE:
        answerable = reminder.session is not None
        if reminder.session is not None:
            other_url = _route("find-a-time", org_slug=organization.slug, match_pk=reminder.session.match_id)
    if kind == K.CHECKIN_DUE:
        questions = _checkin_questions(organization, reminder)
    return CardContent(
        card_id=card_id,
        kind=kind,
        title=notice.title,
        body=notice.body,
        url=absolute(notice.url),
        other_url=other_url,
        questions=questions,
        answerable=answerable,
    )


def checkin_assignment(organization: Organization, reminder: Reminder) -> SurveyAssignment | None:
    """The check-in a CHECKIN_DUE reminder asks for (its match, its recipient, the round its slot names)."""
    round_ = round_of_slot(reminder.slot)
    if round_ is None or reminder.match_id is None:
        return None
    return (
        SurveyAssignment.objects.filter(
            organization=organization, match_id=reminder.match_id, respondent_id=reminder.recipient_id, round=round_
        )
        .order_by("-id")
        .first()
    )


def _checkin_questions(organization: Organization, reminder: Reminder) -> tuple[Question, ...]:
    assignment = checkin_assignment(organization, reminder)
    if assignment is None or survey_assignment_state(assignment) != "open":
        return ()
    rows = SurveyQuestion.objects.filter(organization=organization, survey_id=assignment.survey_id).order_by(
        "position", "id"
    )
    questions = []
    for row in rows:
        scale = SCALES.get(row.type)
        values: tuple[tuple[int, str], ...] = ()
        if scale is not None:
            # str(): the labels are analytics' own (translated there, lazily, once its catalogue has them)
            values = tuple((value, str(scale.labels[value - scale.low])) for value in range(scale.low, scale.high + 1))
        questions.append(Question(input_id=f"q{row.pk}", prompt=row.prompt, required=row.required, scale=values))
    return tuple(questions)
