from django.apps import AppConfig


class MentoringSessionsConfig(AppConfig):
    # django.contrib.sessions already owns the label "sessions".
    name = "sessions"
    label = "mentoring_sessions"
    verbose_name = "Mentoring sessions"

    def ready(self) -> None:
        # Lower apps never import this one (docs/architecture.md: registries): this app tells matching what
        # follows when a match ends, and accounts how many notices wait unread for the navigation.
        from matching.extensions import register_match_ending
        from mentorhub.accounts.extensions import register_navigation_count

        from .selectors.notifications import UNREAD_NAVIGATION_COUNT
        from .services.lifecycle import match_ending_wind_down

        register_match_ending(match_ending_wind_down)
        register_navigation_count(UNREAD_NAVIGATION_COUNT)
