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
from django.utils.translation import get_language, gettext_lazy, override
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mentorhub.csv_safety import safe_cell
from mentorhub.tenancy import OrgRequest, org_view

from .. import selectors
from ..forms import AuditFilterForm, target_type_label
from ..models import AuditEvent, Organization

PAGE_SIZE = 50
# Readable names for the verbs services record; an unknown verb is shown as it is.
VERB_LABELS = {
    "api_token.create": gettext_lazy("Created an API token"),
    "api_token.revoke": gettext_lazy("Revoked an API token"),
    "invitation.create": gettext_lazy("Invited someone"),
    "invitation.revoke": gettext_lazy("Revoked an invitation"),
    "invitation.resend": gettext_lazy("Sent an invitation again"),
    "invitation.accept": gettext_lazy("Accepted an invitation"),
    "membership.create": gettext_lazy("Joined"),
    "membership.change_role": gettext_lazy("Changed a role"),
    "membership.remove": gettext_lazy("Removed a member"),
    "organization.directory_update": gettext_lazy("Changed the columns members see in the people directory"),
    "organization.retention_update": gettext_lazy("Changed how long leavers' personal data is kept"),
    "organization.video_link_update": gettext_lazy("Changed the video link for sessions scheduled without one"),
    "organization.language_update": gettext_lazy("Changed the organization's default language"),
    "user.language_update": gettext_lazy("Chose a language"),
    "roster_import.upload": gettext_lazy("Uploaded a roster file"),
    "roster_import.apply": gettext_lazy("Applied a roster import"),
    "roster_import.rerun": gettext_lazy("Re-ran a roster import"),
    "employee.create": gettext_lazy("Added someone to the roster"),
    "employee.update": gettext_lazy("Changed someone's roster entry"),
    "employee.depart": gettext_lazy("Recorded a departure"),
    "employee.access_close": gettext_lazy("Closed a leaver's access"),
    "employee.reactivate": gettext_lazy("Recorded a return"),
    "employee.erase": gettext_lazy("Erased a person's personal data"),
    "employee.data_export": gettext_lazy("Downloaded a person's data for them"),
    "group.create": gettext_lazy("Created a group"),
    "group.update": gettext_lazy("Changed a group"),
    "group.delete": gettext_lazy("Deleted a group"),
    "group.members_add": gettext_lazy("Added people to a group"),
    "group.members_remove": gettext_lazy("Removed people from a group"),
    "group.members_set": gettext_lazy("Set a group's members"),
    "sso.connection_create": gettext_lazy("Set up single sign-on"),
    "sso.connection_update": gettext_lazy("Changed single sign-on"),
    "sso.domain_claim": gettext_lazy("Claimed an email domain"),
    "sso.domain_release": gettext_lazy("Released an email domain"),
    "sso.domain_verify": gettext_lazy("Verified an email domain"),
    "sso.domain_drop": gettext_lazy("Pending email domain claim dropped"),
    "sso.sign_in": gettext_lazy("Signed in with SSO"),
    "sso.sign_in_refused": gettext_lazy("SSO sign-in refused"),
    "sso.test": gettext_lazy("Tested the SSO connection"),
    "scim.user.create": gettext_lazy("SCIM: created a user"),
    "scim.user.replace": gettext_lazy("SCIM: replaced a user"),
    "scim.user.patch": gettext_lazy("SCIM: updated a user"),
    "scim.user.delete": gettext_lazy("SCIM: deleted a user"),
    "scim.group.create": gettext_lazy("SCIM: created a group"),
    "scim.group.replace": gettext_lazy("SCIM: replaced a group"),
    "scim.group.patch": gettext_lazy("SCIM: updated a group"),
    "scim.group.delete": gettext_lazy("SCIM: deleted a group"),
    "analytics.recompute": gettext_lazy("Started a recompute of the figures"),
    "program.create": gettext_lazy("Created a program"),
    "program.update": gettext_lazy("Changed a program"),
    "program.open_enrollment": gettext_lazy("Opened a program's enrollment"),
    "program.back_to_draft": gettext_lazy("Put a program back to draft"),
    "program.start_matching": gettext_lazy("Started a program's matching phase"),
    "program.activate": gettext_lazy("Started a program"),
    "program.close": gettext_lazy("Closed a program"),
    "question.create": gettext_lazy("Added an enrollment question"),
    "question.update": gettext_lazy("Changed an enrollment question"),
    "question.delete": gettext_lazy("Deleted an enrollment question"),
    "skill.create": gettext_lazy("Added a skill to the catalogue"),
    "skill.update": gettext_lazy("Changed a skill of the catalogue"),
    "skill.deactivate": gettext_lazy("Deactivated a skill of the catalogue"),
    "skill.reactivate": gettext_lazy("Reactivated a skill of the catalogue"),
    "skill.import": gettext_lazy("Imported skills from a CSV file"),
    "participant.enroll": gettext_lazy("Enrolled in a program"),
    "participant.update": gettext_lazy("Changed an enrollment"),
    "participant.withdraw": gettext_lazy("Withdrew from a program"),
    "participant.invite": gettext_lazy("Invited people to enroll"),
    "participant.approve": gettext_lazy("Approved applications"),
    "participant.waitlist": gettext_lazy("Waitlisted applications"),
    "participant.decline": gettext_lazy("Declined applications"),
    "participant.withdraw_on_departure": gettext_lazy("Withdrew a leaver's enrollments"),
    "match_run.start": gettext_lazy("Started a matching run"),
    "match_run.rerun": gettext_lazy("Re-ran a matching run"),
    "match_run.retry": gettext_lazy("Started a failed matching run again"),
    "match.unpin": gettext_lazy("Unpinned a match"),
    "match_run.execute": gettext_lazy("Ran a matching run"),
    "match.approve": gettext_lazy("Approved a match"),
    "match.discard": gettext_lazy("Discarded a proposed match"),
    "match.pin": gettext_lazy("Pinned a match"),
    "match.swap": gettext_lazy("Changed a match's mentor"),
    "match.set_mentee": gettext_lazy("Changed a match's mentee"),
    "match.accept": gettext_lazy("Accepted a match"),
    "match.decline": gettext_lazy("Declined a match"),
    "match.activate": gettext_lazy("A match started"),
    "match.complete": gettext_lazy("Completed a match"),
    "match.end_early": gettext_lazy("Ended a match early"),
    "match.member_left": gettext_lazy("A member left a match"),
    "record_share.create": gettext_lazy("Shared their mentoring record by a link"),
    "record_share.revoke": gettext_lazy("Revoked a link to their mentoring record"),
    "record_share.view": gettext_lazy("A shared mentoring record was opened"),
    "agreement.edit": gettext_lazy("Edited a match's mentoring agreement"),
    "agreement.confirm": gettext_lazy("Confirmed a match's mentoring agreement"),
    "busy_feed.save": gettext_lazy("Connected their own calendar (busy times)"),
    "busy_feed.remove": gettext_lazy("Disconnected their own calendar"),
    "flash_slot.publish": gettext_lazy("Published office hours"),
    "flash_slot.cancel": gettext_lazy("Cancelled office hours"),
    "flash_booking.create": gettext_lazy("Booked a flash session"),
    "flash_booking.cancel": gettext_lazy("Cancelled a flash booking"),
    "flash_booking.rate": gettext_lazy("Rated a flash session"),
    "match.nudge": gettext_lazy("Nudged a match"),
    "mentor_request.create": gettext_lazy("Asked a mentor"),
    "mentor_request.accept": gettext_lazy("Accepted a mentoring request"),
    "mentor_request.decline": gettext_lazy("Declined a mentoring request"),
    "mentor_request.withdraw": gettext_lazy("Withdrew a mentoring request"),
    "mentor_request.close_on_departure": gettext_lazy("Closed a leaver's mentoring request"),
    "goal_template.create": gettext_lazy("Added a goal template"),
    "goal_template.update": gettext_lazy("Changed a goal template"),
    "goal_template.delete": gettext_lazy("Deleted a goal template"),
    "survey_question.create": gettext_lazy("Added a survey question"),
    "survey_question.delete": gettext_lazy("Deleted a survey question"),
    "employee.departure_sessions": gettext_lazy("Cancelled a leaver's sessions"),
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
        verbs={**{verb: verb for verb in recorded}, **{verb: str(label) for verb, label in VERB_LABELS.items()}},
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
    with override("en"):  # the labels as written (the language is a part of the key of its own)
        labels = sorted((verb, str(label)) for verb, label in VERB_LABELS.items())
    return hashlib.blake2b(f"{source}{labels}".encode(), digest_size=6).hexdigest()


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
        "label": VERB_LABELS.get(event.verb, event.verb),
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
