"""The integrations' page routes (settings pages under /o/<org_slug>/settings/, and the chat services' callbacks)."""

from django.urls import include, path

from .teams.urls import urlpatterns as teams_urls
from .webhooks import views as webhooks

urlpatterns: list = [
    path("", include("integrations.slack.urls")),
    *teams_urls,
    # Settings -> Webhooks (admins).
    path("o/<slug:org_slug>/settings/webhooks/", webhooks.webhook_list, name="webhook-list"),
    path("o/<slug:org_slug>/settings/webhooks/new/", webhooks.webhook_new, name="webhook-new"),
    path("o/<slug:org_slug>/settings/webhooks/<int:endpoint_pk>/", webhooks.webhook_detail, name="webhook-detail"),
    path(
        "o/<slug:org_slug>/settings/webhooks/<int:endpoint_pk>/rotate/",
        webhooks.webhook_rotate,
        name="webhook-rotate",
    ),
    path(
        "o/<slug:org_slug>/settings/webhooks/<int:endpoint_pk>/enabled/",
        webhooks.webhook_toggle,
        name="webhook-toggle",
    ),
    path(
        "o/<slug:org_slug>/settings/webhooks/<int:endpoint_pk>/delete/",
        webhooks.webhook_delete,
        name="webhook-delete",
    ),
    path("o/<slug:org_slug>/settings/webhooks/<int:endpoint_pk>/test/", webhooks.webhook_test, name="webhook-test"),
    path(
        "o/<slug:org_slug>/settings/webhooks/<int:endpoint_pk>/deliveries/",
        webhooks.webhook_deliveries,
        name="webhook-deliveries",
    ),
    path(
        "o/<slug:org_slug>/settings/webhooks/<int:endpoint_pk>/deliveries/<int:delivery_pk>/send-again/",
        webhooks.webhook_send_again,
        name="webhook-send-again",
    ),
]
