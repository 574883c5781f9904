"""Proving a claimed domain in DNS: the SSO page shows the TXT record to publish, Verify looks it up on a real
DNS server on loopback (tests/identity/dns_peer.py), explains NXDOMAIN / a wrong value / a timeout, and a
verified domain belongs to one organization (the others' pending claims of it are dropped)."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from identity.models import ClaimedDomain
from identity.services.sso import domain_claim, domain_verify
from mentorhub.accounts.models import AuditEvent
from tests.helpers import org_url, page_text

from .dns_peer import dns_server, silent_dns_server  # noqa: F401

pytestmark = pytest.mark.django_db


def _verify(client, org, claim):
    return client.post(org_url("sso-domain-verify", org, domain_pk=claim.pk))


def _read(response) -> str:
    return html.unescape(page_text(response))


def test_an_admin_publishes_the_txt_record_and_verifies_the_domain(admin_client, org, admin, dns_server):  # noqa: F811
    claim = domain_claim(organization=org, actor=admin.user, domain="alpha.example")
    page = _read(admin_client.get(org_url("sso-settings", org)))
    assert "_mentorhub-challenge.alpha.example" in page
    assert f"mentorhub-domain-verification={claim.verification_token}" in page

    dns_server.publish("_mentorhub-challenge.alpha.example", "v=spf1 -all", claim.challenge_value)
    response = _verify(admin_client, org, claim)

    assert response.status_code == 302 and response["Location"].endswith("#domains")
    assert dns_server.resolver.queries == ["_mentorhub-challenge.alpha.example"]
    claim.refresh_from_db()
    assert claim.verified_at is not None
    event = AuditEvent.objects.get(organization=org, verb="sso.domain_verify")
    assert event.actor == admin.user and event.changes == {"domain": [None, "alpha.example"], "verified": [False, True]}
    page = _read(admin_client.get(org_url("sso-settings", org)))
    assert "alpha.example is verified" in page
    assert "Pending verification" not in page and "Verify alpha.example" not in page


def test_a_missing_record_is_explained_and_nothing_changes(admin_client, org, dns_server):  # noqa: F811
    claim = domain_claim(organization=org, actor=None, domain="alpha.example")
    response = _verify(admin_client, org, claim)
    assert response.status_code == 400
    text = _read(response)
    assert "No DNS record named _mentorhub-challenge.alpha.example exists yet." in text
    assert f"with the value mentorhub-domain-verification={claim.verification_token}" in text
    assert ClaimedDomain.objects.get(pk=claim.pk).verified_at is None
    assert not AuditEvent.objects.filter(verb="sso.domain_verify").exists()


def test_a_record_with_another_value_is_explained(org, dns_server):  # noqa: F811
    claim = domain_claim(organization=org, actor=None, domain="alpha.example")
    dns_server.publish(claim.challenge_name, "mentorhub-domain-verification=somebody-elses-token")
    with pytest.raises(ValidationError) as excinfo:
        domain_verify(organization=org, actor=None, domain_id=claim.pk)
    message = " ".join(excinfo.value.messages)
    assert "does not hold the expected value" in message and "somebody-elses-token" in message
    assert ClaimedDomain.objects.get(pk=claim.pk).verified_at is None


def test_a_dns_server_that_does_not_answer_is_a_timeout(org, silent_dns_server):  # noqa: F811
    claim = domain_claim(organization=org, actor=None, domain="alpha.example")
    with pytest.raises(ValidationError) as excinfo:
        domain_verify(organization=org, actor=None, domain_id=claim.pk)
    assert "did not answer in 0.3 seconds" in " ".join(excinfo.value.messages)
    assert ClaimedDomain.objects.get(pk=claim.pk).verified_at is None


def test_verifying_drops_the_other_organizations_pending_claims(org, other_org, dns_server):  # noqa: F811
    theirs = domain_claim(organization=other_org, actor=None, domain="shared.example")
    ours = domain_claim(organization=org, actor=None, domain="shared.example")
    # The other organization's token published: that proves nothing for ours.
    dns_server.publish_claim(theirs)
    with pytest.raises(ValidationError):
        domain_verify(organization=org, actor=None, domain_id=ours.pk)

    dns_server.publish_claim(ours)
    domain_verify(organization=org, actor=None, domain_id=ours.pk)

    assert list(ClaimedDomain.objects.filter(domain="shared.example").values_list("organization", flat=True)) == [
        org.pk
    ]
    dropped = AuditEvent.objects.get(organization=other_org, verb="sso.domain_drop")
    assert dropped.changes["domain"] == ["shared.example", None]
    assert org.name not in str(dropped.changes)
    with pytest.raises(ValidationError) as excinfo:
        domain_claim(organization=other_org, actor=None, domain="shared.example")
    assert "Another organization has already claimed and verified this domain." in excinfo.value.messages[0]


def test_a_domain_verified_elsewhere_cannot_be_verified_again(org, other_org, dns_server):  # noqa: F811
    ours = domain_claim(organization=org, actor=None, domain="shared.example")
    ClaimedDomain.objects.create(organization=other_org, domain="shared.example", verified_at=timezone.now())
    dns_server.publish_claim(ours)
    with pytest.raises(ValidationError) as excinfo:
        domain_verify(organization=org, actor=None, domain_id=ours.pk)
    assert "Another organization has already claimed and verified this domain." in excinfo.value.messages[0]
    assert ClaimedDomain.objects.get(pk=ours.pk).verified_at is None


def test_only_the_organizations_admins_verify_its_own_claims(admin_client, member_client, org, other_org):
    theirs = domain_claim(organization=other_org, actor=None, domain="beta.example")
    ours = domain_claim(organization=org, actor=None, domain="alpha.example")
    assert _verify(admin_client, org, theirs).status_code == 404
    assert _verify(member_client, org, ours).status_code == 403
    assert admin_client.get(org_url("sso-domain-verify", org, domain_pk=ours.pk)).status_code == 405
    assert not ClaimedDomain.objects.filter(verified_at__isnull=False).exists()
