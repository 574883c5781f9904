"""The mentoring pages' per-person cache (sessions/page_cache.py): a page read again is served from it, any
write the page shows makes the next read show the new data (for the writer and for the other people who see
it), a match's change of state is seen without any write telling the cache, and the parts of one organization
are never another's, whatever the ids."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee
from sessions.models import Milestone
from sessions.page_cache import people_changed, person_cached
from sessions.services.goals import milestone_update
from tests.factories import OrganizationFactory
from tests.helpers import org_url, page_text

from .factories import active_pair
from .pages_data import goal, schedule

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def pair(org):
    return active_pair(org, name="Grow Together")


def _queries(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), page_text(response)


class TestHomePage:
    def test_a_second_visit_reads_the_costly_parts_from_the_cache(self, org, pair):
        goal(pair, "Run a team meeting", milestones=["Pick a topic"])
        schedule(pair, when=timezone.now() + timedelta(days=2))
        client, url = pair.client(pair.mentee), org_url("my-mentoring", org)
        first, html = _queries(client, url)
        second, again = _queries(client, url)
        assert "Run a team meeting" in html and "Run a team meeting" in again
        assert second <= first - 5, (first, second)  # goals, milestones, sessions ahead and to log, check-ins

    def test_a_milestone_ticked_by_the_mentor_shows_on_the_mentees_home_page(self, org, pair):
        made = goal(pair, "Run a team meeting", milestones=["Pick a topic", "Book a room"])
        mentee, mentor = pair.client(pair.mentee), pair.client(pair.mentor)
        url = org_url("my-mentoring", org)
        assert "Pick a topic" in page_text(mentee.get(url))  # an open milestone, now cached
        milestone = Milestone.objects.get(goal=made, title="Pick a topic")
        toggle = org_url("milestone-toggle", org, milestone_pk=milestone.pk)
        assert mentor.post(toggle, {"done": "1"}, headers={"HX-Request": "true"}).status_code == 200
        html = page_text(mentee.get(url))
        assert "Pick a topic" not in html  # the home page lists open milestones only
        assert "Book a room" in html

    def test_a_session_scheduled_by_the_other_person_shows_at_once(self, org, pair):
        url = org_url("my-mentoring", org)
        mentee = pair.client(pair.mentee)
        assert "none planned yet" in page_text(mentee.get(url))
        session = schedule(pair, when=timezone.now() + timedelta(days=2))  # by the mentor
        assert org_url("session-detail", org, session_pk=session.pk) in page_text(mentee.get(url))

    def test_a_match_ended_shows_without_any_write_telling_the_cache(self, org, pair):
        goal(pair, "Run a team meeting")
        url = org_url("my-mentoring", org)
        mentee = pair.client(pair.mentee)
        assert "Run a team meeting" in page_text(mentee.get(url))
        Match.objects.filter(pk=pair.match.pk).update(status=Match.Status.ENDED, ended_at=timezone.now())
        html = page_text(mentee.get(url))
        assert "You have no active match" in html and "Run a team meeting" not in html


class TestMatchPage:
    def test_a_goal_added_by_the_mentor_shows_on_the_mentees_match_page(self, org, pair):
        url = org_url("mentoring-match", org, match_pk=pair.match.pk)
        mentee = pair.client(pair.mentee)
        first, html = _queries(mentee, url)
        second, _ = _queries(mentee, url)
        assert "Practise feedback" not in html
        assert second < first, (first, second)
        goal(pair, "Practise feedback", by=pair.mentor)
        assert "Practise feedback" in page_text(mentee.get(url))

    def test_a_milestone_ticked_through_the_service_shows_on_both_match_pages(self, org, pair):
        made = goal(pair, "Run a team meeting", milestones=["Pick a topic"])
        url = org_url("mentoring-match", org, match_pk=pair.match.pk)
        clients = [pair.client(pair.mentee), pair.client(pair.mentor)]
        for client in clients:
            assert "0 of 1" in page_text(client.get(url))
        milestone = Milestone.objects.get(goal=made)
        milestone_update(organization=org, employee=pair.mentee.employee, milestone_id=milestone.pk, done=True)
        for client in clients:
            assert "1 of 1" in page_text(client.get(url))


class TestGoalPage:
    def test_a_comment_and_a_tick_by_the_mentor_show_on_the_mentees_goal_page(self, org, pair):
        made = goal(pair, "Run a team meeting", milestones=["Pick a topic"])
        url = org_url("goal-detail", org, goal_pk=made.pk)
        mentee, mentor = pair.client(pair.mentee), pair.client(pair.mentor)
        first, html = _queries(mentee, url)
        second, _ = _queries(mentee, url)
        milestone = Milestone.objects.get(goal=made)
        ticked = f'id="milestone-{milestone.pk}" checked'
        assert "Keep it short" not in html and ticked not in html
        assert second < first, (first, second)
        comment = org_url("goal-comment", org, goal_pk=made.pk)
        assert mentor.post(comment, {"body": "Keep it short"}).status_code == 302
        toggle = org_url("milestone-toggle", org, milestone_pk=milestone.pk)
        assert mentor.post(toggle, {"done": "1"}, headers={"HX-Request": "true"}).status_code == 200
        html = page_text(mentee.get(url))
        assert "Keep it short" in html
        assert ticked in html

    def test_someone_no_longer_in_the_match_gets_404_though_the_page_was_cached(self, org, pair):
        made = goal(pair, "Run a team meeting")
        url = org_url("goal-detail", org, goal_pk=made.pk)
        mentee = pair.client(pair.mentee)
        assert mentee.get(url).status_code == 200
        MatchMember.objects.filter(match=pair.match, participant__employee=pair.mentee.employee).update(
            response=MatchMember.Response.DECLINED
        )
        assert mentee.get(url).status_code == 404


class TestIsolation:
    def test_the_same_employee_id_in_two_organizations_never_shares_a_part(self, org, other_org):
        built = []

        def build(value):
            def make():
                built.append(value)
                return value, None

            return make

        kwargs = {"employee_id": 42, "part": "home", "stamp": ()}
        assert person_cached(organization=org, build=build("alpha"), **kwargs) == "alpha"
        assert person_cached(organization=other_org, build=build("beta"), **kwargs) == "beta"
        assert person_cached(organization=org, build=build("never"), **kwargs) == "alpha"  # from the cache
        assert person_cached(organization=other_org, build=build("never"), **kwargs) == "beta"
        assert built == ["alpha", "beta"]

    def test_a_change_in_one_organization_leaves_the_others_parts_alone(self, org, other_org):
        kwargs = {"employee_id": 42, "part": "home", "stamp": ()}
        person_cached(organization=org, build=lambda: ("alpha", None), **kwargs)
        person_cached(organization=other_org, build=lambda: ("beta", None), **kwargs)
        people_changed(organization=org, employee_ids=[42])
        assert person_cached(organization=org, build=lambda: ("alpha 2", None), **kwargs) == "alpha 2"
        assert person_cached(organization=other_org, build=lambda: ("never", None), **kwargs) == "beta"

    def test_an_organization_re_created_with_the_same_id_never_reads_the_old_parts(self, org):
        kwargs = {"employee_id": 42, "part": "home", "stamp": ()}
        person_cached(organization=org, build=lambda: ("old", None), **kwargs)
        twin = OrganizationFactory.build(pk=org.pk, created_at=org.created_at + timedelta(seconds=1))
        assert person_cached(organization=twin, build=lambda: ("new", None), **kwargs) == "new"


class TestTime:
    def test_a_part_that_changes_by_itself_before_long_is_kept_no_longer(self, org):
        kwargs = {"organization": org, "employee_id": 42, "part": "home", "stamp": ()}
        soon = timezone.now() - timedelta(seconds=1)  # already due: not worth keeping
        assert person_cached(build=lambda: ("first", soon), **kwargs) == "first"
        assert person_cached(build=lambda: ("second", None), **kwargs) == "second"
        assert person_cached(build=lambda: ("never", None), **kwargs) == "second"


class TestRenderedPages:
    """The pages cached rendered (sessions/views/rendered.py): what changes without a write telling the cache
    (time, matching's writes, the viewer's zone) and what must never be cached (clocks, CSRF tokens)."""

    @pytest.fixture
    def clock(self, monkeypatch):
        moments = [timezone.now()]
        monkeypatch.setattr(timezone, "now", lambda: moments[0])
        return moments

    def test_a_session_ahead_waits_to_be_logged_once_it_starts(self, org, pair, clock):
        session = schedule(pair, when=clock[0] + timedelta(hours=1))
        url = org_url("mentoring-match", org, match_pk=pair.match.pk)
        mentee = pair.client(pair.mentee)
        assert "Waiting to be logged" not in page_text(mentee.get(url))
        clock[0] = session.starts_at + timedelta(minutes=1)
        assert "Waiting to be logged" in page_text(mentee.get(url))

    def test_a_session_ahead_on_the_home_page_waits_to_be_logged_once_it_ends(self, org, pair, clock):
        session = schedule(pair, when=clock[0] + timedelta(hours=1))
        url, mentee = org_url("my-mentoring", org), pair.client(pair.mentee)
        log = org_url("session-log", org, session_pk=session.pk)
        assert log not in page_text(mentee.get(url))
        clock[0] = session.ends_at + timedelta(minutes=1)
        assert log in page_text(mentee.get(url))

    def test_the_other_persons_clock_is_told_at_each_visit(self, org, pair, clock):
        Employee.objects.filter(pk=pair.mentor.employee.pk).update(time_zone="Asia/Tokyo")
        clock[0] = datetime(2027, 1, 15, 12, 0, tzinfo=UTC)
        url, mentee = org_url("my-mentoring", org), pair.client(pair.mentee)
        assert "21:00 JST" in page_text(mentee.get(url))
        clock[0] += timedelta(hours=2)
        second, html = _queries(mentee, url)
        assert "23:00 JST" in html
        assert second <= 5, second  # from the cache: the user, the membership and the stamp (+ the transaction)

    def test_each_browser_gets_its_own_csrf_token_in_the_cached_page(self, org, pair):
        url = org_url("mentoring-match", org, match_pk=pair.match.pk)
        assert pair.client(pair.mentee).get(url).status_code == 200  # cached for this person now
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(pair.mentee.user)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_text(browser.get(url)))
        assert token is not None
        complete = org_url("match-complete", org, match_pk=pair.match.pk)
        assert browser.post(complete, {"csrfmiddlewaretoken": token.group(1), "wanted": "1"}).status_code == 302

    def test_the_others_request_to_complete_shows_without_any_write_telling_the_cache(self, org, pair):
        url = org_url("mentoring-match", org, match_pk=pair.match.pk)
        mentee = pair.client(pair.mentee)
        assert "asked on" not in page_text(mentee.get(url))
        MatchMember.objects.filter(match=pair.match, participant__employee=pair.mentor.employee).update(
            completion_requested_at=timezone.now()
        )
        assert "Morgan Mentor asked on" in page_text(mentee.get(url))

    @pytest.mark.parametrize("name", ["my-mentoring", "mentoring-match"])
    def test_times_follow_the_viewers_zone_when_it_changes(self, org, pair, name):
        in_tokyo = f'datetime="{schedule(pair).starts_at.astimezone(ZoneInfo("Asia/Tokyo")).isoformat()}"'
        url = org_url(name, org, **({"match_pk": pair.match.pk} if name == "mentoring-match" else {}))
        mentee = pair.client(pair.mentee)
        assert in_tokyo not in page_text(mentee.get(url))  # in London
        Employee.objects.filter(pk=pair.mentee.employee.pk).update(time_zone="Asia/Tokyo")
        assert in_tokyo in page_text(mentee.get(url))
