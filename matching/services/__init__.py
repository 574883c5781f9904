"""Every write of the matching app (keyword-only, typed, atomic, audited, scoped by organization), split by
topic: runs (start, execute, re-run, compare), review (the admin's edits and approvals), responses (the
participants' accept / decline), lifecycle (complete, end early) and choice (mentee-choice mode). Import from here."""

from .choice import (
    Suggestion,
    mentor_request_create,
    mentor_request_decide,
    mentor_request_withdraw,
    suggestions_for,
)
from .lifecycle import CompletionAnswer, EndResult, match_complete, match_end_early, match_request_completion
from .responses import match_respond, participants_free, rematch_offer
from .review import match_discard, match_pin, match_set_mentee, match_swap, matches_approve
from .runs import match_run_compare, match_run_execute, match_run_rerun, match_run_start

__all__ = [
    "CompletionAnswer",
    "EndResult",
    "Suggestion",
    "match_complete",
    "match_discard",
    "match_end_early",
    "match_pin",
    "match_request_completion",
    "match_respond",
    "match_run_compare",
    "match_run_execute",
    "match_run_rerun",
    "match_run_start",
    "match_set_mentee",
    "match_swap",
    "matches_approve",
    "mentor_request_create",
    "mentor_request_decide",
    "mentor_request_withdraw",
    "participants_free",
    "rematch_offer",
    "suggestions_for",
]
