"""API of the sessions app under /api/v1/o/<org_slug>/.

Route names start with "api-". Objects are `session_pk`, `goal_pk`, `milestone_pk`, `notification_pk` and
`match_pk`; nested routes carry the program as `program_pk` and a goal template as `template_pk`.
"""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views.availability import AvailabilityView
from .views.goals import GoalTemplateViewSet, GoalViewSet, MilestoneViewSet
from .views.matches import MentoringMatchViewSet, ProgramMentoringViewSet
from .views.notifications import (
    CalendarFeedRotateView,
    CalendarFeedView,
    NotificationPreferencesView,
    NotificationViewSet,
)
from .views.sessions import SessionViewSet

router = SimpleRouter(trailing_slash=True, use_regex_path=False)
router.register("mentoring/sessions", SessionViewSet, basename="api-session")
router.register("mentoring/goals", GoalViewSet, basename="api-goal")
router.register("mentoring/milestones", MilestoneViewSet, basename="api-milestone")
router.register("mentoring/matches", MentoringMatchViewSet, basename="api-mentoring-match")
router.register("notifications", NotificationViewSet, basename="api-notification")
router.register("programs/<int:program_pk>/goal-templates", GoalTemplateViewSet, basename="api-goal-template")
router.register("programs/<int:program_pk>/mentoring", ProgramMentoringViewSet, basename="api-program-mentoring")

urlpatterns = [
    path("notification-preferences/", NotificationPreferencesView.as_view(), name="api-notification-preferences"),
    path("mentoring/availability/", AvailabilityView.as_view(), name="api-availability"),
    path("calendar-feed/", CalendarFeedView.as_view(), name="api-calendar-feed"),
    path("calendar-feed/rotate/", CalendarFeedRotateView.as_view(), name="api-calendar-feed-rotate"),
    *router.urls,
]
