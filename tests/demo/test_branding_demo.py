"""seed_demo's branding (demo/branding.py): acme's emails show its logo (served at its absolute address) and its
green; a second run changes nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client

from demo.accounts import seed_accounts_demo
from demo.branding import ACME_GREEN, LOGO, seed_branding_demo
from mentorhub.accounts.branding import branding_of
from mentorhub.accounts.models import AuditEvent, Organization


@pytest.mark.django_db
def test_acme_has_a_logo_and_a_colour():
    seed_accounts_demo()
    seed_branding_demo()
    seed_branding_demo()  # idempotent
    acme = Organization.objects.get(slug="acme")
    branding = branding_of(acme)
    assert branding.colour == ACME_GREEN and branding.logo_url.startswith("http")
    response = Client().get(urlsplit(branding.logo_url).path)
    assert response.status_code == 200 and b"".join(response.streaming_content) == LOGO.read_bytes()
    assert AuditEvent.objects.filter(organization=acme, verb="organization.branding_update").count() == 1
    assert Organization.objects.get(slug="globex").brand_logo == ""
