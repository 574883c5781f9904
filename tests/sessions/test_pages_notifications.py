"""Notifications: the list (newest first, paginated, unread ones marked in words), opening one (read, then
its page, a path on this site only), marking all as read, the unread count in the navigation; email
preferences and the secret calendar address (copyable, rotatable)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions.models import CalendarFeed, Notification, NotificationPreference
from sessions.selectors.notifications import unread_count
from sessions.services.notifications import feed_token
from tests.helpers import org_url, page_text

from .factories import active_pair
from .pages_data import schedule

pytestmark = pytest.mark.usefixtures("fresh_cache")


def _notice(org, employee, title, *, url_path="", read=False, minutes_ago=0):
    notice = Notification.objects.create(
        organization=org,
        recipient=employee,
        kind=Notification.MATCH_UPDATE,
        title=title,
        body=f"Body of {title}",
        url=url_path,
        read_at=timezone.now() if read else None,
    )
    Notification.objects.filter(pk=notice.pk).update(created_at=timezone.now() - timedelta(minutes=minutes_ago))
    return notice


class TestList:
    def test_newest_first_and_unread_marked_in_words(self, org, member, member_client):
        _notice(org, member.employee, "Older and read", read=True, minutes_ago=30)
        _notice(org, member.employee, "Newer and unread", minutes_ago=5)
        html = page_text(member_client.get(org_url("notifications", org)))
        assert html.index("Newer and unread") < html.index("Older and read")
        assert '<span class="badge badge-new">New</span>' in html
        assert 'Newer and unread<span class="visually-hidden"> (unread)</span>' in html
        assert "Older and read<span" not in html
        assert "<strong>1 unread</strong> of 2." in html
        assert "Mark all as read" in html
        assert 'aria-current="page">Notifications' in html

    def test_paginated(self, org, member, member_client):
        for n in range(30):
            _notice(org, member.employee, f"Notice number {n:02d}", minutes_ago=n)
        first = page_text(member_client.get(org_url("notifications", org)))
        assert "Notice number 00" in first and "Notice number 29" not in first
        assert "Page 1 of 2" in first
        second = page_text(member_client.get(org_url("notifications", org) + "?page=2"))
        assert "Notice number 29" in second and "Notice number 00" not in second

    def test_only_my_own(self, org, member, member_client, admin):
        _notice(org, admin.employee, "For the admin only")
        html = page_text(member_client.get(org_url("notifications", org)))
        assert "For the admin only" not in html and "No notifications yet." in html

    def test_mark_all_read(self, org, member, member_client):
        for n in range(3):
            _notice(org, member.employee, f"N{n}")
        assert member_client.get(org_url("notifications-read-all", org)).status_code == 405
        response = member_client.post(org_url("notifications-read-all", org))
        assert response.status_code == 302
        assert not Notification.objects.filter(recipient=member.employee, read_at=None).exists()
        html = page_text(member_client.get(response["Location"]))
        assert "Marked 3 notifications as read." in html and "All 3 read." in html
        assert '<span class="badge">' not in html.split("</nav>")[0]

    def test_the_nav_count_follows_reading(self, org, member, member_client):
        notice = _notice(org, member.employee, "One")
        _notice(org, member.employee, "Two")
        assert '<span class="badge">2<span class="visually-hidden"> unread</span>' in page_text(
            member_client.get(org_url("notifications", org))
        )
        member_client.get(org_url("notification-open", org, notification_pk=notice.pk))
        assert '<span class="badge">1<span class="visually-hidden"> unread</span>' in page_text(
            member_client.get(org_url("notifications", org))
        )

    def test_the_count_is_cached(self, org, member, member_client, django_assert_max_num_queries):
        _notice(org, member.employee, "One")
        member_client.get(org_url("org-home", org))
        with django_assert_max_num_queries(0) as nothing:
            assert unread_count(organization=org, employee=member.employee) == 1
        assert not nothing.captured_queries

    def test_query_count_does_not_grow(self, org, member, member_client, django_assert_max_num_queries):
        _notice(org, member.employee, "One")
        with django_assert_max_num_queries(10) as few:
            member_client.get(org_url("notifications", org))
        for n in range(40):
            _notice(org, member.employee, f"More {n}")
        with django_assert_max_num_queries(len(few.captured_queries) + 1):  # +1: the count, its cache forgotten
            member_client.get(org_url("notifications", org))

    def test_without_a_roster_entry(self, org, member, member_client):
        member.employee = None
        member.save()
        html = page_text(member_client.get(org_url("notifications", org)))
        assert "not linked to an entry" in html

    def test_stakeholders_403_outsiders_404(self, org, stakeholder_client, outsider_client):
        for name in ("notifications", "notification-preferences", "calendar-feed-rotate"):
            assert stakeholder_client.get(org_url(name, org)).status_code == 403
            assert outsider_client.get(org_url(name, org)).status_code == 404


class TestOpen:
    def test_marks_read_and_goes_to_its_page(self, org, member, member_client):
        notice = _notice(org, member.employee, "Session moved", url_path="/o/alpha/mentoring/")
        response = member_client.get(org_url("notification-open", org, notification_pk=notice.pk))
        assert response.status_code == 302 and response["Location"] == "/o/alpha/mentoring/"
        notice.refresh_from_db()
        assert notice.read_at is not None

    @pytest.mark.parametrize(
        "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "mentoring/"]
    )
    def test_only_a_path_on_this_site(self, org, member, member_client, target):
        notice = _notice(org, member.employee, "Odd", url_path=target)
        response = member_client.get(org_url("notification-open", org, notification_pk=notice.pk))
        assert response["Location"] == org_url("notifications", org)
        notice.refresh_from_db()
        assert notice.read_at is not None

    def test_someone_elses_is_404(self, org, member_client, admin):
        notice = _notice(org, admin.employee, "Not yours")
        assert member_client.get(org_url("notification-open", org, notification_pk=notice.pk)).status_code == 404
        notice.refresh_from_db()
        assert notice.read_at is None


class TestPreferences:
    def test_every_category_on_by_default(self, org, member, member_client):
        html = page_text(member_client.get(org_url("notification-preferences", org)))
        assert "Email me about" in html
        assert html.count('name="email_on"') == 7 and html.count("checked") == 7
        assert "Reminders 24 hours and 1 hour before a session" in html
        assert "matches that need attention" not in html  # an HR admin's email
        assert "Notices in MentorHub always appear" in html

    def test_admins_also_choose_escalations(self, org, admin, admin_client):
        html = page_text(admin_client.get(org_url("notification-preferences", org)))
        assert "For HR admins: matches that need attention" in html

    def test_switching_off(self, org, member, member_client):
        NotificationPreference.objects.create(organization=org, employee=member.employee, email_off=["escalations"])
        kept_on = ["invitations", "session_reminders", "log_prompts", "milestones", "checkins", "fit_checks"]
        response = member_client.post(org_url("notification-preferences", org), {"email_on": kept_on})
        assert response.status_code == 302
        preference = NotificationPreference.objects.get(employee=member.employee)
        assert preference.email_off == ["escalations", "nudges"]  # the admin-only one kept as it was
        html = page_text(member_client.get(org_url("notification-preferences", org)))
        assert html.count("checked") == 6

    def test_unknown_category_is_refused(self, org, member, member_client):
        response = member_client.post(org_url("notification-preferences", org), {"email_on": ["bogus"]})
        assert response.status_code == 400
        assert not NotificationPreference.objects.exists()

    def test_the_calendar_address(self, org, member, member_client):
        pair = active_pair(org, mentee=member)
        schedule(pair, location="Room 7")
        response = member_client.get(org_url("notification-preferences", org))
        assert response["Referrer-Policy"] == "no-referrer"
        html = page_text(response)
        feed = CalendarFeed.objects.get(employee=member.employee)
        address = f"http://testserver/calendar/{feed_token(feed)}.ics"
        assert f'value="{address}" readonly' in html
        assert "Google Calendar:" in html and "Outlook:" in html
        assert org_url("calendar-feed-rotate", org) in html
        fetched = member_client.get(address)
        assert fetched.status_code == 200 and "Room 7" in fetched.content.decode()

    def test_rotating_the_address(self, org, member, member_client):
        member_client.get(org_url("notification-preferences", org))
        feed = CalendarFeed.objects.get(employee=member.employee)
        old = feed_token(feed)
        html = page_text(member_client.get(org_url("calendar-feed-rotate", org)))
        assert "Rotate your calendar address?" in html and "Keep the current one" in html
        assert CalendarFeed.objects.get(pk=feed.pk).nonce == feed.nonce  # GET changes nothing
        response = member_client.post(org_url("calendar-feed-rotate", org))
        assert response["Location"] == org_url("notification-preferences", org) + "#calendar"
        feed.refresh_from_db()
        assert feed_token(feed) != old and feed.rotated_at is not None
        assert member_client.get(f"/calendar/{old}.ics").status_code == 404
        assert f"/calendar/{feed_token(feed)}.ics" in page_text(
            member_client.get(org_url("notification-preferences", org))
        )
