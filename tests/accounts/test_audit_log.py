"""Audit log page and CSV export (admins only)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import pytest

from mentorhub.accounts.models import AuditEvent
from mentorhub.accounts.services.audit import audit_record
from mentorhub.accounts.views.audit import readable_changes
from tests.helpers import org_url


def export_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def recorded_at(when: datetime, **fields) -> AuditEvent:
    """An event as audit_record writes it, at a chosen time. The audit table is append-only for the
    application (no UPDATE or DELETE), so a test cannot move an event's time after recording it."""
    return AuditEvent.objects.create(created_at=when, **fields)


@pytest.fixture
def events(org, other_org, admin, member, outsider):
    role_change = recorded_at(
        datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
        organization=org,
        actor=admin.user,
        actor_email=admin.user.email,
        verb="membership.change_role",
        target_type="accounts.membership",
        target_id=str(member.pk),
        target_label=str(member),
        changes={"role": ["member", "admin"]},
    )
    audit_record(organization=org, actor=admin.user, verb="api_token.create", target=None, changes={})
    audit_record(
        organization=other_org, actor=outsider.user, verb="invitation.create", changes={"email": [None, "x@beta.test"]}
    )
    return role_change


def test_log_shows_who_what_target_and_readable_changes_in_the_viewers_zone(admin_client, org, admin, events):
    admin.employee.time_zone = "Asia/Tokyo"
    admin.employee.save()
    page = admin_client.get(org_url("audit-log", org)).content.decode()
    assert "Changed a role" in page and "membership.change_role" in page
    assert "Created an API token" in page
    assert "admin@alpha.test" in page and "member@alpha.test in Alpha Ltd (member)" in page
    assert "<del>member</del>" in page and "<ins>admin</ins>" in page
    assert "2024-06-01 21:00 JST" in page  # 12:00 UTC, shown in the viewer's Tokyo time
    assert "Times are in Asia/Tokyo" in page
    assert "x@beta.test" not in page and "admin@beta.test" not in page


def test_filter_by_verb(admin_client, org, events):
    page = admin_client.get(org_url("audit-log", org, query={"verb": "api_token.create"})).content.decode()
    assert "Created an API token" in page
    assert "<del>member</del>" not in page
    assert '<option value="api_token.create" selected>' in page
    # The other organization's events are not listed (its verb is offered: every labelled verb is).
    assert "x@beta.test" not in page
    unknown = admin_client.get(org_url("audit-log", org, query={"verb": "nothing.like.this"}))
    assert unknown.status_code == 200 and "Choose an action from the list." in unknown.content.decode()
    assert unknown.context["form"].errors and "rows_html" not in unknown.context


def test_pagination(admin_client, org, admin):
    for i in range(55):
        audit_record(organization=org, actor=admin.user, verb="demo.thing", changes={"n": [i, i + 1]})
    page = admin_client.get(org_url("audit-log", org)).content.decode()
    assert page.count("<tr>") == 51 and "Page 1 of 2" in page
    assert admin_client.get(org_url("audit-log", org, query={"page": 2})).content.decode().count("<tr>") == 6


def test_empty_log(admin_client, org):
    assert not AuditEvent.objects.filter(organization=org).exists()
    assert "Nothing has been recorded yet" in admin_client.get(org_url("audit-log", org)).content.decode()


def test_export_csv(admin_client, org, events):
    response = admin_client.get(org_url("audit-export", org))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="alpha-audit-' in response["Content-Disposition"]
    rows = export_rows(response)
    assert [r["verb"] for r in rows] == ["api_token.create", "membership.change_role"]
    change = rows[1]
    assert change["time_utc"] == "2024-06-01T12:00:00+00:00"
    assert change["actor"] == "admin@alpha.test"
    assert change["target_type"] == "accounts.membership" and change["target_id"] == str(events.target_id)
    assert json.loads(change["changes"]) == {"role": ["member", "admin"]}

    filtered = export_rows(admin_client.get(org_url("audit-export", org, query={"verb": "membership.change_role"})))
    assert [r["verb"] for r in filtered] == ["membership.change_role"]


def test_export_neutralizes_spreadsheet_formulas(admin_client, org, admin):
    recorded_at(
        datetime(2024, 6, 1, tzinfo=UTC),
        organization=org,
        actor_email="=cmd@alpha.test",
        verb="x.y",
        target_id="-1+1",
        target_label='=HYPERLINK("http://evil")',
    )
    rows = export_rows(admin_client.get(org_url("audit-export", org)))
    assert rows[0]["target"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["actor"] == "'=cmd@alpha.test" and rows[0]["target_id"] == "'-1+1"


def test_audit_pages_are_admin_only(member_client, stakeholder_client, outsider_client, org):
    for client in (member_client, stakeholder_client):
        assert client.get(org_url("audit-log", org)).status_code == 403
        assert client.get(org_url("audit-export", org)).status_code == 403
    assert outsider_client.get(org_url("audit-log", org)).status_code == 404
    assert outsider_client.get(org_url("audit-export", org)).status_code == 404


def test_readable_changes():
    assert readable_changes({"role": ["member", "admin"], "left_on": [None, "2024-01-01"], "rows": 12}) == [
        {"field": "role", "old": "member", "new": "admin", "pair": "1"},
        {"field": "left on", "old": "—", "new": "2024-01-01", "pair": "1"},
        {"field": "rows", "old": "", "new": "12"},
    ]
    assert readable_changes({}) == []
    assert readable_changes(None) == []
