"""API of the analytics app under /api/v1/o/<org_slug>/: surveys (the caller's assignments and answers, what
they share about themselves; admins: a program's surveys and their own questions) and the figures behind
every chart (admins and stakeholders), and recomputing them.

Route names start with "api-". Objects are `assignment_pk`; nested routes carry the program as
`program_pk`, its survey as `survey_pk` and an admin's question as `survey_question_pk`; a roll-up run is
`rollup_pk` (matching runs own `run_pk`).
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views.dashboards import HealthView, ImpactView, RollupRunViewSet
from .views.surveys import AboutMeView, ProgramSurveyQuestionViewSet, ProgramSurveyViewSet, SurveyAssignmentViewSet

survey_router = SimpleRouter(trailing_slash=True, use_regex_path=False)
survey_router.register("surveys/assignments", SurveyAssignmentViewSet, basename="api-survey-assignment")
survey_router.register("programs/<int:program_pk>/surveys", ProgramSurveyViewSet, basename="api-program-survey")
survey_router.register(
    "programs/<int:program_pk>/surveys/<int:survey_pk>/questions",
    ProgramSurveyQuestionViewSet,
    basename="api-program-survey-question",
)

dashboard_router = SimpleRouter(trailing_slash=True, use_regex_path=False)
dashboard_router.register("analytics/rollups", RollupRunViewSet, basename="api-rollup-run")

urlpatterns = [
    # Surveys.
    path("about-me/", AboutMeView.as_view(), name="api-about-me"),
    *survey_router.urls,
    # Dashboards.
    path("analytics/health/", HealthView.as_view(), name="api-program-health"),
    path("analytics/impact/", ImpactView.as_view(), name="api-impact-report"),
    *dashboard_router.urls,
]
