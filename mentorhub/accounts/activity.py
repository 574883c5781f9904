"""The admin home's recent activity as sentences ("Dana Admin approved 3 applications to Spring mentoring")
instead of the audit log's codes. The audit log page keeps its columns (VERB_LABELS in views/audit.py); this
is the short story of the same events for someone who has just signed in.

Each sentence is a template with {actor} (the person's name, else their email, else "MentorHub" for what no
person did), {target} (the label the event kept), {id} (the target's id: used where the label is an internal
one such as "Pair 12 (proposed)") and {count} (how many an event in bulk changed).
tests/accounts/test_activity_sentences.py fails when a verb the code writes has no sentence here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .models import AuditEvent

SYSTEM_NAME = "MentorHub"

SENTENCES: dict[str, str] = {
    "api_token.create": "{actor} created the API token {target}",
    "api_token.revoke": "{actor} revoked the API token {target}",
    "invitation.create": "{actor} sent an invitation ({target})",
    "invitation.revoke": "{actor} revoked an invitation ({target})",
    "invitation.resend": "{actor} sent an invitation again ({target})",
    "invitation.accept": "{actor} accepted their invitation",
    "membership.create": "{actor} joined the organization",
    "membership.change_role": "{actor} changed a member's role ({target})",
    "membership.remove": "{actor} removed a member ({target})",
    "organization.directory_update": "{actor} changed the columns members see in the people directory",
    "organization.retention_update": "{actor} changed how long leavers' personal data is kept",
    "roster_import.upload": "{actor} uploaded a roster file",
    "roster_import.apply": "{actor} applied a roster import",
    "roster_import.rerun": "{actor} re-ran a roster import",
    "employee.create": "{actor} added {target} to the roster",
    "employee.update": "{actor} changed the roster entry of {target}",
    "employee.depart": "{actor} recorded the departure of {target}",
    "employee.access_close": "{actor} closed the access of {target}, who has left",
    "employee.reactivate": "{actor} recorded the return of {target}",
    "employee.erase": "{actor} erased a person's personal data ({target})",
    "employee.data_export": "{actor} downloaded the data of {target} for them",
    "employee.departure_sessions": "{actor} cancelled the sessions of {target}, who has left",
    "group.create": "{actor} created the group {target}",
    "group.update": "{actor} changed the group {target}",
    "group.delete": "{actor} deleted the group {target}",
    "group.members_add": "{actor} added people to the group {target}",
    "group.members_remove": "{actor} removed people from the group {target}",
    "group.members_set": "{actor} set the members of the group {target}",
    "sso.connection_create": "{actor} set up single sign-on",
    "webhook.create": "{actor} added the webhook endpoint {target}",
    "webhook.update": "{actor} changed the webhook endpoint {target}",
    "webhook.rotate_secret": "{actor} rotated the secret of the webhook endpoint {target}",
    "webhook.enable": "{actor} switched the webhook endpoint {target} on",
    "webhook.disable": "{actor} switched the webhook endpoint {target} off",
    "webhook.delete": "{actor} deleted the webhook endpoint {target}",
    "webhook.send_test": "{actor} sent a test event to {target}",
    "webhook.send_again": "{actor} sent a webhook again ({target})",
    "sso.connection_update": "{actor} changed single sign-on",
    "sso.domain_claim": "{actor} claimed the email domain {target}",
    "sso.domain_release": "{actor} released the email domain {target}",
    "sso.domain_verify": "{actor} verified the email domain {target}",
    "sso.domain_drop": "{actor} dropped a pending claim of the email domain {target}",
    "sso.sign_in": "{actor} signed in with single sign-on",
    "sso.sign_in_refused": "A single sign-on attempt was refused ({target})",
    "sso.test": "{actor} tested the single sign-on connection",
    "scim.user.create": "The identity provider added {target}",
    "scim.user.replace": "The identity provider updated {target}",
    "scim.user.patch": "The identity provider updated {target}",
    "scim.user.delete": "The identity provider removed {target}",
    "scim.group.create": "The identity provider created the group {target}",
    "scim.group.replace": "The identity provider updated the group {target}",
    "scim.group.patch": "The identity provider updated the group {target}",
    "scim.group.delete": "The identity provider deleted the group {target}",
    "analytics.recompute": "{actor} started a recompute of the figures",
    "program.create": "{actor} created the program {target}",
    "program.update": "{actor} changed the program {target}",
    "program.open_enrollment": "{actor} opened enrollment for {target}",
    "program.back_to_draft": "{actor} put {target} back to draft",
    "program.start_matching": "{actor} closed enrollment for {target} and started matching",
    "program.activate": "{actor} started the program {target}",
    "program.close": "{actor} closed the program {target}",
    "question.create": "{actor} added the enrollment question “{target}”",
    "question.update": "{actor} changed the enrollment question “{target}”",
    "question.delete": "{actor} deleted the enrollment question “{target}”",
    "participant.enroll": "{actor} enrolled: {target}",
    "participant.update": "{actor} changed an enrollment: {target}",
    "participant.withdraw": "{actor} withdrew: {target}",
    "participant.invite": "{actor} invited people to enroll in {target}",
    "participant.approve": "{actor} approved {count} to {target}",
    "participant.waitlist": "{actor} waitlisted {count} to {target}",
    "participant.decline": "{actor} declined {count} to {target}",
    "participant.withdraw_on_departure": "{actor} withdrew the enrollments of {target}, who has left",
    "match_run.start": "{actor} started matching run {id}",
    "match_run.rerun": "{actor} ran matching run {id} again",
    "match_run.retry": "{actor} started matching run {id} with the settings of a failed run",
    "match_run.execute": "Matching run {id} finished",
    "match.approve": "{actor} approved match {id}",
    "match.discard": "{actor} discarded proposed match {id}",
    "match.pin": "{actor} pinned match {id}",
    "match.unpin": "{actor} unpinned match {id}",
    "match.swap": "{actor} changed the mentor of match {id}",
    "match.set_mentee": "{actor} changed the mentee of match {id}",
    "match.accept": "{actor} accepted match {id}",
    "match.decline": "{actor} declined match {id}",
    "session.attendance_confirm": "{actor} confirmed they will be at session {id}",
    "slack.install": "{actor} installed the Slack app in {target}",
    "slack.uninstall": "{actor} uninstalled the Slack app from {target}",
    "match.activate": "Match {id} started: everyone accepted",
    "match.complete": "{actor} completed match {id}",
    "match.end_early": "{actor} ended match {id} early",
    "match.member_left": "A member left match {id}",
    "match.nudge": "{actor} nudged match {id}",
    "mentor_request.create": "{actor} asked a mentor to mentor them",
    "mentor_request.accept": "{actor} accepted a mentoring request",
    "mentor_request.decline": "{actor} declined a mentoring request",
    "mentor_request.withdraw": "{actor} withdrew a mentoring request",
    "mentor_request.close_on_departure": "A mentoring request closed because someone left",
    "goal_template.create": "{actor} added the goal template “{target}”",
    "goal_template.update": "{actor} changed the goal template “{target}”",
    "goal_template.delete": "{actor} deleted the goal template “{target}”",
    "survey_question.create": "{actor} added the survey question “{target}”",
    "survey_question.delete": "{actor} deleted the survey question “{target}”",
    "organization.video_link_update": "{actor} changed the video link used for sessions scheduled without one",
    "organization.language_update": "{actor} changed the organization's default language",
    "user.language_update": "{actor} chose a language for MentorHub",
    "record_share.create": "{actor} shared their mentoring record by a link",
    "record_share.revoke": "{actor} revoked a link to their mentoring record",
    "record_share.view": "A shared mentoring record was opened",
    "skill.create": "{actor} added the skill {target} to the catalogue",
    "skill.update": "{actor} changed the skill {target}",
    "skill.deactivate": "{actor} deactivated the skill {target}",
    "skill.reactivate": "{actor} reactivated the skill {target}",
    "skill.import": "{actor} imported skills from a CSV file",
    "agreement.edit": "{actor} edited the mentoring agreement of a match ({target})",
    "agreement.confirm": "{actor} confirmed the mentoring agreement of a match ({target})",
    "busy_feed.save": "{actor} connected their own calendar for Find a time",
    "busy_feed.remove": "{actor} disconnected their own calendar",
    "flash_slot.publish": "{actor} published office hours ({target})",
    "flash_slot.cancel": "{actor} cancelled office hours ({target})",
    "flash_booking.create": "{actor} booked a flash session ({target})",
    "flash_booking.cancel": "{actor} cancelled a flash booking ({target})",
    "flash_booking.rate": "{actor} rated a flash session",
    "teams.update": "{actor} changed the Microsoft Teams app",
    "teams.link": "{target} linked their Microsoft Teams account",
}

# Bulk decisions say how many applications changed (programs/services/participants.py writes {"count"}).
_COUNTED = {"participant.approve", "participant.waitlist", "participant.decline"}


@dataclass(frozen=True)
class Activity:
    event: AuditEvent
    sentence: str


def actor_name(event: AuditEvent) -> str:
    """The person's name when the actor is loaded and has one, else the email kept on the event, else ours."""
    # Read only when loaded (select_related) or linked: an event never costs a query of its own here.
    loaded = AuditEvent._meta.get_field("actor").is_cached(event)
    actor = event.actor if loaded or event.actor_id else None
    if actor is not None and actor.name:
        return actor.name
    return event.actor_email or SYSTEM_NAME


def _count(event: AuditEvent) -> str:
    value: Any = (event.changes or {}).get("count")
    number = value[1] if isinstance(value, list) and len(value) == 2 else value
    if not isinstance(number, int):
        return "applications"
    return f"{number} application{'' if number == 1 else 's'}"


def fallback(event: AuditEvent, actor: str) -> str:
    """A verb without a sentence (one recorded by an older version): still words, never a code alone."""
    words = event.verb.replace("_", " ").replace(".", ": ", 1).replace(".", " ")
    target = f" ({event.target_label})" if event.target_label else ""
    return f"{actor}: {words}{target}"


def sentence(event: AuditEvent) -> str:
    actor = actor_name(event)
    template = SENTENCES.get(event.verb)
    if template is None:
        return fallback(event, actor)
    text = template.format(
        actor=actor,
        target=event.target_label or "something since removed",
        id=f"#{event.target_id}" if event.target_id else "",
        count=_count(event) if event.verb in _COUNTED else "",
    )
    return text.replace("  ", " ").strip()


def activities(events: list[AuditEvent]) -> list[Activity]:
    return [Activity(event, sentence(event)) for event in events]
