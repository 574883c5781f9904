"""Data of the Teams card tests: a match waiting for its members' answers, a session invitation and a check-in,
each delivered the way the app delivers them (match emails, the reminder dispatcher), to people linked to the
bot on loopback (teams_peer.py)."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

from django.utils import timezone

from matching.models import Match, MatchMember
from matching.services.emails import send_match_emails
from sessions.services.dispatch import reminders_deliver
from tests.sessions.factories import Pair, active_pair

from .teams_peer import BotPeer, activity, install, link

ELLIS = "29:ellis"  # the mentee's Teams user
MORGAN = "29:morgan"  # the mentor's


def conversation_path(user_id: str, *rest: str) -> str:
    return "/v3/conversations/" + "/".join([quote(f"a:conversation-of-{user_id}", safe=""), *rest])


def approved_pair(org, peer: BotPeer, *, link_mentor: bool = False) -> Pair:
    """A pair approved by HR, both answers pending; the mentee (and the mentor, if asked) linked to the bot."""
    install(org)
    pair = active_pair(org, status=Match.Status.APPROVED)
    MatchMember.objects.filter(match=pair.match).update(response=MatchMember.Response.PENDING, responded_at=None)
    link(org, pair.mentee.employee, peer, ELLIS)
    if link_mentor:
        link(org, pair.mentor.employee, peer, MORGAN)
    return pair


def deliver_match(match_id: int, capture) -> None:
    """The match emails after approval, which hand their notices to the chat channels (after the commit)."""
    with capture(execute=True):
        send_match_emails([match_id])


def deliver_reminders(capture) -> None:
    with capture(execute=True):
        reminders_deliver(now=timezone.now() + timedelta(seconds=5))


def invoke(peer: BotPeer, verb: str, card_id: int, user_id: str = ELLIS, **inputs) -> dict:
    """What Teams posts when a card's Action.Execute button is pressed (the inputs merged into its data)."""
    return activity(
        peer,
        "invoke",
        user_id=user_id,
        name="adaptiveCard/action",
        value={"action": {"type": "Action.Execute", "verb": verb, "data": {"card": card_id, **inputs}}},
    )
