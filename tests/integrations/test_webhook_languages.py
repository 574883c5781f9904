"""Settings -> Webhooks in the admin's language: the page's own words come from the integrations catalogue, and
each event's description (mentorhub/accounts/outbox.py) is read when the page is drawn, in the page's language,
not once when the form's module was imported."""

from __future__ import annotations

import html

import pytest
from django.utils import translation
from django.utils.translation import gettext

from integrations.webhooks.forms import EndpointForm
from mentorhub.accounts.outbox import EVENT_TYPES
from tests.helpers import org_url, page_text

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
