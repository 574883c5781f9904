"""Mentoring API, goals: set (shared, personal, from a template, with milestones), read with progress and
comments, change, delete; milestones (add, change, tick off, delete); comments; and the goal templates HR
admins keep per program. Who sees and changes what, and 404 for goals that are not one's to see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sessions.models import Goal, GoalComment, GoalTemplate, Milestone, Reminder
from sessions.services.goals import goal_create, goal_template_create, goal_update
from tests.programs.factories import ProgramFactory

from .factories import active_pair, api, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(org):
    return active_pair(org)


@pytest.fixture
def mentor_client(pair) -> Client:
    return pair.client(pair.mentor)


@pytest.fixture
def mentee_client(pair) -> Client:
    return pair.client(pair.mentee)


def goal_of(org, pair, by=None, **fields) -> Goal:
    return goal_create(organization=org, employee=(by or pair.mentee).employee, match_id=pair.match.pk, **fields)


def template_of(org, admin, program, **fields) -> GoalTemplate:
    return goal_template_create(organization=org, actor=admin.user, program_id=program.pk, **fields)


class TestGoals:
    def test_set_a_shared_goal_with_milestones(self, org, pair, mentee_client, mentor_client):
        due = timezone.localdate() + timedelta(days=30)
        response = send(
            mentee_client,
            "post",
            api("goal-list", org),
            {
                "match": pair.match.pk,
                "title": "  Lead a   project ",
                "description": "A small one first",
                "due_on": due.isoformat(),
                "milestones": [
                    {"title": "Pick the project", "due_on": (due - timedelta(days=20)).isoformat()},
                    {"title": "Kick-off"},
                ],
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        goal = Goal.objects.get(pk=body["id"])
        assert (goal.title, goal.match, goal.participant, goal.due_on) == ("Lead a project", pair.match, None, due)
        assert body["personal"] is False and body["owner"] is None and body["progress"] == 0
        assert [(m["title"], m["done"]) for m in body["milestones"]] == [
            ("Pick the project", False),
            ("Kick-off", False),
        ]
        assert body["comments"] == [] and body["created_by"] == "Ellis Mentee" and body["status"] == "on_track"
        assert body["page_url"] == f"http://testserver/o/{org.slug}/mentoring/goals/{goal.pk}/"
        # Milestone reminders for both people on the dated milestone only.
        reminders = Reminder.objects.filter(kind="milestone_due")
        assert sorted(r.recipient_id for r in reminders) == sorted(p.employee.pk for p in pair.members)
        # The other person of the match sees it too.
        listed = mentor_client.get(api("goal-list", org)).json()
        assert [g["id"] for g in listed["results"]] == [goal.pk]

    def test_personal_goals_are_seen_by_their_owner_and_mentors_only(self, org, pair, mentee_client, mentor_client):
        response = send(
            mentee_client,
            "post",
            api("goal-list", org),
            {"match": pair.match.pk, "title": "Speak up in meetings", "personal": True},
        )
        assert response.status_code == 201, response.content
        assert response.json()["personal"] is True and response.json()["owner"] == "Ellis Mentee"
        goal = Goal.objects.get(pk=response.json()["id"])
        assert goal.match is None and goal.participant.employee == pair.mentee.employee
        assert mentor_client.get(api("goal-detail", org, goal_pk=goal.pk)).status_code == 200
        # The mentor's own personal goal is not the mentee's to see.
        mentors = goal_of(org, pair, by=pair.mentor, title="Delegate more", personal=True)
        assert mentee_client.get(api("goal-detail", org, goal_pk=mentors.pk)).status_code == 404
        assert mentors.pk not in [g["id"] for g in mentee_client.get(api("goal-list", org)).json()["results"]]
        assert mentors.pk in [g["id"] for g in mentor_client.get(api("goal-list", org)).json()["results"]]

    def test_from_a_template(self, org, admin, pair, mentee_client):
        template = template_of(
            org,
            admin,
            pair.program,
            title="Grow your network",
            description="Meet people outside your team",
            milestones=[{"title": "Three coffees", "due_after_days": 14}, {"title": "One talk"}],
        )
        response = send(mentee_client, "post", api("goal-list", org), {"match": pair.match.pk, "template": template.pk})
        assert response.status_code == 201, response.content
        body = response.json()
        assert (body["title"], body["description"], body["template"]) == (
            "Grow your network",
            "Meet people outside your team",
            template.pk,
        )
        today = timezone.localdate()
        assert [(m["title"], m["due_on"]) for m in body["milestones"]] == [
            ("Three coffees", (today + timedelta(days=14)).isoformat()),
            ("One talk", None),
        ]
        elsewhere = template_of(org, admin, ProgramFactory(organization=org), title="Elsewhere")
        refused = send(mentee_client, "post", api("goal-list", org), {"match": pair.match.pk, "template": elsewhere.pk})
        assert refused.status_code == 404

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({}, "title", "Give it a short title."),
            ({"title": "x" * 201}, "title", "no more than 200 characters"),
            ({"title": "Ok", "due_on": "next week"}, "due_on", "Date has wrong format"),
            ({"title": "Ok", "milestones": [{"title": ""}]}, "milestones", "may not be blank"),
            ({"title": "Ok", "milestones": [{"title": "m"}] * 21}, "milestones", "no more than 20"),
        ],
    )
    def test_refusals(self, org, pair, mentee_client, data, field, message):
        response = send(mentee_client, "post", api("goal-list", org), {"match": pair.match.pk, **data})
        assert response.status_code == 400, response.content
        assert message in str(response.json()[field])
        assert not Goal.objects.exists()

    def test_change_finish_and_delete(self, org, pair, mentee_client, mentor_client):
        goal = goal_of(org, pair, title="Lead a project", milestones=[{"title": "Pick one"}, {"title": "Ship it"}])
        url = api("goal-detail", org, goal_pk=goal.pk)
        changed = send(mentor_client, "patch", url, {"title": "Lead two projects", "status": "at_risk"})
        assert changed.status_code == 200, changed.content
        assert (changed.json()["title"], changed.json()["status"]) == ("Lead two projects", "at_risk")
        done = send(mentee_client, "patch", url, {"status": "done"})
        assert done.json()["progress"] == 100 and done.json()["completed_at"] is not None
        goal.refresh_from_db()
        assert goal.status == "done" and goal.completed_at is not None
        blank = send(mentee_client, "patch", url, {"title": "   "})
        assert blank.status_code == 400 and blank.json() == {"title": ["This field may not be blank."]}
        bad = send(mentee_client, "patch", url, {"status": "abandoned"})
        assert bad.status_code == 400 and "not a valid choice" in bad.json()["status"][0]

        assert send(mentee_client, "delete", url).status_code == 204
        assert not Goal.objects.filter(pk=goal.pk).exists() and not Milestone.objects.exists()
        assert mentee_client.get(url).status_code == 404

    def test_list_filters(self, org, pair, mentee_client, django_assert_max_num_queries):
        shared = goal_of(org, pair, title="Shared", milestones=[{"title": "a"}, {"title": "b"}])
        personal = goal_of(org, pair, title="Mine", personal=True)
        finished = goal_of(org, pair, title="Done already")
        goal_update(organization=org, employee=pair.mentee.employee, goal_id=finished.pk, status="done")
        other = active_pair(org, program=pair.program)
        goal_of(org, other, title="Not yours")
        url = api("goal-list", org)
        with django_assert_max_num_queries(8):  # milestones come in one query, whatever the number of goals
            body = mentee_client.get(url).json()
        # Open goals first (by due date, then age), done ones last.
        assert [g["id"] for g in body["results"]] == [shared.pk, personal.pk, finished.pk]
        assert "Not yours" not in str(body)
        assert [g["id"] for g in mentee_client.get(url, {"status": "done"}).json()["results"]] == [finished.pk]
        assert mentee_client.get(url, {"match": pair.match.pk}).json()["count"] == 3
        assert mentee_client.get(url, {"match": other.match.pk}).json()["count"] == 0


class TestMilestonesAndComments:
    def test_add_tick_off_change_and_delete_milestones(self, org, pair, mentee_client, mentor_client):
        goal = goal_of(org, pair, title="Lead a project", milestones=[{"title": "Pick one"}])
        due = timezone.localdate() + timedelta(days=10)
        added = send(
            mentor_client,
            "post",
            api("goal-milestones", org, goal_pk=goal.pk),
            {"title": "Ship it", "due_on": due.isoformat()},
        )
        assert added.status_code == 201, added.content
        assert (added.json()["title"], added.json()["due_on"], added.json()["goal"]) == (
            "Ship it",
            due.isoformat(),
            goal.pk,
        )
        milestone = Milestone.objects.get(pk=added.json()["id"])
        assert milestone.goal == goal and Reminder.objects.filter(milestone=milestone).count() == 2

        url = api("milestone-detail", org, milestone_pk=milestone.pk)
        ticked = send(mentee_client, "patch", url, {"done": True})
        assert ticked.status_code == 200 and ticked.json()["done"] is True
        assert ticked.json()["done_by"] == pair.mentee.employee.pk
        milestone.refresh_from_db()
        assert milestone.done_at is not None and milestone.done_by == pair.mentee.employee
        assert mentee_client.get(api("goal-detail", org, goal_pk=goal.pk)).json()["progress"] == 50
        assert not Reminder.objects.filter(milestone=milestone, status="pending").exists()

        renamed = send(mentee_client, "patch", url, {"title": "Ship it well", "done": False, "due_on": None})
        assert renamed.json()["title"] == "Ship it well" and renamed.json()["done"] is False
        assert renamed.json()["due_on"] is None
        assert send(mentee_client, "patch", url, {"title": ""}).json() == {"title": ["This field may not be blank."]}

        assert send(mentor_client, "delete", url).status_code == 204
        assert not Milestone.objects.filter(pk=milestone.pk).exists()
        empty = send(mentee_client, "post", api("goal-milestones", org, goal_pk=goal.pk), {})
        assert empty.status_code == 400 and empty.json() == {"title": ["This field is required."]}

    def test_comments(self, org, pair, mentee_client, mentor_client):
        goal = goal_of(org, pair, title="Speak up", personal=True)
        url = api("goal-comments", org, goal_pk=goal.pk)
        posted = send(mentor_client, "post", url, {"body": "  Try the Monday stand-up first.  "})
        assert posted.status_code == 201, posted.content
        assert (posted.json()["author_name"], posted.json()["body"]) == (
            "Morgan Mentor",
            "Try the Monday stand-up first.",
        )
        send(mentee_client, "post", url, {"body": "Will do"})
        comment = GoalComment.objects.get(pk=posted.json()["id"])
        assert (comment.goal, comment.author) == (goal, pair.mentor.employee)

        listed = mentee_client.get(url).json()
        assert listed["count"] == 2 and [c["body"] for c in listed["results"]] == [
            "Try the Monday stand-up first.",
            "Will do",
        ]
        detail = mentee_client.get(api("goal-detail", org, goal_pk=goal.pk)).json()
        assert [c["author_name"] for c in detail["comments"]] == ["Morgan Mentor", "Ellis Mentee"]
        blank = send(mentee_client, "post", url, {"body": "   "})
        assert blank.status_code == 400 and blank.json() == {"body": ["This field may not be blank."]}
        assert GoalComment.objects.count() == 2


class TestGoalAccess:
    def test_someone_elses_goal_and_milestone_are_404(self, org, pair, mentee_client, member_client):
        other = active_pair(org)
        theirs = goal_of(org, other, title="Not yours", milestones=[{"title": "Nope"}])
        milestone = theirs.milestones.get()
        for client in (mentee_client, member_client):
            goal_url = api("goal-detail", org, goal_pk=theirs.pk)
            assert client.get(goal_url).status_code == 404
            assert send(client, "patch", goal_url, {"title": "Mine"}).status_code == 404
            assert send(client, "delete", goal_url).status_code == 404
            assert (
                send(client, "post", api("goal-milestones", org, goal_pk=theirs.pk), {"title": "x"}).status_code == 404
            )
            assert client.get(api("goal-comments", org, goal_pk=theirs.pk)).status_code == 404
            assert send(client, "post", api("goal-comments", org, goal_pk=theirs.pk), {"body": "x"}).status_code == 404
            milestone_url = api("milestone-detail", org, milestone_pk=milestone.pk)
            assert send(client, "patch", milestone_url, {"done": True}).status_code == 404
            assert send(client, "delete", milestone_url).status_code == 404
            assert (
                send(client, "post", api("goal-list", org), {"match": other.match.pk, "title": "x"}).status_code == 404
            )
        theirs.refresh_from_db()
        assert theirs.title == "Not yours" and Milestone.objects.get(pk=milestone.pk).done_at is None
        assert not GoalComment.objects.exists() and Goal.objects.count() == 1

    def test_stakeholders_and_outsiders(self, org, pair, stakeholder_client, outsider_client):
        goal = goal_of(org, pair, title="Lead", milestones=[{"title": "m"}])
        assert stakeholder_client.get(api("goal-list", org)).status_code == 403
        assert (
            send(stakeholder_client, "patch", api("goal-detail", org, goal_pk=goal.pk), {"title": "x"}).status_code
            == 403
        )
        milestone_url = api("milestone-detail", org, milestone_pk=goal.milestones.get().pk)
        assert send(stakeholder_client, "patch", milestone_url, {"done": True}).status_code == 403
        for url in (api("goal-list", org), api("goal-detail", org, goal_pk=goal.pk)):
            assert outsider_client.get(url).status_code == 404
        assert send(outsider_client, "patch", milestone_url, {"done": True}).status_code == 404
        assert Goal.objects.get(pk=goal.pk).title == "Lead"

    def test_a_finished_match_reads_but_does_not_change(self, org, pair, mentee_client):
        goal = goal_of(org, pair, title="Lead")
        pair.match.status = "completed"
        pair.match.save(update_fields=["status"])
        assert mentee_client.get(api("goal-detail", org, goal_pk=goal.pk)).json()["title"] == "Lead"
        refused = send(mentee_client, "patch", api("goal-detail", org, goal_pk=goal.pk), {"title": "x"})
        assert refused.status_code == 400
        assert refused.json() == {"non_field_errors": ["This match is completed: it can no longer change."]}


class TestTemplates:
    def test_admins_keep_a_programs_templates(self, org, admin_client, pair):
        url = api("goal-template-list", org, program_pk=pair.program.pk)
        created = send(
            admin_client,
            "post",
            url,
            {
                "title": "Grow your network",
                "description": "Outside your team",
                "milestones": [{"title": "Three coffees", "due_after_days": 14}, {"title": "One talk"}],
            },
        )
        assert created.status_code == 201, created.content
        body = created.json()
        template = GoalTemplate.objects.get(pk=body["id"])
        assert template.program == pair.program and template.milestones == [
            {"title": "Three coffees", "due_after_days": 14},
            {"title": "One talk", "due_after_days": None},
        ]
        assert body["milestones"] == template.milestones and body["position"] == 1
        detail_url = api("goal-template-detail", org, program_pk=pair.program.pk, template_pk=template.pk)
        assert admin_client.get(detail_url).json()["title"] == "Grow your network"
        assert [t["id"] for t in admin_client.get(url).json()["results"]] == [template.pk]

        changed = send(admin_client, "patch", detail_url, {"title": "Widen your network", "milestones": []})
        assert changed.status_code == 200, changed.content
        assert (changed.json()["title"], changed.json()["milestones"]) == ("Widen your network", [])
        assert changed.json()["description"] == "Outside your team"

        second = send(admin_client, "post", url, {"title": "Second"})
        assert second.status_code == 201 and second.json()["position"] == 2
        duplicate = send(admin_client, "patch", detail_url, {"title": "Second"})
        assert duplicate.status_code == 400
        assert duplicate.json() == {"title": ["This program has a goal template with that title already."]}

        assert send(admin_client, "delete", detail_url).status_code == 204
        assert not GoalTemplate.objects.filter(pk=template.pk).exists()

    @pytest.mark.parametrize(
        ("data", "field", "message"),
        [
            ({}, "title", "This field is required."),
            ({"title": "x", "milestones": [{"title": "m", "due_after_days": 731}]}, "milestones", "less than or equal"),
            ({"title": "x", "milestones": [{"due_after_days": 3}]}, "milestones", "This field is required."),
            ({"title": "x", "milestones": "m | 3"}, "milestones", "Expected a list"),
        ],
    )
    def test_refusals(self, org, admin_client, pair, data, field, message):
        response = send(admin_client, "post", api("goal-template-list", org, program_pk=pair.program.pk), data)
        assert response.status_code == 400, response.content
        assert message in str(response.json()[field])
        assert not GoalTemplate.objects.exists()

    def test_participants_read_only_admins_write(
        self, org, admin, pair, mentee_client, stakeholder_client, outsider_client
    ):
        template = template_of(org, admin, pair.program, title="Network")
        url = api("goal-template-list", org, program_pk=pair.program.pk)
        detail_url = api("goal-template-detail", org, program_pk=pair.program.pk, template_pk=template.pk)
        assert [t["title"] for t in mentee_client.get(url).json()["results"]] == ["Network"]
        assert send(mentee_client, "post", url, {"title": "Mine"}).status_code == 403
        assert send(mentee_client, "patch", detail_url, {"title": "Mine"}).status_code == 403
        assert send(mentee_client, "delete", detail_url).status_code == 403
        assert stakeholder_client.get(url).status_code == 403
        assert outsider_client.get(url).status_code == 404 and outsider_client.get(detail_url).status_code == 404
        other_program = ProgramFactory(organization=org, status="active")
        elsewhere = api("goal-template-detail", org, program_pk=other_program.pk, template_pk=template.pk)
        assert mentee_client.get(elsewhere).status_code == 404
        assert GoalTemplate.objects.get(pk=template.pk).title == "Network"


def test_dates_are_plain_dates(org, pair, mentee_client):
    goal = goal_of(org, pair, title="Lead", due_on=date(2031, 3, 30))
    assert mentee_client.get(api("goal-detail", org, goal_pk=goal.pk)).json()["due_on"] == "2031-03-30"
