from django.apps import AppConfig


class MentoringSessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "mentoring_sessions"
    verbose_name = "Mentoring sessions"

    def ready(self) -> None:
        # Lower apps never import this one (docs/architecture.md: registries): this app tells matching what
        # follows when a match ends, accounts how many notices wait unread for the navigation, and what a
        # departure ends here (calendar feed, reminders; after matching's follower: INSTALLED_APPS order).
        from matching.extensions import register_match_ending
        from mentorhub.accounts.extensions import register_departure_follower, register_navigation_count

        from . import metrics, privacy
        from .extensions import register_busy_source, register_home_todos
        from .selectors.calendar_feeds import feed_busy_source
        from .selectors.notifications import UNREAD_NAVIGATION_COUNT
        from .selectors.pairing_fit import fit_home_todos
        from .services.departures import departures_pending_sessions, employee_departure_sessions
        from .services.lifecycle import match_ending_wind_down

        register_match_ending(match_ending_wind_down)
        register_home_todos(fit_home_todos)  # "Is this a good match for you?" after the first held session
        register_navigation_count(UNREAD_NAVIGATION_COUNT)
        register_departure_follower(employee_departure_sessions, pending=departures_pending_sessions)
        privacy.register()  # its personal data, in accounts' registry (docs/privacy.md)
        metrics.register()  # the reminders backlog, for the operator's metrics (docs/operations.md)
        # Find a time also avoids what people's own published calendars show busy (sessions/busy_calendar.py).
        register_busy_source(feed_busy_source)  # a module's function: registering it twice keeps one
