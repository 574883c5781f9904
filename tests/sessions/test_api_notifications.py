"""Mentoring API, the caller's own things: notifications (list, unread, read one, read all, unread count),
email preferences, and the secret calendar feed address (made on first use, rotated)."""

from __future__ import annotations

import pytest
from django.test import Client

from sessions import ics
from sessions.models import CalendarFeed, Notification, NotificationPreference
from sessions.services.notifications import notification_create
from sessions.services.sessions import session_schedule
from tests.factories import MembershipFactory

from .factories import active_pair, ahead, api, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    return active_pair(org)


@pytest.fixture
def mentee_client(pair) -> Client:
    return pair.client(pair.mentee)


def notice(org, membership, title: str, url: str = "") -> Notification:
    return notification_create(
        organization=org, recipient=membership.employee, kind=Notification.MATCH_UPDATE, title=title, url=url
    )


@pytest.mark.usefixtures("fresh_cache")  # the unread count is cached: never read a count left by another test
class TestNotifications:
    def test_list_read_and_count(self, org, pair, mentee_client):
        first = notice(org, pair.mentee, "First", url=f"/o/{org.slug}/mentoring/")
        second = notice(org, pair.mentee, "Second")
        notice(org, pair.mentor, "For the mentor")
        url = api("notification-list", org)

        body = mentee_client.get(url).json()
        assert [n["title"] for n in body["results"]] == ["Second", "First"]
        row = body["results"][1]
        assert (row["kind"], row["read"], row["read_at"]) == ("match_update", False, None)
        assert row["url"] == f"http://testserver/o/{org.slug}/mentoring/"
        assert mentee_client.get(api("notification-unread-count", org)).json() == {"unread": 2}

        read = send(mentee_client, "post", api("notification-read", org, notification_pk=first.pk))
        assert read.status_code == 200 and read.json()["read"] is True and read.json()["read_at"] is not None
        first.refresh_from_db()
        assert first.read_at is not None
        assert mentee_client.get(api("notification-unread-count", org)).json() == {"unread": 1}
        assert [n["id"] for n in mentee_client.get(url, {"unread": "true"}).json()["results"]] == [second.pk]

        everything = send(mentee_client, "post", api("notification-read-all", org))
        assert everything.json() == {"marked": 1}
        assert not Notification.objects.filter(recipient=pair.mentee.employee, read_at=None).exists()
        assert Notification.objects.filter(recipient=pair.mentor.employee, read_at=None).count() == 1
        assert mentee_client.get(api("notification-unread-count", org)).json() == {"unread": 0}

    def test_someone_elses_notice_is_404(self, org, pair, mentee_client, outsider_client, stakeholder_client):
        theirs = notice(org, pair.mentor, "For the mentor")
        url = api("notification-read", org, notification_pk=theirs.pk)
        assert send(mentee_client, "post", url).status_code == 404
        assert send(outsider_client, "post", url).status_code == 404
        assert send(stakeholder_client, "post", url).status_code == 403
        assert stakeholder_client.get(api("notification-list", org)).status_code == 403
        assert outsider_client.get(api("notification-list", org)).status_code == 404
        assert Notification.objects.get(pk=theirs.pk).read_at is None
        assert "For the mentor" not in mentee_client.get(api("notification-list", org)).content.decode()


class TestPreferences:
    def test_read_and_choose(self, org, pair, mentee_client):
        url = api("notification-preferences", org)
        initial = mentee_client.get(url).json()
        assert initial["email_off"] == [] and all(c["email"] for c in initial["categories"])
        assert "nudges" in [c["key"] for c in initial["categories"]]

        saved = send(mentee_client, "put", url, {"email_off": ["nudges", "checkins", "nudges"]})
        assert saved.status_code == 200, saved.content
        assert saved.json()["email_off"] == ["checkins", "nudges"]
        assert {c["key"]: c["email"] for c in saved.json()["categories"]}["nudges"] is False
        assert NotificationPreference.objects.get(employee=pair.mentee.employee).email_off == ["checkins", "nudges"]
        assert mentee_client.get(url).json()["email_off"] == ["checkins", "nudges"]

        unknown = send(mentee_client, "put", url, {"email_off": ["spam"]})
        assert unknown.status_code == 400 and "not a valid choice" in str(unknown.json()["email_off"])
        assert send(mentee_client, "put", url, {}).json() == {"email_off": ["This field is required."]}
        back_on = send(mentee_client, "put", url, {"email_off": []})
        assert back_on.json()["email_off"] == []

    def test_stakeholders_and_outsiders(self, org, stakeholder_client, outsider_client):
        url = api("notification-preferences", org)
        assert stakeholder_client.get(url).status_code == 403
        assert send(stakeholder_client, "put", url, {"email_off": []}).status_code == 403
        assert outsider_client.get(url).status_code == 404
        assert not NotificationPreference.objects.exists()


class TestCalendarFeed:
    def test_the_address_is_made_once_and_rotated(self, org, pair, mentee_client):
        session = session_schedule(
            organization=org, actor=None, employee=pair.mentee.employee, match_id=pair.match.pk, starts_at=ahead(3)
        )
        first = mentee_client.get(api("calendar-feed", org))
        assert first.status_code == 200, first.content
        address = first.json()["url"]
        assert address.startswith("http://testserver/calendar/cal_") and address.endswith(".ics")
        assert first.json()["rotated_at"] is None
        assert mentee_client.get(api("calendar-feed", org)).json()["url"] == address
        assert CalendarFeed.objects.filter(employee=pair.mentee.employee).count() == 1

        # The address works without signing in.
        feed = Client().get(address.removeprefix("http://testserver"))
        assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
        assert f"UID:{ics.session_uid(session)}" in feed.content.decode()

        rotated = send(mentee_client, "post", api("calendar-feed-rotate", org))
        assert rotated.status_code == 200 and rotated.json()["url"] != address
        assert rotated.json()["rotated_at"] is not None
        assert Client().get(address.removeprefix("http://testserver")).status_code == 404
        assert Client().get(rotated.json()["url"].removeprefix("http://testserver")).status_code == 200
        assert mentee_client.get(api("calendar-feed", org)).json()["url"] == rotated.json()["url"]

    def test_stakeholders_and_outsiders(self, org, stakeholder_client, outsider_client):
        for name, method in (("calendar-feed", "get"), ("calendar-feed-rotate", "post")):
            assert send(stakeholder_client, method, api(name, org)).status_code == 403
            assert send(outsider_client, method, api(name, org)).status_code == 404
        assert not CalendarFeed.objects.exists()


@pytest.mark.usefixtures("fresh_cache")
def test_an_account_without_a_roster_entry(org):
    client = Client()
    client.force_login(MembershipFactory(organization=org, role="member", employee=None).user)
    assert client.get(api("notification-list", org)).json()["results"] == []
    assert client.get(api("notification-unread-count", org)).json() == {"unread": 0}
    assert send(client, "post", api("notification-read-all", org)).json() == {"marked": 0}
    assert client.get(api("notification-preferences", org)).status_code == 404
    assert send(client, "put", api("notification-preferences", org), {"email_off": []}).status_code == 404
    assert client.get(api("calendar-feed", org)).status_code == 404
    assert send(client, "post", api("calendar-feed-rotate", org)).status_code == 404
    assert client.get(api("goal-list", org)).json()["count"] == 0
    assert not CalendarFeed.objects.exists() and not NotificationPreference.objects.exists()
