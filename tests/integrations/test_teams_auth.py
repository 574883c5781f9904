"""The bot's messaging endpoint lets in only activities whose JWT the Bot Framework would have signed: a test
RSA key's JWKS is served on loopback as the OpenID metadata names it. Accepted: the person is linked by the
email Teams gives for them. Refused (401), and nothing done: no token, another key, another audience, another
issuer, an expired token, a token for another service URL."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import Client

from integrations.teams.models import TeamsLink
from mentorhub.accounts.models import AuditEvent

from .teams_peer import APP_ID, TENANT, activity, install, post_activity, token

pytestmark = pytest.mark.django_db


@pytest.fixture
def ellis(org, bot_peer, member):
    install(org)
    member.employee.email = "ellis@alpha.test"
    member.employee.save(update_fields=["email"])
    bot_peer.members["29:ellis"] = {
        "id": "29:ellis",
        "name": "Ellis",
        "aadObjectId": "00000000-0000-0000-0000-0000000000aa",
        "email": "Ellis@Alpha.test",
        "userPrincipalName": "ellis@alpha.test",
        "tenantId": TENANT,
    }
    return member.employee


def test_a_signed_activity_is_accepted_and_links_the_person_by_email(bot_peer, signing_key, ellis, org):
    body = activity(bot_peer, "conversationUpdate", membersAdded=[{"id": f"28:{APP_ID}"}])

    response = post_activity(Client(), body, token(signing_key, bot_peer.service_url))

    assert response.status_code == 200
    link = TeamsLink.objects.get(organization=org)
    assert (link.employee, link.teams_user_id, link.conversation_id) == (
        ellis,
        "29:ellis",
        "a:conversation-of-29:ellis",
    )
    assert link.service_url == bot_peer.service_url
    member_calls = [c for c in bot_peer.calls if "/members/" in c.path]
    assert len(member_calls) == 1 and member_calls[0].authorization == "Bearer bot-token-from-the-token-endpoint"
    token_call = next(c for c in bot_peer.calls if c.path == "/token")
    assert "grant_type=client_credentials" in token_call.body and f"client_id={APP_ID}" in token_call.body
    (greeting,) = bot_peer.sent()
    assert greeting.body["type"] == "message" and ellis.name in greeting.body["text"]
    assert AuditEvent.objects.filter(organization=org, verb="teams.link").count() == 1


def _refused(bot_peer, bearer):
    body = activity(bot_peer, "conversationUpdate", membersAdded=[{"id": f"28:{APP_ID}"}])
    response = post_activity(Client(), body, bearer)
    assert response.status_code == 401
    assert not TeamsLink.objects.exists()
    assert not [c for c in bot_peer.calls if c.path not in ("/openid", "/keys")], "a refused activity did something"


def test_no_token_is_refused(bot_peer, ellis):
    _refused(bot_peer, None)


def test_a_token_signed_by_another_key_is_refused(bot_peer, ellis):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    _refused(bot_peer, token(other, bot_peer.service_url))


def test_a_token_for_another_bot_is_refused(bot_peer, signing_key, ellis):
    _refused(bot_peer, token(signing_key, bot_peer.service_url, audience="another-bot"))


def test_a_token_of_another_issuer_is_refused(bot_peer, signing_key, ellis):
    _refused(bot_peer, token(signing_key, bot_peer.service_url, issuer="https://evil.example"))


def test_an_expired_token_is_refused(bot_peer, signing_key, ellis):
    # Past the five minutes of clock skew the Connector allows.
    _refused(bot_peer, token(signing_key, bot_peer.service_url, expires_in=-600))


def test_a_token_for_another_service_url_is_refused(bot_peer, signing_key, ellis):
    _refused(bot_peer, token(signing_key, "https://smba.trafficmanager.net/emea/"))


def test_a_key_unknown_to_the_jwks_is_refused(bot_peer, signing_key, ellis):
    _refused(bot_peer, token(signing_key, bot_peer.service_url, kid="not-in-the-jwks"))


def test_an_unknown_tenant_is_answered_but_nothing_is_done(bot_peer, signing_key, ellis):
    body = activity(bot_peer, "conversationUpdate", tenant="11111111-2222-3333-4444-555555555555")

    response = post_activity(Client(), body, token(signing_key, bot_peer.service_url))

    assert response.status_code == 200
    assert not TeamsLink.objects.exists()
    assert not bot_peer.sent()


def test_someone_not_on_the_roster_is_told_and_not_linked(bot_peer, signing_key, ellis):
    bot_peer.members["29:stranger"] = {"id": "29:stranger", "email": "stranger@elsewhere.test", "tenantId": TENANT}
    body = activity(bot_peer, "message", user_id="29:stranger", text="hi")

    response = post_activity(Client(), body, token(signing_key, bot_peer.service_url))

    assert response.status_code == 200
    assert not TeamsLink.objects.exists()
    (answer,) = bot_peer.sent()
    assert "could not find you" in answer.body["text"]


def test_removing_the_app_links_nobody_and_says_nothing(bot_peer, signing_key, ellis):
    bearer = token(signing_key, bot_peer.service_url)
    removed = activity(bot_peer, "installationUpdate", action="remove")
    left = activity(bot_peer, "conversationUpdate", membersRemoved=[{"id": f"28:{APP_ID}"}])

    answers = [post_activity(Client(), body, bearer).status_code for body in (removed, left)]

    assert answers == [200, 200]
    assert not TeamsLink.objects.exists()
    assert not bot_peer.sent()
