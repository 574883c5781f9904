"""Pages of the matching app, under /o/<org_slug>/. Object kwargs are named after the model."""

from django.urls import path

from .views import admin_matches, admin_review, admin_runs, choice, participant

PROGRAM = "o/<slug:org_slug>/programs/<int:program_pk>"

urlpatterns = [
    # HR admins: runs, review of the proposals, comparison.
    path(f"{PROGRAM}/matching/", admin_runs.program_matching, name="program-matching"),
    path(f"{PROGRAM}/matching/runs/<int:run_pk>/", admin_runs.match_run_detail, name="match-run-detail"),
    path(f"{PROGRAM}/matching/runs/<int:run_pk>/retry/", admin_review.match_run_retry, name="match-run-retry"),
    path(f"{PROGRAM}/matching/compare/", admin_runs.match_run_compare, name="match-run-compare"),
    path(f"{PROGRAM}/matching/approve/", admin_matches.matches_approve, name="matches-approve"),
    path(f"{PROGRAM}/matching/matches/<int:match_pk>/pin/", admin_matches.match_pin, name="match-pin"),
    path(f"{PROGRAM}/matching/matches/<int:match_pk>/edit/", admin_matches.match_edit, name="match-edit"),
    path(
        f"{PROGRAM}/matching/matches/<int:match_pk>/mentee/", admin_review.match_edit_mentee, name="match-edit-mentee"
    ),
    path(f"{PROGRAM}/matching/matches/<int:match_pk>/discard/", admin_matches.match_discard, name="match-discard"),
    # Participants: their matches; mentee-choice suggestions and requests.
    path("o/<slug:org_slug>/matches/", participant.my_matches, name="my-matches"),
    path("o/<slug:org_slug>/matches/<int:match_pk>/", participant.my_match, name="my-match"),
    path("o/<slug:org_slug>/matches/<int:match_pk>/decline/", participant.my_match_decline, name="my-match-decline"),
    path(f"{PROGRAM}/suggestions/", choice.program_suggestions, name="program-suggestions"),
    path("o/<slug:org_slug>/mentor-requests/", choice.mentor_requests, name="mentor-requests"),
    path(
        "o/<slug:org_slug>/mentor-requests/<int:request_pk>/accept/",
        choice.mentor_request_accept,
        name="mentor-request-accept",
    ),
    path(
        "o/<slug:org_slug>/mentor-requests/<int:request_pk>/withdraw/",
        choice.mentor_request_withdraw,
        name="mentor-request-withdraw",
    ),
    path(
        "o/<slug:org_slug>/mentor-requests/<int:request_pk>/decline/",
        choice.mentor_request_decline,
        name="mentor-request-decline",
    ),
]
