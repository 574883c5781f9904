"""Small helpers the matching pages share: how a match reads on a page (who mentors, who is mentored, the
explanation as rows). Error text and htmx checks are mentorhub.web's, shared by every app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from mentorhub.accounts.models import Role

from ..models import LEAD_ROLES, Match, MatchMember

# The participants' pages (one's matches, mentor requests, suggestions) are for the roles that take part, as
# in the API (matching/api/views.py): stakeholders read aggregates on the dashboards and change nothing.
TAKING_PART = [Role.ADMIN, Role.MEMBER]


@dataclass
class ExplanationPart:
    label: str
    contribution: float

    @property
    def percent(self) -> int:
        """Share of a full score (1.0), for the width of its bar."""
        return max(0, min(100, round(abs(self.contribution) * 100)))


@dataclass
class MatchView:
    """A match as the pages show it. Built from a match whose members (with participant and employee)
    were prefetched, so building it never queries."""

    match: Match
    leads: list[MatchMember] = field(default_factory=list)
    members: list[MatchMember] = field(default_factory=list)
    parts: list[ExplanationPart] = field(default_factory=list)

    @property
    def lead(self) -> MatchMember | None:
        return self.leads[0] if self.leads else None

    @property
    def names(self) -> str:
        """“Ana Ruiz and Bo Chen”: for labels that must say which match a control acts on."""
        names = [m.participant.employee.name for m in [*self.leads, *self.members]]
        return str(get_text_list(names, _("and")))


def match_view(match: Match) -> MatchView:
    view = MatchView(match=match)
    members = list(match.members.all())
    # Who is in it now; a declined or discarded match has no current member left, so show who was.
    shown = [m for m in members if m.current] or members
    for member in shown:
        (view.leads if member.role in LEAD_ROLES else view.members).append(member)
    view.parts = explanation_parts(match.explanation)
    return view


def explanation_parts(explanation: Any) -> list[ExplanationPart]:
    """[{label, contribution}] (as stored on Match and MentorRequest) as rows, biggest first."""
    parts = []
    for item in explanation or []:
        if isinstance(item, dict) and "label" in item:
            parts.append(ExplanationPart(str(item["label"]), float(item.get("contribution") or 0)))
        elif isinstance(item, list | tuple) and len(item) == 2:
            parts.append(ExplanationPart(str(item[0]), float(item[1] or 0)))
    return sorted(parts, key=lambda p: -p.contribution)
