"""The review pages an admin tripped on (issue 14, part 8): change the mentee of a proposed pair, start a failed
run again as a new run with the same settings (confirmed), and see the re-match a participant's decline
started, with whose decline it was. Members and stakeholders get 403, the outsider 404."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from matching.models import Match, MatchRun
from matching.services.responses import match_respond
from matching.services.review import matches_approve
from programs.models import Participant
from tests.helpers import org_url, page_text

from .builders import current_match_of, make_match, make_run, page_cohort, run_now, standard_cohort

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(org):
    return page_cohort(org)


@pytest.fixture
def reviewed(cohort):
    """A finished run: Mentor A with Mentee A, Mentor B with Mentee B, Mentee C left unmatched."""
    run = make_run(cohort, unmatched=[cohort.mentees[2]])
    first = make_match(cohort, run, cohort.mentors[0], [cohort.mentees[0]], score=0.81)
    second = make_match(cohort, run, cohort.mentors[1], [cohort.mentees[1]], score=0.61)
    return run, first, second


def _mentee_of(match: Match) -> Participant:
    return match.members.get(role="mentee", current=True).participant


class TestChangeTheMentee:
    def test_lists_only_free_approved_mentees_and_changes_the_pair(self, org, admin_client, cohort, reviewed):
        run, first, _second = reviewed
        waiting = cohort.add(Participant.Role.MENTEE, name="Waiting Mentee", level=2)
        Participant.objects.filter(pk=waiting.pk).update(status=Participant.Status.WAITLISTED)
        url = org_url("match-edit-mentee", org, program_pk=run.program_id, match_pk=first.pk)
        review = page_text(admin_client.get(org_url("match-run-detail", org, program_pk=run.program_id, run_pk=run.pk)))
        assert f'href="{url}?page=1">Change mentee' in review

        html = page_text(admin_client.get(url))
        options = dict(re.findall(r'<option value="(\d+)">([^<(]+)', html))
        free = cohort.mentees[2]
        assert [name.strip() for name in options.values()] == ["Mentee C"]  # not A (hers), B (matched), waitlisted
        assert '<label for="new-mentee">New mentee</label>' in html

        response = admin_client.post(url, {"mentee": str(free.pk), "page": "1"})
        assert response.status_code == 302
        assert _mentee_of(first) == free
        first.refresh_from_db()
        assert first.status == Match.Status.PROPOSED and first.score is not None

    def test_a_mentee_already_matched_is_refused_with_the_reason(self, org, admin_client, cohort, reviewed):
        run, first, second = reviewed
        url = org_url("match-edit-mentee", org, program_pk=run.program_id, match_pk=first.pk)
        response = admin_client.post(url, {"mentee": str(cohort.mentees[1].pk)})
        assert response.status_code == 400
        assert "Mentee B already has a match" in page_text(response)
        assert _mentee_of(first) == cohort.mentees[0] and _mentee_of(second) == cohort.mentees[1]

    def test_no_choice_and_a_mentee_the_mentor_may_not_have_are_refused(self, org, admin_client, cohort, reviewed):
        run, first, _ = reviewed
        url = org_url("match-edit-mentee", org, program_pk=run.program_id, match_pk=first.pk)
        response = admin_client.post(url, {})
        assert response.status_code == 400 and "Choose a mentee." in page_text(response)
        # A mentee more senior than the mentor breaks the program's level rule (a hard constraint).
        senior = cohort.add(Participant.Role.MENTEE, name="Senior Mentee", level=9)
        assert "Senior Mentee" not in page_text(admin_client.get(url))
        response = admin_client.post(url, {"mentee": str(senior.pk)})
        assert response.status_code == 400
        assert _mentee_of(first) == cohort.mentees[0]

    def test_an_approved_match_cannot_be_changed(self, org, admin_client, cohort, reviewed):
        run, first, _ = reviewed
        Match.objects.filter(pk=first.pk).update(status=Match.Status.APPROVED)
        url = org_url("match-edit-mentee", org, program_pk=run.program_id, match_pk=first.pk)
        assert "only a proposal can be changed" in page_text(admin_client.get(url))
        response = admin_client.post(url, {"mentee": str(cohort.mentees[2].pk)})
        assert response.status_code == 400
        assert _mentee_of(first) == cohort.mentees[0]


class TestRunAgain:
    def test_a_failed_run_offers_it_and_asks_first(self, org, admin_client, cohort):
        failed = make_run(
            cohort, status=MatchRun.Status.FAILED, error="The solver ran out of time.", objective="participation"
        )
        run_page = page_text(
            admin_client.get(org_url("match-run-detail", org, program_pk=cohort.program.pk, run_pk=failed.pk))
        )
        url = org_url("match-run-retry", org, program_pk=cohort.program.pk, run_pk=failed.pk)
        assert f'href="{url}">Run again with the same settings' in run_page
        confirm = page_text(admin_client.get(url))
        assert "Start run" in confirm and "The solver ran out of time." in confirm
        admin_client.post(url, {})  # not confirmed: nothing starts
        assert MatchRun.objects.filter(program=cohort.program).count() == 1

    def test_confirmed_it_starts_a_new_run_with_the_same_settings(
        self, org, admin, admin_client, cohort, django_capture_on_commit_callbacks
    ):
        weights = {str(cohort.questions["goals"].pk): 5}
        failed = make_run(
            cohort,
            status=MatchRun.Status.FAILED,
            error="boom",
            objective="participation",
            weights=weights,
            scope_participant_ids=[cohort.mentees[0].pk],
        )
        url = org_url("match-run-retry", org, program_pk=cohort.program.pk, run_pk=failed.pk)
        with django_capture_on_commit_callbacks(execute=False):
            response = admin_client.post(url, {"confirm": "yes"})
        new = MatchRun.objects.exclude(pk=failed.pk).get(program=cohort.program)
        assert response.status_code == 302
        assert response["Location"] == org_url("match-run-detail", org, program_pk=cohort.program.pk, run_pk=new.pk)
        assert (new.objective, new.weights, new.scope_participant_ids, new.what_if) == (
            "participation",
            weights,
            [cohort.mentees[0].pk],
            False,
        )
        assert new.status == MatchRun.Status.QUEUED and new.started_by == admin.user
        failed.refresh_from_db()
        assert failed.status == MatchRun.Status.FAILED and failed.error == "boom"

    def test_a_run_that_did_not_fail_is_refused(self, org, admin_client, cohort, reviewed):
        run, _, _ = reviewed
        url = org_url("match-run-retry", org, program_pk=cohort.program.pk, run_pk=run.pk)
        assert "only a failed run can be started again" in page_text(admin_client.get(url))
        response = admin_client.post(url, {"confirm": "yes"})
        assert response.status_code == 400
        assert MatchRun.objects.filter(program=cohort.program).count() == 1


def test_the_admin_sees_the_rematch_a_decline_started(org, admin, admin_client, django_capture_on_commit_callbacks):
    cohort = standard_cohort(org)
    first_run = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
    matches_approve(organization=org, actor=admin.user, program_id=cohort.program.pk)
    paul = cohort.person("Paul Wants-Python")
    with django_capture_on_commit_callbacks(execute=True):
        result = match_respond(
            organization=org,
            actor=None,
            employee=paul.employee,
            match_id=current_match_of(paul).pk,
            accept=False,
            reason="We already work together.",
        )
    rematch = result.rematch_run
    assert rematch is not None
    name = paul.employee.name
    rematch_url = org_url("match-run-detail", org, program_pk=cohort.program.pk, run_pk=rematch.pk)
    expected = f'Re-match after {name} declined: <a href="{rematch_url}">run #{rematch.pk}</a>'
    # On the runs page and on the review page of the run whose match was declined.
    assert expected in page_text(admin_client.get(org_url("program-matching", org, program_pk=cohort.program.pk)))
    first_url = org_url("match-run-detail", org, program_pk=cohort.program.pk, run_pk=first_run.pk)
    assert expected in page_text(admin_client.get(first_url))
    # The re-match's own page says what started it and links back.
    own = page_text(admin_client.get(rematch_url))
    assert f"Started after {name} declined match" in own and f'href="{first_url}">run #{first_run.pk}</a>' in own
    # The run an admin started is nobody's re-match.
    assert "Started after" not in page_text(admin_client.get(first_url))


# --- Roles and the outsider ------------------------------------------------------------------------------

ROUTES = [("match-edit-mentee", "match_pk"), ("match-run-retry", "run_pk")]


def _url(name, key, slug, run, match):
    return reverse(
        name, kwargs={"org_slug": slug, "program_pk": run.program_id, key: match.pk if key == "match_pk" else run.pk}
    )


@pytest.mark.parametrize(("name", "key"), ROUTES)
def test_members_and_stakeholders_get_403(name, key, org, member_client, stakeholder_client, cohort, reviewed):
    run, first, _ = reviewed
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED)
    url = _url(name, key, org.slug, run, first)
    for client in (member_client, stakeholder_client):
        assert client.get(url).status_code == 403
        assert client.post(url, {"confirm": "yes", "mentee": cohort.mentees[2].pk}).status_code == 403
    assert _mentee_of(first) == cohort.mentees[0] and MatchRun.objects.count() == 1


@pytest.mark.parametrize(("name", "key"), ROUTES)
def test_outsider_gets_404(name, key, org, outsider, outsider_client, cohort, reviewed):
    run, first, _ = reviewed
    MatchRun.objects.filter(pk=run.pk).update(status=MatchRun.Status.FAILED)
    for slug in (org.slug, outsider.organization.slug):
        url = _url(name, key, slug, run, first)
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url, {"confirm": "yes", "mentee": cohort.mentees[2].pk}).status_code == 404
    assert _mentee_of(first) == cohort.mentees[0] and MatchRun.objects.count() == 1
