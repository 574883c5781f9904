"""This app's personal data, for the registry accounts owns (mentorhub/accounts/privacy/registry.py;
docs/privacy.md), registered from MatchingConfig.ready().

A match stays when one of its people is erased: it is the other members' record too, and the programs'
figures count it; the erased person shows as "Erased person" (their roster entry's placeholder)."""

from __future__ import annotations

from mentorhub.accounts.privacy.registry import (
    Kind,
    PersonalData,
    blanked,
    redacted,
    register_not_personal,
    register_personal_data,
)

from .models import ExcludedPair, Match, MatchMember, MatchRun, MentorRequest

ENTRIES = (
    PersonalData(
        Match,
        "Your matches",
        about=("members__participant__employee",),
        context=("program", "kind", "status", "started_at", "ended_at"),
        fields=(
            redacted(
                "end_reason",
                Kind.FREE_TEXT,
                "why the match ended is the other members' record too (and may be an admin's); kept, with the "
                "person's name and address replaced",
            ),
        ),
    ),
    PersonalData(
        MatchMember,
        "Your places in matches and your answers to them",
        about=("participant__employee",),
        context=("match", "role", "response", "responded_at"),
        fields=(blanked("decline_reason", Kind.FREE_TEXT),),
    ),
    PersonalData(
        MentorRequest,
        "Mentor requests you sent or received",
        about=("mentee__employee", "mentor__employee"),
        context=("program", "status", "created_at", "decided_at"),
        fields=(
            # Each text is its writer's: the mentee's message, the mentor's reason to decline.
            blanked("message", Kind.FREE_TEXT, erase_for=("mentee__employee",)),
            blanked("decline_reason", Kind.FREE_TEXT, erase_for=("mentor__employee",)),
        ),
    ),
)


def register() -> None:
    register_personal_data(*ENTRIES)
    register_not_personal(Match, explanation="how the score came about, computed from criteria labels (no one's words)")
    register_not_personal(
        MentorRequest, explanation="how the score came about, computed from criteria labels (no one's words)"
    )
    register_not_personal(
        MatchRun,
        stage="the job's progress text, written by the system",
        error="why a job failed, written by the system",
        figures="counts and scores of a run, by participant number",
        proposal="the pairs a run proposed, by participant number",
        weights="the criteria weights a run used: a setting",
        scope_participant_ids="which participants a run re-matched, by number",
        claimed_by="the worker running the job (host, process number): system text",
    )
    register_not_personal(
        ExcludedPair,
        reason='system text naming the match that ended ("Match 12 ended early")',  # untranslated: developers
    )
