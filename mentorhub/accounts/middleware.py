from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone


class ViewerTimezoneMiddleware:
    """Show times in the viewer's time zone. Organization pages refine it with the roster's zone."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.time_zone:
            timezone.activate(user.time_zone)
        else:
            timezone.deactivate()
        return self.get_response(request)
