"""Settings -> Slack: the OAuth v2 installation end to end against a local Slack (the state bound to the
browser session and the organization, the code exchanged at oauth.v2.access, the token stored encrypted), the
uninstall (asked first; the token revoked, nothing sent after), Slack's own uninstall event, and the page's
doors: admins only, another organization's admin 404."""

# ruff: noqa: F811 - the fixtures imported from slack_fixtures are named as test arguments

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from integrations.slack.models import SlackInstallation, SlackMessage, SlackPerson
from mentorhub.accounts.extensions import PersonalNotice, notice_channels_deliver
from mentorhub.accounts.models import AuditEvent
from tests.helpers import client_for, org_url, page_text

from .slack_fixtures import cohort, installation, match, peer, slack_users  # noqa: F401 - fixtures (tests/integrations/ has no conftest of its own)
from .slack_peer import BOT_TOKEN, TEAM, basic_auth, signed_headers

pytestmark = pytest.mark.django_db


def _start(client, org) -> str:
    response = client.post(org_url("slack-install", org))
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == "https://slack.example/oauth/v2/authorize"
    query = parse_qs(location.query)
    assert query["client_id"] == ["client-id-1"]
    assert query["scope"] == ["chat:write,im:write,users:read,users:read.email"]
    assert query["redirect_uri"] == ["https://mentorhub.test/integrations/slack/oauth/"]
    return query["state"][0]


def _come_back(client, query: str):
    response = client.get(f"{reverse('slack-oauth-return')}?{query}")
    assert response.status_code == 302
    return client.get(response["Location"])


class TestInstall:
    def test_the_oauth_flow_end_to_end(self, org, admin, admin_client, peer):
        assert "Add to Slack" in page_text(admin_client.get(org_url("slack-settings", org)))
        state = _start(admin_client, org)
        response = _come_back(admin_client, f"code=good-code&state={state}")
        assert response.status_code == 302

        (call,) = peer.calls
        assert call.method == "oauth.v2.access"
        assert call.args == {"code": "good-code", "redirect_uri": "https://mentorhub.test/integrations/slack/oauth/"}
        assert basic_auth(call) == ("client-id-1", "client-secret-1")
        installation = SlackInstallation.objects.get(organization=org)
        assert (installation.team_id, installation.team_name, installation.installed_by) == (
            TEAM["id"],
            TEAM["name"],
            admin.user,
        )
        assert BOT_TOKEN not in installation.bot_token_encrypted  # stored encrypted
        assert AuditEvent.objects.filter(organization=org, verb="slack.install").count() == 1
        html = page_text(admin_client.get(org_url("slack-settings", org)))
        assert TEAM["name"] in html and TEAM["id"] in html and "Uninstall from Slack" in html

    def test_a_state_this_session_did_not_start_is_refused_without_asking_slack(self, org, admin_client, peer):
        _start(admin_client, org)
        response = _come_back(admin_client, "code=good-code&state=forged")
        assert response.status_code == 302
        assert not peer.calls
        assert not SlackInstallation.objects.exists()

    def test_another_browser_session_cannot_finish_the_installation(self, org, admin, admin_client, peer):
        state = _start(admin_client, org)
        other = client_for(admin)  # the same admin, another session: nothing pending there
        assert other.get(f"{reverse('slack-oauth-return')}?code=good-code&state={state}").status_code == 404
        assert not peer.calls

    def test_a_code_slack_refuses_installs_nothing(self, org, admin_client, peer):
        state = _start(admin_client, org)
        response = _come_back(admin_client, f"code=bad-code&state={state}")
        assert response.status_code == 302
        assert [call.method for call in peer.calls] == ["oauth.v2.access"]
        assert not SlackInstallation.objects.exists()

    def test_without_the_server_settings_the_page_says_so(self, org, admin_client, settings):
        settings.SLACK_CLIENT_ID = ""
        html = page_text(admin_client.get(org_url("slack-settings", org)))
        assert "not set up on this MentorHub server" in html
        assert admin_client.post(org_url("slack-install", org)).status_code == 302


class TestDoors:
    @pytest.mark.parametrize("name", ["slack-settings", "slack-uninstall", "slack-callback"])
    def test_another_organizations_admin_gets_404(self, org, outsider_client, installation, name):
        assert outsider_client.get(org_url(name, org)).status_code == 404
        assert outsider_client.post(org_url("slack-install", org)).status_code == 404
        assert outsider_client.post(org_url("slack-uninstall", org)).status_code == 404
        assert SlackInstallation.objects.filter(organization=org).exists()

    def test_members_are_refused(self, org, member_client, installation):
        assert member_client.get(org_url("slack-settings", org)).status_code == 403
        assert member_client.post(org_url("slack-uninstall", org)).status_code == 403
        assert SlackInstallation.objects.filter(organization=org).exists()


class TestUninstall:
    def test_uninstall_asks_first_then_revokes_and_stops_every_message(
        self, org, admin_client, member, match, installation, peer, django_capture_on_commit_callbacks
    ):
        page = page_text(admin_client.get(org_url("slack-uninstall", org)))
        assert "Uninstall MentorHub from Alpha Slack?" in page
        assert SlackInstallation.objects.filter(organization=org).exists()  # asking changes nothing

        response = admin_client.post(org_url("slack-uninstall", org))
        assert response.status_code == 302
        (revoke,) = peer.calls
        assert revoke.method == "auth.revoke"
        assert revoke.headers["authorization"] == f"Bearer {BOT_TOKEN}"
        assert not SlackInstallation.objects.filter(organization=org).exists()
        assert AuditEvent.objects.filter(organization=org, verb="slack.uninstall").count() == 1

        with django_capture_on_commit_callbacks(execute=True):
            notice_channels_deliver([PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)])
        assert [call.method for call in peer.calls] == ["auth.revoke"]  # nothing after
        assert not SlackMessage.objects.exists()

    def test_slack_telling_us_the_app_was_uninstalled_removes_it(self, client, org, installation, peer):
        body = json.dumps(
            {"type": "event_callback", "team_id": TEAM["id"], "event": {"type": "app_uninstalled"}}
        ).encode()
        response = client.post(
            reverse("slack-events"), data=body, content_type="application/json", **signed_headers(body)
        )
        assert response.status_code == 200
        assert not SlackInstallation.objects.filter(organization=org).exists()
        assert not peer.calls  # the token is gone at Slack already: nothing to revoke

    def test_the_events_url_answers_slacks_verification_challenge(self, client, peer):
        body = json.dumps({"type": "url_verification", "challenge": "abc123"}).encode()
        response = client.post(
            reverse("slack-events"), data=body, content_type="application/json", **signed_headers(body)
        )
        assert response.json() == {"challenge": "abc123"}
        unsigned = client.post(reverse("slack-events"), data=body, content_type="application/json")
        assert unsigned.status_code == 401


class TestMySlackMessages:
    def test_a_person_switches_slack_messages_off_and_on_and_nothing_is_sent_while_off(
        self, org, member, member_client, match, installation, peer, django_capture_on_commit_callbacks
    ):
        url = org_url("slack-my-messages", org)
        assert "Send me MentorHub's messages in Slack" in page_text(member_client.get(url))
        assert member_client.post(url, {}).status_code == 302  # the box unticked
        person = SlackPerson.objects.get(organization=org, employee=member.employee)
        assert person.dms_off and person.slack_user_id == ""

        with django_capture_on_commit_callbacks(execute=True):
            notice_channels_deliver([PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)])
        assert not peer.calls

        member_client.post(url, {"wanted": "on"})
        SlackMessage.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            notice_channels_deliver([PersonalNotice(org.pk, member.employee_id, "match_proposed", match.pk)])
        # Never looked up for real: the switch alone does not count as a lookup.
        assert [call.method for call in peer.calls] == ["users.lookupByEmail", "chat.postMessage"]

    def test_another_organizations_member_gets_404(self, org, member, outsider_client):
        url = org_url("slack-my-messages", org)
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url, {}).status_code == 404
        assert not SlackPerson.objects.exists()


def test_a_workspace_connected_to_another_organization_is_refused(org, other_org, admin_client, peer):
    SlackInstallation.objects.create(organization=other_org, team_id=TEAM["id"], bot_token_encrypted="x")
    state = _start(admin_client, org)
    _come_back(admin_client, f"code=good-code&state={state}")
    assert [call.method for call in peer.calls] == ["oauth.v2.access", "auth.revoke"]
    assert peer.calls[1].headers["authorization"] == f"Bearer {BOT_TOKEN}"
    assert not SlackInstallation.objects.filter(organization=org).exists()
