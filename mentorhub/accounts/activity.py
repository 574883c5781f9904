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

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from .models import AuditEvent

SYSTEM_NAME = "MentorHub"

SENTENCES: dict[str, str] = {  # in English, marked for the catalogue; shown through gettext
    "api_token.create": gettext_noop("{actor} created the API token {target}"),
    "api_token.revoke": gettext_noop("{actor} revoked the API token {target}"),
    "invitation.create": gettext_noop("{actor} sent an invitation ({target})"),
    "invitation.revoke": gettext_noop("{actor} revoked an invitation ({target})"),
    "invitation.resend": gettext_noop("{actor} sent an invitation again ({target})"),
    "invitation.accept": gettext_noop("{actor} accepted their invitation"),
    "membership.create": gettext_noop("{actor} joined the organization"),
    "membership.change_role": gettext_noop("{actor} changed a member's role ({target})"),
    "membership.remove": gettext_noop("{actor} removed a member ({target})"),
    "organization.directory_update": gettext_noop("{actor} changed the columns members see in the people directory"),
    "organization.retention_update": gettext_noop("{actor} changed how long leavers' personal data is kept"),
    "roster_import.upload": gettext_noop("{actor} uploaded a roster file"),
    "roster_import.apply": gettext_noop("{actor} applied a roster import"),
    "roster_import.rerun": gettext_noop("{actor} re-ran a roster import"),
    "employee.create": gettext_noop("{actor} added {target} to the roster"),
    "employee.update": gettext_noop("{actor} changed the roster entry of {target}"),
    "employee.depart": gettext_noop("{actor} recorded the departure of {target}"),
    "employee.access_close": gettext_noop("{actor} closed the access of {target}, who has left"),
    "employee.reactivate": gettext_noop("{actor} recorded the return of {target}"),
    "employee.erase": gettext_noop("{actor} erased a person's personal data ({target})"),
    "employee.data_export": gettext_noop("{actor} downloaded the data of {target} for them"),
    "employee.departure_sessions": gettext_noop("{actor} cancelled the sessions of {target}, who has left"),
    "group.create": gettext_noop("{actor} created the group {target}"),
    "group.update": gettext_noop("{actor} changed the group {target}"),
    "group.delete": gettext_noop("{actor} deleted the group {target}"),
    "group.members_add": gettext_noop("{actor} added people to the group {target}"),
    "group.members_remove": gettext_noop("{actor} removed people from the group {target}"),
    "group.members_set": gettext_noop("{actor} set the members of the group {target}"),
    "sso.connection_create": gettext_noop("{actor} set up single sign-on"),
    "sso.connection_update": gettext_noop("{actor} changed single sign-on"),
    "sso.domain_claim": gettext_noop("{actor} claimed the email domain {target}"),
    "sso.domain_release": gettext_noop("{actor} released the email domain {target}"),
    "sso.domain_verify": gettext_noop("{actor} verified the email domain {target}"),
    "sso.domain_drop": gettext_noop("{actor} dropped a pending claim of the email domain {target}"),
    "sso.sign_in": gettext_noop("{actor} signed in with single sign-on"),
    "sso.sign_in_refused": gettext_noop("A single sign-on attempt was refused ({target})"),
    "sso.test": gettext_noop("{actor} tested the single sign-on connection"),
    "scim.user.create": gettext_noop("The identity provider added {target}"),
    "scim.user.replace": gettext_noop("The identity provider updated {target}"),
    "scim.user.patch": gettext_noop("The identity provider updated {target}"),
    "scim.user.delete": gettext_noop("The identity provider removed {target}"),
    "scim.group.create": gettext_noop("The identity provider created the group {target}"),
    "scim.group.replace": gettext_noop("The identity provider updated the group {target}"),
    "scim.group.patch": gettext_noop("The identity provider updated the group {target}"),
    "scim.group.delete": gettext_noop("The identity provider deleted the group {target}"),
    "analytics.recompute": gettext_noop("{actor} started a recompute of the figures"),
    "program.create": gettext_noop("{actor} created the program {target}"),
    "program.update": gettext_noop("{actor} changed the program {target}"),
    "program.open_enrollment": gettext_noop("{actor} opened enrollment for {target}"),
    "program.back_to_draft": gettext_noop("{actor} put {target} back to draft"),
    "program.start_matching": gettext_noop("{actor} closed enrollment for {target} and started matching"),
    "program.activate": gettext_noop("{actor} started the program {target}"),
    "program.close": gettext_noop("{actor} closed the program {target}"),
    "question.create": gettext_noop("{actor} added the enrollment question “{target}”"),
    "question.update": gettext_noop("{actor} changed the enrollment question “{target}”"),
    "question.delete": gettext_noop("{actor} deleted the enrollment question “{target}”"),
    "participant.enroll": gettext_noop("{actor} enrolled: {target}"),
    "participant.update": gettext_noop("{actor} changed an enrollment: {target}"),
    "participant.withdraw": gettext_noop("{actor} withdrew: {target}"),
    "participant.invite": gettext_noop("{actor} invited people to enroll in {target}"),
    "participant.approve": gettext_noop("{actor} approved {count} to {target}"),
    "participant.waitlist": gettext_noop("{actor} waitlisted {count} to {target}"),
    "participant.decline": gettext_noop("{actor} declined {count} to {target}"),
    "participant.withdraw_on_departure": gettext_noop("{actor} withdrew the enrollments of {target}, who has left"),
    "match_run.start": gettext_noop("{actor} started matching run {id}"),
    "match_run.rerun": gettext_noop("{actor} ran matching run {id} again"),
    "match_run.retry": gettext_noop("{actor} started matching run {id} with the settings of a failed run"),
    "match_run.execute": gettext_noop("Matching run {id} finished"),
    "match.approve": gettext_noop("{actor} approved match {id}"),
    "match.discard": gettext_noop("{actor} discarded proposed match {id}"),
    "match.pin": gettext_noop("{actor} pinned match {id}"),
    "match.unpin": gettext_noop("{actor} unpinned match {id}"),
    "match.swap": gettext_noop("{actor} changed the mentor of match {id}"),
    "match.set_mentee": gettext_noop("{actor} changed the mentee of match {id}"),
    "match.accept": gettext_noop("{actor} accepted match {id}"),
    "match.decline": gettext_noop("{actor} declined match {id}"),
    "match.activate": gettext_noop("Match {id} started: everyone accepted"),
    "match.complete": gettext_noop("{actor} completed match {id}"),
    "match.end_early": gettext_noop("{actor} ended match {id} early"),
    "match.member_left": gettext_noop("A member left match {id}"),
    "match.nudge": gettext_noop("{actor} nudged match {id}"),
    "mentor_request.create": gettext_noop("{actor} asked a mentor to mentor them"),
    "mentor_request.accept": gettext_noop("{actor} accepted a mentoring request"),
    "mentor_request.decline": gettext_noop("{actor} declined a mentoring request"),
    "mentor_request.withdraw": gettext_noop("{actor} withdrew a mentoring request"),
    "mentor_request.close_on_departure": gettext_noop("A mentoring request closed because someone left"),
    "goal_template.create": gettext_noop("{actor} added the goal template “{target}”"),
    "goal_template.update": gettext_noop("{actor} changed the goal template “{target}”"),
    "goal_template.delete": gettext_noop("{actor} deleted the goal template “{target}”"),
    "survey_question.create": gettext_noop("{actor} added the survey question “{target}”"),
    "survey_question.delete": gettext_noop("{actor} deleted the survey question “{target}”"),
    "organization.video_link_update": gettext_noop(
        "{actor} changed the video link used for sessions scheduled without one"
    ),
    "organization.language_update": gettext_noop("{actor} changed the organization's default language"),
    "user.language_update": gettext_noop("{actor} chose a language for MentorHub"),
    "record_share.create": gettext_noop("{actor} shared their mentoring record by a link"),
    "record_share.revoke": gettext_noop("{actor} revoked a link to their mentoring record"),
    "record_share.view": gettext_noop("A shared mentoring record was opened"),
    "skill.create": gettext_noop("{actor} added the skill {target} to the catalogue"),
    "skill.update": gettext_noop("{actor} changed the skill {target}"),
    "skill.deactivate": gettext_noop("{actor} deactivated the skill {target}"),
    "skill.reactivate": gettext_noop("{actor} reactivated the skill {target}"),
    "skill.import": gettext_noop("{actor} imported skills from a CSV file"),
    "agreement.edit": gettext_noop("{actor} edited the mentoring agreement of a match ({target})"),
    "agreement.confirm": gettext_noop("{actor} confirmed the mentoring agreement of a match ({target})"),
    "busy_feed.save": gettext_noop("{actor} connected their own calendar for Find a time"),
    "busy_feed.remove": gettext_noop("{actor} disconnected their own calendar"),
    "flash_slot.publish": gettext_noop("{actor} published office hours ({target})"),
    "flash_slot.cancel": gettext_noop("{actor} cancelled office hours ({target})"),
    "flash_booking.create": gettext_noop("{actor} booked a flash session ({target})"),
    "flash_booking.cancel": gettext_noop("{actor} cancelled a flash booking ({target})"),
    "flash_booking.rate": gettext_noop("{actor} rated a flash session"),
    "webhook.create": gettext_noop("{actor} added the webhook endpoint {target}"),
    "webhook.update": gettext_noop("{actor} changed the webhook endpoint {target}"),
    "webhook.rotate_secret": gettext_noop("{actor} rotated the secret of the webhook endpoint {target}"),
    "webhook.enable": gettext_noop("{actor} switched the webhook endpoint {target} on"),
    "webhook.disable": gettext_noop("{actor} switched the webhook endpoint {target} off"),
    "webhook.delete": gettext_noop("{actor} deleted the webhook endpoint {target}"),
    "webhook.send_test": gettext_noop("{actor} sent a test event to {target}"),
    "webhook.send_again": gettext_noop("{actor} sent a webhook again ({target})"),
    "session.attendance_confirm": gettext_noop("{actor} confirmed they will be at session {id}"),
    "slack.install": gettext_noop("{actor} installed the Slack app in {target}"),
    "slack.uninstall": gettext_noop("{actor} uninstalled the Slack app from {target}"),
    "organization.branding_update": gettext_noop(
        "{actor} changed the name, colour or logo the organization's emails show"
    ),
    "teams.update": gettext_noop("{actor} changed the Microsoft Teams app"),
    "teams.link": gettext_noop("{target} linked their Microsoft Teams account"),
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
        return _("applications")
    return ngettext("%(count)s application", "%(count)s applications", number) % {"count": number}


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
    text = _(template).format(
        actor=actor,
        target=event.target_label or _("something since removed"),
        id=f"#{event.target_id}" if event.target_id else "",
        count=_count(event) if event.verb in _COUNTED else "",
    )
    return text.replace("  ", " ").strip()


def activities(events: list[AuditEvent]) -> list[Activity]:
    return [Activity(event, sentence(event)) for event in events]
