"""HR admin matching pages: start a run, its progress (htmx partial), the review table (explanations, pin,
change the mentor, approve one / ticked / all with confirmation, discard with confirmation), comparison of
two runs; role checks and the outsider on every admin route."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from matching.models import ExcludedPair, Match, MatchRun
from programs.models import Participant, Program
from tests.helpers import org_url, page_text

from .builders import make_match, make_run, page_cohort


@pytest.fixture
def cohort(org):
    return page_cohort(org)


@pytest.fixture
def reviewed(cohort):
    """A finished run with two proposed pairs and one mentee left unmatched."""
    run = make_run(cohort, unmatched=[cohort.mentees[2]])
    first = make_match(cohort, run, cohort.mentors[0], [cohort.mentees[0]], score=0.81)
    second = make_match(cohort, run, cohort.mentors[1], [cohort.mentees[1]], score=0.61)
    return run, first, second


def _run_url(org, run) -> str:
    return org_url("match-run-detail", org, program_pk=run.program_id, run_pk=run.pk)


# --- The matching page: start a run, list runs ------------------------------------------------------------


class TestMatchingPage:
    def test_shows_the_form_with_a_weight_per_scoring_question_and_the_runs(self, org, admin_client, cohort, reviewed):
        response = admin_client.get(org_url("program-matching", org, program_pk=cohort.program.pk))
        html = page_text(response)
        assert response.status_code == 200
        assert 'name="objective"' in html
        for question in (cohort.questions["goals"], cohort.questions["meeting"]):
            assert f'name="weight_{question.pk}"' in html
            assert question.prompt in html
        assert re.search(rf'name="weight_{cohort.key("goals")}"[^>]*value="4"', html)
        run = reviewed[0]
        assert f"Run {run.pk}" in html
        assert 'aria-current="page">Matching</a>' in html

    def test_a_program_still_enrolling_cannot_run_and_says_why(self, org, admin, admin_client):
        cohort = page_cohort(org, status=Program.Status.ENROLLING)
        response = admin_client.get(org_url("program-matching", org, program_pk=cohort.program.pk))
        assert "close enrollment" in page_text(response)
        assert "Start matching" not in page_text(response)
        response = admin_client.post(
            org_url("program-matching", org, program_pk=cohort.program.pk), {"objective": "score"}
        )
        assert not MatchRun.objects.exists()

    def test_program_page_links_to_matching_only_while_matching_or_active(self, org, admin_client, cohort):
        detail = org_url("program-detail", org, program_pk=cohort.program.pk)
        matching = org_url("program-matching", org, program_pk=cohort.program.pk)
        assert matching in page_text(admin_client.get(detail))
        Program.objects.filter(pk=cohort.program.pk).update(status=Program.Status.ENROLLING)
        assert matching not in page_text(admin_client.get(detail))

    def test_start_runs_the_engine_and_leads_to_the_run_page(
        self, org, admin, admin_client, cohort, django_capture_on_commit_callbacks
    ):
        url = org_url("program-matching", org, program_pk=cohort.program.pk)
        data = {
            "objective": "participation",
            f"weight_{cohort.key('goals')}": "5",
            f"weight_{cohort.key('meeting')}": "2",
        }
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, data)
        run = MatchRun.objects.get()
        assert response.status_code == 302
        assert response["Location"] == _run_url(org, run)
        assert run.objective == "participation"
        assert run.weights == {cohort.key("goals"): 5}  # only what changed from the form
        assert run.started_by == admin.user
        run.refresh_from_db()
        assert run.status == MatchRun.Status.DONE, run.error
        page = page_text(admin_client.get(response["Location"]))
        assert "Done: " in page
        assert Match.objects.filter(run=run, status=Match.Status.PROPOSED).count() == 3
        for mentee in cohort.mentees:
            assert mentee.employee.name in page
        assert "What are your goals?: 5" in page

    def test_invalid_weight_is_refused_next_to_its_field(self, org, admin_client, cohort):
        url = org_url("program-matching", org, program_pk=cohort.program.pk)
        response = admin_client.post(url, {"objective": "score", f"weight_{cohort.key('goals')}": "9"})
        assert response.status_code == 400
        assert "less than or equal to 5" in page_text(response)
        assert not MatchRun.objects.exists()

    def test_a_second_run_while_one_is_queued_is_refused_with_the_reason(self, org, admin_client, cohort):
        make_run(cohort, status=MatchRun.Status.QUEUED)
        response = admin_client.post(
            org_url("program-matching", org, program_pk=cohort.program.pk), {"objective": "score"}
        )
        assert response.status_code == 400
        assert "already in progress" in page_text(response)
        assert MatchRun.objects.count() == 1


# --- The run page: progress, results ---------------------------------------------------------------------


class TestRunPage:
    def test_a_running_run_polls_with_htmx_and_announces_progress(self, org, admin_client, cohort):
        run = make_run(cohort, status=MatchRun.Status.RUNNING, progress=55, stage="Finding the best pairs")
        html = page_text(admin_client.get(_run_url(org, run)))
        assert 'id="run-progress"' in html
        assert 'aria-live="polite"' in html
        assert 'hx-trigger="every 1s"' in html
        assert 'value="55"' in html
        assert "Finding the best pairs: 55% done" in html
        assert "Proposed matches" not in html

    def test_the_poll_partial_while_running_has_no_results_and_keeps_polling(self, org, admin_client, cohort):
        run = make_run(cohort, status=MatchRun.Status.QUEUED)
        response = admin_client.get(_run_url(org, run), HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        html = page_text(response)
        assert "Waiting for a worker" in html
        assert "<html" not in html
        assert "hx-swap-oob" not in html

    def test_the_poll_that_sees_it_finished_stops_polling_and_brings_the_results(
        self, org, admin_client, cohort, reviewed
    ):
        run = reviewed[0]
        response = admin_client.get(_run_url(org, run), HTTP_HX_REQUEST="true")
        assert response.status_code == 286  # htmx stops polling
        html = page_text(response)
        assert "Done: 2 matched, 1 unmatched, in 0.4 s." in html
        assert 'id="run-results" hx-swap-oob="true"' in html
        assert "Mentor A" in html and "Mentee A" in html

    def test_a_failed_run_shows_its_error(self, org, admin_client, cohort):
        run = make_run(cohort, status=MatchRun.Status.FAILED, error="No approved mentor in this program.")
        html = page_text(admin_client.get(_run_url(org, run)))
        assert "The run failed" in html
        assert "No approved mentor in this program." in html
        assert "hx-get" not in html

    def test_results_show_figures_histogram_pairs_explanations_and_unmatched(self, org, admin_client, cohort, reviewed):
        run, _first, _second = reviewed
        html = page_text(admin_client.get(_run_url(org, run)))
        # Figures
        assert re.search(r"<dt>Mentees matched</dt><dd>2</dd>", html)
        assert re.search(r"<dt>Not matched</dt><dd>1</dd>", html)
        assert re.search(r"<dt>Mean score</dt><dd>0.71</dd>", html)
        assert re.search(r"<dt>Duration</dt><dd>0.4 s</dd>", html)
        # Histogram: one row per bin with its number
        assert html.count('<th scope="row">0.6\u20130.7</th>') == 1
        assert re.search(r"0.6\u20130.7</th>\s*<td>.*?<span class=\"bar-value\">1</span>", html, re.S)
        # Pairs, best first, each with its explanation in a <details>
        assert html.index("Mentor A") < html.index("Mentor B")
        assert "0.81" in html and "0.61" in html
        assert html.count("<details>") >= 2
        assert "Goals: both want Leadership" in html and "+0.42" in html
        # Unmatched with the reason
        assert "Mentee C" in html
        assert "Every allowed mentor is full." in html
        assert "Approve all 2 proposals" in html

    def test_the_proposals_table_queries_do_not_grow_with_rows(
        self, org, admin_client, cohort, django_assert_max_num_queries
    ):
        run = make_run(cohort)
        url = _run_url(org, run)
        make_match(cohort, run, cohort.mentors[0], [cohort.mentees[0]])
        admin_client.get(url)  # warm the per-person navigation counts, as every later visit finds them
        # Session, user, membership (x2), program, run, counts, page count, matches, members (+ savepoints).
        with django_assert_max_num_queries(14) as few:
            admin_client.get(url)
        for i in range(30):
            mentor = cohort.add(Participant.Role.MENTOR, name=f"Extra mentor {i}", level=8)
            mentee = cohort.add(Participant.Role.MENTEE, name=f"Extra mentee {i}", level=1)
            make_match(cohort, run, mentor, [mentee], score=0.5)
        with django_assert_max_num_queries(len(few.captured_queries)) as many:
            html = page_text(admin_client.get(url))
        assert "Extra mentee 29" in html
        assert len(many.captured_queries) == len(few.captured_queries)

    def test_a_what_if_run_shows_figures_and_no_review_table(self, org, admin_client, cohort):
        run = make_run(cohort, what_if=True)
        html = page_text(admin_client.get(_run_url(org, run)))
        assert "What-if run" in html
        assert "Approve all" not in html

    def test_a_run_of_another_program_is_not_found_under_this_one(self, org, admin_client, cohort, reviewed):
        other = page_cohort(org, name="Another program")
        url = org_url("match-run-detail", org, program_pk=other.program.pk, run_pk=reviewed[0].pk)
        assert admin_client.get(url).status_code == 404


# --- Review actions --------------------------------------------------------------------------------------


class TestReviewActions:
    def test_pin_and_unpin(self, org, admin_client, reviewed):
        run, first, _ = reviewed
        url = org_url("match-pin", org, program_pk=run.program_id, match_pk=first.pk)
        response = admin_client.post(url, {"pinned": "1", "page": "1"})
        assert response["Location"] == f"{_run_url(org, run)}#match-{first.pk}"
        first.refresh_from_db()
        assert first.pinned
        html = page_text(admin_client.get(_run_url(org, run)))
        assert 'aria-pressed="true"' in html
        admin_client.post(url, {"pinned": "0"})
        first.refresh_from_db()
        assert not first.pinned

    def test_change_the_mentor_lists_mentors_with_room_only(self, org, admin_client, cohort, reviewed):
        run, first, _second = reviewed
        full = cohort.add(Participant.Role.MENTOR, name="Full Mentor", level=8, capacity=1)
        roomy = cohort.add(Participant.Role.MENTOR, name="Roomy Mentor", level=8, capacity=3)
        busy = cohort.add(Participant.Role.MENTEE, name="Busy Mentee", level=2)
        make_match(cohort, run, full, [busy])
        url = org_url("match-edit", org, program_pk=run.program_id, match_pk=first.pk)
        html = page_text(admin_client.get(url))
        options = re.findall(r'<option value="(\d+)">([^<]+)</option>', html)
        names = [label for _pk, label in options]
        assert any("Roomy Mentor" in label for label in names)
        assert any("Mentor B" in label for label in names)  # one mentee of two: room for one more
        assert not any("Full Mentor" in label for label in names)
        assert not any(label.startswith("Mentor A") for label in names)  # the current one
        assert "score" in dict(options)[str(roomy.pk)]

        response = admin_client.post(url, {"mentor": str(roomy.pk), "page": "1"})
        assert response.status_code == 302
        assert first.members.get(role="mentor").participant == roomy

    def test_change_the_mentor_without_a_choice_explains(self, org, admin_client, reviewed):
        run, first, _ = reviewed
        response = admin_client.post(org_url("match-edit", org, program_pk=run.program_id, match_pk=first.pk), {})
        assert response.status_code == 400
        assert "Choose a mentor." in page_text(response)

    def test_approve_one_needs_no_confirmation_and_emails_the_pair(
        self, org, admin_client, reviewed, django_capture_on_commit_callbacks
    ):
        run, first, second = reviewed
        url = org_url("matches-approve", org, program_pk=run.program_id)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, {"run": run.pk, "single": "1", "match": first.pk})
        assert response["Location"] == _run_url(org, run)
        first.refresh_from_db()
        second.refresh_from_db()
        assert first.status == Match.Status.APPROVED
        assert second.status == Match.Status.PROPOSED
        recipients = sorted(address for message in mail.outbox for address in message.to)
        assert recipients == sorted([p.participant.employee.email for p in first.members.all()])

    def test_bulk_approve_asks_first_then_approves_the_ticked(self, org, admin_client, reviewed):
        run, first, second = reviewed
        url = org_url("matches-approve", org, program_pk=run.program_id)
        response = admin_client.post(url, {"run": run.pk, "match": [first.pk, second.pk]})
        assert response.status_code == 200
        html = page_text(response)
        assert "Approve 2 matches?" in html
        assert "Mentor A and Mentee A" in html
        assert Match.objects.filter(status=Match.Status.APPROVED).count() == 0

        response = admin_client.post(url, {"run": run.pk, "match": [first.pk, second.pk], "confirm": "yes"})
        assert response.status_code == 302
        assert Match.objects.filter(status=Match.Status.APPROVED).count() == 2

    def test_approve_all_approves_every_proposal_of_the_run(self, org, admin_client, reviewed):
        run, first, second = reviewed
        url = org_url("matches-approve", org, program_pk=run.program_id)
        html = page_text(admin_client.post(url, {"run": run.pk, "all": "1"}))
        assert "Approve all 2 matches?" in html
        admin_client.post(url, {"run": run.pk, "match": [first.pk, second.pk], "confirm": "yes"})
        assert set(Match.objects.values_list("status", flat=True)) == {Match.Status.APPROVED}
        page = page_text(admin_client.get(_run_url(org, run)))
        assert "2 approved" in page
        assert "Approve all" not in page

    def test_nothing_ticked_says_so(self, org, admin_client, reviewed):
        run = reviewed[0]
        response = admin_client.post(
            org_url("matches-approve", org, program_pk=run.program_id), {"run": run.pk}, follow=True
        )
        assert "Tick at least one proposed match first." in page_text(response)

    def test_discard_asks_first(self, org, admin_client, reviewed):
        run, first, _ = reviewed
        url = org_url("match-discard", org, program_pk=run.program_id, match_pk=first.pk)
        html = page_text(admin_client.get(url))
        assert "Discard the proposal for Mentor A and Mentee A?" in html
        admin_client.post(url, {})  # not confirmed: only the question again
        first.refresh_from_db()
        assert first.status == Match.Status.PROPOSED
        response = admin_client.post(url, {"confirm": "yes"})
        assert response.status_code == 302
        first.refresh_from_db()
        assert first.status == Match.Status.DISCARDED
        assert f'id="match-{first.pk}"' not in page_text(admin_client.get(_run_url(org, run)))


class TestCompare:
    def test_two_runs_side_by_side(self, org, admin_client, cohort):
        m = cohort.mentors
        e = cohort.mentees
        proposal_a = [
            {"mentor": m[0].pk, "members": [e[0].pk], "score": 0.8},
            {"mentor": m[1].pk, "members": [e[1].pk], "score": 0.6},
        ]
        proposal_b = [
            {"mentor": m[1].pk, "members": [e[0].pk], "score": 0.7},
            {"mentor": m[1].pk, "members": [e[1].pk], "score": 0.6},
            {"mentor": m[0].pk, "members": [e[2].pk], "score": 0.5},
        ]
        run_a = make_run(cohort, proposal=proposal_a, figures={"matched": 2, "unmatched_count": 1, "mean_score": 0.7})
        run_b = make_run(
            cohort, what_if=True, proposal=proposal_b, figures={"matched": 3, "unmatched_count": 0, "mean_score": 0.6}
        )
        url = org_url("match-run-compare", org, program_pk=cohort.program.pk)
        html = page_text(admin_client.get(f"{url}?a={run_a.pk}&b={run_b.pk}"))
        assert f"Run {run_a.pk} and run {run_b.pk} side by side" in html
        assert re.search(
            r"Matched</th><td class=\"num\">2</td><td class=\"num\">3</td><td class=\"num\">\+1</td>", html
        )
        assert re.search(
            r"Mean score</th><td class=\"num\">0.70</td><td class=\"num\">0.60</td><td class=\"num\">-0.10</td>", html
        )
        # Mentee A moved to another mentor, Mentee C is new: two people changed.
        assert "<strong>2</strong> people have a different mentor" in html

    def test_the_same_run_twice_is_refused(self, org, admin_client, cohort, reviewed):
        other = make_run(cohort)
        url = org_url("match-run-compare", org, program_pk=cohort.program.pk)
        assert "Pick two different runs." in page_text(admin_client.get(f"{url}?a={other.pk}&b={other.pk}"))

    def test_with_fewer_than_two_runs_it_explains(self, org, admin_client, cohort):
        html = page_text(admin_client.get(org_url("match-run-compare", org, program_pk=cohort.program.pk)))
        assert "Comparing needs two finished runs" in html


# --- Roles and the outsider ------------------------------------------------------------------------------

ADMIN_ROUTES = [
    ("program-matching", ("program",)),
    ("match-run-detail", ("program", "run")),
    ("match-run-compare", ("program",)),
    ("matches-approve", ("program",)),
    ("match-pin", ("program", "match")),
    ("match-edit", ("program", "match")),
    ("match-discard", ("program", "match")),
]


def _admin_url(name, needs, slug, run, match):
    kwargs = {"org_slug": slug, "program_pk": run.program_id}
    if "run" in needs:
        kwargs["run_pk"] = run.pk
    if "match" in needs:
        kwargs["match_pk"] = match.pk
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize(("name", "needs"), ADMIN_ROUTES)
def test_members_and_stakeholders_get_403(name, needs, org, member_client, stakeholder_client, reviewed):
    run, first, _ = reviewed
    url = _admin_url(name, needs, org.slug, run, first)
    for client in (member_client, stakeholder_client):
        assert client.get(url).status_code in (403, 405)
        post = client.post(
            url, {"confirm": "yes", "match": first.pk, "run": run.pk, "pinned": "1", "objective": "score"}
        )
        assert post.status_code == 403
    first.refresh_from_db()
    assert first.status == Match.Status.PROPOSED and not first.pinned
    assert MatchRun.objects.count() == 1


@pytest.mark.parametrize(("name", "needs"), ADMIN_ROUTES)
def test_outsider_gets_404(name, needs, org, outsider, outsider_client, reviewed):
    run, first, _ = reviewed
    for slug in (org.slug, outsider.organization.slug):
        url = _admin_url(name, needs, slug, run, first)
        answers = {
            outsider_client.get(url).status_code,
            outsider_client.post(url, {"confirm": "yes", "match": first.pk, "run": run.pk}).status_code,
        }
        # 405 only where the method is wrong anyway; never anything that says the object exists.
        assert 404 in answers and answers <= {404, 405}, (url, answers)
    first.refresh_from_db()
    assert first.status == Match.Status.PROPOSED
    assert not ExcludedPair.objects.exists()
