"""The audit log: who did what, when, to what (admins only), filtered by actor, action, target and days, with
a CSV export of the same rows for the same filters."""

from __future__ import annotations

import csv
import functools
import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import get_template
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrgRequest, org_view

from .. import selectors
from ..forms import AuditFilterForm, target_type_label
from ..models import AuditEvent, Organization

PAGE_SIZE = 50
# Readable names for the verbs services record (in English, marked for the catalogue; shown through gettext);
# an unknown verb is shown as it is.
VERB_LABELS = {
    "api_token.create": gettext_noop("Created an API token"),
    "api_token.revoke": gettext_noop("Revoked an API token"),
    "invitation.create": gettext_noop("Invited someone"),
    "invitation.revoke": gettext_noop("Revoked an invitation"),
    "invitation.resend": gettext_noop("Sent an invitation again"),
    "invitation.accept": gettext_noop("Accepted an invitation"),
    "membership.create": gettext_noop("Joined"),
    "membership.change_role": gettext_noop("Changed a role"),
    "membership.remove": gettext_noop("Removed a member"),
    "organization.directory_update": gettext_noop("Changed the columns members see in the people directory"),
    "organization.retention_update": gettext_noop("Changed how long leavers' personal data is kept"),
    "organization.video_link_update": gettext_noop("Changed the video link for sessions scheduled without one"),
    "organization.language_update": gettext_noop("Changed the organization's default language"),
    "user.language_update": gettext_noop("Chose a language"),
    "roster_import.upload": gettext_noop("Uploaded a roster file"),
    "roster_import.apply": gettext_noop("Applied a roster import"),
    "roster_import.rerun": gettext_noop("Re-ran a roster import"),
    "employee.create": gettext_noop("Added someone to the roster"),
    "employee.update": gettext_noop("Changed someone's roster entry"),
    "employee.depart": gettext_noop("Recorded a departure"),
    "employee.access_close": gettext_noop("Closed a leaver's access"),
    "employee.reactivate": gettext_noop("Recorded a return"),
    "employee.erase": gettext_noop("Erased a person's personal data"),
    "employee.data_export": gettext_noop("Downloaded a person's data for them"),
    "group.create": gettext_noop("Created a group"),
    "group.update": gettext_noop("Changed a group"),
    "group.delete": gettext_noop("Deleted a group"),
    "group.members_add": gettext_noop("Added people to a group"),
    "group.members_remove": gettext_noop("Removed people from a group"),
    "group.members_set": gettext_noop("Set a group's members"),
    "sso.connection_create": gettext_noop("Set up single sign-on"),
    "sso.connection_update": gettext_noop("Changed single sign-on"),
    "sso.domain_claim": gettext_noop("Claimed an email domain"),
    "sso.domain_release": gettext_noop("Released an email domain"),
    "sso.domain_verify": gettext_noop("Verified an email domain"),
    "sso.domain_drop": gettext_noop("Pending email domain claim dropped"),
    "sso.sign_in": gettext_noop("Signed in with SSO"),
    "sso.sign_in_refused": gettext_noop("SSO sign-in refused"),
    "sso.test": gettext_noop("Tested the SSO connection"),
    "scim.user.create": gettext_noop("SCIM: created a user"),
    "scim.user.replace": gettext_noop("SCIM: replaced a user"),
    "scim.user.patch": gettext_noop("SCIM: updated a user"),
    "scim.user.delete": gettext_noop("SCIM: deleted a user"),
    "scim.group.create": gettext_noop("SCIM: created a group"),
    "scim.group.replace": gettext_noop("SCIM: replaced a group"),
    "scim.group.patch": gettext_noop("SCIM: updated a group"),
    "scim.group.delete": gettext_noop("SCIM: deleted a group"),
    "analytics.recompute": gettext_noop("Started a recompute of the figures"),
    "program.create": gettext_noop("Created a program"),
    "program.update": gettext_noop("Changed a program"),
    "program.open_enrollment": gettext_noop("Opened a program's enrollment"),
    "program.back_to_draft": gettext_noop("Put a program back to draft"),
    "program.start_matching": gettext_noop("Started a program's matching phase"),
    "program.activate": gettext_noop("Started a program"),
    "program.close": gettext_noop("Closed a program"),
    "question.create": gettext_noop("Added an enrollment question"),
    "question.update": gettext_noop("Changed an enrollment question"),
    "question.delete": gettext_noop("Deleted an enrollment question"),
    "skill.create": gettext_noop("Added a skill to the catalogue"),
    "skill.update": gettext_noop("Changed a skill of the catalogue"),
    "skill.deactivate": gettext_noop("Deactivated a skill of the catalogue"),
    "skill.reactivate": gettext_noop("Reactivated a skill of the catalogue"),
    "skill.import": gettext_noop("Imported skills from a CSV file"),
    "participant.enroll": gettext_noop("Enrolled in a program"),
    "participant.update": gettext_noop("Changed an enrollment"),
    "participant.withdraw": gettext_noop("Withdrew from a program"),
    "participant.invite": gettext_noop("Invited people to enroll"),
    "participant.approve": gettext_noop("Approved applications"),
    "participant.waitlist": gettext_noop("Waitlisted applications"),
    "participant.decline": gettext_noop("Declined applications"),
    "participant.withdraw_on_departure": gettext_noop("Withdrew a leaver's enrollments"),
    "match_run.start": gettext_noop("Started a matching run"),
    "match_run.rerun": gettext_noop("Re-ran a matching run"),
    "match_run.retry": gettext_noop("Started a failed matching run again"),
    "match.unpin": gettext_noop("Unpinned a match"),
    "match_run.execute": gettext_noop("Ran a matching run"),
    "match.approve": gettext_noop("Approved a match"),
    "match.discard": gettext_noop("Discarded a proposed match"),
    "match.pin": gettext_noop("Pinned a match"),
    "match.swap": gettext_noop("Changed a match's mentor"),
    "match.set_mentee": gettext_noop("Changed a match's mentee"),
    "match.accept": gettext_noop("Accepted a match"),
    "match.decline": gettext_noop("Declined a match"),
    "match.activate": gettext_noop("A match started"),
    "match.complete": gettext_noop("Completed a match"),
    "match.end_early": gettext_noop("Ended a match early"),
    "match.member_left": gettext_noop("A member left a match"),
    "record_share.create": gettext_noop("Shared their mentoring record by a link"),
    "record_share.revoke": gettext_noop("Revoked a link to their mentoring record"),
    "record_share.view": gettext_noop("A shared mentoring record was opened"),
    "agreement.edit": gettext_noop("Edited a match's mentoring agreement"),
    "agreement.confirm": gettext_noop("Confirmed a match's mentoring agreement"),
    "busy_feed.save": gettext_noop("Connected their own calendar (busy times)"),
    "busy_feed.remove": gettext_noop("Disconnected their own calendar"),
    "flash_slot.publish": gettext_noop("Published office hours"),
    "flash_slot.cancel": gettext_noop("Cancelled office hours"),
    "flash_booking.create": gettext_noop("Booked a flash session"),
    "flash_booking.cancel": gettext_noop("Cancelled a flash booking"),
    "flash_booking.rate": gettext_noop("Rated a flash session"),
    "match.nudge": gettext_noop("Nudged a match"),
    "mentor_request.create": gettext_noop("Asked a mentor"),
    "mentor_request.accept": gettext_noop("Accepted a mentoring request"),
    "mentor_request.decline": gettext_noop("Declined a mentoring request"),
    "mentor_request.withdraw": gettext_noop("Withdrew a mentoring request"),
    "mentor_request.close_on_departure": gettext_noop("Closed a leaver's mentoring request"),
    "goal_template.create": gettext_noop("Added a goal template"),
    "goal_template.update": gettext_noop("Changed a goal template"),
    "goal_template.delete": gettext_noop("Deleted a goal template"),
    "survey_question.create": gettext_noop("Added a survey question"),
    "survey_question.delete": gettext_noop("Deleted a survey question"),
    "employee.departure_sessions": gettext_noop("Cancelled a leaver's sessions"),
    "organization.branding_update": gettext_noop("Changed the branding of emails"),
    "webhook.create": gettext_noop("Added a webhook endpoint"),
    "webhook.update": gettext_noop("Changed a webhook endpoint"),
    "webhook.rotate_secret": gettext_noop("Rotated a webhook secret"),
    "webhook.enable": gettext_noop("Switched a webhook endpoint on"),
    "webhook.disable": gettext_noop("Switched a webhook endpoint off"),
    "webhook.delete": gettext_noop("Deleted a webhook endpoint"),
    "webhook.send_test": gettext_noop("Sent a test webhook"),
    "webhook.send_again": gettext_noop("Sent a webhook again"),
    "session.attendance_confirm": gettext_noop("Confirmed they will be at a session"),
    "slack.install": gettext_noop("Installed the Slack app"),
    "slack.uninstall": gettext_noop("Uninstalled the Slack app"),
    "teams.update": gettext_noop("Changed the Microsoft Teams app"),
    "teams.link": gettext_noop("Linked a Microsoft Teams account"),
}
EMPTY = "—"


def _display(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def readable_changes(changes: Any) -> list[dict[str, str]]:
    """`changes` as rows {field, old, new}; a value that is not an [old, new] pair is shown as `new` alone."""
    if not isinstance(changes, dict):
        return [{"field": "", "old": "", "new": _display(changes)}] if changes else []
    rows = []
    for field, value in changes.items():
        label = str(field).replace("_", " ")
        if isinstance(value, list | tuple) and len(value) == 2:
            rows.append({"field": label, "old": _display(value[0]), "new": _display(value[1]), "pair": "1"})
        else:
            rows.append({"field": label, "old": "", "new": _display(value)})
    return rows


# The "Who" box suggests this many actors at most: every employee who signs in with SSO is an actor, and a
# list of thousands helps nobody (typing an address works for anyone).
ACTOR_SUGGESTIONS = 500


def filter_form(request: OrgRequest) -> AuditFilterForm:
    """The filters of the page and the export: the verbs offered are every labelled one plus any other this
    organization's log holds (a verb since renamed stays findable), shown by label."""
    organization = request.organization
    recorded = selectors.audit_verbs(organization=organization)
    return AuditFilterForm(
        request.GET,
        verbs={**{verb: verb for verb in recorded}, **{verb: _(label) for verb, label in VERB_LABELS.items()}},
        target_types=selectors.audit_target_types(organization=organization),
        zone=timezone.get_current_timezone(),
    )


@org_view(roles=["admin"])
@require_GET
def audit_log(request: OrgRequest) -> HttpResponse:
    form = filter_form(request)
    context: dict[str, Any] = {
        "nav_section": "audit",
        "form": form,
        "actors": selectors.audit_actors(organization=request.organization, limit=ACTOR_SUGGESTIONS),
        "viewer_zone": timezone.get_current_timezone_name(),
    }
    if not form.is_valid():
        # A GET form: the page says what to fix and lists nothing until the filters make sense.
        return render(request, "accounts/audit_log.html", context)
    events = selectors.audit_events(organization=request.organization, filters=form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = form.query()
    context.update(
        page=page,
        rows_html=_rows_html(request.organization, list(page.object_list)),
        is_filtered=bool(query),
        querystring=urlencode(query),
    )
    return render(request, "accounts/audit_log.html", context)


# An event never changes once written (the application may not UPDATE the table: APPEND_ONLY_TABLES in
# mentorhub/db/rls.py), so the HTML of its row is kept: rendering fifty rows was most of the page's cost. The
# key holds what the row shows besides the event: the viewer's zone (the time), this code's markup and labels
# (_row_format), and the event's time, which only the demo's seeding (as the table's owner) moves. The day's
# expiry bounds what else the code could change (a model's name in the Target column).
ROW_TEMPLATE = "accounts/_audit_row.html"
ROW_SECONDS = 24 * 3600


@functools.cache
def _row_format() -> str:
    """What the markup of a row depends on in this code: its template and the verb labels."""
    source = get_template(ROW_TEMPLATE).template.source  # type: ignore[attr-defined]
    return hashlib.blake2b(f"{source}{sorted(VERB_LABELS.items())}".encode(), digest_size=6).hexdigest()


def _row_key(organization: Organization, event: AuditEvent, zone: str) -> str:
    # The organization's creation time: a database re-created with the same ids never meets another's rows.
    owner = f"o{organization.pk}.{int(organization.created_at.timestamp() * 1e6)}"
    kept = f"{event.pk}.{int(event.created_at.timestamp() * 1e6)}"
    return f"audit-row:{owner}:{_row_format()}:{get_language()}:{zone}:{kept}"


def _rows_html(organization: Organization, events: list[AuditEvent]) -> list[str]:
    """Each event's row, from the cache or rendered now (and kept)."""
    zone = timezone.get_current_timezone_name()
    keys = [_row_key(organization, event, zone) for event in events]
    found = cache.get_many(keys)
    missing = {}
    for key, event in zip(keys, events, strict=True):
        if key not in found:
            missing[key] = get_template(ROW_TEMPLATE).render({"row": _row(event)}).strip()
    if missing:
        cache.set_many(missing, ROW_SECONDS)
    # Safe: each was rendered by the row's template (autoescaped).
    return [mark_safe(found[key] if key in found else missing[key]) for key in keys]  # noqa: S308


def _row(event: AuditEvent) -> dict[str, Any]:
    local = timezone.localtime(event.created_at)  # the viewer's time
    return {
        "event": event,
        "when_iso": local.isoformat(),
        "when": dateformat.format(local, "Y-m-d H:i T"),
        "label": _(VERB_LABELS[event.verb]) if event.verb in VERB_LABELS else event.verb,
        "target_type": target_type_label(event.target_type) if event.target_type else "",
        "changes": readable_changes(event.changes),
    }


class _Echo:
    def write(self, value: str) -> str:
        return value


def audit_csv_rows(events: Iterable[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(["time_utc", "actor", "verb", "target_type", "target_id", "target", "changes"])
    for event in events:
        yield writer.writerow(
            [
                event.created_at.astimezone(UTC).isoformat(),
                # Labels, emails and ids can come from user input (mentorhub.csv_safety says why); verbs and
                # types are ours, but one rule for every text cell leaves nothing to judge per column.
                safe_cell(event.actor_email),
                safe_cell(event.verb),
                safe_cell(event.target_type),
                safe_cell(event.target_id),
                safe_cell(event.target_label),
                safe_cell(json.dumps(event.changes, ensure_ascii=False, sort_keys=True)) if event.changes else "",
            ]
        )


@org_view(roles=["admin"])
@require_GET
def audit_export(request: OrgRequest) -> HttpResponse | StreamingHttpResponse:
    form = filter_form(request)
    if not form.is_valid():
        # Never a silent export of everything: the link on the page only carries filters that were valid.
        return HttpResponse("Check the filters: " + form.errors.as_text(), status=400, content_type="text/plain")
    events = selectors.audit_events(organization=request.organization, filters=form.filters())
    rows = audit_csv_rows(events.iterator(chunk_size=2000))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="{request.organization.slug}-audit-{stamp}.csv"'
    return response
