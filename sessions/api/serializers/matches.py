"""The end of a match (completion, early end) and the admin overview of a program's matches in progress: counts
and dates, never notes, feedback, ratings, topics or what a goal says."""

from __future__ import annotations

from rest_framework import serializers

from matching.models import Match, MatchMember

# --- Matches -----------------------------------------------------------------------------------------------


class CompletionRequestSerializer(serializers.Serializer):
    wanted = serializers.BooleanField(
        default=True, help_text="true: you would like to complete the match now; false: take that back."
    )


class CompletionSerializer(serializers.Serializer):
    match = serializers.IntegerField(source="match.pk")
    status = serializers.ChoiceField(source="match.status", choices=Match.Status.choices)
    completed = serializers.BooleanField(help_text="Everyone asked: the match is completed now.")
    waiting_for = serializers.ListField(
        child=serializers.CharField(), help_text="The people who have not asked to complete it yet."
    )


class EndSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, help_text="Why it ends: for HR, the others are not told it.")
    rematch = serializers.BooleanField(
        default=True, help_text="Offer the mentee(s) a new match (otherwise they leave the program)."
    )


class EndResultSerializer(serializers.Serializer):
    match = serializers.IntegerField(source="match.pk")
    status = serializers.ChoiceField(source="match.status", choices=Match.Status.choices)
    ended_at = serializers.DateTimeField(source="match.ended_at")
    rematch_run = serializers.IntegerField(
        source="rematch_run.pk", allow_null=True, default=None, help_text="The re-match run offered, if any."
    )


# --- Admins: a program's mentoring -----------------------------------------------------------------------------


class OverviewPersonSerializer(serializers.Serializer):
    name = serializers.CharField()
    role = serializers.ChoiceField(choices=MatchMember.Role.choices)


class MatchProgressSerializer(serializers.Serializer):
    """One match in the admin overview: people, dates and counts. Never notes, feedback, ratings, topics or
    what the goals say."""

    id = serializers.IntegerField(source="match.pk")
    status = serializers.ChoiceField(source="match.status", choices=Match.Status.choices)
    people = OverviewPersonSerializer(many=True, source="members")  # the API field keeps its name
    started_at = serializers.DateTimeField(source="match.started_at", allow_null=True)
    ended_at = serializers.DateTimeField(source="match.ended_at", allow_null=True)
    end_reason = serializers.CharField(source="match.end_reason")
    held = serializers.IntegerField()
    missed = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    last_held_at = serializers.DateTimeField(allow_null=True)
    next_at = serializers.DateTimeField(allow_null=True, help_text="The next scheduled session.")
    days_since_last = serializers.IntegerField(allow_null=True, help_text="Since the last held session (or start).")
    nudges = serializers.IntegerField(help_text="Inactivity nudges sent.")
    goals = serializers.IntegerField(help_text="The match's shared goals.")
    goals_done = serializers.IntegerField()
