from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

from .languages import supported_or_none


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


class LanguageMiddleware:
    """The language of the page: the signed-in person's choice, else what the browser asks for when we have it.
    When neither says, the organization's default applies once the tenancy layer knows the organization
    (mentorhub/tenancy.py); pages outside an organization fall back to LANGUAGE_CODE. Unlike Django's
    LocaleMiddleware there is no language prefix in the URL and no cookie: a person's choice lives on their
    account, so it follows them to every device, email and chat message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = page_language(request)
        request.language_chosen = language is not None  # type: ignore[attr-defined]
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", translation.get_language() or settings.LANGUAGE_CODE)
        translation.deactivate()
        return response


def page_language(request: HttpRequest) -> str | None:
    """The person's own choice, else the browser's first language we have; None when neither says."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        chosen = supported_or_none(getattr(user, "language", ""))
        if chosen:
            return chosen
    for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        found = supported_or_none(code)
        if found:
            return found
    return None
