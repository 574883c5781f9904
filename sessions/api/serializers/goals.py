"""Goals with their milestones and comments, and the goal templates HR admins offer per program."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentorhub.web.serializers import PlannedReadMixin

from ...models import Goal, GoalComment, GoalTemplate, Milestone
from ...selectors.goals import goal_progress
from ...services.goals import MAX_MILESTONES, MAX_TEMPLATE_DAYS
from .common import page_url

# --- Goals -----------------------------------------------------------------------------------------------------


class MilestoneSerializer(PlannedReadMixin, serializers.ModelSerializer):
    done = serializers.BooleanField(source="is_done", read_only=True)

    class Meta:
        model = Milestone
        fields = ["id", "goal", "title", "due_on", "done", "done_at", "done_by", "position"]
        read_only_fields = fields


class GoalCommentSerializer(PlannedReadMixin, serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = GoalComment
        fields = ["id", "goal", "author", "author_name", "body", "created_at"]
        read_only_fields = fields


class GoalSerializer(PlannedReadMixin, serializers.ModelSerializer):
    """A goal of a match (shared by its people) or a personal one (its owner and their mentors see it)."""

    program_name = serializers.CharField(source="program.name", read_only=True)
    personal = serializers.SerializerMethodField(help_text="A personal goal (of `owner`), not the match's.")
    owner = serializers.SerializerMethodField(help_text="Whose personal goal it is (null for a match goal).")
    progress = serializers.SerializerMethodField(help_text="Percent done, from its milestones (done goals: 100).")
    milestones = MilestoneSerializer(many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.name", read_only=True, allow_null=True, default=None)
    page_url = serializers.SerializerMethodField(help_text="The goal's page in the browser.")

    class Meta:
        model = Goal
        fields = [
            "id",
            "program",
            "program_name",
            "match",
            "personal",
            "owner",
            "template",
            "title",
            "description",
            "due_on",
            "status",
            "progress",
            "milestones",
            "created_by",
            "completed_at",
            "created_at",
            "updated_at",
            "page_url",
        ]
        read_only_fields = fields

    def get_personal(self, goal: Goal) -> bool:
        return goal.participant_id is not None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_owner(self, goal: Goal) -> str | None:
        return goal.participant.employee.name if goal.participant is not None else None

    def get_progress(self, goal: Goal) -> int:
        return goal_progress(goal)

    def get_page_url(self, goal: Goal) -> str:
        return page_url(self.context, "goal-detail", goal_pk=goal.pk)


class GoalDetailSerializer(GoalSerializer):
    comments = GoalCommentSerializer(many=True, read_only=True)

    class Meta(GoalSerializer.Meta):
        fields = [*GoalSerializer.Meta.fields, "comments"]
        read_only_fields = fields


class MilestoneInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class GoalCreateSerializer(serializers.Serializer):
    match = serializers.IntegerField(help_text="One of your active matches (a personal goal lives in its program).")
    title = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default="", help_text="Optional with a template."
    )
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    due_on = serializers.DateField(required=False, allow_null=True, default=None)
    personal = serializers.BooleanField(
        default=False, help_text="Your own goal (you and your mentors see it), not the match's."
    )
    template = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A goal template of the match's program."
    )
    # What MilestoneInputSerializer(many=True, ...) builds; called by name because the stubs' Serializer does
    # not declare the list's max_length.
    milestones = MilestoneInputSerializer.many_init(required=False, default=list, max_length=MAX_MILESTONES)


class GoalUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Goal.Status.choices, required=False)


class MilestoneUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    due_on = serializers.DateField(required=False, allow_null=True)
    done = serializers.BooleanField(required=False, help_text="Tick it off (true) or open it again (false).")


class GoalCommentCreateSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)


# --- Goal templates (HR admins) --------------------------------------------------------------------------------


class TemplateMilestoneSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_after_days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_TEMPLATE_DAYS,
        required=False,
        allow_null=True,
        default=None,
        help_text="Due this many days after the goal is created (none: no due date).",
    )


class GoalTemplateSerializer(serializers.ModelSerializer):
    milestones = TemplateMilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = GoalTemplate
        fields = ["id", "program", "title", "description", "milestones", "position", "created_at", "updated_at"]
        read_only_fields = fields


class GoalTemplateWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    # TemplateMilestoneSerializer(many=True, ...), by name: see GoalCreateSerializer.milestones.
    milestones = TemplateMilestoneSerializer.many_init(required=False, max_length=MAX_MILESTONES)
