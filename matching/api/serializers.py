"""Serializers of the matching API. They render and parse only: every write goes through matching.services."""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentorhub.web.serializers import PlannedReadMixin
from programs.models import Program

from ..models import Match, MatchMember, MatchRun, MentorRequest


class ExplanationPartSerializer(serializers.Serializer):
    # The API's field `label` shadows Field.label (a serializer is a field) in the type stubs only.
    label = serializers.CharField(  # type: ignore[assignment]
        help_text="What contributed, e.g. “Skills to learn / offer: Python”."
    )
    contribution = serializers.FloatField(help_text="Its share of the score (the parts add up to the score).")


class PersonSerializer(PlannedReadMixin, serializers.Serializer):
    """A participant as their match partners and the admins see them."""

    participant_id = serializers.IntegerField(source="id")
    employee_id = serializers.IntegerField()
    name = serializers.CharField(source="employee.name")
    email = serializers.EmailField(source="employee.email")
    title = serializers.CharField(source="employee.title")
    department = serializers.CharField(source="employee.department")
    location = serializers.CharField(source="employee.location")
    time_zone = serializers.CharField(source="employee.time_zone")


class MatchMemberSerializer(PlannedReadMixin, serializers.ModelSerializer):
    person = PersonSerializer(source="participant", read_only=True)

    class Meta:
        model = MatchMember
        fields = ["id", "role", "current", "response", "responded_at", "decline_reason", "person"]
        read_only_fields = fields


class ParticipantMemberSerializer(MatchMemberSerializer):
    """What a participant sees of the people in their match: not why someone else declined."""

    class Meta(MatchMemberSerializer.Meta):
        fields = ["id", "role", "current", "response", "responded_at", "person"]
        read_only_fields = fields


class MatchSerializer(PlannedReadMixin, serializers.ModelSerializer):
    """A pair or a circle with its score, the explanation and its people (members who left a circle are
    listed with current=false)."""

    program_name = serializers.CharField(source="program.name", read_only=True)
    explanation = ExplanationPartSerializer(many=True, read_only=True)
    members = MatchMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Match
        fields = [
            "id",
            "program",
            "program_name",
            "run",
            "kind",
            "status",
            "score",
            "explanation",
            "pinned",
            "members",
            "approved_at",
            "started_at",
            "ended_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MyMatchSerializer(MatchSerializer):
    members = ParticipantMemberSerializer(many=True, read_only=True)
    my_role = serializers.SerializerMethodField(help_text="Your role in this match.")
    my_response = serializers.SerializerMethodField(help_text="Your answer so far.")

    class Meta(MatchSerializer.Meta):
        fields = [f for f in MatchSerializer.Meta.fields if f not in ("run", "pinned")] + ["my_role", "my_response"]
        read_only_fields = fields

    def _mine(self, match: Match) -> MatchMember | None:
        employee_id = self.context.get("employee_id")
        mine = [m for m in match.members.all() if m.participant.employee_id == employee_id]
        return next((m for m in mine if m.current), mine[0] if mine else None)

    @extend_schema_field(serializers.ChoiceField(choices=MatchMember.Role.choices, allow_null=True))
    def get_my_role(self, match: Match) -> str | None:
        mine = self._mine(match)
        return mine.role if mine else None

    @extend_schema_field(serializers.ChoiceField(choices=MatchMember.Response.choices, allow_null=True))
    def get_my_response(self, match: Match) -> str | None:
        mine = self._mine(match)
        return mine.response if mine else None


class MatchRunSerializer(serializers.ModelSerializer):
    """A run with its progress and, once done, its figures: matched, unmatched [{participant_id, code,
    reason}], mean_score, histogram {edges, counts}, duration_s and stage timings."""

    started_by = serializers.EmailField(source="started_by.email", read_only=True, allow_null=True, default=None)
    url = serializers.SerializerMethodField(help_text="This run, for polling its progress.")
    page_url = serializers.SerializerMethodField(help_text="The run's page in the browser.")

    class Meta:
        model = MatchRun
        fields = [
            "id",
            "program",
            "status",
            "what_if",
            "scope_participant_ids",
            "objective",
            "weights",
            "progress",
            "stage",
            "figures",
            "error",
            "started_by",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "page_url",
        ]
        read_only_fields = fields

    def _url(self, name: str, run: MatchRun) -> str:
        request = self.context.get("request")
        # The request's organization is the run's (the queryset is scoped); no query per row.
        organization = getattr(request, "organization", None) or run.organization
        kwargs = {"org_slug": organization.slug, "program_pk": run.program_id, "run_pk": run.pk}
        try:
            path = reverse(name, kwargs=kwargs)
        except NoReverseMatch:  # the pages are not installed
            return ""
        return request.build_absolute_uri(path) if request is not None else path

    def get_url(self, run: MatchRun) -> str:
        return self._url("api-match-run-detail", run)

    def get_page_url(self, run: MatchRun) -> str:
        return self._url("match-run-detail", run)


class MatchRunStartSerializer(serializers.Serializer):
    objective = serializers.ChoiceField(
        choices=Program.Objective.choices, required=False, help_text="Default: the program's objective."
    )
    weights = serializers.DictField(
        child=serializers.IntegerField(min_value=0, max_value=5),
        required=False,
        help_text="{question id: weight 0-5}: overrides the enrollment form's weights for this run.",
    )
    what_if = serializers.BooleanField(default=False, help_text="Only compute and store the proposal; write nothing.")
    scope_participant_ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="Re-match only these mentees / members; accepted and pinned matches stay.",
    )


class RunSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    what_if = serializers.BooleanField()
    objective = serializers.CharField()
    weights = serializers.DictField(child=serializers.IntegerField())
    matched = serializers.IntegerField()
    unmatched = serializers.IntegerField()
    mean_score = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()


class CompareSerializer(serializers.Serializer):
    run_a = RunSummarySerializer()
    run_b = RunSummarySerializer()
    matched_delta = serializers.IntegerField(help_text="Matched in B minus matched in A.")
    mean_score_delta = serializers.FloatField(allow_null=True, help_text="Mean score of B minus that of A.")
    pairs_changed = serializers.IntegerField(help_text="People whose mentor differs between A and B (or who has none).")
    people_compared = serializers.IntegerField()


class SwapSerializer(serializers.Serializer):
    mentor_participant_id = serializers.IntegerField(help_text="The new mentor (or facilitator) of the match.")


class SetMenteeSerializer(serializers.Serializer):
    mentee_participant_id = serializers.IntegerField(help_text="The new mentee of the pair.")


class PinSerializer(serializers.Serializer):
    pinned = serializers.BooleanField(default=True)


class ApproveSerializer(serializers.Serializer):
    match_ids = serializers.ListField(
        child=serializers.IntegerField(), required=False, allow_null=True, help_text="Omit to approve every proposal."
    )


class CountSerializer(serializers.Serializer):
    approved = serializers.IntegerField()


class RespondSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, help_text="Needed to decline.")


class SuggestionSerializer(serializers.Serializer):
    mentor = PersonSerializer()
    score = serializers.FloatField()
    explanation = ExplanationPartSerializer(many=True)


class MentorRequestSerializer(serializers.ModelSerializer):
    program_name = serializers.CharField(source="program.name", read_only=True)
    mentee = PersonSerializer(read_only=True)
    mentor = PersonSerializer(read_only=True)
    explanation = ExplanationPartSerializer(many=True, read_only=True)
    direction = serializers.SerializerMethodField(help_text="“sent” (you are the mentee) or “received”.")

    class Meta:
        model = MentorRequest
        fields = [
            "id",
            "program",
            "program_name",
            "direction",
            "mentee",
            "mentor",
            "status",
            "score",
            "explanation",
            "message",
            "decline_reason",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "enum": ["sent", "received"]})
    def get_direction(self, request: MentorRequest) -> str:
        return "sent" if request.mentee.employee_id == self.context.get("employee_id") else "received"


class MentorRequestCreateSerializer(serializers.Serializer):
    program = serializers.IntegerField(help_text="The program (in mentee-choice mode).")
    mentor_participant_id = serializers.IntegerField(help_text="One of your suggestions.")
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MentorRequestDecideSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)


def suggestion_data(suggestion: Any) -> dict[str, Any]:
    return {"mentor": suggestion.mentor, "score": suggestion.score, "explanation": suggestion.explanation}
