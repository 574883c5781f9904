"""API of the matching app under /api/v1/o/<org_slug>/.

Route names start with "api-". Nested routes carry the program as `program_pk`; objects are `run_pk`,
`match_pk` and `request_pk`.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import MatchRunViewSet, MentorRequestViewSet, MyMatchViewSet, ProgramMatchViewSet, SuggestionsView

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("programs/<int:program_pk>/match-runs", MatchRunViewSet, basename="api-match-run")
router.register("programs/<int:program_pk>/matches", ProgramMatchViewSet, basename="api-program-match")
router.register("matches", MyMatchViewSet, basename="api-my-match")
router.register("mentor-requests", MentorRequestViewSet, basename="api-mentor-request")

urlpatterns = [
    path("programs/<int:program_pk>/suggestions/", SuggestionsView.as_view(), name="api-suggestions"),
    *router.urls,
]
