"""The Slack app's test fixtures, imported by its test modules (tests/integrations/ is shared with the other
integrations): settings pointing at a local Slack (tests/integrations/slack_peer.py), an installation, and a
match proposed to the signed-in member and a mentor, each with a Slack user."""

from __future__ import annotations

import pytest

from integrations.slack.client import token_encrypt
from integrations.slack.models import SlackInstallation
from matching.models import Match
from programs.models import Participant
from tests.matching.builders import make_match, make_run, page_cohort

from .slack_peer import BOT_TOKEN, SIGNING_SECRET, TEAM, slack_peer

SITE = "https://mentorhub.test"


@pytest.fixture
def cohort(org, member):
    cohort = page_cohort(org, mentors=1, mentees=1)
    cohort.me = cohort.add(Participant.Role.MENTEE, name="Me", level=2, employee=member.employee)
    return cohort


@pytest.fixture
def match(cohort):
    return make_match(cohort, make_run(cohort), cohort.mentors[0], [cohort.me], status=Match.Status.APPROVED)


@pytest.fixture
def slack_users(member, cohort) -> dict[str, str]:
    """Who Slack knows, by email: the member and the mentor of the match."""
    return {member.employee.email: "UMEMBER", cohort.mentors[0].employee.email: "UMENTOR"}


@pytest.fixture
def peer(settings, slack_users):
    with slack_peer(slack_users) as peer:
        settings.SLACK_API_BASE_URL = peer.base_url
        settings.SLACK_CLIENT_ID = "client-id-1"
        settings.SLACK_CLIENT_SECRET = "client-secret-1"
        settings.SLACK_SIGNING_SECRET = SIGNING_SECRET
        settings.SLACK_AUTHORIZE_URL = "https://slack.example/oauth/v2/authorize"
        settings.SITE_URL = SITE
        yield peer


@pytest.fixture
def installation(org, admin):
    return SlackInstallation.objects.create(
        organization=org,
        team_id=TEAM["id"],
        team_name=TEAM["name"],
        bot_user_id="UBOT",
        bot_token_encrypted=token_encrypt(BOT_TOKEN),
        installed_by=admin.user,
    )
