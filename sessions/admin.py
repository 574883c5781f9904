"""The Django admin of the sessions app: read-only, filtered by organization first.

Sessions, goals, reminders and notices are written by the app's services only (locks, calendar sequences,
reminders planned and dropped, audit), so nothing here adds, changes or deletes. What the members of a match
keep to themselves is never shown: a session's shared notes and agenda, a feedback's reflection, what a goal,
a milestone, a comment or a notice says (in lists; a goal's, milestone's or notice's own page is titled with
it); nor the calendar feed's secret."""

from __future__ import annotations

from django.contrib import admin

from mentorhub.web.admin import ReadOnlyAdmin

from .models import (
    AgreementConfirmation,
    AvailabilityWindow,
    AwayPeriod,
    BusyFeed,
    BusyInterval,
    CalendarFeed,
    FlashBooking,
    FlashSlot,
    Goal,
    GoalComment,
    GoalTemplate,
    MatchAgreement,
    MentoringSession,
    Milestone,
    Notification,
    NotificationPreference,
    PairingFitAnswer,
    RecordShare,
    Reminder,
    SessionConfirmation,
    SessionFeedback,
)


@admin.register(MentoringSession)
class MentoringSessionAdmin(ReadOnlyAdmin):
    list_display = ["id", "starts_at", "organization", "match", "status", "format", "duration_minutes"]
    list_filter = ["organization", "status", "format"]
    search_fields = ["match__id"]
    raw_id_fields = ["organization", "program", "match", "scheduled_by", "logged_by"]
    exclude = ["shared_notes", "agenda"]


@admin.register(SessionFeedback)
class SessionFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["id", "session", "organization", "author", "rating", "created_at"]
    list_filter = ["organization", "rating"]
    list_select_related = ["organization", "author"]
    raw_id_fields = ["organization", "session", "author"]
    exclude = ["reflection"]


@admin.register(GoalTemplate)
class GoalTemplateAdmin(ReadOnlyAdmin):
    list_display = ["title", "organization", "program", "position", "updated_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "program"]
    search_fields = ["title"]
    raw_id_fields = ["organization", "program"]


@admin.register(Goal)
class GoalAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "program", "match", "participant", "status", "due_on", "created_at"]
    list_filter = ["organization", "status"]
    list_select_related = ["organization", "program"]
    raw_id_fields = ["organization", "program", "match", "participant", "template", "created_by"]
    exclude = ["title", "description"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "goal_id", "due_on", "done_at", "position"]
    list_filter = ["organization"]
    raw_id_fields = ["organization", "done_by"]
    exclude = ["title", "goal"]  # a goal's title is its members' words


@admin.register(GoalComment)
class GoalCommentAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "goal_id", "author", "created_at"]
    list_filter = ["organization"]
    raw_id_fields = ["organization", "author"]
    exclude = ["body", "goal"]


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ["id", "due_at", "organization", "kind", "recipient", "status", "attempts", "sent_at"]
    list_filter = ["organization", "kind", "status"]
    list_select_related = ["organization", "recipient"]
    search_fields = ["key", "recipient__name"]
    raw_id_fields = ["organization", "recipient", "session", "milestone", "match"]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["id", "created_at", "organization", "kind", "recipient", "read_at"]
    list_filter = ["organization", "kind"]
    list_select_related = ["organization", "recipient"]
    search_fields = ["recipient__name"]
    raw_id_fields = ["organization", "recipient", "reminder"]
    exclude = ["title", "body", "url"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "email_off", "updated_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    search_fields = ["employee__name"]
    raw_id_fields = ["organization", "employee"]


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "created_at", "rotated_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    search_fields = ["employee__name"]
    raw_id_fields = ["organization", "employee"]
    exclude = ["nonce", "token_hash"]


@admin.register(RecordShare)
class RecordShareAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "created_at", "expires_at", "revoked_at", "view_count"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    search_fields = ["employee__name"]
    raw_id_fields = ["organization", "employee"]
    exclude = ["token_hash"]


@admin.register(AvailabilityWindow)
class AvailabilityWindowAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "weekday", "starts", "ends"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    search_fields = ["employee__name"]
    raw_id_fields = ["organization", "employee"]


@admin.register(AwayPeriod)
class AwayPeriodAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "starts_on", "ends_on"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    search_fields = ["employee__name"]
    raw_id_fields = ["organization", "employee"]


@admin.register(BusyFeed)
class BusyFeedAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "url_host", "status", "last_fetched_at", "last_success_at"]
    list_filter = ["organization", "status"]
    list_select_related = ["organization", "employee"]
    search_fields = ["employee__name"]
    raw_id_fields = ["organization", "employee"]
    exclude = ["url_encrypted"]  # a capability to read the person's calendar: never shown, even encrypted


@admin.register(BusyInterval)
class BusyIntervalAdmin(ReadOnlyAdmin):
    list_display = ["employee", "organization", "starts_at", "ends_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    raw_id_fields = ["organization", "feed", "employee"]


@admin.register(FlashSlot)
class FlashSlotAdmin(ReadOnlyAdmin):
    list_display = ["id", "starts_at", "organization", "program", "host", "capacity", "status"]
    list_filter = ["organization", "status"]
    list_select_related = ["organization", "program", "host"]
    raw_id_fields = ["organization", "program", "host"]


@admin.register(FlashBooking)
class FlashBookingAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "program", "slot", "participant", "status", "rating"]
    list_filter = ["organization", "status"]
    list_select_related = ["organization", "program", "slot", "participant"]
    raw_id_fields = ["organization", "program", "slot", "participant"]
    exclude = ["comment"]  # what the booker wrote after the session: theirs (and the admins' pages), not a list's


@admin.register(MatchAgreement)
class MatchAgreementAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "match", "version", "updated_at"]
    list_filter = ["organization"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "program", "match", "edited_by"]
    exclude = ["sections"]  # what the members agreed between themselves


@admin.register(AgreementConfirmation)
class AgreementConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "agreement", "employee", "version", "confirmed_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    raw_id_fields = ["organization", "agreement", "employee"]


@admin.register(SessionConfirmation)
class SessionConfirmationAdmin(ReadOnlyAdmin):
    list_display = ["id", "organization", "session", "employee", "sequence", "confirmed_at"]
    list_filter = ["organization"]
    list_select_related = ["organization", "employee"]
    raw_id_fields = ["organization", "session", "employee"]


@admin.register(PairingFitAnswer)
class PairingFitAnswerAdmin(ReadOnlyAdmin):
    # Neither the answer nor the comment: a person's private view of their match, for the program's admins.
    list_display = ["id", "organization", "match", "created_at"]
    list_filter = ["organization"]
    list_select_related = ["organization"]
    raw_id_fields = ["organization", "program", "match", "author"]
    exclude = ["answer", "comment"]
