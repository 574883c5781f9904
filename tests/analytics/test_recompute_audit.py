"""Starting a recompute of the figures is an admin's action: it is in the audit log, from the page and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analytics.models import RollupRun
from analytics.tasks import nightly_rollups
from mentorhub.accounts.models import AuditEvent
from tests.helpers import org_url

pytestmark = pytest.mark.django_db


def _recompute_events(org):
    return list(AuditEvent.objects.filter(organization=org, verb="analytics.recompute"))


def test_recompute_from_the_page_is_audited_with_its_actor(org, admin, admin_client, other_org):
    response = admin_client.post(reverse("rollup-start", kwargs={"org_slug": org.slug}))
    assert response.status_code == 302
    run = RollupRun.objects.get(organization=org)
    [event] = _recompute_events(org)
    assert event.actor == admin.user and event.actor_email == "admin@alpha.test"
    assert (event.target_type, event.target_id) == ("analytics.rolluprun", str(run.pk))
    assert _recompute_events(other_org) == []
    page = admin_client.get(org_url("audit-log", org)).content.decode()
    assert "Started a recompute of the figures" in page


def test_recompute_from_the_api_is_audited_once_per_run(org, admin, admin_client):
    response = admin_client.post(org_url("api-rollup-run-list", org))
    assert response.status_code == 202
    [event] = _recompute_events(org)
    assert event.actor == admin.user and event.target_id == str(response.json()["id"])
    # A second click while the first run is open finds that run: nothing new started, nothing new logged.
    assert admin_client.post(org_url("api-rollup-run-list", org)).json()["id"] == response.json()["id"]
    assert len(_recompute_events(org)) == 1


def test_the_nightly_run_is_not_an_admins_action(org):
    assert nightly_rollups() == 1
    assert RollupRun.objects.filter(organization=org).count() == 1
    assert _recompute_events(org) == []
