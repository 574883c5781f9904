"""The caller's notifications, email preferences and calendar feed address."""

from __future__ import annotations

from rest_framework import serializers

from mentorhub.web.serializers import PlannedReadMixin

from ...messages import CATEGORIES
from ...models import Notification
from .common import absolute_url

EMAIL_CATEGORIES = [(key, label) for key, (label, _kinds) in CATEGORIES.items()]


# --- Notifications, preferences, calendar feed -----------------------------------------------------------------


class NotificationSerializer(PlannedReadMixin, serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Notification.KIND_CHOICES, read_only=True)
    read = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="The page it is about, in the browser.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "read", "read_at", "created_at"]
        read_only_fields = fields

    def get_read(self, notice: Notification) -> bool:
        return notice.read_at is not None

    def get_url(self, notice: Notification) -> str:
        return absolute_url(self.context.get("request"), notice.url)


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notices were unread and are read now.")


class UnreadSerializer(serializers.Serializer):
    unread = serializers.IntegerField()


class EmailCategorySerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=EMAIL_CATEGORIES)
    # A field named "label": the serializer's metaclass moves it into _declared_fields, so it never shadows
    # Field.label at runtime; mypy sees only the class attribute.
    label = serializers.CharField()  # type: ignore[assignment]
    email = serializers.BooleanField(help_text="Whether these come by email (in-app notices always appear).")


class PreferencesSerializer(serializers.Serializer):
    email_off = serializers.ListField(child=serializers.ChoiceField(choices=EMAIL_CATEGORIES))
    categories = EmailCategorySerializer(many=True)


class PreferencesWriteSerializer(serializers.Serializer):
    email_off = serializers.ListField(
        child=serializers.ChoiceField(choices=EMAIL_CATEGORIES),
        allow_empty=True,
        help_text="The kinds of email you do not want (in-app notices always appear).",
    )


class CalendarFeedSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Your secret subscription address: keep it to yourself.")
    rotated_at = serializers.DateTimeField(allow_null=True)
    last_fetched_at = serializers.DateTimeField(allow_null=True, help_text="When a calendar last read it.")
