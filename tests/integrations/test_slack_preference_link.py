"""sessions' notification preferences page links to "My Slack messages" while the organization has the Slack
app, through sessions' preference-links registry (integrations fills it in ready(); sessions never names the
route)."""

# ruff: noqa: F811 - the fixtures imported from slack_fixtures are named as test arguments

from __future__ import annotations

import pytest
from django.apps import apps

from sessions import extensions
from sessions.extensions import PreferenceLink, preference_links, register_preference_links
from tests.helpers import client_for, org_url, page_text

from .slack_fixtures import installation  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def _a_provider(organization, employee) -> list[PreferenceLink]:
    return [PreferenceLink(text=f"Elsewhere for {employee.name}", url="/elsewhere/")]


def test_the_page_has_no_slack_link_without_the_app(org, member):
    html = page_text(client_for(member).get(org_url("notification-preferences", org)))
    assert org_url("slack-my-messages", org) not in html
    assert "My Slack messages" not in html


def test_the_page_links_to_my_slack_messages_with_the_app(org, member, installation):
    html = page_text(client_for(member).get(org_url("notification-preferences", org)))
    assert f'<a href="{org_url("slack-my-messages", org)}">My Slack messages</a>' in html


def test_the_registry_is_filled_once_even_when_ready_runs_again(org, member, installation):
    apps.get_app_config("integrations").ready()
    links = preference_links(org, member.employee)
    assert [link.url for link in links] == [org_url("slack-my-messages", org)]


def test_a_registered_provider_adds_its_links_and_can_be_removed(org, member):
    register_preference_links(_a_provider)
    try:
        register_preference_links(_a_provider)
        assert [link.text for link in preference_links(org, member.employee)] == [
            f"Elsewhere for {member.employee.name}"
        ]
    finally:
        extensions.unregister_preference_links(_a_provider)
    assert preference_links(org, member.employee) == []
