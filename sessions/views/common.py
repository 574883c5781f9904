"""What the sessions pages share: who may open them, the signed-in person's roster entry, how a match reads
from the viewer's side (who else is in it, may I still change things), and small request helpers.

Objects always come from the scoped selectors (`*_for_employee`, `program_match_for_admin`, ...): someone
else's object answers 404 exactly like one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from matching.models import LEAD_ROLES, Match, MatchMember
from matching.selectors import match_member_of
from mentorhub.accounts.models import Employee, Role
from mentorhub.tenancy import OrgRequest, employee_or_404

from ..models import MentoringSession
from ..selectors.matches import match_for_employee, match_members_of

# The roles that take part in programs (stakeholders read dashboards only: 403 on these pages).
TAKING_PART = [Role.ADMIN, Role.MEMBER]


def zone_name() -> str:
    """The zone this request shows times in (tenancy activated the person's own)."""
    return timezone.get_current_timezone_name()


def is_local_path(url: str) -> bool:
    """A path on this site ("/o/acme/..."), never another host, a scheme, or a protocol-relative URL."""
    return (
        bool(url)
        and url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(url, allowed_hosts=None)
    )


def names(members: list[MatchMember]) -> str:
    """“Ana Ruiz”, “Ana Ruiz and Bo Chen”, “Ana Ruiz, Bo Chen and Cy Dee”."""
    people = [m.participant.employee.name for m in members]
    if len(people) <= 1:
        return "".join(people)
    return _("%(names)s and %(last)s") % {"names": ", ".join(people[:-1]), "last": people[-1]}


@dataclass
class MatchSide:
    """A match as one of its people sees it. Built from a match fetched with its members (no query)."""

    match: Match
    me: MatchMember | None
    members: list[MatchMember] = field(default_factory=list)
    others: list[MatchMember] = field(default_factory=list)

    @property
    def is_current(self) -> bool:
        return self.me is not None and self.me.current

    @property
    def can_act(self) -> bool:
        """May schedule, log, set goals, end: the match is active and I am in it now (the services agree)."""
        return self.match.status == Match.Status.ACTIVE and self.is_current

    @property
    def is_lead(self) -> bool:
        return self.me is not None and self.me.role in LEAD_ROLES

    @property
    def other_names(self) -> str:
        return names(self.others) or _("your match")

    @property
    def read_only_reason(self) -> str:
        """Why nothing can change here (the services' refusal, said before the person fills in a form)."""
        if not self.is_current:
            return _("You are no longer in this match: it can no longer change.")
        if self.match.status == Match.Status.ENDED:
            return _("This match ended early: it can no longer change.")
        return _("This match is %(status)s: it can no longer change.") % {
            "status": self.match.get_status_display().lower()
        }

    @property
    def waiting_for(self) -> list[MatchMember]:
        """The current members who have not asked to complete the match (yet)."""
        return [m for m in self.members if m.current and m.completion_requested_at is None]

    @property
    def waiting_names(self) -> str:
        """“Ana Ruiz and Bo Chen”: who has not asked to complete the match yet."""
        return names(self.waiting_for)


def match_side(match: Match, employee: Employee) -> MatchSide:
    members = match_members_of(match)
    return MatchSide(
        match=match,
        me=match_member_of(match, employee),
        members=members,
        others=[m for m in members if m.participant.employee_id != employee.pk],
    )


def session_phase(session: MentoringSession, now: datetime) -> str:
    """Where a session stands for the pages: "upcoming", "to_log" (scheduled, and its start has passed) or
    its logged status."""
    if session.status != MentoringSession.Status.SCHEDULED:
        return session.status
    return "upcoming" if session.starts_at > now else "to_log"


@dataclass
class Acting:
    """A match the signed-in person opened to change something in it, seen from their side; `refusal` is
    the redirect to show instead when they may no longer change it (a finished match, or they left)."""

    match: Match
    side: MatchSide
    refusal: HttpResponse | None


def acting_in(request: OrgRequest, match_pk: int, *, only_on_post: bool = False) -> Acting:
    """The person's match (404 when it is not theirs) and whether they may act in it now."""
    employee = employee_or_404(request)
    match = match_for_employee(organization=request.organization, employee=employee, match_id=match_pk)
    side = match_side(match, employee)
    refusal = None
    if not side.can_act and (request.method == "POST" or not only_on_post):
        messages.error(request, side.read_only_reason)
        refusal = redirect("mentoring-match", org_slug=request.organization.slug, match_pk=match.pk)
    return Acting(match=match, side=side, refusal=refusal)
