"""Pages of the analytics app, under /o/<org_slug>/: the participants' side (check-ins, the closing survey,
what they choose to share about themselves), HR admins' view of a program's surveys (questions, response
rates), and the dashboards (program health, the impact report, their exports, roll-up runs)."""

from django.urls import path

from .views import about_me, surveys
from .views.dashboards import health, impact, skills_gap

ORG = "o/<slug:org_slug>"
PROGRAM_SURVEY = f"{ORG}/programs/<int:program_pk>/surveys/<int:survey_pk>"
DASHBOARDS = f"{ORG}/analytics"

urlpatterns = [
    # Participants: surveys and self-identification.
    path(f"{ORG}/surveys/<int:assignment_pk>/", surveys.survey_answer_page, name="survey-answer"),
    path(f"{ORG}/about-me/", about_me.about_me, name="about-me"),
    path(f"{ORG}/about-me/remove/", about_me.about_me_clear, name="about-me-clear"),
    # HR admins: a program's surveys.
    path(f"{ORG}/programs/<int:program_pk>/surveys/", surveys.program_surveys, name="program-surveys"),
    path(f"{PROGRAM_SURVEY}/questions/", surveys.survey_question_create, name="program-survey-question-add"),
    path(
        f"{PROGRAM_SURVEY}/questions/<int:survey_question_pk>/delete/",
        surveys.survey_question_delete,
        name="program-survey-question-delete",
    ),
    # Dashboards: program health and the impact report, their exports, the figures a task prepared (htmx polls
    # them: analytics/reports/builds.py), roll-up runs.
    path(f"{DASHBOARDS}/health/", health.program_health, name="program-health"),
    path(f"{DASHBOARDS}/health/export/", health.program_health_export, name="program-health-export"),
    path(f"{DASHBOARDS}/health/figures/", health.program_health_figures, name="program-health-figures"),
    path(f"{DASHBOARDS}/health/nudge/<int:match_pk>/", health.health_nudge, name="health-nudge"),
    path(f"{DASHBOARDS}/rollups/", health.rollup_start, name="rollup-start"),
    path(f"{DASHBOARDS}/rollups/<int:rollup_pk>/", health.rollup_run, name="rollup-run"),
    path(f"{DASHBOARDS}/impact/", impact.impact_report_page, name="impact-report"),
    path(f"{DASHBOARDS}/impact/export/", impact.impact_report_export, name="impact-report-export"),
    path(f"{DASHBOARDS}/impact/figures/", impact.impact_report_figures, name="impact-report-figures"),
    path(f"{DASHBOARDS}/skills-gap/", skills_gap.skills_gap_page, name="skills-gap"),
    path(f"{DASHBOARDS}/skills-gap/export/", skills_gap.skills_gap_export, name="skills-gap-export"),
    path(f"{DASHBOARDS}/skills-gap/<int:skill_pk>/mentors/", skills_gap.likely_mentors, name="skills-gap-mentors"),
]
