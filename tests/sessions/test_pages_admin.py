"""HR admin pages: a program's matches in progress (counts and dates, nudges, goals done, end reasons) with
its CSV export, ending a match early, goal templates. Admins see numbers, never the content: no shared
notes, feedback, ratings, reflections or goal titles, on the page or in the CSV."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone

from matching.models import Match
from sessions.models import GoalTemplate, Reminder
from sessions.timeslots import key_of
from sessions.views.mentoring_overview import moment_texts, month_names
from tests.helpers import org_url, page_text

from .factories import active_pair, person
from .pages_data import goal, held, schedule

pytestmark = pytest.mark.usefixtures("fresh_cache")

SECRETS = ("SHARED-NOTE-TEXT", "PRIVATE-REFLECTION-TEXT", "SECRET-GOAL-TITLE", "Topic-Secret")


@pytest.fixture
def pair(org):
    mentor = person(org, "ada@alpha.test", name="Ada Mentor", level=7)
    mentee = person(org, "ben@alpha.test", name="Ben Mentee", level=2)
    return active_pair(org, mentor=mentor, mentee=mentee, name="Grow Together")


@pytest.fixture
def busy(org, pair):
    """The pair met twice, missed once, cancelled once, has one session ahead, two nudges and two goals."""
    held(pair, days_ago=20)
    held(
        pair,
        days_ago=6,
        shared_notes="SHARED-NOTE-TEXT",
        rating=1,
        topics=["Topic-Secret"],
        reflection="PRIVATE-REFLECTION-TEXT",
    )
    missed = held(pair, days_ago=12)
    missed.status = "missed"
    missed.save()
    cancelled = schedule(pair, when=timezone.now() + timedelta(days=1))
    cancelled.status = "cancelled"
    cancelled.save()
    schedule(pair, when=timezone.now() + timedelta(days=9))
    done = goal(pair, "SECRET-GOAL-TITLE")
    done.status = "done"
    done.save()
    goal(pair, "Another goal")
    for n in (1, 2):
        Reminder.objects.create(
            organization=org,
            kind=Reminder.Kind.INACTIVITY_NUDGE,
            recipient=pair.mentee.employee,
            match=pair.match,
            slot=f"20270101T000000Z#{n}",
            key=key_of("inactivity_nudge", f"x{pair.match.pk}", pair.mentee.employee.pk, f"20270101T000000Z#{n}"),
            due_at=timezone.now() - timedelta(days=n),
            status=Reminder.Status.SENT,
        )
    return pair


def _ended(org, program, reason='=HYPERLINK("http://x")'):
    other = active_pair(org, program=program)
    Match.objects.filter(pk=other.match.pk).update(
        status=Match.Status.ENDED, ended_at=timezone.now(), end_reason=reason
    )
    return other


class TestOverview:
    def test_counts_and_dates_never_the_content(self, org, admin_client, busy):
        html = page_text(admin_client.get(org_url("program-mentoring", org, program_pk=busy.program.pk)))
        assert "Mentoring: Grow Together" in html
        assert 'aria-current="page">Mentoring</a>' in html
        assert "Ada Mentor" in html and "Ben Mentee" in html
        row = html[html.index("Ada Mentor") : html.index("</tr>", html.index("Ada Mentor"))]
        cells = [cell.split(">", 1)[1] for cell in row.split('<td class="num"')[1:]]
        assert [cell[: cell.index("<")] for cell in cells[:3]] == ["2", "1", "1"]  # held, missed, cancelled
        assert "1 of 2" in row  # goals done
        assert "6 days ago" in row  # since the last held session
        assert ">2</td>" in row  # nudges
        assert org_url("admin-match-end", org, program_pk=busy.program.pk, match_pk=busy.match.pk) in html
        for secret in SECRETS:
            assert secret not in html

    def test_end_reasons_and_the_status_filter(self, org, admin_client, pair):
        _ended(org, pair.program, reason="Moved to another country")
        everything = page_text(admin_client.get(org_url("program-mentoring", org, program_pk=pair.program.pk)))
        assert "Moved to another country" in everything and "Ben Mentee" in everything
        ended = page_text(
            admin_client.get(org_url("program-mentoring", org, program_pk=pair.program.pk) + "?status=ended")
        )
        assert "Moved to another country" in ended and "Ben Mentee" not in ended
        assert "?status=ended" in ended  # the CSV link keeps the filter

    def test_empty(self, org, admin_client):
        program = active_pair(org).program
        Match.objects.filter(program=program).update(status=Match.Status.APPROVED)
        html = page_text(admin_client.get(org_url("program-mentoring", org, program_pk=program.pk)))
        assert "No match has started yet." in html

    def test_query_count_does_not_grow(self, org, admin_client, busy, django_assert_max_num_queries):
        page = org_url("program-mentoring", org, program_pk=busy.program.pk)
        with django_assert_max_num_queries(12) as few:
            admin_client.get(page)
        for _ in range(4):
            more = active_pair(org, program=busy.program)
            held(more)
            goal(more)
        _ended(org, busy.program)
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = page_text(admin_client.get(page))
        assert html.count("End early…") == 5  # the busy pair and the four new ones; not the ended match

    def test_names_and_reasons_are_escaped(self, org, admin_client):
        """The rows are written in Python (sessions/views/mentoring_overview.py): every text is escaped there."""
        mentor = person(org, "eve@alpha.test", name='Eve <b>"Bold"</b> & Co')
        pair = active_pair(org, mentor=mentor, mentee=person(org, "fay@alpha.test", name="Fay"))
        _ended(org, pair.program, reason="<script>alert('x')</script>")
        html = page_text(admin_client.get(org_url("program-mentoring", org, program_pk=pair.program.pk)))
        assert "Eve &lt;b&gt;&quot;Bold&quot;&lt;/b&gt; &amp; Co" in html and "Eve <b>" not in html
        assert "Reason: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html and "<script>alert" not in html

    @pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland", "America/Los_Angeles"])
    def test_dates_read_as_the_date_filter_writes_them(self, zone):
        """The rows come with their dates written in Python: the same text as |date:"c" and |date:"j M Y"."""
        moments = [datetime(2026, 12, 31, 23, 30, 5, 120, tzinfo=UTC), datetime(2027, 3, 1, 9, 0, tzinfo=UTC)]
        filters = Template('{% for m in moments %}{{ m|date:"c" }}|{{ m|date:"j M Y" }};{% endfor %}')
        with timezone.override(ZoneInfo(zone)):
            expected = filters.render(Context({"moments": moments}))
            zone_now = timezone.get_current_timezone()
            written = "".join("{}|{};".format(*moment_texts(m, zone_now)) for m in moments)
            names_once = "".join("{}|{};".format(*moment_texts(m, zone_now, month_names())) for m in moments)
        assert written == names_once == expected

    def test_members_and_stakeholders_get_403_outsiders_404(
        self, org, pair, member_client, stakeholder_client, outsider_client
    ):
        for name in ("program-mentoring", "program-mentoring-export", "goal-templates"):
            target = org_url(name, org, program_pk=pair.program.pk)
            assert member_client.get(target).status_code == 403
            assert stakeholder_client.get(target).status_code == 403
            assert outsider_client.get(target).status_code == 404
        # Being in a match does not make one an admin of it.
        assert (
            pair.client(pair.mentor).get(org_url("program-mentoring", org, program_pk=pair.program.pk)).status_code
            == 403
        )


class TestExport:
    def test_same_columns_no_content_formulas_defused(self, org, admin_client, busy):
        _ended(org, busy.program)
        response = admin_client.get(org_url("program-mentoring-export", org, program_pk=busy.program.pk))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f"alpha-program-{busy.program.pk}-mentoring-" in response["Content-Disposition"]
        body = b"".join(response.streaming_content).decode()
        rows = list(csv.DictReader(io.StringIO(body)))
        assert len(rows) == 2
        mine = next(r for r in rows if r["match_id"] == str(busy.match.pk))
        assert mine["people"] == "Ada Mentor (mentor); Ben Mentee (mentee)"
        assert (mine["status"], mine["sessions_held"], mine["sessions_missed"], mine["sessions_cancelled"]) == (
            "active",
            "2",
            "1",
            "1",
        )
        assert (mine["nudges_sent"], mine["goals_done"], mine["goals_total"], mine["days_since_last_session"]) == (
            "2",
            "1",
            "2",
            "6",
        )
        assert mine["next_session_at"] and mine["last_session_on"] and mine["end_reason"] == ""
        ended = next(r for r in rows if r["match_id"] != str(busy.match.pk))
        assert ended["end_reason"] == '\'=HYPERLINK("http://x")'
        assert ended["days_since_last_session"] == "" and ended["next_session_at"] == ""
        for secret in SECRETS:
            assert secret not in body

    def test_the_filter_applies(self, org, admin_client, busy):
        _ended(org, busy.program)
        response = admin_client.get(
            org_url("program-mentoring-export", org, program_pk=busy.program.pk) + "?status=active"
        )
        rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert [r["match_id"] for r in rows] == [str(busy.match.pk)]


class TestAdminEnd:
    def test_confirm_then_end(self, org, admin_client, pair, django_capture_on_commit_callbacks):
        end = org_url("admin-match-end", org, program_pk=pair.program.pk, match_pk=pair.match.pk)
        html = page_text(admin_client.get(end))
        assert "End the match of Ada Mentor and Ben Mentee early?" in html
        assert "Offer the mentee a new match in this program" in html
        response = admin_client.post(end, {"reason": ""})
        assert response.status_code == 400 and "Say briefly why the match ends" in page_text(response)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(end, {"reason": "Mentor left the company"})
        assert response["Location"] == org_url("program-mentoring", org, program_pk=pair.program.pk)
        pair.match.refresh_from_db()
        assert (pair.match.status, pair.match.end_reason) == (Match.Status.ENDED, "Mentor left the company")
        overview = page_text(admin_client.get(response["Location"]))
        assert "The match of Ada Mentor and Ben Mentee has ended." in overview
        assert "Mentor left the company" in overview

    def test_only_active_matches(self, org, admin_client, pair):
        other = _ended(org, pair.program, reason="Done")
        end = org_url("admin-match-end", org, program_pk=pair.program.pk, match_pk=other.match.pk)
        assert "There is nothing to end" in page_text(admin_client.get(end))
        admin_client.post(end, {"reason": "Again"})
        other.match.refresh_from_db()
        assert other.match.end_reason == "Done"

    def test_a_match_of_another_program_is_404(self, org, admin_client, pair):
        other = active_pair(org)
        end = org_url("admin-match-end", org, program_pk=pair.program.pk, match_pk=other.match.pk)
        assert admin_client.get(end).status_code == 404
        assert admin_client.post(end, {"reason": "x"}).status_code == 404


class TestGoalTemplates:
    def test_add_with_milestones_and_list(self, org, admin_client, pair):
        page = org_url("goal-templates", org, program_pk=pair.program.pk)
        html = page_text(admin_client.get(page))
        assert 'aria-current="page">Goal templates</a>' in html and "No goal templates yet." in html
        response = admin_client.post(
            page,
            {
                "title": "Build a network",
                "description": "Outside your team",
                "milestones": "Coffee with three people | 14\n\nJoin a guild\n",
            },
        )
        assert response.status_code == 302
        template = GoalTemplate.objects.get()
        assert template.milestones == [
            {"title": "Coffee with three people", "due_after_days": 14},
            {"title": "Join a guild", "due_after_days": None},
        ]
        html = page_text(admin_client.get(page))
        assert "Build a network" in html and "Coffee with three people" in html and "(day 14)" in html

    def test_clear_errors(self, org, admin_client, pair):
        page = org_url("goal-templates", org, program_pk=pair.program.pk)
        response = admin_client.post(page, {"title": "Plan", "milestones": "Draft | soon"})
        assert response.status_code == 400
        assert "Line 1: after “|” give a number of days." in page_text(response)
        GoalTemplate.objects.create(organization=org, program=pair.program, title="Plan")
        response = admin_client.post(page, {"title": "Plan"})
        assert response.status_code == 400 and "a goal template with that title already" in page_text(response)
        assert admin_client.post(page, {"title": ""}).status_code == 400

    def test_edit_and_delete(self, org, admin_client, pair):
        template = GoalTemplate.objects.create(
            organization=org, program=pair.program, title="Plan", milestones=[{"title": "Draft", "due_after_days": 7}]
        )
        edit = org_url("goal-template-edit", org, program_pk=pair.program.pk, template_pk=template.pk)
        assert "Draft | 7" in page_text(admin_client.get(edit))
        response = admin_client.post(edit, {"title": "Career plan", "description": "", "milestones": "Draft | 10"})
        assert response.status_code == 302
        template.refresh_from_db()
        assert template.title == "Career plan" and template.milestones == [{"title": "Draft", "due_after_days": 10}]
        delete = org_url("goal-template-delete", org, program_pk=pair.program.pk, template_pk=template.pk)
        assert "Delete the goal template “Career plan”?" in page_text(admin_client.get(delete))
        admin_client.post(delete)
        assert not GoalTemplate.objects.exists()

    def test_a_template_of_another_program_is_404(self, org, admin_client, pair):
        template = GoalTemplate.objects.create(organization=org, program=active_pair(org).program, title="Elsewhere")
        for name in ("goal-template-edit", "goal-template-delete"):
            target = org_url(name, org, program_pk=pair.program.pk, template_pk=template.pk)
            assert admin_client.get(target).status_code == 404
            assert admin_client.post(target, {"title": "x"}).status_code == 404
        assert GoalTemplate.objects.filter(pk=template.pk, title="Elsewhere").exists()


def test_admins_never_open_a_matchs_sessions_or_goals(org, admin_client, busy):
    """The overview links to no session or goal; opening one directly answers 404 (they are not in it)."""
    session = busy.match.sessions.filter(shared_notes="SHARED-NOTE-TEXT").get()
    assert admin_client.get(org_url("session-detail", org, session_pk=session.pk)).status_code == 404
    secret = busy.match.goals.get(title="SECRET-GOAL-TITLE")
    assert admin_client.get(org_url("goal-detail", org, goal_pk=secret.pk)).status_code == 404
