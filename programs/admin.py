"""The Django admin of the programs app: read-only, filtered by organization first.

Programs, their questions and the enrollments are written by the app's services (lifecycle rules,
validation of answers, audit), through the HR admin pages and the API; the admin only shows them. A
participant's answers are not shown: they are the person's own, read by matching and the HR pages."""

from __future__ import annotations

from django.contrib import admin

from mentorhub.web.admin import ReadOnlyAdmin

from .models import Participant, Program, ProgramAudienceGroup, Question, Skill, SkillRating


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "kind", "status", "match_mode", "starts_on", "ends_on", "created_at"]
    list_filter = ["organization", "kind", "status", "match_mode"]
    search_fields = ["name"]
    raw_id_fields = ["organization", "created_by"]


@admin.register(ProgramAudienceGroup)
class ProgramAudienceGroupAdmin(ReadOnlyAdmin):
    list_display = ["program", "group", "organization"]
    list_filter = ["organization"]
    list_select_related = ["organization", "program", "group"]
    search_fields = ["program__name", "group__display_name"]
    raw_id_fields = ["organization", "program", "group"]


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["prompt", "organization", "program", "position", "type", "audience", "rule", "weight"]
    list_filter = ["organization", "type", "rule"]
    list_select_related = ["organization", "program"]
    search_fields = ["prompt", "program__name"]
    raw_id_fields = ["organization", "program"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "program", "role", "status", "capacity", "decided_at", "created_at"]
    list_filter = ["organization", "role", "status"]
    list_select_related = ["organization", "program", "employee"]
    search_fields = ["employee__name", "employee__email", "program__name"]
    raw_id_fields = ["organization", "program", "employee", "decided_by"]
    exclude = ["answers"]


@admin.register(Skill)
class SkillAdmin(ReadOnlyAdmin):
    list_display = ["name", "organization", "category", "active", "updated_at"]
    list_filter = ["organization", "active"]
    list_select_related = ["organization"]
    search_fields = ["name", "category"]
    raw_id_fields = ["organization"]


@admin.register(SkillRating)
class SkillRatingAdmin(ReadOnlyAdmin):
    """Which ratings exist, never their level: a mentee's own view of themselves (the reports show averages)."""

    list_display = ["participant", "organization", "skill", "moment", "updated_at"]
    list_filter = ["organization", "moment"]
    list_select_related = ["organization", "participant__employee", "participant__program", "skill"]
    search_fields = ["skill__name", "participant__employee__name"]
    raw_id_fields = ["organization", "participant", "skill"]
    exclude = ["level"]
