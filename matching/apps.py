from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"

    def ready(self) -> None:
        # Lower apps never import this one (docs/architecture.md: registries): when someone leaves the
        # organization (accounts' departure), their matches end, their requests and enrollments close.
        from mentorhub.accounts.extensions import register_admin_attention, register_departure_follower

        from . import privacy
        from .attention import runs_needing_review
        from .services.departures import departures_pending_matching, employee_departure_matching

        register_departure_follower(employee_departure_matching, pending=departures_pending_matching)
        privacy.register()  # its personal data, in accounts' registry (docs/privacy.md)
        register_admin_attention(runs_needing_review)  # the HR admin's home: runs to review or failed
