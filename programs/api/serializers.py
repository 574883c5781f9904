"""Serializers of the programs API. They render and parse only: every write goes through the services,
and answers are validated by answers.answers_clean there (the one rule for pages and API)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from mentorhub.accounts.models import Employee
from mentorhub.web.serializers import PlannedReadMixin

from ..models import Participant, Program, Question
from ..services.participants import DECISIONS
from ..services.programs import PROGRAM_FIELDS, program_allowed_moves

# --- Programs ------------------------------------------------------------------------------------


class ProgramSerializer(PlannedReadMixin, serializers.ModelSerializer):
    """A program as everyone in the organization reads it, with its enrollment counts."""

    mentor_count = serializers.IntegerField(read_only=True, help_text="Mentors applied, approved or matched.")
    mentee_count = serializers.IntegerField(read_only=True, help_text="Mentees applied, approved or matched.")
    pending_count = serializers.IntegerField(read_only=True, help_text="Applications waiting for a decision.")
    question_count = serializers.IntegerField(read_only=True)
    allowed_moves = serializers.SerializerMethodField(
        help_text="The statuses this program may move to now (each is a POST action on the program)."
    )
    audience_group_ids = serializers.SerializerMethodField(
        help_text="Ids of the employee groups the program is open to; empty: everyone eligible by the rules above."
    )

    class Meta:
        model = Program
        fields = [
            "id",
            "name",
            "description",
            "kind",
            "status",
            "starts_on",
            "ends_on",
            "cadence_per_month",
            "default_mentor_capacity",
            "max_mentor_capacity",
            "circle_min_size",
            "circle_max_size",
            "eligible_departments",
            "eligible_job_levels",
            "eligible_locations",
            "max_time_zone_gap_hours",
            "match_mode",
            "objective",
            "circles_within_groups",
            "audience_group_ids",
            "mentor_count",
            "mentee_count",
            "pending_count",
            "question_count",
            "allowed_moves",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_audience_group_ids(self, program: Program) -> list[int]:
        # The viewset prefetches the links (scoped by organization): no query per program.
        return sorted(link.group_id for link in program.audience_links.all())

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Program.Status.choices)))
    def get_allowed_moves(self, program: Program) -> list[str]:
        return [str(status) for status in program_allowed_moves(program)]


class ProgramWriteSerializer(serializers.ModelSerializer):
    """What an admin sends to create or change a program. Cross-field rules (dates, sizes, capacities)
    are the service's, so pages and API answer alike."""

    eligible_departments = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text="Empty: every department."
    )
    eligible_job_levels = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=99), required=False, help_text="Empty: every level."
    )
    eligible_locations = serializers.ListField(
        child=serializers.CharField(max_length=100), required=False, help_text="Empty: every location."
    )
    audience_group_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text="Ids of employee groups: only their members may take part. Empty: everyone (as the rules allow).",
    )
    with_question_set = serializers.BooleanField(
        default=True,
        write_only=True,
        help_text="On create: start from the ready-made questions of the program's kind.",
    )

    class Meta:
        model = Program
        # The fields program_create / program_update accept, plus the create-only switch.
        fields = [*PROGRAM_FIELDS, "audience_group_ids", "with_question_set"]


# --- Questions -----------------------------------------------------------------------------------


class QuestionSerializer(serializers.ModelSerializer):
    options = serializers.ListField(
        child=serializers.CharField(max_length=200),
        required=False,
        help_text="The choices (single and multiple choice) or suggested skills (tags).",
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "program",
            "prompt",
            "mentor_prompt",
            "help_text",
            "type",
            "options",
            "audience",
            "required",
            "rule",
            "weight",
            "position",
        ]
        read_only_fields = ["id", "program", "position"]


class QuestionMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["up", "down"])


# --- Participants --------------------------------------------------------------------------------


class EmployeeBriefSerializer(PlannedReadMixin, serializers.ModelSerializer):
    class Meta:
        model = Employee
        fields = ["id", "name", "email", "title", "department", "job_level", "location"]
        read_only_fields = fields


class ParticipantSerializer(PlannedReadMixin, serializers.ModelSerializer):
    employee = EmployeeBriefSerializer(read_only=True)
    answers = serializers.DictField(
        child=serializers.JSONField(), read_only=True, help_text="{question id: answer}, validated against the form."
    )

    class Meta:
        model = Participant
        fields = [
            "id",
            "program",
            "employee",
            "role",
            "status",
            "answers",
            "capacity",
            "decided_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EnrollSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Participant.Role.choices)
    answers = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        default=dict,
        help_text="{question id: answer}: a string (single choice, text), a list of strings (multiple choice, "
        "skills) or a number 1-5 (scale). Errors come back per question id under `answers`.",
    )
    capacity = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="Mentors: how many mentees they take on."
    )


class ParticipantUpdateSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(), required=False)
    capacity = serializers.IntegerField(required=False, min_value=1)


class DecideSerializer(serializers.Serializer):
    participant_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), allow_empty=False, max_length=5000
    )
    decision = serializers.ChoiceField(choices=sorted(DECISIONS))


class DecideResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many applications changed status.")


class InviteSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Participant.Role.choices)
    departments = serializers.ListField(child=serializers.CharField(max_length=100), required=False, default=list)
    job_levels = serializers.ListField(child=serializers.IntegerField(min_value=0), required=False, default=list)
    emails = serializers.ListField(
        child=serializers.EmailField(), required=False, default=list, max_length=5000, help_text="Roster emails."
    )


class InviteResultSerializer(serializers.Serializer):
    invited = serializers.IntegerField()
    already_enrolled = serializers.IntegerField()
    not_found = serializers.ListField(
        child=serializers.CharField(), help_text="Emails that matched nobody eligible on the roster."
    )
