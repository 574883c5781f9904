"""Sessions: how they are listed and read (shared notes and one's own feedback in the detail only), and what
scheduling, changing, logging, cancelling and rating take."""

from __future__ import annotations

from typing import Any, cast

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from matching.models import MatchMember

from ...models import MAX_DURATION_MINUTES, MIN_DURATION_MINUTES, MentoringSession, SessionFeedback
from ...selectors.matches import match_members_of
from ...services.sessions import MAX_TOPIC_LENGTH, MAX_TOPICS
from .common import AwareDateTimeField, page_url

# The statuses a new session may be created in: scheduled ahead, or held (a meeting that already happened).
NEW_SESSION_STATUSES = [
    (MentoringSession.Status.SCHEDULED.value, MentoringSession.Status.SCHEDULED.label),
    (MentoringSession.Status.HELD.value, MentoringSession.Status.HELD.label),
]
# How a scheduled session is logged (cancelling is its own action: it tells the others).
LOG_STATUSES = [
    (MentoringSession.Status.HELD.value, MentoringSession.Status.HELD.label),
    (MentoringSession.Status.MISSED.value, MentoringSession.Status.MISSED.label),
]


# --- People ----------------------------------------------------------------------------------------------------


class SessionPersonSerializer(serializers.Serializer):
    """Someone in the match (a MatchMember with its participant and employee loaded)."""

    employee_id = serializers.IntegerField(source="participant.employee_id")
    name = serializers.CharField(source="participant.employee.name")
    role = serializers.ChoiceField(choices=MatchMember.Role.choices)
    time_zone = serializers.CharField(source="participant.employee.time_zone")


class SessionPersonDetailSerializer(SessionPersonSerializer):
    gave_feedback = serializers.SerializerMethodField(
        help_text="Whether this person rated the session (never what they wrote)."
    )

    def get_gave_feedback(self, member: MatchMember) -> bool:
        return member.participant.employee_id in self.context.get("feedback_given", set())


# --- Sessions --------------------------------------------------------------------------------------------------


class FeedbackSerializer(serializers.ModelSerializer):
    """Your own view of a held session. The reflection is yours alone: nobody else ever reads it."""

    class Meta:
        model = SessionFeedback
        fields = ["session", "rating", "topics", "reflection", "created_at", "updated_at"]
        read_only_fields = fields


class SessionSerializer(serializers.ModelSerializer):
    """A session as lists show it: when, how, where, and how it went; never notes or feedback."""

    program_name = serializers.CharField(source="program.name", read_only=True)
    ends_at = serializers.DateTimeField(read_only=True)
    people = serializers.SerializerMethodField(help_text="Who is in the match: leads first.")
    scheduled_by = serializers.CharField(source="scheduled_by.name", read_only=True, allow_null=True, default=None)
    page_url = serializers.SerializerMethodField(help_text="The session's page in the browser.")

    class Meta:
        model = MentoringSession
        fields = [
            "id",
            "match",
            "program",
            "program_name",
            "status",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "time_zone",
            "format",
            "location",
            "agenda",
            "cancel_reason",
            "people",
            "scheduled_by",
            "logged_at",
            "sequence",
            "created_at",
            "updated_at",
            "page_url",
        ]
        read_only_fields = fields

    person_serializer = SessionPersonSerializer

    @extend_schema_field(SessionPersonSerializer(many=True))
    def get_people(self, session: MentoringSession) -> list[dict[str, Any]]:
        people = self.person_serializer(match_members_of(session.match), many=True, context=self.context)
        return cast("list[dict[str, Any]]", people.data)  # many=True: a list (the stubs type .data as one dict)

    def get_page_url(self, session: MentoringSession) -> str:
        return page_url(self.context, "session-detail", session_pk=session.pk)


class SessionDetailSerializer(SessionSerializer):
    """A session as the people in its match read it: with the match's shared notes and the caller's own
    feedback; of the others' feedback, only whether they gave it."""

    people = serializers.SerializerMethodField(help_text="Who is in the match, and who rated the session.")
    my_feedback = serializers.SerializerMethodField(help_text="Your own feedback (null until you give it).")

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "shared_notes", "my_feedback"]
        read_only_fields = fields

    person_serializer = SessionPersonDetailSerializer

    @extend_schema_field(SessionPersonDetailSerializer(many=True))
    def get_people(self, session: MentoringSession) -> list[dict[str, Any]]:
        return super().get_people(session)

    @extend_schema_field(FeedbackSerializer(allow_null=True))
    def get_my_feedback(self, session: MentoringSession) -> dict[str, Any] | None:
        feedback = self.context.get("my_feedback")
        return FeedbackSerializer(feedback).data if feedback is not None else None


class SessionCreateSerializer(serializers.Serializer):
    """Schedule a session ahead (status scheduled), or record one that already happened (status held)."""

    match = serializers.IntegerField(help_text="One of your active matches.")
    status = serializers.ChoiceField(
        choices=NEW_SESSION_STATUSES,
        default=MentoringSession.Status.SCHEDULED.value,
        help_text="scheduled: a time ahead; held: a meeting that already took place, logged in one step.",
    )
    starts_at = AwareDateTimeField(help_text="ISO 8601 with its offset, e.g. 2026-03-30T10:00:00+02:00.")
    duration_minutes = serializers.IntegerField(
        min_value=MIN_DURATION_MINUTES, max_value=MAX_DURATION_MINUTES, default=45
    )
    format = serializers.ChoiceField(choices=MentoringSession.Format.choices, default=MentoringSession.Format.VIDEO)
    location = serializers.CharField(max_length=500, required=False, allow_blank=True, help_text="A link or a place.")
    agenda = serializers.CharField(max_length=4000, required=False, allow_blank=True, help_text="Scheduled only.")
    time_zone = serializers.CharField(
        max_length=64,
        required=False,
        allow_blank=True,
        help_text="Scheduled only: the zone its invitation names (IANA, e.g. Europe/Berlin). Default: yours.",
    )
    shared_notes = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, help_text="Held only: notes for the match."
    )
    rating = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, help_text="Held only: your own rating, 1-5."
    )
    topics = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TOPIC_LENGTH),
        max_length=MAX_TOPICS,
        required=False,
        help_text="Held only, with a rating: what it was about, as short tags.",
    )
    reflection = serializers.CharField(
        max_length=10000,
        required=False,
        allow_blank=True,
        help_text="Held only, with a rating: private, only you ever read it.",
    )

    SCHEDULED_ONLY = ("agenda", "time_zone")
    HELD_ONLY = ("shared_notes", "rating", "topics", "reflection")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        held = attrs["status"] == MentoringSession.Status.HELD
        misplaced = self.SCHEDULED_ONLY if held else self.HELD_ONLY
        errors = {
            field: [
                "Only a session scheduled ahead takes this."
                if held
                else "Only a past session (status held) takes this; log the session once it has taken place."
            ]
            for field in misplaced
            if field in attrs and attrs[field] not in ("", None, [])
        }
        if held and attrs.get("rating") is None:
            errors.update(
                {
                    field: ["Rate the session to add your topics or reflection."]
                    for field in ("topics", "reflection")
                    if attrs.get(field)
                }
            )
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class SessionUpdateSerializer(serializers.Serializer):
    """Change a scheduled session. A new time, length, format, place or zone sends everyone an updated
    invitation."""

    starts_at = AwareDateTimeField(required=False, help_text="ISO 8601 with its offset.")
    duration_minutes = serializers.IntegerField(
        min_value=MIN_DURATION_MINUTES, max_value=MAX_DURATION_MINUTES, required=False
    )
    format = serializers.ChoiceField(choices=MentoringSession.Format.choices, required=False)
    location = serializers.CharField(max_length=500, required=False, allow_blank=True)
    agenda = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    time_zone = serializers.CharField(max_length=64, required=False, help_text="IANA, e.g. Europe/Berlin.")


class SessionLogSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=LOG_STATUSES, help_text="How it went (to call it off, cancel it).")
    shared_notes = serializers.CharField(
        max_length=20000, required=False, allow_blank=True, help_text="Notes for the match; omit to keep them."
    )


class SessionCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, required=False, allow_blank=True, help_text="Told to the others with the cancellation."
    )


class SessionNotesSerializer(serializers.Serializer):
    shared_notes = serializers.CharField(max_length=20000, allow_blank=True, help_text="The match's shared notes.")


class FeedbackWriteSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5, help_text="1 (poor) to 5 (excellent).")
    topics = serializers.ListField(
        child=serializers.CharField(max_length=MAX_TOPIC_LENGTH), max_length=MAX_TOPICS, required=False, default=list
    )
    reflection = serializers.CharField(
        max_length=10000, required=False, allow_blank=True, default="", help_text="Private: only you read it."
    )
