"""Goal pages: a new goal (shared or personal, from a template or not), a goal's page with its milestones,
progress, status and comments (the mentor's marked), ticking milestones (htmx in place, or a plain post),
adding and deleting milestones, editing and deleting the goal. Personal goals are seen by their owner and
their mentor only; everything answers 404 to anyone else."""

from __future__ import annotations

from datetime import date

import pytest

from sessions.models import Goal, GoalComment, GoalTemplate, Milestone
from tests.helpers import org_url, page_text

from .factories import active_pair, person
from .pages_data import goal

pytestmark = pytest.mark.usefixtures("fresh_cache")
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def pair(org):
    mentor = person(org, "mia@alpha.test", name="Mia Mentor", level=7)
    mentee = person(org, "theo@alpha.test", name="Theo Mentee", level=2)
    return active_pair(org, mentor=mentor, mentee=mentee, name="Grow Together")


@pytest.fixture
def mentee_client(pair):
    return pair.client(pair.mentee)


@pytest.fixture
def mentor_client(pair):
    return pair.client(pair.mentor)


@pytest.fixture
def shared(pair):
    return goal(pair, "Present at the all-hands", milestones=["Pick a topic", "Draft slides", "Rehearse", "Present"])


class TestNewGoal:
    def test_the_form(self, org, pair, mentee_client):
        GoalTemplate.objects.create(
            organization=org, program=pair.program, title="Build a network", milestones=[{"title": "Coffee x3"}]
        )
        html = page_text(mentee_client.get(org_url("goal-new", org, match_pk=pair.match.pk)))
        assert "Shared with the match" in html and "Personal (only me and my mentor)" in html
        assert "Start from a template (optional)" in html and "Build a network" in html
        assert 'id="goal-templates" type="application/json"' in html
        assert 'type="date"' in html

    def test_a_shared_goal(self, org, pair, mentee_client):
        response = mentee_client.post(
            org_url("goal-new", org, match_pk=pair.match.pk),
            {"owner": "shared", "title": "Speak up in meetings", "description": "Weekly", "due_on": "2030-06-30"},
        )
        made = Goal.objects.get()
        assert response["Location"] == org_url("goal-detail", org, goal_pk=made.pk)
        assert (made.match, made.participant, made.due_on) == (pair.match, None, date(2030, 6, 30))

    def test_a_personal_goal(self, org, pair, mentee_client):
        mentee_client.post(
            org_url("goal-new", org, match_pk=pair.match.pk), {"owner": "personal", "title": "Get promoted"}
        )
        made = Goal.objects.get()
        assert made.match is None and made.participant.employee == pair.mentee.employee

    def test_from_a_template_with_a_blank_title(self, org, pair, mentee_client):
        template = GoalTemplate.objects.create(
            organization=org,
            program=pair.program,
            title="Build a network",
            description="Meet people outside your team.",
            milestones=[{"title": "Coffee with 3 people", "due_after_days": 14}, {"title": "Join a guild"}],
        )
        mentee_client.post(
            org_url("goal-new", org, match_pk=pair.match.pk),
            {"owner": "shared", "template": str(template.pk), "title": ""},
        )
        made = Goal.objects.get()
        assert (made.title, made.description, made.template) == ("Build a network", template.description, template)
        assert list(made.milestones.values_list("title", flat=True)) == ["Coffee with 3 people", "Join a guild"]

    def test_a_title_or_a_template_is_needed(self, org, pair, mentee_client):
        response = mentee_client.post(
            org_url("goal-new", org, match_pk=pair.match.pk), {"owner": "shared", "title": " "}
        )
        assert response.status_code == 400
        assert "Give the goal a short title, or start from a template." in page_text(response)
        assert not Goal.objects.exists()

    def test_a_template_of_another_program_is_refused(self, org, pair, mentee_client):
        elsewhere = GoalTemplate.objects.create(organization=org, program=active_pair(org).program, title="Other")
        response = mentee_client.post(
            org_url("goal-new", org, match_pk=pair.match.pk), {"owner": "shared", "template": str(elsewhere.pk)}
        )
        assert response.status_code == 400
        assert not Goal.objects.exists()

    def test_a_finished_match_takes_no_goals(self, org, pair, mentee_client):
        pair.match.status = "ended"
        pair.match.save()
        response = mentee_client.get(org_url("goal-new", org, match_pk=pair.match.pk))
        assert response.status_code == 302
        assert "This match ended early: it can no longer change." in page_text(mentee_client.get(response["Location"]))


class TestGoalPage:
    def test_milestones_progress_and_comments(self, org, pair, mentee_client, mentor_client, shared):
        first = shared.milestones.order_by("position").first()
        Milestone.objects.filter(pk=first.pk).update(done_at=shared.created_at)
        mentor_client.post(org_url("goal-comment", org, goal_pk=shared.pk), {"body": "Great start, keep it short."})
        mentee_client.post(org_url("goal-comment", org, goal_pk=shared.pk), {"body": "Thanks!"})
        html = page_text(mentee_client.get(org_url("goal-detail", org, goal_pk=shared.pk)))
        assert "<h1>Present at the all-hands</h1>" in html
        assert "25% done" in html and "(1 of 4 milestones)" in html
        assert ">On track</span>" in html and "Shared with everyone in the match" in html
        assert f'id="milestone-{first.pk}" checked' in html
        assert html.count('type="checkbox" name="done"') == 4
        assert "Great start, keep it short." in html and "Thanks!" in html
        assert html.count('<span class="badge badge-ok">Mentor</span>') == 1
        assert org_url("goal-edit", org, goal_pk=shared.pk) in html
        assert org_url("mentoring-match", org, match_pk=pair.match.pk) in html  # breadcrumb

    def test_done_goal_counts_as_complete(self, org, pair, mentee_client, shared):
        Goal.objects.filter(pk=shared.pk).update(status=Goal.Status.DONE)
        assert "100% done" in page_text(mentee_client.get(org_url("goal-detail", org, goal_pk=shared.pk)))

    def test_read_only_once_the_match_is_over(self, org, pair, mentee_client, shared):
        pair.match.status = "completed"
        pair.match.save()
        html = page_text(mentee_client.get(org_url("goal-detail", org, goal_pk=shared.pk)))
        assert 'type="checkbox"' not in html
        assert org_url("goal-edit", org, goal_pk=shared.pk) not in html
        assert org_url("milestone-add", org, goal_pk=shared.pk) not in html
        milestone = shared.milestones.first()
        mentee_client.post(org_url("milestone-toggle", org, milestone_pk=milestone.pk), {"done": "1"})
        milestone.refresh_from_db()
        assert milestone.done_at is None

    def test_query_count(self, org, pair, mentee_client, shared, django_assert_max_num_queries):
        for n in range(3):
            GoalComment.objects.create(organization=org, goal=shared, author=pair.mentor.employee, body=f"c{n}")
        with django_assert_max_num_queries(14):
            mentee_client.get(org_url("goal-detail", org, goal_pk=shared.pk))


class TestMilestones:
    def test_tick_without_javascript(self, org, pair, mentee_client, shared):
        milestone = shared.milestones.first()
        toggle = org_url("milestone-toggle", org, milestone_pk=milestone.pk)
        response = mentee_client.post(toggle, {"done": ["0", "1"]})  # the hidden 0, then the ticked box
        assert response["Location"] == org_url("goal-detail", org, goal_pk=shared.pk) + "#milestones"
        milestone.refresh_from_db()
        assert milestone.done_at is not None and milestone.done_by == pair.mentee.employee
        # Sending the same state again (a double click) changes nothing; unticking sends only the hidden 0.
        mentee_client.post(toggle, {"done": ["0", "1"]})
        assert Milestone.objects.get(pk=milestone.pk).done_at == milestone.done_at
        mentee_client.post(toggle, {"done": "0"})
        milestone.refresh_from_db()
        assert milestone.done_at is None

    def test_tick_with_htmx_swaps_the_list_and_progress(self, org, pair, mentee_client, shared):
        milestone = shared.milestones.first()
        response = mentee_client.post(
            org_url("milestone-toggle", org, milestone_pk=milestone.pk), {"done": ["0", "1"]}, **HTMX
        )
        assert response.status_code == 200
        html = page_text(response)
        assert html.lstrip().startswith('<div id="goal-progress"')
        assert "25% done" in html and f'id="milestone-{milestone.pk}" checked' in html
        assert '<p id="milestone-status" hx-swap-oob="innerHTML">“Pick a topic” marked done.</p>' in html
        assert "<html" not in html
        assert response["Vary"] and "HX-Request" in response["Vary"]

    def test_an_htmx_tick_writes_and_draws_without_reading_the_goal_page(
        self, org, pair, mentor_client, shared, django_assert_max_num_queries
    ):
        """The service's checks and the milestones read after the change: no comments, matches or stamp."""
        first, second = shared.milestones.order_by("position")[:2]
        Milestone.objects.filter(pk=second.pk).update(due_on=date(2030, 1, 31))
        toggle = org_url("milestone-toggle", org, milestone_pk=second.pk)
        with django_assert_max_num_queries(17):  # an open milestone with a due date: its reminders are planned
            html = page_text(mentor_client.post(toggle, {"done": "0"}, **HTMX))
        with django_assert_max_num_queries(14):
            html = page_text(mentor_client.post(toggle, {"done": "1"}, **HTMX))
        assert "25% done" in html and f'id="milestone-{second.pk}" checked' in html
        assert f'id="milestone-{first.pk}">' in html and html.count('type="checkbox" name="done"') == 4
        assert org_url("milestone-delete", org, milestone_pk=first.pk) in html
        assert Milestone.objects.get(pk=second.pk).done_by == pair.mentor.employee

    def test_an_htmx_tick_refused_shows_why_and_no_controls(self, org, pair, mentee_client, shared):
        pair.match.status = "completed"
        pair.match.save()
        milestone = shared.milestones.first()
        response = mentee_client.post(
            org_url("milestone-toggle", org, milestone_pk=milestone.pk), {"done": "1"}, **HTMX
        )
        html = page_text(response)
        assert response.status_code == 200 and 'type="checkbox"' not in html and "0% done" in html
        assert "This match is completed: it can no longer change." in html
        assert Milestone.objects.get(pk=milestone.pk).done_at is None

    def test_the_page_wires_htmx_and_a_fallback(self, org, pair, mentee_client, shared):
        html = page_text(mentee_client.get(org_url("goal-detail", org, goal_pk=shared.pk)))
        assert 'hx-trigger="change" hx-target="#goal-progress" hx-swap="outerHTML"' in html
        assert "<noscript><button" in html
        assert '<p id="milestone-status" class="hint" role="status"></p>' in html

    def test_add_and_refuse_an_empty_title(self, org, pair, mentor_client, shared):
        add = org_url("milestone-add", org, goal_pk=shared.pk)
        response = mentor_client.post(add, {"title": "", "due_on": ""})
        assert response.status_code == 400 and "Give the milestone a title." in page_text(response)
        response = mentor_client.post(add, {"title": "Ask for feedback", "due_on": "2030-01-31"})
        assert response.status_code == 302
        assert shared.milestones.filter(title="Ask for feedback", due_on=date(2030, 1, 31)).exists()

    def test_delete_is_confirmed(self, org, pair, mentee_client, shared):
        milestone = shared.milestones.first()
        delete = org_url("milestone-delete", org, milestone_pk=milestone.pk)
        html = page_text(mentee_client.get(delete))
        assert "Delete the milestone “Pick a topic”?" in html and "Keep it" in html
        assert Milestone.objects.filter(pk=milestone.pk).exists()
        mentee_client.post(delete)
        assert not Milestone.objects.filter(pk=milestone.pk).exists()


class TestCommentsEditDelete:
    def test_an_empty_comment_is_refused(self, org, pair, mentee_client, shared):
        response = mentee_client.post(org_url("goal-comment", org, goal_pk=shared.pk), {"body": "  "})
        assert response.status_code == 400 and "Write a comment first." in page_text(response)
        assert not GoalComment.objects.exists()

    def test_edit_the_status(self, org, pair, mentor_client, shared):
        html = page_text(mentor_client.get(org_url("goal-edit", org, goal_pk=shared.pk)))
        assert 'value="Present at the all-hands"' in html and "At risk" in html
        response = mentor_client.post(
            org_url("goal-edit", org, goal_pk=shared.pk),
            {"title": "Present at the all-hands", "description": "", "due_on": "", "status": "at_risk"},
        )
        assert response.status_code == 302
        shared.refresh_from_db()
        assert shared.status == Goal.Status.AT_RISK

    def test_edit_needs_a_title(self, org, pair, mentor_client, shared):
        response = mentor_client.post(org_url("goal-edit", org, goal_pk=shared.pk), {"title": "", "status": "done"})
        assert response.status_code == 400 and "Give it a short title." in page_text(response)

    def test_delete_is_confirmed(self, org, pair, mentee_client, shared):
        delete = org_url("goal-delete", org, goal_pk=shared.pk)
        html = page_text(mentee_client.get(delete))
        assert "Delete the goal “Present at the all-hands”?" in html and "4 milestones" in html
        response = mentee_client.post(delete)
        assert response["Location"] == org_url("mentoring-match", org, match_pk=pair.match.pk)
        assert not Goal.objects.exists() and not Milestone.objects.exists()


class TestWhoSeesWhat:
    def test_a_personal_goal_is_its_owners_and_their_mentors(self, org, pair, mentee_client, mentor_client):
        personal = goal(pair, "Get promoted", personal=True)
        assert "Personal goal of Theo Mentee" in page_text(
            mentor_client.get(org_url("goal-detail", org, goal_pk=personal.pk))
        )
        # The mentor may change it too (the owner's mentor now).
        milestone_url = org_url("milestone-add", org, goal_pk=personal.pk)
        assert mentor_client.post(milestone_url, {"title": "Talk to my manager"}).status_code == 302
        other = active_pair(org)
        for who in (other.mentor, other.mentee):
            assert other.client(who).get(org_url("goal-detail", org, goal_pk=personal.pk)).status_code == 404

    def test_the_mentors_personal_goal_is_not_the_mentees(self, org, pair, mentee_client, mentor_client):
        own = goal(pair, "Mentor's own goal", by=pair.mentor, personal=True)
        assert mentee_client.get(org_url("goal-detail", org, goal_pk=own.pk)).status_code == 404
        html = page_text(mentee_client.get(org_url("mentoring-match", org, match_pk=pair.match.pk)))
        assert "Mentor&#x27;s own goal" not in html and "Mentor's own goal" not in html

    def test_other_pairs_outsiders_and_stakeholders(self, org, shared, stakeholder_client, outsider_client):
        milestone = shared.milestones.first()
        other = active_pair(org)
        stranger = other.client(other.mentee)
        routes = [
            ("goal-detail", {"goal_pk": shared.pk}),
            ("goal-edit", {"goal_pk": shared.pk}),
            ("goal-delete", {"goal_pk": shared.pk}),
            ("milestone-add", {"goal_pk": shared.pk}),
            ("goal-comment", {"goal_pk": shared.pk}),
            ("milestone-toggle", {"milestone_pk": milestone.pk}),
            ("milestone-delete", {"milestone_pk": milestone.pk}),
        ]
        data = {"title": "x", "body": "x", "done": "1"}
        for name, kwargs in routes:
            target = org_url(name, org, **kwargs)
            # GET-only and POST-only routes answer 405 to the other method; never anything but 404 or 405.
            answers = {stranger.get(target).status_code, stranger.post(target, data).status_code}
            assert answers <= {404, 405} and 404 in answers, name
            assert {outsider_client.get(target).status_code, outsider_client.post(target).status_code} == {404}, name
            assert 403 in {stakeholder_client.get(target).status_code, stakeholder_client.post(target).status_code}
        assert Goal.objects.filter(pk=shared.pk).exists() and not GoalComment.objects.exists()
        assert Milestone.objects.get(pk=milestone.pk).done_at is None
