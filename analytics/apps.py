from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"

    def ready(self) -> None:
        # The sessions app sends the check-in reminders and shows the home page; it never imports this app,
        # so this app tells it how to write a survey reminder and which surveys wait for an answer.
        from mentorhub.accounts.extensions import register_admin_attention
        from sessions.extensions import register_home_todos, register_record_section
        from sessions.messages import register_kind
        from sessions.models import Reminder

        from . import metrics, privacy
        from .attention import matches_at_risk, surveys_closing
        from .record_skills import skills_record_section
        from .survey_prompts import render_survey_reminder, survey_todos

        register_kind(Reminder.Kind.CHECKIN_DUE, render_survey_reminder)
        register_home_todos(survey_todos)
        privacy.register()  # its personal data, in accounts' registry; the recompute after an erasure
        metrics.register()  # the roll-ups' age, for the operator's metrics (docs/operations.md)
        register_admin_attention(matches_at_risk)  # the HR admin's home: what needs them now
        register_admin_attention(surveys_closing)
        register_record_section(skills_record_section)  # the participant's mentoring record: their skills ratings
