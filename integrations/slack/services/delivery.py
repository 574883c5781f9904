"""Notices told in Slack: the chat channel registered with accounts (mentorhub/accounts/extensions.py) queues
one task per organization that installed the app; the task sends each notice as a direct message, once.

Each person's preferences are honoured: a category of notices they switched off (sessions'
NotificationPreference, the same categories as email) is not sent in Slack either, nor anything when they asked
for no Slack messages (SlackPerson.dms_off). The message is written in the person's language."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from analytics.models import SurveyAssignment, SurveyQuestion
from analytics.question_sets import CHECKIN_SCORE
from analytics.survey_schedule import round_of_slot
from matching.models import Match, MatchMember
from mentorhub.accounts.extensions import PersonalNotice
from mentorhub.accounts.languages import languages_of_employees
from mentorhub.accounts.models import Employee, Organization
from mentorhub.db.tenant_scope import all_organizations
from mentorhub.tenancy import scoped
from sessions import messages
from sessions.models import NotificationPreference, Reminder
from sessions.services.reminder_batch import batch_context

from .. import blocks
from ..client import bot_client
from ..models import SlackInstallation, SlackMessage, SlackPerson
from .people import slack_person_link

logger = logging.getLogger(__name__)

MATCH_PROPOSED = "match_proposed"
K = Reminder.Kind
# The notices Slack tells, beyond email: with buttons (match, invitation, check-in) or a link.
KINDS = frozenset(
    {MATCH_PROPOSED, K.SESSION_INVITE, K.SESSION_24H, K.CHECKIN_DUE, K.INACTIVITY_NUDGE, K.NUDGE_ESCALATION}
)


def slack_channel(notices: list[PersonalNotice]) -> None:
    """The chat channel (registered in IntegrationsConfig.ready()): cheap, as the registry asks. One query
    finds which organizations installed Slack; their notices go to a task, after the commit."""
    wanted = [notice for notice in notices if notice.kind in KINDS]
    if not wanted:
        return
    with all_organizations():  # a batch may name several organizations; only their ids are read
        installed = set(
            SlackInstallation.objects.filter(organization_id__in={n.organization_id for n in wanted}).values_list(
                "organization_id", flat=True
            )
        )
    from ..tasks import deliver_notices  # the task calls back into this module

    for organization_id in installed:
        rows = [[n.employee_id, n.kind, n.object_id] for n in wanted if n.organization_id == organization_id]
        transaction.on_commit(partial(deliver_notices.delay, organization_id=organization_id, notices=rows))


@dataclass
class Report:
    sent: int = 0
    skipped: int = 0
    failed: int = 0


def slack_notices_send(*, organization: Organization, notices: list[tuple[int, str, int]]) -> Report:
    """Send each (employee id, kind, object id) not sent before. Nothing at all without an installation (the
    app was uninstalled since the notice was handed over)."""
    report = Report()
    installation = scoped(SlackInstallation, organization).first()
    if installation is None:
        return report
    client = bot_client(installation)
    employee_ids = {employee_id for employee_id, _kind, _object_id in notices}
    people = scoped(Employee, organization).in_bulk(employee_ids)
    languages = languages_of_employees(organization, employee_ids)
    switched_off = {
        row.employee_id: set(row.email_off or ())
        for row in scoped(NotificationPreference, organization).filter(employee_id__in=employee_ids)
    }
    muted = set(
        scoped(SlackPerson, organization)
        .filter(employee_id__in=employee_ids, dms_off=True)
        .values_list("employee_id", flat=True)
    )
    for employee_id, kind, object_id in notices:
        employee = people.get(employee_id)
        if employee is None or kind not in KINDS:
            continue
        message = _claim(organization, employee, kind, object_id)
        if message is None:  # sent (or being sent) already
            continue
        if employee_id in muted or messages.CATEGORY_OF_KIND.get(kind, "") in switched_off.get(employee_id, ()):
            _finish(message, SlackMessage.Status.SKIPPED, note="Switched off by the person.")
            report.skipped += 1
            continue
        try:
            with translation.override(languages[employee_id]):
                outcome = _send(organization, client, message, employee)
        except SlackClientError as error:  # Slack refused or is away: recorded, not retried (email went out)
            logger.warning("Slack message %s failed: %s", message.pk, error)
            _finish(message, SlackMessage.Status.FAILED, note=str(error)[:300])
            report.failed += 1
            continue
        if outcome:
            _finish(message, SlackMessage.Status.SKIPPED, note=outcome)
            report.skipped += 1
        else:
            report.sent += 1
    return report


def _claim(organization: Organization, employee: Employee, kind: str, object_id: int) -> SlackMessage | None:
    """The message row, created now; None when it exists (the unique key: a notice handed over twice)."""
    try:
        with transaction.atomic():
            return SlackMessage.objects.create(
                organization=organization, employee=employee, kind=kind, object_id=object_id
            )
    except IntegrityError:
        return None


def _finish(message: SlackMessage, status: str, note: str = "") -> None:
    SlackMessage.objects.filter(organization_id=message.organization_id, pk=message.pk).update(
        status=status, note=note[:300]
    )


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(organization: Organization, client: WebClient, message: SlackMessage, employee: Employee) -> str:
    """Post the message; "" when sent, else why not (no Slack user, nothing to say any more)."""
    rendered = render(organization, message)
    if isinstance(rendered, str):
        return rendered
    person = slack_person_link(organization=organization, employee=employee, client=client)
    if person is None:
        return "No Slack user with this person's email."
    try:
        answer = client.chat_postMessage(channel=person.slack_user_id, text=rendered.text, blocks=rendered.blocks)
    except SlackApiError as error:
        if error.response.get("error") not in ("user_not_found", "channel_not_found"):
            raise
        # The cached id stopped working (the person left the workspace, or came back): look up again, once.
        person = slack_person_link(organization=organization, employee=employee, client=client, refresh=True)
        if person is None:
            return "No Slack user with this person's email."
        answer = client.chat_postMessage(channel=person.slack_user_id, text=rendered.text, blocks=rendered.blocks)
    SlackMessage.objects.filter(organization=organization, pk=message.pk).update(
        status=SlackMessage.Status.SENT,
        channel=(answer.get("channel") or "")[:32],
        ts=(answer.get("ts") or "")[:32],
        text=rendered.text[:3000],
        sent_at=timezone.now(),
    )
    return ""


# --- What each kind says ------------------------------------------------------------------------------------


def render(organization: Organization, message: SlackMessage) -> blocks.Rendered | str:
    """The message for its kind, or (a string) why there is nothing to say any more."""
    if message.kind == MATCH_PROPOSED:
        return _match_proposed(organization, message)
    reminder = (
        scoped(Reminder, organization)
        .filter(pk=message.object_id, recipient_id=message.employee_id)
        .select_related("organization", "recipient", "session__match__program", "match__program", "milestone__goal")
        .first()
    )
    if reminder is None:
        return "The reminder is gone."
    result = messages.render(reminder, batch_context(organization, [reminder], timezone.now()))
    if isinstance(result, messages.Skip):
        return result.reason
    text = f"*{blocks.escape(result.subject)}*\n{blocks.escape(result.body)}"
    url = absolute(result.path)
    if reminder.kind == K.SESSION_INVITE and reminder.session is not None:
        session = reminder.session
        another = (
            reverse("find-a-time", kwargs={"org_slug": organization.slug, "match_pk": session.match_id})
            if session.match_id
            else result.path
        )
        return blocks.session_invite(message_id=message.pk, text=text, url=url, another_time_url=absolute(another))
    if reminder.kind == K.CHECKIN_DUE:
        assignment = checkin_assignment(organization, reminder)
        answerable = assignment is not None and assignment.round > 0 and checkin_questions(assignment) is not None
        return blocks.checkin(message_id=message.pk, text=text, url=url, answerable=answerable)
    label = _("Open the session") if reminder.session_id else _("Open in MentorHub")
    return blocks.with_link(text=text, url=url, label=label)


def _match_proposed(organization: Organization, message: SlackMessage) -> blocks.Rendered | str:
    members = list(
        scoped(MatchMember, organization)
        .filter(match_id=message.object_id, current=True)
        .select_related("match__program", "participant__employee")
        .order_by("role", "id")
    )
    mine = next((m for m in members if m.participant.employee_id == message.employee_id), None)
    if mine is None:
        return "Not in this match any more."
    match = mine.match
    if match.status != Match.Status.APPROVED or mine.response != MatchMember.Response.PENDING:
        return "The match is answered already."
    others = ", ".join(blocks.escape(m.participant.employee.name) for m in members if m.pk != mine.pk)
    text = _(
        "You have a new mentoring match in *%(program)s*: you take part as %(role)s, with %(others)s. "
        "Accept it, or decline it and tell us why."
    ) % {"program": blocks.escape(match.program.name), "role": mine.get_role_display().lower(), "others": others}
    url = absolute(reverse("my-match", kwargs={"org_slug": organization.slug, "match_pk": match.pk}))
    return blocks.match_proposed(message_id=message.pk, text=text, url=url)


def checkin_assignment(organization: Organization, reminder: Reminder) -> SurveyAssignment | None:
    """The check-in a CHECKIN_DUE reminder asks for (as analytics' survey_prompts finds it)."""
    round_ = round_of_slot(reminder.slot)
    if round_ is None or reminder.match_id is None:
        return None
    return (
        scoped(SurveyAssignment, organization)
        .filter(match_id=reminder.match_id, respondent_id=reminder.recipient_id, round=round_)
        .order_by("-id")
        .first()
    )


def checkin_questions(assignment: SurveyAssignment) -> tuple[SurveyQuestion, SurveyQuestion | None] | None:
    """The check-in's score question and its optional comment question, when that is all it asks (Slack
    answers those two); None when it asks more (an admin's own questions are answered on the page)."""
    questions = list(
        SurveyQuestion.objects.filter(organization_id=assignment.organization_id, survey_id=assignment.survey_id)
    )
    score = next((q for q in questions if q.code == CHECKIN_SCORE), None)
    others = [q for q in questions if q is not score]
    comment = next((q for q in others if q.type == SurveyQuestion.Type.TEXT and not q.required), None)
    if score is None or any(q is not comment for q in others):
        return None
    return score, comment
