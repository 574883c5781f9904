"""The role matrix, part 5: the pages under /o/<org_slug>/. A form posted with nothing filled in; a page that
saves and redirects is 2xx/3xx. Admin-only pages: stakeholder and member 403 (they know the organization),
outsider 404, anonymous sent to sign in. Pages about taking part (enrolling, one's matches, mentoring,
notifications, surveys) answer admins and members, stakeholders 403; another person's match, session, goal,
enrollment or survey is 404 to an admin too: HR does not read a pair's private space."""

# Columns: admin, stakeholder, member, outsider (an admin of organization B), anonymous.
PAGES = {
    "/o/<org_slug>/": {"GET": "200 200 200 404 login"},
    "/o/<org_slug>/people/": {"GET": "200 200 200 404 login"},
    "/o/<org_slug>/people/export.csv": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/people/<employee_pk>/": {"GET": "200 200 200 404 login"},
    "/o/<org_slug>/settings/directory/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/my-data/": {"GET": "200 200 200 404 login"},
    "/o/<org_slug>/my-data/export.json": {"GET": "200 200 200 404 login"},
    "/o/<org_slug>/my-data/export.html": {"GET": "200 200 200 404 login"},
    "/o/<org_slug>/people/<employee_pk>/export.json": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/people/<employee_pk>/export.html": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/people/<employee_pk>/erase/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/settings/meetings/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    # Settings -> Slack: installing goes to Slack; the callback without a started installation, and uninstalling
    # without an installation, go back to the page.
    "/o/<org_slug>/settings/slack/": {"GET": "200 403 403 404 login"},
    # Each person's own switch for Slack messages.
    "/o/<org_slug>/my-slack/": {"GET": "200 200 200 404 login", "POST": "2xx/3xx 2xx/3xx 2xx/3xx 404 login"},
    "/o/<org_slug>/settings/slack/install/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/settings/slack/callback/": {"GET": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/settings/slack/uninstall/": {
        "GET": "2xx/3xx 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    # Everyone chooses their own language; only admins the organization's default (a POST without "which" is
    # the person's own choice: blank, automatic).
    "/o/<org_slug>/settings/language/": {
        "GET": "200 200 200 404 login",
        "POST": "2xx/3xx 2xx/3xx 2xx/3xx 404 login",
    },
    "/o/<org_slug>/settings/branding/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/settings/privacy/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/people/import/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/people/import/template.csv": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/people/import/<import_pk>/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/people/import/<import_pk>/rerun/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/members/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/members/invitations/<invitation_pk>/revoke/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/members/invitations/<invitation_pk>/resend/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/members/<membership_pk>/role/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/members/<membership_pk>/remove/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/audit/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/audit/export.csv": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/api-tokens/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/api-tokens/<token_pk>/revoke/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/settings/sso/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/settings/sso/domains/<domain_pk>/release/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/settings/sso/domains/<domain_pk>/verify/": {"POST": "400 403 403 404 login"},
    "/o/<org_slug>/settings/sso/test/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/settings/sso/test/result/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/settings/teams/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    # Without a bot configured (the suite's settings) the package is not there: back to the settings page.
    "/o/<org_slug>/settings/teams/manifest.zip": {"GET": "302 403 403 404 login"},
    # Settings -> Webhooks (integrations/webhooks/): admins only.
    "/o/<org_slug>/settings/webhooks/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/settings/webhooks/new/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/settings/webhooks/<endpoint_pk>/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/settings/webhooks/<endpoint_pk>/rotate/": {"POST": "200 403 403 404 login"},
    "/o/<org_slug>/settings/webhooks/<endpoint_pk>/enabled/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/settings/webhooks/<endpoint_pk>/delete/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/settings/webhooks/<endpoint_pk>/test/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/settings/webhooks/<endpoint_pk>/deliveries/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/settings/webhooks/<endpoint_pk>/deliveries/<delivery_pk>/send-again/": {
        "POST": "2xx/3xx 403 403 404 login"
    },
    "/o/<org_slug>/groups/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/groups/new/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/groups/<group_pk>/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/groups/<group_pk>/edit/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/groups/<group_pk>/delete/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/groups/<group_pk>/members.csv": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/groups/<group_pk>/members/add/": {"POST": "400 403 403 404 login"},
    "/o/<org_slug>/groups/<group_pk>/members/<employee_pk>/remove/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/programs/open/": {"GET": "200 403 200 404 login"},
    "/o/<org_slug>/programs/<program_pk>/enroll/<role>/": {
        "GET": "200 403 200 404 login",
        "POST": "2xx/3xx 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/enrollments/<participant_pk>/edit/": {
        "GET": "404 403 2xx/3xx 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/enrollments/<participant_pk>/withdraw/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/programs/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/new/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/edit/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/move/": {
        "GET": "2xx/3xx 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/questions/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/questions/new/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/questions/<question_pk>/edit/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/questions/<question_pk>/delete/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/questions/<question_pk>/move/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/participants/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/participants/decide/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/participants.csv": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/invite/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/matching/": {
        "GET": "200 403 403 404 login",
        "POST": "200 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/matching/runs/<run_pk>/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/matching/runs/<run_pk>/retry/": {
        "GET": "200 403 403 404 login",
        "POST": "200 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/matching/compare/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/matching/approve/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/matching/matches/<match_pk>/pin/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/matching/matches/<match_pk>/edit/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/matching/matches/<match_pk>/mentee/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/matching/matches/<match_pk>/discard/": {
        "GET": "200 403 403 404 login",
        "POST": "200 403 403 404 login",
    },
    "/o/<org_slug>/matches/": {"GET": "200 403 200 404 login"},
    "/o/<org_slug>/matches/<match_pk>/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/matches/<match_pk>/decline/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/suggestions/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/mentor-requests/": {"GET": "200 403 200 404 login"},
    "/o/<org_slug>/mentor-requests/<request_pk>/accept/": {"POST": "404 403 404 404 login"},
    "/o/<org_slug>/mentor-requests/<request_pk>/withdraw/": {"POST": "404 403 2xx/3xx 404 login"},
    "/o/<org_slug>/mentor-requests/<request_pk>/decline/": {
        "GET": "404 403 404 404 login",
        "POST": "404 403 404 404 login",
    },
    "/o/<org_slug>/mentoring/": {"GET": "200 403 200 404 login"},
    "/o/<org_slug>/mentoring/matches/<match_pk>/": {"GET": "404 403 200 404 login"},
    "/o/<org_slug>/mentoring/matches/<match_pk>/complete/": {"POST": "404 403 2xx/3xx 404 login"},
    "/o/<org_slug>/mentoring/matches/<match_pk>/end/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/matches/<match_pk>/agreement/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/matches/<match_pk>/agreement/confirm/": {"POST": "404 403 2xx/3xx 404 login"},
    "/o/<org_slug>/mentoring/matches/<match_pk>/fit/": {"POST": "404 403 2xx/3xx 404 login"},
    "/o/<org_slug>/mentoring/matches/<match_pk>/fit/rematch/": {
        "GET": "404 403 2xx/3xx 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/mentoring/matches/<match_pk>/sessions/new/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/matches/<match_pk>/sessions/log/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/availability/": {
        "GET": "200 403 200 404 login",
        "POST": "2xx/3xx 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/mentoring/matches/<match_pk>/find-a-time/": {"GET": "404 403 200 404 login"},
    "/o/<org_slug>/mentoring/matches/<match_pk>/find-a-time/book/": {"POST": "404 403 2xx/3xx 404 login"},
    "/o/<org_slug>/mentoring/sessions/<session_pk>/": {"GET": "404 403 200 404 login"},
    "/o/<org_slug>/mentoring/sessions/<session_pk>/edit/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/sessions/<session_pk>/cancel/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/sessions/<session_pk>/log/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/sessions/<session_pk>/notes/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/sessions/<session_pk>/feedback/": {
        "GET": "404 403 2xx/3xx 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/mentoring/sessions/<session_pk>/confirm/": {"POST": "404 403 2xx/3xx 404 login"},
    "/o/<org_slug>/mentoring/sessions/<session_pk>/invite.ics": {"GET": "404 403 200 404 login"},
    # Flash mentoring: HR admins see the program's page (and may book if enrolled), stakeholders take no part;
    # slots and bookings answer only their host or booker.
    "/o/<org_slug>/mentoring/flash/<program_pk>/": {"GET": "200 403 200 404 login"},
    "/o/<org_slug>/mentoring/flash/<program_pk>/office-hours/": {
        "GET": "200 403 200 404 login",
        "POST": "400 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/flash/slots/<slot_pk>/book/": {"POST": "2xx/3xx 403 2xx/3xx 404 login"},
    "/o/<org_slug>/mentoring/flash/slots/<slot_pk>/cancel/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/mentoring/flash/bookings/<booking_pk>/cancel/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/mentoring/flash/bookings/<booking_pk>/rate/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/flash/bookings/<booking_pk>/invite.ics": {"GET": "404 403 200 404 login"},
    "/o/<org_slug>/mentoring/matches/<match_pk>/goals/new/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/goals/<goal_pk>/": {"GET": "404 403 200 404 login"},
    "/o/<org_slug>/mentoring/goals/<goal_pk>/edit/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/goals/<goal_pk>/delete/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/mentoring/goals/<goal_pk>/milestones/": {"POST": "404 403 400 404 login"},
    "/o/<org_slug>/mentoring/goals/<goal_pk>/comments/": {"POST": "404 403 400 404 login"},
    "/o/<org_slug>/mentoring/milestones/<milestone_pk>/toggle/": {"POST": "404 403 2xx/3xx 404 login"},
    "/o/<org_slug>/mentoring/milestones/<milestone_pk>/delete/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    # The participant's own mentoring record and the links they make to it (the link is the member's).
    "/o/<org_slug>/mentoring/record/": {"GET": "200 403 200 404 login"},
    "/o/<org_slug>/mentoring/record.pdf": {"GET": "200 403 200 404 login"},
    "/o/<org_slug>/mentoring/record/links/": {"POST": "400 403 400 404 login"},
    "/o/<org_slug>/mentoring/record/links/<share_pk>/revoke/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/notifications/": {"GET": "200 403 200 404 login"},
    "/o/<org_slug>/notifications/read-all/": {"POST": "2xx/3xx 403 2xx/3xx 404 login"},
    "/o/<org_slug>/notifications/<notification_pk>/": {"GET": "404 403 2xx/3xx 404 login"},
    "/o/<org_slug>/notifications/preferences/": {
        "GET": "200 403 200 404 login",
        "POST": "400 403 400 404 login",
    },
    "/o/<org_slug>/notifications/calendar/rotate/": {
        "GET": "200 403 200 404 login",
        "POST": "2xx/3xx 403 2xx/3xx 404 login",
    },
    # One's own calendar (busy times): nothing saved in the world, so removing goes back to the page.
    "/o/<org_slug>/mentoring/calendar-feed/": {
        "GET": "200 403 200 404 login",
        "POST": "400 403 400 404 login",
    },
    "/o/<org_slug>/mentoring/calendar-feed/remove/": {
        "GET": "2xx/3xx 403 2xx/3xx 404 login",
        "POST": "2xx/3xx 403 2xx/3xx 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/mentoring/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/mentoring.csv": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/mentoring/matches/<match_pk>/end/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/goal-templates/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/goal-templates/<template_pk>/edit/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/goal-templates/<template_pk>/delete/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/surveys/<assignment_pk>/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 400 404 login",
    },
    "/o/<org_slug>/about-me/": {
        "GET": "200 200 200 404 login",
        "POST": "2xx/3xx 2xx/3xx 2xx/3xx 404 login",
    },
    "/o/<org_slug>/about-me/remove/": {
        "GET": "200 200 200 404 login",
        "POST": "2xx/3xx 2xx/3xx 2xx/3xx 404 login",
    },
    "/o/<org_slug>/programs/<program_pk>/surveys/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/surveys/<survey_pk>/questions/": {"POST": "400 403 403 404 login"},
    "/o/<org_slug>/programs/<program_pk>/surveys/<survey_pk>/questions/<survey_question_pk>/delete/": {
        "GET": "200 403 403 404 login",
        "POST": "2xx/3xx 403 403 404 login",
    },
    "/o/<org_slug>/analytics/health/": {"GET": "200 200 403 404 login"},
    "/o/<org_slug>/analytics/health/export/": {"GET": "404 404 403 404 login"},
    # What the page polls (htmx) while a task prepares its figures; opened without htmx it sends to the page.
    "/o/<org_slug>/analytics/health/figures/": {"GET": "2xx/3xx 2xx/3xx 403 404 login"},
    "/o/<org_slug>/analytics/health/nudge/<match_pk>/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/analytics/rollups/": {"POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/analytics/rollups/<rollup_pk>/": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/analytics/impact/": {"GET": "200 200 403 404 login"},
    "/o/<org_slug>/analytics/impact/export/": {"GET": "404 404 403 404 login"},
    "/o/<org_slug>/analytics/impact/figures/": {"GET": "2xx/3xx 2xx/3xx 403 404 login"},
    # The skills-gap map: aggregates for admins and stakeholders; the names of likely mentors for admins only.
    "/o/<org_slug>/analytics/skills-gap/": {"GET": "200 200 403 404 login"},
    "/o/<org_slug>/analytics/skills-gap/export/": {"GET": "200 200 403 404 login"},
    "/o/<org_slug>/analytics/skills-gap/<skill_pk>/mentors/": {
        "GET": "200 403 403 404 login",
        "POST": "400 403 403 404 login",
    },
    # The skills catalogue (admins), and a mentee's own skill ratings (theirs alone: an admin gets 404).
    "/o/<org_slug>/skills/": {"GET": "200 403 403 404 login", "POST": "400 403 403 404 login"},
    "/o/<org_slug>/skills/import/": {"GET": "200 403 403 404 login", "POST": "400 403 403 404 login"},
    "/o/<org_slug>/skills/export.csv": {"GET": "200 403 403 404 login"},
    "/o/<org_slug>/skills/<skill_pk>/edit/": {"GET": "200 403 403 404 login", "POST": "400 403 403 404 login"},
    "/o/<org_slug>/skills/<skill_pk>/active/": {"GET": "200 403 403 404 login", "POST": "2xx/3xx 403 403 404 login"},
    "/o/<org_slug>/enrollments/<participant_pk>/skills/": {
        "GET": "404 403 200 404 login",
        "POST": "404 403 2xx/3xx 404 login",
    },
}
