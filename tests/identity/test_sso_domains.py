"""Email domains an organization claims for SSO: written one way, public mail services refused, one
organization per VERIFIED domain (the refusal never names the other one), released only after a confirmation.
Verification itself (DNS TXT records on a loopback DNS server): test_sso_domain_verification.py."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from identity.domains import domain_normalize
from identity.models import ClaimedDomain
from identity.selectors import organization_for_email_domain
from identity.services.sso import domain_claim
from mentorhub.accounts.models import AuditEvent
from tests.helpers import org_url, page_text

from .dns_peer import verified_claim

pytestmark = pytest.mark.django_db


def _claim(client, org, domain: str):
    return client.post(org_url("sso-settings", org), {"action": "claim-domain", "domain": domain})


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Example.COM", "example.com"),
        ("  example.com.  ", "example.com"),
        ("@example.com", "example.com"),
        ("someone@Mail.Example.com", "mail.example.com"),
        ("https://www.example.com/about?x=1", "www.example.com"),
        ("example.com:443", "example.com"),
        ("bücher.ch", "xn--bcher-kva.ch"),
        ("xn--bcher-kva.ch", "xn--bcher-kva.ch"),
    ],
)
def test_a_domain_is_written_one_way(typed, stored):
    assert domain_normalize(typed) == stored


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter an email domain"),
        ("localhost", "is not a valid domain name"),
        ("-bad-.com", "is not a valid domain name"),
        ("exa mple.com", "is not a valid domain name"),
        ("10.0.0.1", "is not a valid domain name"),
        ("gmail.com", "gmail.com is a public email service"),
        ("Outlook.com", "outlook.com is a public email service"),
        ("eu.hotmail.com", "is a public email service"),
    ],
)
def test_what_is_not_an_organization_domain_is_refused_with_a_reason(typed, message):
    with pytest.raises(ValidationError) as excinfo:
        domain_normalize(typed)
    assert message in " ".join(excinfo.value.messages)


def test_an_admin_claims_a_domain_on_the_sso_page(admin_client, org, admin):
    response = _claim(admin_client, org, "@Alpha.Example")
    assert response.status_code == 302 and response["Location"].endswith("#domains")
    claim = ClaimedDomain.objects.get(organization=org)
    assert claim.domain == "alpha.example"
    event = AuditEvent.objects.get(organization=org, verb="sso.domain_claim")
    assert event.actor == admin.user and event.changes == {"domain": [None, "alpha.example"]}
    assert claim.verified_at is None  # pending until proved in DNS
    page = page_text(admin_client.get(org_url("sso-settings", org)))
    assert "alpha.example is claimed. Publish its TXT record in your DNS, then press Verify" in page
    assert "Pending verification" in page
    assert 'value="_mentorhub-challenge.alpha.example"' in page
    assert f'value="mentorhub-domain-verification={claim.verification_token}"' in page
    assert 'Verify<span class="visually-hidden"> alpha.example</span>' in page
    assert 'Release<span class="visually-hidden"> alpha.example</span>' in page


def test_a_domain_another_organization_verified_is_refused_without_naming_it(admin_client, org, other_org):
    verified_claim(other_org, "shared.example")
    response = _claim(admin_client, org, "SHARED.example")
    assert response.status_code == 400
    text = page_text(response)
    assert "Another organization has already claimed and verified this domain." in text
    assert other_org.name not in text and other_org.slug not in text
    assert not ClaimedDomain.objects.filter(organization=org).exists()
    assert not AuditEvent.objects.filter(organization=org, verb="sso.domain_claim").exists()


def test_another_organizations_pending_claim_blocks_nobody(admin_client, org, other_org):
    theirs = domain_claim(organization=other_org, actor=None, domain="shared.example")
    assert _claim(admin_client, org, "shared.example").status_code == 302
    assert set(ClaimedDomain.objects.filter(domain="shared.example").values_list("organization", flat=True)) == {
        org.pk,
        other_org.pk,
    }
    assert ClaimedDomain.objects.filter(pk=theirs.pk, verified_at__isnull=True).exists()


def test_claiming_twice_and_public_mail_services_are_explained(admin_client, org):
    domain_claim(organization=org, actor=None, domain="alpha.example")
    again = _claim(admin_client, org, "alpha.example")
    assert again.status_code == 400
    assert "alpha.example is already one of your organization&#x27;s domains." in page_text(again)
    public = _claim(admin_client, org, "gmail.com")
    assert public.status_code == 400
    assert "gmail.com is a public email service" in page_text(public)
    assert 'aria-invalid="true"' in page_text(public)  # the field is marked, its error read out with it
    assert ClaimedDomain.objects.filter(organization=org).count() == 1


def test_releasing_asks_first_then_frees_the_domain(admin_client, org, other_org, admin):
    claim = domain_claim(organization=org, actor=None, domain="alpha.example")
    url = org_url("sso-domain-release", org, domain_pk=claim.pk)
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    text = page_text(confirm)
    assert "Release the domain alpha.example?" in text and "Any organization may then claim this domain" in text
    assert ClaimedDomain.objects.filter(pk=claim.pk).exists()  # the GET changed nothing

    response = admin_client.post(url)
    assert response.status_code == 302
    assert not ClaimedDomain.objects.filter(pk=claim.pk).exists()
    event = AuditEvent.objects.get(organization=org, verb="sso.domain_release")
    assert event.actor == admin.user and event.changes == {"domain": ["alpha.example", None]}
    # Free for anyone now.
    assert domain_claim(organization=other_org, actor=None, domain="alpha.example").organization == other_org


def test_another_organizations_domain_cannot_be_released_from_ones_own(admin_client, org, other_org):
    theirs = ClaimedDomain.objects.create(organization=other_org, domain="beta.example")
    url = org_url("sso-domain-release", org, domain_pk=theirs.pk)
    assert admin_client.get(url).status_code == 404
    assert admin_client.post(url).status_code == 404
    assert ClaimedDomain.objects.filter(pk=theirs.pk).exists()


def test_members_may_not_claim_or_release(member_client, org):
    claim = ClaimedDomain.objects.create(organization=org, domain="alpha.example")
    assert _claim(member_client, org, "other.example").status_code == 403
    assert member_client.post(org_url("sso-domain-release", org, domain_pk=claim.pk)).status_code == 403
    assert list(ClaimedDomain.objects.values_list("domain", flat=True)) == ["alpha.example"]


def test_the_organization_of_an_email_domain_is_the_one_that_verified_it(org, other_org):
    verified_claim(org, "bücher.example")
    verified_claim(other_org, "beta.example")
    domain_claim(organization=org, actor=None, domain="pending.example")
    assert organization_for_email_domain("someone@pending.example") is None  # a pending claim counts for nothing
    assert organization_for_email_domain("Someone@BÜCHER.example") == org
    assert organization_for_email_domain("xn--bcher-kva.example") == org
    assert organization_for_email_domain("beta.example.") == other_org
    assert organization_for_email_domain("sub.beta.example") is None  # subdomains are claimed one by one
    assert organization_for_email_domain("nobody.example") is None
    assert organization_for_email_domain("") is None
