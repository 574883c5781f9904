"""API of the programs app under /api/v1/o/<org_slug>/.

Route names start with "api-" so they never collide with the page names of the same objects. Nested
routes carry the program as `program_pk`; objects are `question_pk` and `participant_pk`.
"""

from rest_framework.routers import SimpleRouter

from .views import ParticipantViewSet, ProgramViewSet, QuestionViewSet

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("programs", ProgramViewSet, basename="api-program")
router.register("programs/<int:program_pk>/questions", QuestionViewSet, basename="api-question")
router.register("programs/<int:program_pk>/participants", ParticipantViewSet, basename="api-participant")

urlpatterns = [*router.urls]
