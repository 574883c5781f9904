"""Webhooks in the admin's language: the page's own words come from the integrations catalogue, each event's
description (mentorhub/accounts/outbox.py) is read when the page is drawn, in the page's language, not once when
the form's module was imported; the email telling admins an endpoint was switched off is in each admin's language,
its reason too. The failing endpoint is a real HTTP server on loopback (receiver.py)."""

from __future__ import annotations

import html

import pytest
from django.utils import translation
from django.utils.translation import gettext

from integrations.webhooks import delivery as engine
from integrations.webhooks.delivery import webhooks_deliver
from integrations.webhooks.forms import EndpointForm
from integrations.webhooks.models import WebhookEndpoint
from integrations.webhooks.services import endpoint_create
from mentorhub.accounts.models import Role
from mentorhub.accounts.outbox import EVENT_TYPES
from mentorhub.accounts.services.employees import employee_create
from tests.factories import MembershipFactory
from tests.helpers import org_url, page_text

from .receiver import receiver
from .test_webhooks_delivery import row

pytestmark = pytest.mark.django_db


def test_the_new_endpoint_page_is_in_the_admins_language(org, admin, admin_client):
    admin.user.language = "de"
    admin.user.save(update_fields=["language"])

    text = html.unescape(page_text(admin_client.get(org_url("webhook-new", org))))

    assert "<h1>Neuer Webhook-Endpunkt</h1>" in text
    assert "Eine https://-Adresse Ihres eigenen Systems, die POST-Anfragen annimmt." in text
    with translation.override("de"):
        for name, description in EVENT_TYPES.items():
            assert f" {name}: {gettext(str(description))}</label>" in text


def test_the_event_choices_are_lazy_so_each_page_reads_them_in_its_language():
    labels = dict(EndpointForm.base_fields["event_types"].choices)
    assert all(not isinstance(label, str) for label in labels.values())  # a str was fixed at import
    with translation.override("fr"):
        assert str(labels["match.ended"]) == f"match.ended: {gettext(str(EVENT_TYPES['match.ended']))}"


def test_the_switched_off_email_is_in_each_admins_language(settings, org, admin, mailoutbox):
    admin.user.language = "fr"
    admin.user.save(update_fields=["language"])
    english = MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin2@alpha.test")
    with receiver([500] * 5) as server:
        settings.OUTBOUND_FETCH_ALLOW_LOOPBACK_PORTS = [server.port]
        endpoint, _ = endpoint_create(
            organization=org, actor=admin.user, url=server.url(), event_types=["employee.created"]
        )
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=engine.DISABLE_AFTER_FAILURES - 1)
        employee_create(
            organization=org,
            actor=None,
            values=row("E1"),
            source="admin",
        )
        assert webhooks_deliver().disabled == 1

    mails = {mail.to[0]: mail for mail in mailoutbox}
    failures = engine.DISABLE_AFTER_FAILURES
    french = mails[admin.user.email]
    assert french.subject.endswith("Un point de terminaison webhook de Alpha Ltd a été désactivé")
    nbsp, apostrophe = "\u00a0", "\u2019"  # French typography: a no-break space before the colon, curly apostrophes
    expected = (
        f"MentorHub n'a pas pu livrer d'événements à {server.url()}{nbsp}: "
        f"Désactivé après {failures} tentatives échouées d'affilée.\n\n"
        f"Plus rien ne lui est envoyé jusqu'à ce qu'un administrateur le réactive dans Paramètres -> Webhooks{nbsp}:\n"
    )
    assert french.body.startswith(expected.replace("'", apostrophe))
    assert mails[english.user.email].body.startswith(
        f"MentorHub could not deliver events to {server.url()}: Switched off after {failures} failed attempts in a row."
    )
