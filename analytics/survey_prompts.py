"""What asks people to answer a survey, plugged into the sessions app without it importing this one
(docs/architecture.md: dependencies point one way). Registered in AnalyticsConfig.ready():

- the message of a CHECKIN_DUE reminder (email and in-app notice), or a Skip when the survey was answered
  or has closed by the time the reminder comes due;
- the "things to do" on the participant's home page: their open surveys that are due.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from mentorhub.accounts.models import Employee, Organization
from sessions.extensions import Todo
from sessions.messages import Context, Message, Skip
from sessions.models import Reminder
from sessions.timeslots import zone_or_utc

from .models import SurveyAssignment
from .selectors import names, open_assignments_due, other_match_members
from .services.survey_answers import survey_assignment_state
from .survey_schedule import assignment_expires_at, round_of_slot

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How many questions ("Two questions") and how many minutes ("one minute"): two lists, as some languages give
# the two words different genders.
NUMBERS: tuple[StrOrPromise, ...] = (
    "No",  # untranslated: a survey always has a question
    gettext_lazy("One"),
    gettext_lazy("Two"),
    gettext_lazy("Three"),
    gettext_lazy("Four"),
    gettext_lazy("Five"),
    gettext_lazy("Six"),
    gettext_lazy("Seven"),
    gettext_lazy("Eight"),
    gettext_lazy("Nine"),
    gettext_lazy("Ten"),
)
MINUTE_NUMBERS: tuple[StrOrPromise, ...] = (
    "no",  # untranslated: a survey always takes a minute at least
    gettext_lazy("one"),
    gettext_lazy("two"),
    gettext_lazy("three"),
    gettext_lazy("four"),
    gettext_lazy("five"),
    gettext_lazy("six"),
    gettext_lazy("seven"),
    gettext_lazy("eight"),
    gettext_lazy("nine"),
    gettext_lazy("ten"),
)


def effort(questions: int) -> str:
    """“Two questions, one minute.”: how long a survey takes, about three questions a minute."""
    count = str(NUMBERS[questions]) if questions < len(NUMBERS) else str(questions)
    minutes = max(1, math.ceil(questions / 3))
    duration = str(MINUTE_NUMBERS[minutes]) if minutes < len(MINUTE_NUMBERS) else str(minutes)
    return _("%(questions)s, %(minutes)s.") % {
        "questions": ngettext("%(count)s question", "%(count)s questions", questions) % {"count": count},
        "minutes": ngettext("%(count)s minute", "%(count)s minutes", minutes) % {"count": duration},
    }


def confidentiality(min_group_size: int) -> str:
    return _(
        "Your answers are confidential: HR and stakeholders only see totals over at least %(count)s people "
        "(a very low check-in only tells HR that the match may need attention, never the answer)."
    ) % {"count": min_group_size}


def answer_path(organization_slug: str, assignment_id: int) -> str:
    return reverse("survey-answer", kwargs={"org_slug": organization_slug, "assignment_pk": assignment_id})


def render_survey_reminder(reminder: Reminder, context: Context) -> Message | Skip:
    """The reminder of one check-in or closing survey: found by match, recipient and the round in the slot."""
    round_ = round_of_slot(reminder.slot)
    if round_ is None:
        return Skip(f"Not a survey reminder ({reminder.slot}).")
    if reminder.match_id is None:  # no match, so no assignment (the query would find none)
        return Skip("The survey is not asked any more.")
    assignment = (
        SurveyAssignment.objects.filter(
            organization_id=reminder.organization_id,
            match_id=reminder.match_id,
            respondent_id=reminder.recipient_id,
            round=round_,
        )
        .select_related("program", "match")
        .annotate(questions=Count("survey__questions"))
        .order_by("-id")
        .first()
    )
    if assignment is None:
        return Skip("The survey is not asked any more.")
    recipient = reminder.recipient
    state = survey_assignment_state(assignment, context.now)
    if state == SurveyAssignment.Status.ANSWERED:
        return Skip("Answered already.")
    if state != "open":
        return Skip("The survey has closed.")
    others = [person for person in context.members.get(reminder.match_id, []) if person.pk != recipient.pk]
    with_whom = names(others) or _("your match")
    organization = reminder.organization
    path = answer_path(context.slugs[reminder.organization_id], assignment.pk)
    note = confidentiality(organization.min_group_size)
    closes = date_format(assignment_expires_at(assignment).astimezone(zone_or_utc(recipient.time_zone)), "j F Y")
    if round_:
        question = _("How is your mentoring with %(with_whom)s going?") % {"with_whom": with_whom}
        return Message(
            subject=question,
            body=_("%(question)s %(effort)s\n\n%(note)s\n\nThe check-in is open until %(closes)s.")
            % {"question": question, "effort": effort(assignment.questions), "note": note, "closes": closes},
            path=path,
        )
    program = assignment.program.name
    return Message(
        subject=_("Your mentoring with %(with_whom)s has ended: how was it?") % {"with_whom": with_whom},
        body=_(
            "Your mentoring with %(with_whom)s in %(program)s has ended. Tell the program team what it gave you: "
            "%(effort)s\n\n%(note)s\n\nThe survey is open until %(closes)s."
        )
        % {
            "with_whom": with_whom,
            "program": program,
            "effort": effort(assignment.questions).lower(),
            "note": note,
            "closes": closes,
        },
        path=path,
    )


def survey_todos(organization: Organization, employee: Employee) -> list[Todo]:
    """The person's open surveys that are due, oldest first, for the home page's "Things to do"."""
    now = timezone.now()
    todos = []
    for assignment in open_assignments_due(organization=organization, employee=employee, now=now):
        closes = date_format(timezone.localtime(assignment_expires_at(assignment)), "j M")
        if assignment.round:
            text = _("Answer the check-in about your match with %(names)s") % {
                "names": names(other_match_members(assignment)) or _("your match")
            }
        else:
            text = _("Answer the closing survey of your match in %(program)s") % {"program": assignment.program.name}
        todos.append(
            Todo(
                text=text,
                url=answer_path(organization.slug, assignment.pk),
                hint=_("due %(due)s, open until %(closes)s")
                % {"due": date_format(timezone.localtime(assignment.due_at), "j M"), "closes": closes},
            )
        )
    return todos
