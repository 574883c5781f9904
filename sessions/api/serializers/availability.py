"""The caller's availability for Find a time: weekly windows (local times in their zone) and away dates."""

from __future__ import annotations

from rest_framework import serializers


class WindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 Monday .. 6 Sunday.")
    starts = serializers.TimeField(format="%H:%M", help_text="Local wall-clock time in `time_zone`.")
    ends = serializers.TimeField(format="%H:%M")


class AwaySerializer(serializers.Serializer):
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(help_text="Last day away, included.")


class AvailabilitySerializer(serializers.Serializer):
    time_zone = serializers.CharField(read_only=True, help_text="The zone the windows are in (your roster entry's).")
    assumed = serializers.BooleanField(
        read_only=True, help_text="True when no windows are set: Find a time assumes Monday-Friday 09:00-17:00."
    )
    windows = WindowSerializer(many=True)
    away = AwaySerializer(many=True)


class AvailabilityWriteSerializer(serializers.Serializer):
    windows = serializers.ListField(child=WindowSerializer(), max_length=60)
    away = serializers.ListField(child=AwaySerializer(), max_length=60)
