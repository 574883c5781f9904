"""Demo mentoring agreements and pairing-fit answers for `manage.py seed_demo`, after the mentoring history
(demo/sessions/): every active match of acme has its agreement, most confirmed by everyone in it on the
program's template, a few adapted to the pair; the demo pair (member@acme.example with mentor@acme.example)
adapted theirs and it awaits the mentor's confirmation. A few members answered "Is this a good match for
you?" after their first session, one of them "no" (HR is told; the mentor is not).

Through the services, as the members would have done it. Idempotent: once acme has an agreement, nothing
happens."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from demo.programs import DEMO_MEMBER_EMAIL, DEMO_MENTOR_EMAIL
from matching.models import FOLLOWER_ROLES, Match, MatchMember
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped
from sessions import messages
from sessions.models import MatchAgreement, MentoringSession, Notification, PairingFitAnswer, Reminder
from sessions.selectors.agreements import agreement_state
from sessions.services.agreements import agreement_confirm, agreement_edit
from sessions.services.pairing_fit import pairing_fit_answer

# What pairs wrote in their own words (the articles: "establish expectations early", "open and regular
# communication"); the other sections keep the program's text.
OWN_GOALS = (
    "Build the confidence to present to the leadership team, and map the skills I need for a team-lead role "
    "within a year. We look at progress every third session.",
    "Learn how the sales side decides on pricing, and get honest feedback on my first customer workshop.",
    "Bridge the gap between the data team and operations: I learn the dashboards, you learn the shop floor.",
)
OWN_CADENCE = "Every other Tuesday, 45 minutes by video; in person when we are both in the office."
NOT_SURE = "Our calendars barely overlap across time zones; we will see after another session."
NO_COMMENT = (
    "We get on fine, but my goals are about people management and my mentor's experience is mostly technical. "
    "I would rather be matched with someone who has led a team."
)


def _people(members: list[MatchMember]) -> dict[str, MatchMember]:
    return {m.participant.employee.email: m for m in members}


def _edit(organization: Organization, match: Match, member: MatchMember, **changes: str) -> None:
    state = agreement_state(organization=organization, match=match)
    agreement_edit(
        organization=organization,
        actor=None,
        employee=member.participant.employee,
        match_id=match.pk,
        sections={**state.texts, **changes},
        version=state.version,
    )


def _confirm(organization: Organization, match: Match, member: MatchMember) -> None:
    state = agreement_state(organization=organization, match=match)
    agreement_confirm(
        organization=organization,
        actor=None,
        employee=member.participant.employee,
        match_id=match.pk,
        digest=state.digest,
    )


@transaction.atomic
def seed_agreements_demo() -> dict[str, int]:
    """Agreements on acme's active matches and a few fit answers. Returns the rows added per kind."""
    organization = Organization.objects.filter(slug="acme").first()
    if organization is None or scoped(MatchAgreement, organization).exists():
        return {}
    members = (
        scoped(MatchMember, organization)
        .filter(current=True, match__status=Match.Status.ACTIVE)
        .select_related("match__program", "participant__employee")
        .order_by("match_id", "role", "id")
    )
    by_match: dict[int, list[MatchMember]] = {}
    for member in members:
        by_match.setdefault(member.match_id, []).append(member)
    held = set(
        scoped(MentoringSession, organization)
        .filter(status=MentoringSession.Status.HELD)
        .values_list("match_id", flat=True)
    )
    pairs_met = []
    for index, group in enumerate(by_match.values()):
        match = group[0].match
        people = _people(group)
        if {DEMO_MEMBER_EMAIL, DEMO_MENTOR_EMAIL} <= people.keys():
            # The demo pair: the mentee adapted the agreement and confirmed it; the mentor has yet to.
            _edit(organization, match, people[DEMO_MEMBER_EMAIL], goals=OWN_GOALS[0], cadence=OWN_CADENCE)
            _confirm(organization, match, people[DEMO_MEMBER_EMAIL])
            continue
        if index % 5 == 1:  # some pairs wrote their own goals first
            _edit(organization, match, group[-1], goals=OWN_GOALS[index % len(OWN_GOALS)])
        for member in group:
            _confirm(organization, match, member)
        if match.kind == Match.Kind.PAIR and match.pk in held:
            pairs_met.append(group)
    answers = 0
    # Both people of six pairs answered "yes"; one mentor is not sure; one mentee said "no" (HR is told).
    for group in pairs_met[:6]:
        for member in group:
            _answer(organization, member, PairingFitAnswer.Answer.YES)
            answers += 1
    if len(pairs_met) > 7:
        lead = next(m for m in pairs_met[6] if m.role not in FOLLOWER_ROLES)
        _answer(organization, lead, PairingFitAnswer.Answer.NOT_SURE, NOT_SURE)
        mentee = next(m for m in pairs_met[7] if m.role in FOLLOWER_ROLES)
        _answer(organization, mentee, PairingFitAnswer.Answer.NO, NO_COMMENT)
        answers += 2
    _told(organization, by_match)
    return {"agreements": scoped(MatchAgreement, organization).count(), "fit_answers": answers}


def _answer(organization: Organization, member: MatchMember, answer: str, comment: str = "") -> None:
    pairing_fit_answer(
        organization=organization,
        actor=None,
        employee=member.participant.employee,
        match_id=member.match_id,
        answer=answer,
        comment=comment,
    )


def _told(organization: Organization, by_match: dict[int, list[MatchMember]]) -> None:
    """The admins' notices of the "no", as the sender would have left them (the demo starts with nothing due):
    in the app, unread; no email goes out from the seed."""
    now = timezone.now()
    due = scoped(Reminder, organization).filter(kind=Reminder.Kind.FIT_CONCERN, status=Reminder.Status.PENDING)
    for reminder in due.select_related("match__program", "recipient"):
        people = [m.participant.employee for m in by_match.get(reminder.match_id or 0, [])]
        context = messages.Context(
            now=now, members={reminder.match_id or 0: people}, slugs={organization.pk: organization.slug}
        )
        message = messages.render(reminder, context)
        if isinstance(message, messages.Message):
            Notification.objects.create(
                organization=organization,
                recipient=reminder.recipient,
                kind=reminder.kind,
                title=message.subject[:200],
                body=message.body[:4000],
                url=message.path,
                reminder=reminder,
            )
        reminder.status, reminder.sent_at = Reminder.Status.SENT, now
        reminder.save(update_fields=["status", "sent_at"])
