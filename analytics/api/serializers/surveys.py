"""Serializers of the surveys API: a person's own assignments (with the questions to answer), their
answers, what they share about themselves; and, for HR admins, a program's surveys with their questions and
response rates (suppressed under the small-group rule). No serializer here carries anyone's answers."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sessions.api.serializers.common import page_url

from ...demographics import ATTRIBUTES
from ...models import Survey, SurveyAssignment, SurveyQuestion
from ...selectors import names, other_match_members
from ...services.survey_answers import SCALES
from ...survey_schedule import assignment_expires_at, assignment_state

# --- Questions ------------------------------------------------------------------------------------------------


class ChoiceSerializer(serializers.Serializer):
    value = serializers.IntegerField()
    label = serializers.CharField(help_text="What the value means (may be empty between the two ends).")  # type: ignore[assignment]  # the API's field name


class SurveyQuestionSerializer(serializers.ModelSerializer):
    type = serializers.ChoiceField(choices=SurveyQuestion.Type.choices, read_only=True)
    standard = serializers.BooleanField(
        source="is_standard", read_only=True, help_text="A standard question: the reports read it; it cannot go."
    )
    choices = serializers.SerializerMethodField(help_text="The values to answer with; empty for free text.")

    class Meta:
        model = SurveyQuestion
        fields = ["id", "prompt", "type", "required", "standard", "choices"]
        read_only_fields = fields

    @extend_schema_field(ChoiceSerializer(many=True))
    def get_choices(self, question: SurveyQuestion) -> list[dict[str, Any]]:
        scale = SCALES.get(question.type)
        if scale is None:
            return []
        return [
            {"value": value, "label": label}
            for value, label in zip(range(scale.low, scale.high + 1), scale.labels, strict=True)
        ]


class SurveyQuestionCreateSerializer(serializers.Serializer):
    prompt = serializers.CharField(max_length=300)
    type = serializers.ChoiceField(choices=SurveyQuestion.Type.choices)
    required = serializers.BooleanField(default=False, help_text="Must people answer it? Optional by default.")  # type: ignore[assignment]  # the API's field name


# --- A person's assignments ---------------------------------------------------------------------------------------


class ProgramRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SurveyAssignmentSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Survey.Kind.choices, source="survey.kind", read_only=True)
    program = ProgramRefSerializer(read_only=True)
    match = serializers.IntegerField(source="match_id", read_only=True)
    about = serializers.SerializerMethodField(help_text="The others in the match the survey is about.")
    status = serializers.SerializerMethodField()
    closes_at = serializers.SerializerMethodField(help_text="When it stops taking answers.")
    url = serializers.SerializerMethodField(help_text="The page to answer it in the browser.")

    class Meta:
        model = SurveyAssignment
        fields = [
            "id",
            "kind",
            "round",
            "program",
            "match",
            "about",
            "status",
            "due_at",
            "closes_at",
            "answered_at",
            "url",
        ]
        read_only_fields = fields

    def get_about(self, assignment: SurveyAssignment) -> str:
        return names(other_match_members(assignment))

    @extend_schema_field(serializers.ChoiceField(choices=SurveyAssignment.Status.choices))
    def get_status(self, assignment: SurveyAssignment) -> str:
        """Open, answered, or expired (also an open one whose time is up, before the planner marks it)."""
        return assignment_state(assignment, self.context["now"])

    @extend_schema_field(serializers.DateTimeField())
    def get_closes_at(self, assignment: SurveyAssignment) -> Any:
        return serializers.DateTimeField().to_representation(assignment_expires_at(assignment))

    def get_url(self, assignment: SurveyAssignment) -> str:
        return page_url(dict(self.context), "survey-answer", assignment_pk=assignment.pk)


class SurveyAssignmentDetailSerializer(SurveyAssignmentSerializer):
    questions = SurveyQuestionSerializer(many=True, source="survey.questions.all", read_only=True)

    class Meta(SurveyAssignmentSerializer.Meta):
        fields = [*SurveyAssignmentSerializer.Meta.fields, "questions"]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(),
        help_text="{question id: value}: a whole number for the scales (1-5; 0-10 for the recommend question), "
        "text for free text. Every required question must be answered; leave optional ones out.",
    )


# --- About me --------------------------------------------------------------------------------------------------


class AboutMeSerializer(serializers.Serializer):
    """One field per attribute (analytics.demographics.ATTRIBUTES): a value it offers, or null for "I prefer
    not to say" (nothing recorded). In a PUT, attributes left out stay as they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for attribute in ATTRIBUTES:
            self.fields[attribute.code] = serializers.ChoiceField(
                choices=list(attribute.values), allow_null=True, required=False, help_text=attribute.question
            )


# --- HR admins: a program's surveys ----------------------------------------------------------------------------


class ResponseFigureSerializer(serializers.Serializer):
    """A figure as analytics.suppression shows it: the value and its group size, or why it is hidden."""

    value = serializers.FloatField(allow_null=True)
    n = serializers.IntegerField(allow_null=True, help_text="How many people the figure is about.")
    suppressed = serializers.BooleanField()
    reason = serializers.CharField(required=False, help_text="Why it is hidden (fewer people than the minimum).")


class ResponseRateSerializer(serializers.Serializer):
    people = ResponseFigureSerializer(help_text="People asked (by now).")
    due = ResponseFigureSerializer(help_text="Surveys due by now.")
    answered = ResponseFigureSerializer()
    rate = ResponseFigureSerializer(help_text="Answered per due, in percent.")


class ProgramSurveySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Survey.Kind.choices)
    questions = SurveyQuestionSerializer(many=True)
    response_rate = ResponseRateSerializer()
