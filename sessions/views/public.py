"""The two pages reached by a secret instead of a sign-in: a person's calendar feed (calendar apps fetch it
on their own, with no cookie) and the one-click unsubscribe link of an email. A wrong secret answers 404,
the same as a page that does not exist."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mentorhub.accounts.languages import language_of_employee

from .. import flash_ics, ics
from ..messages import CATEGORIES
from ..selectors.flash import feed_bookings
from ..selectors.sessions import FEED_HISTORY_DAYS, feed_sessions
from ..services.notifications import calendar_feed_by_token, calendar_feed_touch, unsubscribe_apply, unsubscribe_read


@never_cache
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = calendar_feed_by_token(token)
    if feed is None:  # first: a wrong secret is "not found" whatever the method
        raise Http404("No such calendar.")
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    calendar_feed_touch(feed)
    sessions = feed_sessions(organization=feed.organization, employee=feed.employee)
    bookings = feed_bookings(
        organization=feed.organization, employee=feed.employee, since=timezone.now() - timedelta(days=FEED_HISTORY_DAYS)
    )
    # Calendar apps ask in no language of the person's: the feed is written in theirs.
    with translation.override(language_of_employee(feed.organization, feed.employee)):
        body = ics.feed_ics(
            sessions,
            feed.organization.slug,
            name=_("Mentoring · %(organization)s") % {"organization": feed.organization.name},
            extra=flash_ics.booking_events(bookings, feed.organization.slug),
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    # The address is the secret: keep it out of referrers and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


# Mail providers send the RFC 8058 one-click POST without a cookie or CSRF token; the signed token is the
# proof, and the only thing it can do is switch emails off.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link switches off and a button (a link scanner must not unsubscribe anyone);
    POST switches it off (the button, or a mail provider's one-click request)."""
    unsubscription = unsubscribe_read(token)
    if unsubscription is None:
        raise Http404("No such link.")
    category = unsubscription.category
    label = CATEGORIES[category][0] if category in CATEGORIES else _("every email from MentorHub's mentoring reminders")
    context = {"unsubscription": unsubscription, "label": label, "done": False}
    if request.method == "POST":
        unsubscribe_apply(unsubscription=unsubscription)
        context["done"] = True
    response = render(request, "sessions/unsubscribe.html", context)
    response["Referrer-Policy"] = "no-referrer"
    return response
