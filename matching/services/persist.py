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
from mentorhub.accounts.outbox import outbox_record_many
from mentorhub.accounts.services import bulk_sql
from programs.models import Program

from ..models import FOLLOWER_ROLES, Match, MatchMember, MatchRun
from .compute import Proposed

BATCH = 5000


@dataclass
class _Row:
    match_id: int
    participant_id: int
    role: str


@dataclass
class Written:
    match_ids: list[int]  # new, carried over and joined matches: the run's result as rows
    carried_over: int  # proposals the run found again unchanged: the same rows, now the run's
    removed: int  # proposals it replaced


def write_proposals(
    *,
    run: MatchRun,
    program: Program,
    replaced: list[int],
    proposed: list[Proposed],
    approve: bool = False,
    approved_by: User | None = None,
) -> Written:
    """Replace the proposals `replaced` (those still unpinned proposals) by `proposed`. A pair (or circle)
    proposed again exactly as before keeps its row, now with this run's score and explanation; the others
    are removed and the new ones inserted. With `approve` (automatic match mode) the run's matches are
    approved right away."""
    organization_id = run.organization_id
    now = timezone.now()
    carried: dict[int, Proposed] = {}
    removed = 0
    if replaced:
        superseded = list(
            Match.objects.filter(
                organization_id=organization_id, program=program, pk__in=replaced, status=Match.Status.PROPOSED
            )
            .filter(pinned=False)
            .values_list("pk", flat=True)
        )
        carried = _carry_over(organization_id, superseded, proposed)
        again = {id(p) for p in carried.values()}
        proposed = [p for p in proposed if id(p) not in again]
        gone = [pk for pk in superseded if pk not in carried]
        # A replaced proposal is deleted, not marked discarded: nobody was ever told about it, and the run that
        # made it keeps it in its `proposal` for comparisons. Rewriting its members' rows instead
        # (current=False) touches every index of the table and costs ten times more on a whole-program re-run.
        MatchMember.objects.filter(organization_id=organization_id, match_id__in=gone).delete()
        Match.objects.filter(organization_id=organization_id, pk__in=gone).delete()
        removed = len(gone)

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
    _update_carried(organization_id, carried, {k: v for k, v in match_fields.items() if k not in ("kind", "pinned")})
    match_ids = _insert_matches(new, match_fields)
    rows: list[_Row] = []
    for match_id, p in zip(match_ids, new, strict=True):
        rows.append(_Row(match_id, p.lead, lead_role))
        rows += [_Row(match_id, f, follower_role) for f in p.followers]
    joined = [(p.match_id, p.followers) for p in proposed if p.match_id is not None]
    for match_id, followers in joined:
        rows += [_Row(match_id, f, follower_role) for f in followers]
    _insert_members(rows, {"organization_id": organization_id, "program_id": program.pk})
    if match_ids:
        outbox_record_many(
            organization=run.organization,
            event_type="match.approved" if approve else "match.proposed",
            items=[
                {"match_id": pk, "program_id": program.pk, "run_id": run.pk, "source": "match_run"} for pk in match_ids
            ],
        )
    return Written(
        match_ids=list(carried) + match_ids + [match_id for match_id, _ in joined],
        carried_over=len(carried),
        removed=removed,
    )


def _carry_over(organization_id: int, superseded: list[int], proposed: list[Proposed]) -> dict[int, Proposed]:
    """{match id: the new proposal} for replaced proposals that the run proposes again unchanged. Their people
    are read again here: an admin may have edited a proposal while the run was working."""
    leads: dict[int, int] = {}
    followers: dict[int, set[int]] = {}
    rows = MatchMember.objects.filter(organization_id=organization_id, match_id__in=superseded, current=True)
    for match_id, participant_id, role in rows.values_list("match_id", "participant_id", "role"):
        if role in FOLLOWER_ROLES:
            followers.setdefault(match_id, set()).add(participant_id)
        else:
            leads[match_id] = participant_id
    by_people = {(lead, frozenset(followers.get(match_id, ()))): match_id for match_id, lead in leads.items()}
    carried: dict[int, Proposed] = {}
    for p in proposed:
        key = (p.lead, frozenset(p.followers))
        if p.match_id is None and key in by_people:
            carried[by_people.pop(key)] = p
    return carried


def _update_carried(organization_id: int, carried: dict[int, Proposed], fields: dict[str, Any]) -> None:
    if not carried:
        return
    pks, proposals = list(carried), list(carried.values())
    constants = {name: value for name, value in fields.items() if name not in ("organization_id", "program_id")}
    constants["updated_at"] = timezone.now()
    if not bulk_sql.is_postgresql():
        matches = list(Match.objects.filter(organization_id=organization_id, pk__in=pks))
        by_pk = {m.pk: m for m in matches}
        for pk, p in carried.items():
            match = by_pk[pk]
            match.score, match.explanation = p.score, p.explanation
            for name, value in constants.items():
                setattr(match, name, value)
        Match.objects.bulk_update(matches, ["score", "explanation", *constants], batch_size=BATCH)
        return
    for start in range(0, len(pks), BATCH):
        chunk = proposals[start : start + BATCH]
        bulk_sql.update_rows(
            Match,
            pks[start : start + BATCH],
            {"score": [p.score for p in chunk], "explanation": [json.dumps(p.explanation) for p in chunk]},
            constants,
            where={"organization_id": organization_id},
        )


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
