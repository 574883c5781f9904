"""Matching API: runs (start, progress and figures, compare, re-run), a program's matches (review actions),
participants' own matches (accept / decline), suggestions and mentor requests; role checks, someone else's
match answers 404, and every route answers 404 to the admin of another organization."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from matching.models import Match, MatchRun, MentorRequest
from matching.services.choice import mentor_request_create
from matching.services.review import matches_approve
from mentorhub.accounts.models import Role
from mentorhub.accounts.services.tokens import api_token_create
from programs.models import Program
from tests.factories import MembershipFactory
from tests.helpers import client_for, org_url

from .builders import current_match_of, run_now, standard_cohort

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data=None):
    return client.post(url, data or {}, content_type="application/json")


@pytest.fixture
def cohort(org):
    return standard_cohort(org)


def _login_as(org, participant) -> Client:
    membership = MembershipFactory(organization=org, role=Role.MEMBER, employee=participant.employee)
    return client_for(membership)


class TestRuns:
    def test_admin_starts_a_run_and_reads_progress_and_figures(
        self, admin_client, org, cohort, django_capture_on_commit_callbacks
    ):
        url = org_url("api-match-run-list", org, program_pk=cohort.program.pk)
        with django_capture_on_commit_callbacks(execute=True):
            response = post(admin_client, url, {"objective": "participation", "weights": {cohort.key("format"): 4}})
        assert response.status_code == 202, response.content
        body = response.json()
        assert body["status"] == "queued" and body["objective"] == "participation"
        assert response["Location"] == body["url"] and body["url"].endswith(f"/match-runs/{body['id']}/")
        assert body["page_url"].endswith(f"/matching/runs/{body['id']}/")
        assert body["weights"] == {cohort.key("format"): 4}

        detail = admin_client.get(
            org_url("api-match-run-detail", org, program_pk=cohort.program.pk, run_pk=body["id"])
        ).json()
        assert detail["status"] == "done" and detail["progress"] == 100 and detail["figures"]["matched"] == 4
        assert len(detail["figures"]["histogram"]["counts"]) == 10 and detail["started_by"] == "admin@alpha.test"
        listed = admin_client.get(url).json()
        assert [r["id"] for r in listed["results"]] == [body["id"]]

    def test_start_errors_are_400_with_the_message(self, admin_client, org, cohort):
        Program.objects.filter(pk=cohort.program.pk).update(status=Program.Status.DRAFT)
        response = post(admin_client, org_url("api-match-run-list", org, program_pk=cohort.program.pk))
        assert response.status_code == 400 and "Matching runs when the program is" in response.content.decode()

    def test_compare_and_rerun(self, admin_client, admin, org, cohort, django_capture_on_commit_callbacks):
        a = run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks, what_if=True)
        b = run_now(
            org, admin.user, cohort.program, django_capture_on_commit_callbacks, what_if=True, objective="participation"
        )
        url = org_url("api-match-run-compare", org, program_pk=cohort.program.pk)
        body = admin_client.get(url, {"a": a.pk, "b": b.pk}).json()
        assert body["run_a"]["id"] == a.pk and body["run_b"]["matched"] == 4 and "pairs_changed" in body
        assert admin_client.get(url, {"a": a.pk}).status_code == 400

        refused = post(admin_client, org_url("api-match-run-rerun", org, program_pk=cohort.program.pk, run_pk=a.pk))
        assert refused.status_code == 400 and "Only a failed run" in refused.content.decode()
        MatchRun.objects.filter(pk=a.pk).update(status=MatchRun.Status.FAILED)
        with django_capture_on_commit_callbacks(execute=True):
            response = post(
                admin_client, org_url("api-match-run-rerun", org, program_pk=cohort.program.pk, run_pk=a.pk)
            )
        assert response.status_code == 202 and MatchRun.objects.get(pk=a.pk).status == "done"

    def test_members_and_stakeholders_may_not_see_runs(self, member_client, stakeholder_client, org, proposed):
        url = org_url("api-match-run-list", org, program_pk=proposed.program.pk)
        for client in (member_client, stakeholder_client):
            assert client.get(url).status_code == 403
            assert post(client, url).status_code == 403


class TestProgramMatches:
    def test_list_with_members_and_explanation(self, admin_client, org, proposed, django_assert_max_num_queries):
        url = org_url("api-program-match-list", org, program_pk=proposed.program.pk)
        with django_assert_max_num_queries(12):
            body = admin_client.get(url, {"status": "proposed"}).json()
        rows = body["results"]
        assert len(rows) == 4
        first = rows[0]
        assert first["score"] >= rows[-1]["score"] and first["explanation"][0]["label"]
        assert {m["role"] for m in first["members"]} == {"mentor", "mentee"}
        assert all(m["person"]["name"] for m in first["members"])
        assert admin_client.get(url, {"run": proposed.run.pk}).json()["count"] == 4
        assert admin_client.get(url, {"status": "active"}).json()["count"] == 0

    def test_review_actions(self, admin_client, org, proposed, mailoutbox, django_capture_on_commit_callbacks):
        program_pk = proposed.program.pk
        paul_match = current_match_of(proposed.person("Paul Wants-Python"))
        lara_match = current_match_of(proposed.person("Lara Wants-Leadership"))

        pinned = post(
            admin_client, org_url("api-program-match-pin", org, program_pk=program_pk, match_pk=paul_match.pk)
        )
        assert pinned.status_code == 200 and pinned.json()["pinned"] is True

        discarded = post(
            admin_client, org_url("api-program-match-discard", org, program_pk=program_pk, match_pk=lara_match.pk)
        )
        assert discarded.status_code == 200 and discarded.json()["status"] == "discarded"

        leo = proposed.person("Leo Leader")
        swapped = post(
            admin_client,
            org_url("api-program-match-swap", org, program_pk=program_pk, match_pk=paul_match.pk),
            {"mentor_participant_id": leo.pk},
        )
        assert swapped.status_code == 200, swapped.content
        assert {m["person"]["participant_id"] for m in swapped.json()["members"] if m["role"] == "mentor"} == {leo.pk}

        lara = proposed.person("Lara Wants-Leadership")
        changed = post(
            admin_client,
            org_url("api-program-match-set-mentee", org, program_pk=program_pk, match_pk=paul_match.pk),
            {"mentee_participant_id": lara.pk},
        )
        assert changed.status_code == 200, changed.content

        with django_capture_on_commit_callbacks(execute=True):
            one = post(
                admin_client, org_url("api-program-match-approve", org, program_pk=program_pk, match_pk=paul_match.pk)
            )
        assert one.status_code == 200 and one.json()["status"] == "approved" and len(mailoutbox) == 2
        again = post(
            admin_client, org_url("api-program-match-approve", org, program_pk=program_pk, match_pk=paul_match.pk)
        )
        assert again.status_code == 400

        with django_capture_on_commit_callbacks(execute=True):
            bulk = post(admin_client, org_url("api-program-match-approve-bulk", org, program_pk=program_pk), {})
        assert bulk.json() == {"approved": 2}
        assert Match.objects.filter(program=proposed.program, status="approved").count() == 3

    def test_errors_and_roles(self, admin_client, member_client, org, proposed):
        program_pk = proposed.program.pk
        paul_match = current_match_of(proposed.person("Paul Wants-Python"))
        full = post(
            admin_client,
            org_url("api-program-match-swap", org, program_pk=program_pk, match_pk=paul_match.pk),
            {"mentor_participant_id": proposed.person("Leo Leader").pk},
        )
        assert full.status_code == 400 and "no room" in full.content.decode()
        assert member_client.get(org_url("api-program-match-list", org, program_pk=program_pk)).status_code == 403
        assert (
            post(member_client, org_url("api-program-match-approve-bulk", org, program_pk=program_pk)).status_code
            == 403
        )


class TestMyMatches:
    def test_participants_see_and_answer_their_own_matches_only(
        self, org, admin, proposed, django_capture_on_commit_callbacks
    ):
        matches_approve(organization=org, actor=admin.user, program_id=proposed.program.pk)
        paul, mia = proposed.person("Paul Wants-Python"), proposed.person("Mia Python")
        lara = proposed.person("Lara Wants-Leadership")
        paul_client, mia_client, lara_client = (_login_as(org, p) for p in (paul, mia, lara))
        paul_match = current_match_of(paul)

        listed = paul_client.get(org_url("api-my-match-list", org)).json()
        assert [m["id"] for m in listed["results"]] == [paul_match.pk]
        detail = paul_client.get(org_url("api-my-match-detail", org, match_pk=paul_match.pk)).json()
        assert detail["my_role"] == "mentee" and detail["my_response"] == "pending" and detail["explanation"]
        assert "decline_reason" not in detail["members"][0]

        # Someone else's match: the same 404 as a match that does not exist.
        assert lara_client.get(org_url("api-my-match-detail", org, match_pk=paul_match.pk)).status_code == 404
        assert (
            post(
                lara_client, org_url("api-my-match-respond", org, match_pk=paul_match.pk), {"accept": True}
            ).status_code
            == 404
        )

        for client in (paul_client, mia_client):
            response = post(client, org_url("api-my-match-respond", org, match_pk=paul_match.pk), {"accept": True})
            assert response.status_code == 200, response.content
        assert response.json()["status"] == "active"

        lara_match = current_match_of(lara)
        no_reason = post(lara_client, org_url("api-my-match-respond", org, match_pk=lara_match.pk), {"accept": False})
        assert no_reason.status_code == 400
        with django_capture_on_commit_callbacks(execute=True):
            declined = post(
                lara_client,
                org_url("api-my-match-respond", org, match_pk=lara_match.pk),
                {"accept": False, "reason": "Different time zones"},
            )
        assert declined.status_code == 200 and declined.json()["status"] == "declined"

    def test_proposals_are_not_shown_before_approval(self, org, proposed):
        paul = proposed.person("Paul Wants-Python")
        client = _login_as(org, paul)
        assert client.get(org_url("api-my-match-list", org)).json()["results"] == []
        assert client.get(org_url("api-my-match-detail", org, match_pk=current_match_of(paul).pk)).status_code == 404


class TestChoice:
    @pytest.fixture
    def choice(self, org):
        return standard_cohort(org, match_mode=Program.MatchMode.MENTEE_CHOICE)

    def test_suggestions_request_and_decide(self, org, choice):
        paul, mia = choice.person("Paul Wants-Python"), choice.person("Mia Python")
        paul_client, mia_client = _login_as(org, paul), _login_as(org, mia)

        suggestions = paul_client.get(org_url("api-suggestions", org, program_pk=choice.program.pk)).json()
        assert suggestions[0]["mentor"]["participant_id"] == mia.pk and suggestions[0]["explanation"]
        # Mia is a mentor here, not a mentee: no suggestions for her.
        assert mia_client.get(org_url("api-suggestions", org, program_pk=choice.program.pk)).status_code == 404

        created = post(
            paul_client,
            org_url("api-mentor-request-list", org),
            {"program": choice.program.pk, "mentor_participant_id": mia.pk, "message": "Hi Mia"},
        )
        assert created.status_code == 201, created.content
        request_id = created.json()["id"]
        assert created.json()["direction"] == "sent"
        received = mia_client.get(org_url("api-mentor-request-list", org)).json()
        assert [(r["id"], r["direction"]) for r in received["results"]] == [(request_id, "received")]

        # Only the mentor decides; the mentee cannot accept their own request.
        refused = post(paul_client, org_url("api-mentor-request-decide", org, request_pk=request_id), {"accept": True})
        assert refused.status_code == 404
        decided = post(mia_client, org_url("api-mentor-request-decide", org, request_pk=request_id), {"accept": True})
        assert decided.status_code == 200 and decided.json()["status"] == "accepted"
        assert MentorRequest.objects.get(pk=request_id).status == "accepted"

    def test_other_people_do_not_see_a_request(self, org, choice, member_client):
        paul, mia = choice.person("Paul Wants-Python"), choice.person("Mia Python")
        request = mentor_request_create(
            organization=org,
            actor=None,
            employee=paul.employee,
            program_id=choice.program.pk,
            mentor_participant_id=mia.pk,
        )
        assert member_client.get(org_url("api-mentor-request-detail", org, request_pk=request.pk)).status_code == 404
        withdraw = post(member_client, org_url("api-mentor-request-withdraw", org, request_pk=request.pk))
        assert withdraw.status_code == 404


class TestOutsiders:
    def test_every_matching_route_is_404_for_another_organization(
        self, outsider_client, outsider, org, proposed, admin
    ):
        program_pk = proposed.program.pk
        match = Match.objects.filter(program=proposed.program).first()
        matches_approve(organization=org, actor=admin.user, program_id=program_pk, match_ids=[match.pk])
        request = MentorRequest.objects.create(
            organization=org, program=proposed.program, mentee=proposed.mentees[0], mentor=proposed.mentors[0]
        )
        run_pk = proposed.run.pk
        gets = [
            org_url("api-match-run-list", org, program_pk=program_pk),
            org_url("api-match-run-detail", org, program_pk=program_pk, run_pk=run_pk),
            org_url("api-match-run-compare", org, program_pk=program_pk) + f"?a={run_pk}&b={run_pk}",
            org_url("api-program-match-list", org, program_pk=program_pk),
            org_url("api-program-match-detail", org, program_pk=program_pk, match_pk=match.pk),
            org_url("api-my-match-list", org),
            org_url("api-my-match-detail", org, match_pk=match.pk),
            org_url("api-suggestions", org, program_pk=program_pk),
            org_url("api-mentor-request-list", org),
            org_url("api-mentor-request-detail", org, request_pk=request.pk),
        ]
        posts = [
            org_url("api-match-run-list", org, program_pk=program_pk),
            org_url("api-match-run-rerun", org, program_pk=program_pk, run_pk=run_pk),
            org_url("api-program-match-swap", org, program_pk=program_pk, match_pk=match.pk),
            org_url("api-program-match-set-mentee", org, program_pk=program_pk, match_pk=match.pk),
            org_url("api-program-match-pin", org, program_pk=program_pk, match_pk=match.pk),
            org_url("api-program-match-approve", org, program_pk=program_pk, match_pk=match.pk),
            org_url("api-program-match-approve-bulk", org, program_pk=program_pk),
            org_url("api-program-match-discard", org, program_pk=program_pk, match_pk=match.pk),
            org_url("api-my-match-respond", org, match_pk=match.pk),
            org_url("api-mentor-request-list", org),
            org_url("api-mentor-request-decide", org, request_pk=request.pk),
            org_url("api-mentor-request-withdraw", org, request_pk=request.pk),
        ]
        for url in gets:
            assert outsider_client.get(url).status_code == 404, url
        for url in posts:
            assert post(outsider_client, url, {"accept": True}).status_code == 404, url
        # Their own organization's URL with our ids: still 404, never our data.
        theirs = reverse(
            "api-program-match-detail", kwargs={"org_slug": "beta", "program_pk": program_pk, "match_pk": match.pk}
        )
        assert outsider_client.get(theirs).status_code == 404

        # An API token of the other organization: 404 as well.
        _, secret = api_token_create(
            organization=outsider.organization, actor=outsider.user, membership=outsider, name="x"
        )
        token_client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        assert token_client.get(gets[0]).status_code == 404
        assert Match.objects.get(pk=match.pk).status == "approved" and not match.pinned
