"""The audit log keeps each event's row as HTML (an event never changes): kept rows are used, and a row still
shows what its viewer should see (their time zone, this code's labels)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mentorhub.accounts.models import AuditEvent
from mentorhub.accounts.services.audit import audit_record
from mentorhub.accounts.views import audit
from tests.helpers import org_url


def row_of(label: str, verb: str) -> str:
    """How a row names its action (the filter's options hold the labels too)."""
    return f'{label}<br><code class="hint">{verb}</code>'


@pytest.fixture(autouse=True)
def _fresh(fresh_cache):
    # The row format is worked out once per process: a test that changes the labels starts and ends anew.
    audit._row_format.cache_clear()
    yield
    audit._row_format.cache_clear()


def test_kept_rows_are_used_and_new_events_still_appear(admin_client, org, admin, monkeypatch):
    audit_record(organization=org, actor=admin.user, verb="api_token.create", changes={"name": [None, "sync"]})
    assert (
        row_of("Created an API token", "api_token.create")
        in admin_client.get(org_url("audit-log", org)).content.decode()
    )

    real_row = audit._row
    rendered = []

    def counted_row(event):
        rendered.append(event.verb)
        return real_row(event)

    monkeypatch.setattr(audit, "_row", counted_row)
    audit_record(organization=org, actor=admin.user, verb="api_token.revoke")
    page = admin_client.get(org_url("audit-log", org)).content.decode()
    assert rendered == ["api_token.revoke"]  # only the new event's row was rendered
    assert row_of("Revoked an API token", "api_token.revoke") in page
    assert row_of("Created an API token", "api_token.create") in page and "<ins>sync</ins>" in page


def test_a_kept_row_shows_each_viewer_their_own_zone(admin_client, org, admin):
    AuditEvent.objects.create(
        created_at=datetime(2024, 6, 1, 12, 0, tzinfo=UTC),
        organization=org,
        actor_email=admin.user.email,
        verb="membership.change_role",
    )
    admin.employee.time_zone = "Asia/Tokyo"
    admin.employee.save()
    assert "2024-06-01 21:00 JST" in admin_client.get(org_url("audit-log", org)).content.decode()
    admin.employee.time_zone = "America/New_York"
    admin.employee.save()
    page = admin_client.get(org_url("audit-log", org)).content.decode()
    assert "2024-06-01 08:00 EDT" in page and "JST" not in page


def test_changed_labels_are_not_served_from_rows_kept_before(admin_client, org, admin, monkeypatch):
    audit_record(organization=org, actor=admin.user, verb="api_token.create")
    assert (
        row_of("Created an API token", "api_token.create")
        in admin_client.get(org_url("audit-log", org)).content.decode()
    )
    # As a deploy with a new label: a new process works the row format out again.
    monkeypatch.setitem(audit.VERB_LABELS, "api_token.create", "Made an API key")
    audit._row_format.cache_clear()
    page = admin_client.get(org_url("audit-log", org)).content.decode()
    assert row_of("Made an API key", "api_token.create") in page
    assert row_of("Created an API token", "api_token.create") not in page
