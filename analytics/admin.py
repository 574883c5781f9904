"""The Django admin of the analytics app: read-only, filtered by organization first.

Surveys and their questions are changed through the app's services (the standard questions are what the
reports read); the roll-up tables are recomputed, never edited; survey answers and self-identification are
confidential. So nothing here adds, changes or deletes, and the confidential values themselves (a
response's answers, a self-identification's value) are not shown at all: the admin tells an operator that
a row exists, never what anyone answered or shared about themselves."""

from __future__ import annotations

from django.contrib import admin

from mentorhub.web.admin import ReadOnlyAdmin

from .models import (
    MatchFact,
    ParticipantFact,
    ProgramDay,
    RollupRun,
    SelfIdentification,
    Survey,
    SurveyAssignment,
    SurveyQuestion,
    SurveyResponse,
)


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "program", "kind", "created_at"]
    list_filter = ["organization", "kind"]
    list_select_related = ["organization", "program"]
    search_fields = ["program__name"]
    raw_id_fields = ["organization", "program"]


@admin.register(SurveyQuestion)
class SurveyQuestionAdmin(ReadOnlyAdmin):
    list_display = ["prompt", "organization", "survey", "position", "type", "code", "required"]
    list_filter = ["organization", "type", "required"]
    list_select_related = ["organization", "survey"]
    search_fields = ["prompt", "code"]
    raw_id_fields = ["organization", "survey"]


@admin.register(SurveyAssignment)
class SurveyAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "survey", "match", "respondent", "round", "due_at", "status"]
    list_filter = ["organization", "status", "survey__kind"]
    list_select_related = ["organization", "survey", "match", "respondent"]
    search_fields = ["respondent__name", "respondent__email"]
    raw_id_fields = ["organization", "survey", "program", "match", "respondent"]
    date_hierarchy = "due_at"


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "survey", "assignment", "submitted_at"]
    list_filter = ["organization", "survey__kind"]
    list_select_related = ["organization", "survey", "assignment__survey"]
    raw_id_fields = ["organization", "assignment", "survey", "program"]
    exclude = ["answers"]  # confidential: seen by no one but their author


@admin.register(SelfIdentification)
class SelfIdentificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "employee", "attribute", "updated_at"]
    list_filter = ["organization", "attribute"]
    list_select_related = ["organization", "employee"]
    raw_id_fields = ["organization", "employee"]
    exclude = ["value"]  # confidential: never shown per person, HR and operators included


@admin.register(MatchFact)
class MatchFactAdmin(ReadOnlyAdmin):
    list_display = ["match", "organization", "program", "status", "sessions_held", "at_risk", "computed_at"]
    list_filter = ["organization", "status", "at_risk"]
    list_select_related = ["organization", "program", "match"]
    raw_id_fields = ["organization", "program", "match"]


@admin.register(ParticipantFact)
class ParticipantFactAdmin(ReadOnlyAdmin):
    list_display = ["participant", "organization", "program", "role", "enrolled_at", "matched_at", "completed"]
    list_filter = ["organization", "role", "completed"]
    list_select_related = ["organization", "program", "participant__employee", "participant__program"]
    raw_id_fields = ["organization", "program", "participant", "employee"]


@admin.register(ProgramDay)
class ProgramDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "organization", "program", "department", "enrolled", "active_matches", "sessions_held"]
    list_filter = ["organization"]
    list_select_related = ["organization", "program"]
    raw_id_fields = ["organization", "program"]
    date_hierarchy = "day"


@admin.register(RollupRun)
class RollupRunAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "status", "progress", "stage", "created_at", "finished_at"]
    list_filter = ["organization", "status"]
    raw_id_fields = ["organization"]
