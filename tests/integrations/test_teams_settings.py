"""Settings -> Microsoft Teams (admins): the tenant and the switch, saved with the audit; a tenant belongs to
one organization; the app package is a valid Teams manifest (v1.16) with its two icons. Other organizations'
admins get 404, like a page that does not exist."""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile

import pytest
from django.contrib.admin.sites import site as admin_site

from integrations.teams.models import TeamsCard, TeamsInstallation, TeamsLink
from mentorhub.accounts.models import AuditEvent
from mentorhub.accounts.services.erasure import employee_erase
from mentorhub.db.tenant_scope import organization_scope
from tests.admin_checks import assert_changelist_filters_by_organization, assert_read_only_with_organization_first
from tests.helpers import org_url, page_text
from tests.sessions.factories import active_pair

from .teams_peer import APP_ID, TENANT, install, link

pytestmark = pytest.mark.django_db
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def test_the_admin_saves_the_tenant_and_switches_teams_on(org, admin_client, settings):
    settings.TEAMS_APP_ID = APP_ID
    url = org_url("teams-settings", org)

    response = admin_client.post(url, {"tenant_id": TENANT.upper(), "enabled": "on"})

    assert response.status_code == 302
    installation = TeamsInstallation.objects.get(organization=org)
    assert (installation.tenant_id, installation.enabled) == (TENANT, True)
    event = AuditEvent.objects.get(organization=org, verb="teams.update")
    assert event.changes == {"tenant_id": ["", TENANT], "enabled": [False, True]}
    text = page_text(admin_client.get(url))
    assert "The Teams app is on" in text and APP_ID in text and "/integrations/teams/messages" in text


def test_switching_on_needs_a_valid_tenant_of_no_other_organization(org, other_org, admin_client):
    install(other_org)
    url = org_url("teams-settings", org)

    missing = admin_client.post(url, {"tenant_id": "", "enabled": "on"})
    malformed = admin_client.post(url, {"tenant_id": "contoso.onmicrosoft.com", "enabled": "on"})
    taken = admin_client.post(url, {"tenant_id": TENANT, "enabled": "on"})

    assert [r.status_code for r in (missing, malformed, taken)] == [400, 400, 400]
    assert "Enter your Microsoft 365 tenant id" in page_text(missing)
    assert "A tenant id looks like" in page_text(malformed)
    assert "connected to another organization already" in page_text(taken)
    assert not TeamsInstallation.objects.filter(organization=org).exists()


def test_members_stakeholders_and_outsiders_do_not_reach_the_settings(
    org, member_client, stakeholder_client, outsider_client, settings
):
    settings.TEAMS_APP_ID = APP_ID
    for name in ("teams-settings", "teams-manifest"):
        url = org_url(name, org)
        assert member_client.get(url).status_code == 403
        assert stakeholder_client.get(url).status_code == 403
        assert outsider_client.get(url).status_code == 404
    assert (
        outsider_client.post(org_url("teams-settings", org), {"tenant_id": TENANT, "enabled": "on"}).status_code == 404
    )
    assert not TeamsInstallation.objects.exists()


def _png_size(data: bytes) -> tuple[int, int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height, _depth, colour = struct.unpack(">IIBB", data[16:26])
    return width, height, colour


def test_the_app_package_is_a_valid_teams_manifest(org, admin_client, settings):
    settings.TEAMS_APP_ID = APP_ID
    settings.SITE_URL = "https://mentorhub.example"

    response = admin_client.get(org_url("teams-manifest", org))

    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert 'filename="mentorhub-teams-alpha.zip"' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["$schema"].endswith("/teams/v1.16/MicrosoftTeams.schema.json")
    assert manifest["manifestVersion"] == "1.16" and re.match(r"^\d+\.\d+\.\d+$", manifest["version"])
    assert manifest["id"] == APP_ID and GUID.match(manifest["id"])
    assert len(manifest["name"]["short"]) <= 30 and manifest["name"]["full"] == "MentorHub for Alpha Ltd"
    assert len(manifest["description"]["short"]) <= 80 and len(manifest["description"]["full"]) <= 4000
    assert all(
        manifest["developer"][key].startswith("https://") for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl")
    )
    assert re.match(r"^#[0-9A-Fa-f]{6}$", manifest["accentColor"])
    assert manifest["bots"] == [
        {"botId": APP_ID, "scopes": ["personal"], "supportsFiles": False, "isNotificationOnly": False}
    ]
    assert manifest["validDomains"] == ["mentorhub.example"]
    assert manifest["icons"] == {"color": "color.png", "outline": "outline.png"}
    assert _png_size(archive.read("color.png")) == (192, 192, 6)
    assert _png_size(archive.read("outline.png")) == (32, 32, 6)


def test_without_a_bot_the_package_is_not_offered(org, admin_client, settings):
    settings.TEAMS_APP_ID = ""

    response = admin_client.get(org_url("teams-manifest", org), follow=True)

    assert response.redirect_chain[-1][0] == org_url("teams-settings", org)
    assert "not configured on this MentorHub yet" in page_text(response)


def test_the_django_admin_shows_the_teams_models_read_only(org, other_org, superuser_client, bot_peer):
    for organization in (org, other_org):
        install(organization, tenant=f"{organization.pk:08d}-0000-4000-8000-000000000000")
        pair = active_pair(organization)
        link(organization, pair.mentee.employee, bot_peer, f"29:{organization.slug}")
        TeamsCard.objects.create(
            organization=organization,
            employee=pair.mentee.employee,
            kind="match_proposed",
            object_id=pair.match.pk,
            title="Your match in Secret program",
        )
    for model in (TeamsInstallation, TeamsLink, TeamsCard):
        assert_read_only_with_organization_first(model)
        text = assert_changelist_filters_by_organization(superuser_client, model, org, other_org)
        assert "Secret program" not in text
    assert TeamsCard in admin_site._registry


def test_erasing_a_person_removes_their_teams_link_and_cards(org, admin, bot_peer):
    install(org)
    pair = active_pair(org)
    other = active_pair(org)
    for person, user_id in ((pair.mentee.employee, "29:gone"), (other.mentee.employee, "29:stays")):
        link(org, person, bot_peer, user_id)
        TeamsCard.objects.create(organization=org, employee=person, kind="match_proposed", object_id=1, title="x")

    with organization_scope(org.pk):
        employee_erase(organization=org, actor=admin.user, employee=pair.mentee.employee)

    assert list(TeamsLink.objects.values_list("teams_user_id", flat=True)) == ["29:stays"]
    assert list(TeamsCard.objects.values_list("employee_id", flat=True)) == [other.mentee.employee_id]
