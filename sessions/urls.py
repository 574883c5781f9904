"""Pages of the sessions app. Under /o/<org_slug>/ for people signed in; the routes outside it take a secret
instead (the calendar feed, the unsubscribe link, a shared mentoring record) and answer 404 to a wrong one."""

from django.urls import path

from .views import (
    admin,
    agreements,
    availability,
    busy_feed,
    flash,
    goals,
    home,
    notifications,
    public,
    record,
    session_pages,
)

ORG = "o/<slug:org_slug>"
PROGRAM = f"{ORG}/programs/<int:program_pk>"

urlpatterns = [
    # Participants: home, a match's space, sessions, goals.
    path(f"{ORG}/mentoring/", home.my_mentoring, name="my-mentoring"),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/", home.mentoring_match, name="mentoring-match"),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/complete/", home.match_complete, name="match-complete"),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/end/", home.match_end, name="match-end"),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/agreement/", agreements.agreement_edit_view, name="agreement-edit"),
    path(
        f"{ORG}/mentoring/matches/<int:match_pk>/agreement/confirm/",
        agreements.agreement_confirm_view,
        name="agreement-confirm",
    ),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/fit/", agreements.fit_answer_view, name="fit-answer"),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/fit/rematch/", agreements.fit_rematch_view, name="fit-rematch"),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/sessions/new/", session_pages.session_new, name="session-new"),
    path(
        f"{ORG}/mentoring/matches/<int:match_pk>/sessions/log/", session_pages.session_log_past, name="session-log-past"
    ),
    # Find a time (its own route: the match page is cached HTML) and the person's availability.
    path(f"{ORG}/mentoring/availability/", availability.my_availability, name="my-availability"),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/find-a-time/", availability.find_a_time, name="find-a-time"),
    path(
        f"{ORG}/mentoring/matches/<int:match_pk>/find-a-time/book/",
        availability.find_a_time_book,
        name="find-a-time-book",
    ),
    path(f"{ORG}/mentoring/sessions/<int:session_pk>/", session_pages.session_detail, name="session-detail"),
    path(f"{ORG}/mentoring/sessions/<int:session_pk>/edit/", session_pages.session_edit, name="session-edit"),
    path(f"{ORG}/mentoring/sessions/<int:session_pk>/cancel/", session_pages.session_cancel, name="session-cancel"),
    path(f"{ORG}/mentoring/sessions/<int:session_pk>/log/", session_pages.session_log, name="session-log"),
    path(f"{ORG}/mentoring/sessions/<int:session_pk>/notes/", session_pages.session_notes, name="session-notes"),
    path(
        f"{ORG}/mentoring/sessions/<int:session_pk>/feedback/", session_pages.session_feedback, name="session-feedback"
    ),
    path(f"{ORG}/mentoring/sessions/<int:session_pk>/confirm/", session_pages.session_confirm, name="session-confirm"),
    path(f"{ORG}/mentoring/sessions/<int:session_pk>/invite.ics", session_pages.session_ics, name="session-ics"),
    path(f"{ORG}/mentoring/matches/<int:match_pk>/goals/new/", goals.goal_new, name="goal-new"),
    path(f"{ORG}/mentoring/goals/<int:goal_pk>/", goals.goal_detail, name="goal-detail"),
    path(f"{ORG}/mentoring/goals/<int:goal_pk>/edit/", goals.goal_edit, name="goal-edit"),
    path(f"{ORG}/mentoring/goals/<int:goal_pk>/delete/", goals.goal_delete, name="goal-delete"),
    path(f"{ORG}/mentoring/goals/<int:goal_pk>/milestones/", goals.milestone_add, name="milestone-add"),
    path(f"{ORG}/mentoring/goals/<int:goal_pk>/comments/", goals.goal_comment, name="goal-comment"),
    path(f"{ORG}/mentoring/milestones/<int:milestone_pk>/toggle/", goals.milestone_toggle, name="milestone-toggle"),
    path(f"{ORG}/mentoring/milestones/<int:milestone_pk>/delete/", goals.milestone_delete, name="milestone-delete"),
    # The participant's mentoring record (page, PDF) and the links that show it to their manager.
    path(f"{ORG}/mentoring/record/", record.my_record, name="mentoring-record"),
    path(f"{ORG}/mentoring/record.pdf", record.my_record_pdf, name="mentoring-record-pdf"),
    path(f"{ORG}/mentoring/record/links/", record.record_share_new, name="mentoring-record-share"),
    path(
        f"{ORG}/mentoring/record/links/<int:share_pk>/revoke/",
        record.record_share_revoke_page,
        name="mentoring-record-share-revoke",
    ),
    # Flash mentoring: a program's office hours and my bookings; a mentor's own office hours.
    path(f"{ORG}/mentoring/flash/<int:program_pk>/", flash.flash_browse, name="flash-browse"),
    path(f"{ORG}/mentoring/flash/<int:program_pk>/office-hours/", flash.flash_office_hours, name="flash-office-hours"),
    path(f"{ORG}/mentoring/flash/slots/<int:slot_pk>/book/", flash.flash_book, name="flash-book"),
    path(f"{ORG}/mentoring/flash/slots/<int:slot_pk>/cancel/", flash.flash_slot_cancel, name="flash-slot-cancel"),
    path(
        f"{ORG}/mentoring/flash/bookings/<int:booking_pk>/cancel/",
        flash.flash_booking_cancel,
        name="flash-booking-cancel",
    ),
    path(f"{ORG}/mentoring/flash/bookings/<int:booking_pk>/rate/", flash.flash_booking_rate, name="flash-booking-rate"),
    path(
        f"{ORG}/mentoring/flash/bookings/<int:booking_pk>/invite.ics", flash.flash_booking_ics, name="flash-booking-ics"
    ),
    # Notifications, preferences, the calendar feed's address.
    path(f"{ORG}/notifications/", notifications.notification_list, name="notifications"),
    path(f"{ORG}/notifications/read-all/", notifications.notifications_read_all, name="notifications-read-all"),
    path(f"{ORG}/notifications/<int:notification_pk>/", notifications.notification_open, name="notification-open"),
    path(f"{ORG}/notifications/preferences/", notifications.preferences, name="notification-preferences"),
    path(f"{ORG}/notifications/calendar/rotate/", notifications.calendar_rotate, name="calendar-feed-rotate"),
    # A person's own calendar (busy times for finding a time).
    path(f"{ORG}/mentoring/calendar-feed/", busy_feed.busy_feed, name="busy-feed"),
    path(f"{ORG}/mentoring/calendar-feed/remove/", busy_feed.busy_feed_remove_view, name="busy-feed-remove"),
    # HR admins: a program's matches in progress, goal templates.
    path(f"{PROGRAM}/mentoring/", admin.program_mentoring, name="program-mentoring"),
    path(f"{PROGRAM}/mentoring.csv", admin.program_mentoring_export, name="program-mentoring-export"),
    path(f"{PROGRAM}/mentoring/matches/<int:match_pk>/end/", admin.admin_match_end, name="admin-match-end"),
    path(f"{PROGRAM}/goal-templates/", admin.goal_templates, name="goal-templates"),
    path(f"{PROGRAM}/goal-templates/<int:template_pk>/edit/", admin.goal_template_edit, name="goal-template-edit"),
    path(
        f"{PROGRAM}/goal-templates/<int:template_pk>/delete/", admin.goal_template_delete, name="goal-template-delete"
    ),
    # Secret links (no sign-in): the calendar subscription and one-click unsubscribe.
    path("calendar/<str:token>.ics", public.calendar_feed, name="calendar-feed"),
    path("unsubscribe/<str:token>/", public.unsubscribe, name="unsubscribe"),
    # A participant's mentoring record, shown to whoever holds the link they made (sessions/views/record.py).
    path("record/<str:token>/", record.record_shared, name="record-shared"),
    path("record/<str:token>/record.pdf", record.record_shared_pdf, name="record-shared-pdf"),
]
