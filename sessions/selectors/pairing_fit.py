"""The early pairing-fit check as one person sees it: whether they are asked "Is this a good match for you?"
(after their match's first held session) and their own answer. Only ever the viewer's own answer is read:
nothing here tells one member whether another answered, let alone what."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from matching.models import FOLLOWER_ROLES, Match, MatchMember
from mentorhub.accounts.models import Employee, Organization
from mentorhub.tenancy import scoped

from ..extensions import Todo
from ..models import MentoringSession, PairingFitAnswer


@dataclass
class FitState:
    asked: bool  # the question applies to this person in this match now
    answer: PairingFitAnswer | None  # their own answer, if any
    can_rematch: bool  # a mentee of a pair who said no: offered a new mentor (no-fault)


def held_session_exists(organization: Organization, match_id: int) -> bool:
    return (
        scoped(MentoringSession, organization).filter(match_id=match_id, status=MentoringSession.Status.HELD).exists()
    )


def fit_state(
    *, organization: Organization, match: Match, employee: Employee, me: MatchMember | None, held: bool | None = None
) -> FitState:
    """The check for `employee` in `match` (`me`: their place in it, or None). `held`: whether the match held
    a session, when the caller knows (the match page has its sessions); else it is read."""
    in_it = me is not None and me.current and match.status == Match.Status.ACTIVE
    if not in_it:
        return FitState(asked=False, answer=None, can_rematch=False)
    if held is None:
        held = held_session_exists(organization, match.pk)
    if not held:
        return FitState(asked=False, answer=None, can_rematch=False)
    answer = scoped(PairingFitAnswer, organization).filter(match_id=match.pk, author=employee).first()
    assert me is not None  # in_it
    can_rematch = (
        answer is not None
        and answer.answer == PairingFitAnswer.Answer.NO
        and match.kind == Match.Kind.PAIR
        and me.role in FOLLOWER_ROLES
    )
    return FitState(asked=True, answer=answer, can_rematch=can_rematch)


def fit_questions_open(*, organization: Organization, employee: Employee) -> list[Match]:
    """This person's active matches with a held session whose question they have not answered yet."""
    places = scoped(MatchMember, organization).filter(
        participant__employee=employee, current=True, match__status=Match.Status.ACTIVE
    )
    answered = scoped(PairingFitAnswer, organization).filter(author=employee).values("match_id")
    held = scoped(MentoringSession, organization).filter(status=MentoringSession.Status.HELD).values("match_id")
    return list(
        scoped(Match, organization)
        .filter(pk__in=places.values("match_id"))
        .filter(pk__in=held)
        .exclude(pk__in=answered)
        .select_related("program")
        .order_by("pk")
    )


def fit_home_todos(organization: Organization, employee: Employee) -> list[Todo]:
    """The home page's things to do (sessions/extensions.py): the fit questions this person has not answered."""
    return [
        Todo(
            text=_("Is your match in %(program)s a good match for you? Answer privately")
            % {"program": match.program.name},
            url=reverse("mentoring-match", kwargs={"org_slug": organization.slug, "match_pk": match.pk}) + "#fit-h",
            hint=_("only HR sees your answer"),
        )
        for match in fit_questions_open(organization=organization, employee=employee)
    ]


def fit_concerns(*, organization: Organization, program_id: int) -> list[PairingFitAnswer]:
    """For the program's HR admins: the answers "no" and "not sure" in its active matches, newest first, with
    who answered and the comment (the admins' page; never a member's)."""
    return list(
        scoped(PairingFitAnswer, organization)
        .filter(
            program_id=program_id,
            answer__in=[PairingFitAnswer.Answer.NO, PairingFitAnswer.Answer.NOT_SURE],
            match__status=Match.Status.ACTIVE,
        )
        .select_related("author")
        .order_by("-updated_at", "-id")
    )
