"""The Django admin of the matching app: read-only, filtered by organization first.

Runs, matches, match members, excluded pairs and mentor requests are written by the app's services only
(program locks, capacity and pair rules, audit records, emails), so nothing here adds, changes or deletes:
the admin lets an operator look, the HR pages and the API act."""

from __future__ import annotations

from django.contrib import admin

from mentorhub.web.admin import ReadOnlyAdmin

from .models import ExcludedPair, Match, MatchMember, MatchRun, MentorRequest


@admin.register(MatchRun)
class MatchRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "program", "status", "what_if", "objective", "progress", "created_at"]
    list_filter = ["organization", "status", "what_if", "objective"]
    list_select_related = ["organization", "program"]
    search_fields = ["program__name"]
    raw_id_fields = ["organization", "program", "started_by"]
    exclude = ["proposal"]  # the engine's raw answer: thousands of entries, never read by a person
    date_hierarchy = "created_at"


@admin.register(Match)
class MatchAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "program", "kind", "status", "score", "pinned", "created_at"]
    list_filter = ["organization", "status", "kind", "pinned"]
    list_select_related = ["organization", "program"]
    search_fields = ["program__name", "members__participant__employee__name"]
    raw_id_fields = ["organization", "program", "run", "approved_by"]
    date_hierarchy = "created_at"


@admin.register(MatchMember)
class MatchMemberAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "match", "participant", "role", "current", "response"]
    list_filter = ["organization", "role", "current", "response"]
    list_select_related = ["organization", "match", "participant__employee", "participant__program"]
    search_fields = ["participant__employee__name", "participant__employee__email"]
    raw_id_fields = ["organization", "program", "match", "participant"]


@admin.register(ExcludedPair)
class ExcludedPairAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "program", "mentor", "mentee", "reason", "created_at"]
    list_filter = ["organization"]
    list_select_related = [
        "organization",
        "program",
        "mentor__employee",
        "mentor__program",
        "mentee__employee",
        "mentee__program",
    ]
    search_fields = ["mentor__employee__name", "mentee__employee__name", "reason"]
    raw_id_fields = ["organization", "program", "mentor", "mentee"]


@admin.register(MentorRequest)
class MentorRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "program", "mentee", "mentor", "status", "score", "created_at"]
    list_filter = ["organization", "status"]
    list_select_related = [
        "organization",
        "program",
        "mentee__employee",
        "mentee__program",
        "mentor__employee",
        "mentor__program",
    ]
    search_fields = ["mentee__employee__name", "mentor__employee__name"]
    raw_id_fields = ["organization", "program", "mentee", "mentor"]
    date_hierarchy = "created_at"
