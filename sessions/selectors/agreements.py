"""A match's mentoring agreement as its members read it, and whether the program's rule "a confirmed agreement
before the first session" holds it back. Until a member first edits or confirms it, a match has no agreement
row: its members read the program's template (programs/agreements.py) as version 0."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Organization
from mentorhub.tenancy import scoped
from programs.agreements import SECTIONS, template_sections

from ..models import MatchAgreement, MentoringSession


@dataclass
class AgreementState:
    sections: list[tuple[str, str, str]]  # (key, label, text), in the template's order
    version: int  # 0: the program's template, not yet edited or confirmed by anyone
    digest: str  # of the texts: a confirmation names the text its author read
    confirmed_ids: set[int] = field(default_factory=set)  # employees who confirmed this version
    member_ids: list[int] = field(default_factory=list)  # the match's current members (employees)
    edited_by: str = ""

    @property
    def confirmed(self) -> bool:
        return bool(self.member_ids) and all(pk in self.confirmed_ids for pk in self.member_ids)

    def confirmed_by(self, employee_id: int) -> bool:
        return employee_id in self.confirmed_ids

    @property
    def texts(self) -> dict[str, str]:
        return {key: text for key, _label, text in self.sections}


def sections_digest(texts: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(texts, sort_keys=True).encode()).hexdigest()[:32]


def agreement_state(
    *, organization: Organization, match: Match, members: list[MatchMember] | None = None
) -> AgreementState:
    """The agreement of `match` (its program loaded), with who confirmed its current text. `members`: the
    match's members when the caller has them (prefetched); else they are read."""
    agreement = (
        scoped(MatchAgreement, organization)
        .filter(match_id=match.pk)
        .select_related("edited_by")
        .prefetch_related("confirmations")
        .first()
    )
    if agreement is None:
        texts = template_sections(match.program.agreement_template)
        version, confirmed, edited_by = 0, set(), ""
    else:
        texts = template_sections(agreement.sections)
        version = agreement.version
        confirmed = {c.employee_id for c in agreement.confirmations.all() if c.version == agreement.version}
        edited_by = agreement.edited_by.name if agreement.edited_by else ""
    if members is None:
        members = list(
            scoped(MatchMember, organization)
            .filter(match_id=match.pk, current=True)
            .exclude(response=MatchMember.Response.DECLINED)
            .select_related("participant")
        )
    current = [m.participant.employee_id for m in members if m.current and m.response != MatchMember.Response.DECLINED]
    return AgreementState(
        sections=[(s.key, s.label, texts[s.key]) for s in SECTIONS],
        version=version,
        digest=sections_digest(texts),
        confirmed_ids=confirmed,
        member_ids=current,
        edited_by=edited_by,
    )


def agreement_holds_back(*, organization: Organization, match: Match, state: AgreementState | None = None) -> bool:
    """True when the program asks for a confirmed agreement before the first session, and this match has
    neither a confirmed agreement nor a session yet (scheduled or held: the first one is behind it)."""
    if not match.program.agreement_required:
        return False
    started = (
        scoped(MentoringSession, organization)
        .filter(match_id=match.pk)
        .exclude(status=MentoringSession.Status.CANCELLED)
        .exists()
    )
    if started:
        return False
    state = state or agreement_state(organization=organization, match=match)
    return not state.confirmed
