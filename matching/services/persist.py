"""Writing a run's result: in the caller's transaction, the proposals it replaces are removed and the new
matches (Match + MatchMember) are inserted in bulk. The database constraint
`member_one_current_match_per_program` is the last word on "never twice": a person who got a current match
between loading and writing (a mentor request accepted meanwhile) is left out here rather than failing.

A whole-program run writes ten thousand matches and twice as many members. On PostgreSQL the ids come from
the sequences up front and each table is written with one INSERT ... SELECT FROM unnest(...) per batch
(accounts.services.bulk_sql); other databases take the portable path (bulk_create).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from mentorhub.accounts.models import User
from mentorhub.accounts.services import bulk_sql
from programs.models import Program

from ..models import Match, MatchMember, MatchRun
from .compute import Proposed
from .loading import FOLLOWER_ROLES

BATCH = 5000


@dataclass
class _Row:
    match_id: int
    participant_id: int
    role: str


def write_proposals(
    *,
    run: MatchRun,
    program: Program,
    replaced: list[int],
    proposed: list[Proposed],
    approve: bool = False,
    approved_by: User | None = None,
) -> list[int]:
    """Remove `replaced` (those still unpinned proposals), insert `proposed`. Returns the ids of the new
    matches (and of the circles that got new members). With `approve` (automatic match mode) the new matches
    are approved right away."""
    organization_id = run.organization_id
    now = timezone.now()
    if replaced:
        # A proposal the run replaces is deleted, not marked discarded: nobody was ever told about it, and the
        # run that made it keeps it in its `proposal` for comparisons. Rewriting its members' rows instead
        # (current=False) touches every index of the table and costs ten times more on a whole-program re-run.
        superseded = Match.objects.filter(
            organization_id=organization_id, program=program, pk__in=replaced, status=Match.Status.PROPOSED
        ).filter(pinned=False)
        MatchMember.objects.filter(organization_id=organization_id, match__in=superseded).delete()
        superseded.delete()

    # Whoever has a current match now (kept, or won elsewhere since loading) is not written again.
    followers = [f for p in proposed for f in p.followers]
    busy = set(
        MatchMember.objects.filter(
            organization_id=organization_id, program=program, current=True, role__in=FOLLOWER_ROLES
        ).values_list("participant_id", flat=True)
    ) & set(followers)
    for p in proposed:
        p.followers = [f for f in p.followers if f not in busy]
    proposed = [p for p in proposed if p.followers]

    is_group = program.is_group
    lead_role = MatchMember.Role.FACILITATOR if is_group else MatchMember.Role.MENTOR
    follower_role = MatchMember.Role.MEMBER if is_group else MatchMember.Role.MENTEE
    new = [p for p in proposed if p.match_id is None]
    match_fields = {
        "organization_id": organization_id,
        "program_id": program.pk,
        "run_id": run.pk,
        "kind": Match.Kind.CIRCLE if is_group else Match.Kind.PAIR,
        "status": Match.Status.APPROVED if approve else Match.Status.PROPOSED,
        "approved_by_id": approved_by.pk if approve and approved_by is not None else None,
        "approved_at": now if approve else None,
        "pinned": False,
        "end_reason": "",
    }
    match_ids = _insert_matches(new, match_fields)
    rows: list[_Row] = []
    for match_id, p in zip(match_ids, new, strict=True):
        rows.append(_Row(match_id, p.lead, lead_role))
        rows += [_Row(match_id, f, follower_role) for f in p.followers]
    joined = [p for p in proposed if p.match_id is not None]
    for p in joined:
        rows += [_Row(p.match_id, f, follower_role) for f in p.followers]
    _insert_members(rows, {"organization_id": organization_id, "program_id": program.pk})
    return match_ids + [p.match_id for p in joined]


def _insert_matches(new: list[Proposed], fields: dict[str, Any]) -> list[int]:
    if not new:
        return []
    if not bulk_sql.is_postgresql():
        created = Match.objects.bulk_create(
            [Match(score=p.score, explanation=p.explanation, **fields) for p in new], batch_size=BATCH
        )
        return [m.pk for m in created]
    ids = bulk_sql.allocate_ids(Match, len(new))
    for start in range(0, len(new), BATCH):
        chunk = new[start : start + BATCH]
        bulk_sql.insert_rows(
            Match,
            {
                "id": ids[start : start + BATCH],
                "score": [p.score for p in chunk],
                # JSON text; the array is cast to jsonb[] by the column type.
                "explanation": [json.dumps(p.explanation) for p in chunk],
            },
            fields,
        )
    return ids


def _insert_members(rows: list[_Row], fields: dict[str, Any]) -> None:
    if not rows:
        return
    defaults = {"current": True, "response": MatchMember.Response.PENDING, "decline_reason": ""}
    if not bulk_sql.is_postgresql():
        MatchMember.objects.bulk_create(
            [
                MatchMember(match_id=r.match_id, participant_id=r.participant_id, role=r.role, **fields, **defaults)
                for r in rows
            ],
            batch_size=BATCH,
        )
        return
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        bulk_sql.insert_rows(
            MatchMember,
            {
                "match_id": [r.match_id for r in chunk],
                "participant_id": [r.participant_id for r in chunk],
                "role": [r.role for r in chunk],
            },
            {**fields, **defaults},
        )
