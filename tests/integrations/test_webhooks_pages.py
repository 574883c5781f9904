"""Settings -> Webhooks: what an admin does there, what the others get (403 for members and stakeholders, 404
for another organization's admin), the secret shown once and stored encrypted, the delivery log and its
"send again" (once, however often it is clicked), and the Django admin."""

from __future__ import annotations

import pytest

from identity.crypto import secret_decrypt
from integrations.webhooks.models import WebhookDelivery, WebhookEndpoint
from mentorhub.accounts.models import AuditEvent, Organization, OutboxEvent
from tests.admin_checks import assert_changelist_filters_by_organization, assert_read_only_with_organization_first
from tests.helpers import client_for, org_url, page_text

from .builders import endpoint_for, webhook_with_delivery

pytestmark = pytest.mark.django_db
DELETE = ["webhook.delete"]


def test_an_admin_adds_an_endpoint_and_sees_its_secret_once(admin_client, org):
    response = admin_client.post(
        org_url("webhook-new", org),
        {
            "url": "https://hooks.example.com/mentorhub",
            "description": "Data lake",
            "event_types": ["match.approved", "session.held"],
        },
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(organization=org)
    secret = secret_decrypt(endpoint.secret_encrypted)
    assert secret.startswith("whsec_") and secret in page_text(response)
    assert secret not in endpoint.secret_encrypted  # stored encrypted
    assert response["Cache-Control"] == "no-store"
    assert endpoint.event_types == ["match.approved", "session.held"]
    assert Organization.objects.get(pk=org.pk).webhooks_active is True
    # Never again: the endpoint's page and the list do not show it.
    assert secret not in page_text(admin_client.get(org_url("webhook-detail", org, endpoint_pk=endpoint.pk)))
    listing = page_text(admin_client.get(org_url("webhook-list", org)))
    assert secret not in listing and "https://hooks.example.com/mentorhub" in listing
    assert AuditEvent.objects.filter(organization=org, verb="webhook.create").count() == 1


def test_the_form_refuses_http_and_private_addresses_and_no_events(admin_client, org):
    response = admin_client.post(
        org_url("webhook-new", org), {"url": "https://169.254.169.254/latest/", "event_types": ["match.ended"]}
    )
    assert response.status_code == 400 and "link-local" in page_text(response)
    response = admin_client.post(org_url("webhook-new", org), {"url": "http://hooks.example.com/x"})
    assert response.status_code == 400
    assert "https://" in page_text(response) and "Choose at least one event" in page_text(response)
    assert not WebhookEndpoint.objects.exists()


def test_edit_rotate_switch_off_and_delete(admin_client, org, admin):
    endpoint, secret = endpoint_for(org, admin.user)
    detail = org_url("webhook-detail", org, endpoint_pk=endpoint.pk)
    response = admin_client.post(
        detail, {"url": "https://hooks.example.com/v2", "description": "", "event_types": ["employee.left"]}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.event_types) == ("https://hooks.example.com/v2", ["employee.left"])

    rotated = admin_client.post(org_url("webhook-rotate", org, endpoint_pk=endpoint.pk))
    endpoint.refresh_from_db()
    new_secret = secret_decrypt(endpoint.secret_encrypted)
    assert new_secret != secret and new_secret in page_text(rotated)
    assert secret_decrypt(endpoint.previous_secret_encrypted) == secret
    assert "24 hours" in page_text(rotated)

    admin_client.post(org_url("webhook-toggle", org, endpoint_pk=endpoint.pk), {"enabled": "0"})
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).enabled is False
    assert Organization.objects.get(pk=org.pk).webhooks_active is False
    admin_client.post(org_url("webhook-toggle", org, endpoint_pk=endpoint.pk), {"enabled": "1"})
    assert Organization.objects.get(pk=org.pk).webhooks_active is True

    confirm = admin_client.get(org_url("webhook-delete", org, endpoint_pk=endpoint.pk))
    assert "cannot be undone" in page_text(confirm)
    assert WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()  # asking deletes nothing
    admin_client.post(org_url("webhook-delete", org, endpoint_pk=endpoint.pk))
    assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert Organization.objects.get(pk=org.pk).webhooks_active is False
    verbs = list(
        AuditEvent.objects.filter(organization=org, verb__startswith="webhook.").values_list("verb", flat=True)
    )
    assert sorted(verbs) == sorted(
        ["webhook.create", "webhook.update", "webhook.rotate_secret", "webhook.disable", "webhook.enable", *DELETE]
    )


def test_the_delivery_log_shows_codes_and_send_again_queues_once(admin_client, org, admin):
    endpoint, delivery = webhook_with_delivery(org, admin.user)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        log=[
            {"at": "2026-12-01T10:00:00+00:00", "status": 500, "error": "The endpoint answered HTTP 500."},
            *delivery.log,
        ]
    )
    log = page_text(admin_client.get(org_url("webhook-deliveries", org, endpoint_pk=endpoint.pk)))
    assert "HTTP 204" in log and "HTTP 500" in log and delivery.message_id in log

    again = org_url("webhook-send-again", org, endpoint_pk=endpoint.pk, delivery_pk=delivery.pk)
    admin_client.post(again)
    admin_client.post(again)  # a double click
    delivery.refresh_from_db()
    assert delivery.status == "pending" and delivery.attempts == 0
    assert AuditEvent.objects.filter(organization=org, verb="webhook.send_again").count() == 1


def test_send_a_test_event(admin_client, org, admin):
    endpoint, _secret = endpoint_for(org, admin.user)
    response = admin_client.post(org_url("webhook-test", org, endpoint_pk=endpoint.pk), follow=True)
    assert "test event" in page_text(response)
    test = WebhookDelivery.objects.get(endpoint=endpoint)
    assert (test.event_type, test.status, test.outbox_event_id) == ("webhook.test", "pending", None)
    assert test.payload["data"] == {"endpoint_id": endpoint.pk}
    assert not OutboxEvent.objects.exists()


def test_the_delivery_log_is_paginated(admin_client, org, admin):
    endpoint, _delivery = webhook_with_delivery(org, admin.user)
    for number in range(30):
        WebhookDelivery.objects.create(
            organization=org, endpoint=endpoint, message_id=f"msg_page{number}", event_type="match.approved"
        )
    first = admin_client.get(org_url("webhook-deliveries", org, endpoint_pk=endpoint.pk))
    assert "Page 1 of 2" in page_text(first)
    assert len(first.context["page"].object_list) == 25


def test_members_are_refused_and_outsiders_get_404(org, admin, member, stakeholder, outsider):
    endpoint, delivery = webhook_with_delivery(org, admin.user)
    gets = [
        org_url("webhook-list", org),
        org_url("webhook-new", org),
        org_url("webhook-detail", org, endpoint_pk=endpoint.pk),
        org_url("webhook-delete", org, endpoint_pk=endpoint.pk),
        org_url("webhook-deliveries", org, endpoint_pk=endpoint.pk),
    ]
    posts = [
        org_url("webhook-rotate", org, endpoint_pk=endpoint.pk),
        org_url("webhook-toggle", org, endpoint_pk=endpoint.pk),
        org_url("webhook-test", org, endpoint_pk=endpoint.pk),
        org_url("webhook-delete", org, endpoint_pk=endpoint.pk),
        org_url("webhook-send-again", org, endpoint_pk=endpoint.pk, delivery_pk=delivery.pk),
    ]
    for membership, status in ((member, 403), (stakeholder, 403), (outsider, 404)):
        client = client_for(membership)
        for url in gets:
            assert client.get(url).status_code == status, url
        for url in posts:
            assert client.post(url, {"enabled": "0"}).status_code == status, url
    # The outsider's own organization cannot reach the endpoint by its id either.
    outsider_client = client_for(outsider)
    beta_detail = org_url("webhook-detail", outsider.organization, endpoint_pk=endpoint.pk)
    assert outsider_client.get(beta_detail).status_code == 404
    assert (
        outsider_client.post(
            org_url("webhook-send-again", outsider.organization, endpoint_pk=endpoint.pk, delivery_pk=delivery.pk)
        ).status_code
        == 404
    )
    endpoint.refresh_from_db()
    assert endpoint.enabled is True and secret_decrypt(endpoint.previous_secret_encrypted) == ""
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == "delivered"


def test_the_django_admin_is_read_only_and_never_shows_secrets(superuser_client, org, other_org, admin, outsider):
    webhook_with_delivery(org, admin.user)
    webhook_with_delivery(other_org, outsider.user)
    for model in (WebhookEndpoint, WebhookDelivery):
        assert_read_only_with_organization_first(model)
        assert_changelist_filters_by_organization(superuser_client, model, org, other_org)
    endpoint = WebhookEndpoint.objects.filter(organization=org).first()
    page = page_text(superuser_client.get(f"/admin/integrations/webhookendpoint/{endpoint.pk}/change/"))
    assert endpoint.secret_encrypted not in page
