"""API: surveys (the caller's assignments and answers, what they share about themselves; admins: a program's
surveys and their own questions).

Route names start with "api-". Objects are `assignment_pk`; nested routes carry the program as
`program_pk`, its survey as `survey_pk` and an admin's question as `survey_question_pk`.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .api_surveys import AboutMeView, ProgramSurveyQuestionViewSet, ProgramSurveyViewSet, SurveyAssignmentViewSet

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("surveys/assignments", SurveyAssignmentViewSet, basename="api-survey-assignment")
router.register("programs/<int:program_pk>/surveys", ProgramSurveyViewSet, basename="api-program-survey")
router.register(
    "programs/<int:program_pk>/surveys/<int:survey_pk>/questions",
    ProgramSurveyQuestionViewSet,
    basename="api-program-survey-question",
)

urlpatterns = [
    path("about-me/", AboutMeView.as_view(), name="api-about-me"),
    *router.urls,
]
