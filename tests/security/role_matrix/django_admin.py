"""The role matrix, part 6: the Django admin under /admin/, the operator's tool. No organization role is
staff, so every caller is sent to the admin's sign-in page (which refuses a signed-in non-staff person with
403 and sends anonymous visitors to allauth's sign-in). Its model pages follow one pattern per registered
model, so the rows are written once per model below: registering a new model in the admin adds routes the
matrix does not know until the model is added to MODELS."""

NOBODY = "admin-login admin-login admin-login admin-login admin-login"

# Every model registered in the admin, as "<app_label>/<model_name>".
MODELS = (
    "auth/group",
    "account/emailaddress",
    "mfa/authenticator",
    "socialaccount/socialapp",
    "socialaccount/socialtoken",
    "socialaccount/socialaccount",
    "accounts/user",
    "accounts/organization",
    "accounts/employee",
    "accounts/membership",
    "accounts/employmentevent",
    "accounts/apitoken",
    "accounts/invitation",
    "accounts/rosterimport",
    "accounts/auditevent",
    "accounts/outboxevent",
    "identity/ssoconnection",
    "identity/claimeddomain",
    "identity/ssosigninattempt",
    "identity/scimuser",
    "identity/employeegroup",
    "identity/employeegroupmember",
    "programs/program",
    "programs/programaudiencegroup",
    "programs/question",
    "programs/participant",
    "programs/skill",
    "programs/skillrating",
    "matching/matchrun",
    "matching/match",
    "matching/matchmember",
    "matching/excludedpair",
    "matching/mentorrequest",
    "mentoring_sessions/mentoringsession",
    "mentoring_sessions/sessionfeedback",
    "mentoring_sessions/goaltemplate",
    "mentoring_sessions/goal",
    "mentoring_sessions/milestone",
    "mentoring_sessions/goalcomment",
    "mentoring_sessions/reminder",
    "mentoring_sessions/notification",
    "mentoring_sessions/notificationpreference",
    "mentoring_sessions/calendarfeed",
    "mentoring_sessions/recordshare",
    "mentoring_sessions/availabilitywindow",
    "mentoring_sessions/awayperiod",
    "mentoring_sessions/busyfeed",
    "mentoring_sessions/busyinterval",
    "mentoring_sessions/flashslot",
    "mentoring_sessions/flashbooking",
    "mentoring_sessions/matchagreement",
    "mentoring_sessions/agreementconfirmation",
    "mentoring_sessions/sessionconfirmation",
    "mentoring_sessions/pairingfitanswer",
    "analytics/survey",
    "analytics/surveyquestion",
    "analytics/surveyassignment",
    "analytics/surveyresponse",
    "analytics/selfidentification",
    "analytics/matchfact",
    "analytics/participantfact",
    "analytics/programday",
    "analytics/rolluprun",
    "integrations/slackinstallation",
    "integrations/slackperson",
    "integrations/slackmessage",
    "integrations/teamsinstallation",
    "integrations/teamslink",
    "integrations/teamscard",
    "integrations/webhookendpoint",
    "integrations/webhookdelivery",
)


def _model_rows(model: str) -> dict[str, dict[str, str]]:
    base = f"/admin/{model}/"
    return {
        base: {"GET": NOBODY, "POST": NOBODY},  # the list, and its bulk actions
        f"{base}add/": {"GET": NOBODY, "POST": NOBODY},
        f"{base}<object_id>/": {"GET": NOBODY},  # redirects to change/
        f"{base}<object_id>/change/": {"GET": NOBODY, "POST": NOBODY},
        f"{base}<object_id>/delete/": {"GET": NOBODY, "POST": NOBODY},
        f"{base}<object_id>/history/": {"GET": NOBODY},
    }


DJANGO_ADMIN = {
    "/admin/": {"GET": NOBODY},
    "/admin/login/": {"GET": "403 403 403 403 login", "POST": "403 403 403 403 login"},
    # Not staff: the admin sends the request to its index (which asks for a staff sign-in), signing no one out.
    "/admin/logout/": {"POST": "302 302 302 302 302"},
    "/admin/password_change/": {"GET": NOBODY, "POST": NOBODY},
    "/admin/password_change/done/": {"GET": NOBODY},
    "/admin/autocomplete/": {"GET": NOBODY},
    "/admin/jsi18n/": {"GET": NOBODY},
    "/admin/r/<content_type_id>/<object_id>/": {"GET": NOBODY},
    "/admin/<app_label>/": {"GET": NOBODY},
    "/admin/<url>": {"GET": NOBODY},  # the admin's catch-all: even its 404 is for staff only
    "/admin/accounts/user/<id>/password/": {"GET": NOBODY, "POST": NOBODY},
}
for _model in MODELS:
    DJANGO_ADMIN.update(_model_rows(_model))
