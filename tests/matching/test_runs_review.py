"""After a run: the admin's review (swap, set mentee, pin, approve with emails, discard) and the participants'
answers (accept; decline, which frees both and re-matches the affected people only)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from matching.models import ExcludedPair, Match, MatchMember, MatchRun
from matching.services.responses import match_respond
from matching.services.review import match_discard, match_pin, match_set_mentee, match_swap, matches_approve
from programs.models import Participant, Program

from .builders import current_match_of, engine_cohort, pairs_of, run_now, standard_cohort

pytestmark = pytest.mark.django_db


class TestEdits:
    def test_swap_gives_another_mentor_and_recomputes_the_score(self, org, admin, proposed):
        paul, leo = proposed.person("Paul Wants-Python"), proposed.person("Leo Leader")
        lara_match = current_match_of(proposed.person("Lara Wants-Leadership"))
        match_discard(organization=org, actor=admin.user, match_id=lara_match.pk)  # frees Leo's place
        match = current_match_of(paul)
        before = match.score

        match_swap(organization=org, actor=admin.user, match_id=match.pk, mentor_participant_id=leo.pk)

        match.refresh_from_db()
        lead = match.members.get(role="mentor")
        assert lead.participant == leo and match.score < before and match.explanation
        assert sum(p["contribution"] for p in match.explanation) == pytest.approx(match.score, abs=1e-3)

    def test_swap_refuses_a_full_mentor_and_a_forbidden_pair(self, org, admin, proposed):
        paul = proposed.person("Paul Wants-Python")
        with pytest.raises(ValidationError, match="no room"):
            match_swap(
                organization=org,
                actor=admin.user,
                match_id=current_match_of(paul).pk,
                mentor_participant_id=proposed.person("Leo Leader").pk,
            )
        german = proposed.add("mentor", skills=["Python"], languages=["German"], capacity=3)
        with pytest.raises(ValidationError, match="not allowed"):
            match_swap(
                organization=org, actor=admin.user, match_id=current_match_of(paul).pk, mentor_participant_id=german.pk
            )

    def test_set_mentee_replaces_the_mentee_who_is_free_again(self, org, admin, proposed):
        newcomer = proposed.add("mentee", skills=["Python"], name="Nina Newcomer")
        paul = proposed.person("Paul Wants-Python")
        match = current_match_of(paul)

        match_set_mentee(organization=org, actor=admin.user, match_id=match.pk, mentee_participant_id=newcomer.pk)

        assert match.members.get(role="mentee").participant == newcomer
        assert not MatchMember.objects.filter(participant=paul, current=True).exists()
        with pytest.raises(ValidationError, match="already has a match"):
            match_set_mentee(
                organization=org,
                actor=admin.user,
                match_id=match.pk,
                mentee_participant_id=proposed.person("Lara Wants-Leadership").pk,
            )

    def test_approved_matches_cannot_be_edited_and_other_orgs_get_404(self, org, admin, proposed, other_org):
        match = current_match_of(proposed.person("Paul Wants-Python"))
        matches_approve(organization=org, actor=admin.user, program_id=proposed.program.pk, match_ids=[match.pk])
        with pytest.raises(ValidationError, match="Only a proposed match"):
            match_swap(
                organization=org,
                actor=admin.user,
                match_id=match.pk,
                mentor_participant_id=proposed.person("Nora Negotiator").pk,
            )
        with pytest.raises(Http404):
            match_pin(organization=other_org, actor=admin.user, match_id=match.pk, pinned=True)

    def test_discard_frees_the_people(self, org, admin, proposed):
        match = current_match_of(proposed.person("Paul Wants-Python"))
        match_discard(organization=org, actor=admin.user, match_id=match.pk)
        match.refresh_from_db()
        assert match.status == Match.Status.DISCARDED and not match.members.filter(current=True).exists()
        with pytest.raises(ValidationError):
            match_discard(organization=org, actor=admin.user, match_id=match.pk)


class TestApprove:
    def test_approve_in_bulk_emails_everyone_a_link_to_their_match(
        self, org, admin, proposed, mailoutbox, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            count = matches_approve(organization=org, actor=admin.user, program_id=proposed.program.pk)

        assert count == 4
        assert set(Match.objects.filter(program=proposed.program).values_list("status", flat=True)) == {"approved"}
        assert len(mailoutbox) == 8
        paul = proposed.person("Paul Wants-Python")
        mail = next(m for m in mailoutbox if m.to == [paul.employee.email])
        assert f"/o/{org.slug}/matches/{current_match_of(paul).pk}/" in mail.body
        assert "Mia Python" in mail.body and proposed.program.name in mail.subject
        # Nothing proposed is left: a second approval approves nothing and sends nothing.
        assert matches_approve(organization=org, actor=admin.user, program_id=proposed.program.pk) == 0

    def test_approve_one(self, org, admin, proposed, mailoutbox, django_capture_on_commit_callbacks):
        match = current_match_of(proposed.person("Paul Wants-Python"))
        with django_capture_on_commit_callbacks(execute=True):
            matches_approve(organization=org, actor=admin.user, program_id=proposed.program.pk, match_ids=[match.pk])
        assert Match.objects.filter(program=proposed.program, status="approved").get() == match
        assert len(mailoutbox) == 2


@pytest.fixture
def approved(org, admin, proposed):
    matches_approve(organization=org, actor=admin.user, program_id=proposed.program.pk)
    return proposed


class TestRespond:
    def test_everyone_accepts_and_the_match_is_active(self, org, approved):
        paul, mia = approved.person("Paul Wants-Python"), approved.person("Mia Python")
        match = current_match_of(paul)
        match_respond(organization=org, actor=None, employee=paul.employee, match_id=match.pk, accept=True)
        match.refresh_from_db()
        assert match.status == Match.Status.APPROVED  # Mia has not answered yet

        match_respond(organization=org, actor=None, employee=mia.employee, match_id=match.pk, accept=True)

        match.refresh_from_db()
        assert match.status == Match.Status.ACTIVE and match.started_at
        assert set(Participant.objects.filter(pk__in=[paul.pk, mia.pk]).values_list("status", flat=True)) == {"matched"}

    def test_someone_outside_the_match_gets_404(self, org, approved):
        paul_match = current_match_of(approved.person("Paul Wants-Python"))
        lara = approved.person("Lara Wants-Leadership")
        with pytest.raises(Http404):
            match_respond(organization=org, actor=None, employee=lara.employee, match_id=paul_match.pk, accept=True)

    def test_a_decline_needs_a_reason(self, org, approved):
        paul = approved.person("Paul Wants-Python")
        with pytest.raises(ValidationError, match="why"):
            match_respond(
                organization=org, actor=None, employee=paul.employee, match_id=current_match_of(paul).pk, accept=False
            )

    def test_a_decline_frees_both_and_rematches_only_the_affected_people(
        self, org, admin, approved, django_capture_on_commit_callbacks
    ):
        paul, mia = approved.person("Paul Wants-Python"), approved.person("Mia Python")
        lara = approved.person("Lara Wants-Leadership")
        # Lara and Leo accepted: their pair must stay exactly as it is.
        lara_match = current_match_of(lara)
        for member in lara_match.members.all():
            match_respond(
                organization=org, actor=None, employee=member.participant.employee, match_id=lara_match.pk, accept=True
            )
        # A second Python mentor has room for Paul once he is free again.
        backup = approved.add("mentor", skills=["Python"], capacity=1, name="Ben Backup")
        others_before = {
            m.pk: m.status for m in Match.objects.filter(program=approved.program).exclude(members__participant=paul)
        }
        paul_match = current_match_of(paul)

        with django_capture_on_commit_callbacks(execute=True):
            result = match_respond(
                organization=org,
                actor=None,
                employee=paul.employee,
                match_id=paul_match.pk,
                accept=False,
                reason="We already work together on the same team.",
            )

        paul_match.refresh_from_db()
        assert paul_match.status == Match.Status.DECLINED and not paul_match.members.filter(current=True).exists()
        declined = paul_match.members.get(participant=paul)
        assert declined.response == "declined" and declined.decline_reason.startswith("We already work")
        assert ExcludedPair.objects.filter(program=approved.program, mentor=mia, mentee=paul).exists()
        rematch = result.rematch_run
        assert rematch is not None and sorted(rematch.scope_participant_ids) == sorted([paul.pk, mia.pk])
        rematch.refresh_from_db()
        assert rematch.status == MatchRun.Status.DONE
        # Paul is proposed again, never with Mia, and here with the backup mentor; everyone else is untouched.
        assert (backup.pk, paul.pk) in pairs_of(approved.program)
        assert rematch.figures["mentees"] == 1 and rematch.figures["matched"] == 1
        for match_id, status in others_before.items():
            assert Match.objects.get(pk=match_id).status == status
        assert current_match_of(lara).status == Match.Status.ACTIVE

    def test_a_decline_in_mentee_choice_mode_starts_no_run(self, org, admin, django_capture_on_commit_callbacks):
        cohort = standard_cohort(org, match_mode=Program.MatchMode.MENTEE_CHOICE)
        run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
        matches_approve(organization=org, actor=admin.user, program_id=cohort.program.pk)
        paul = cohort.person("Paul Wants-Python")
        result = match_respond(
            organization=org,
            actor=None,
            employee=paul.employee,
            match_id=current_match_of(paul).pk,
            accept=False,
            reason="No",
        )
        assert result.rematch_run is None and MatchRun.objects.filter(program=cohort.program).count() == 1


class TestCircleDecline:
    def test_a_member_who_declines_leaves_the_circle_which_goes_on(
        self, org, admin, django_capture_on_commit_callbacks
    ):
        cohort = engine_cohort(
            org, kind=Program.Kind.GROUP, circle_min_size=2, circle_max_size=4, default_mentor_capacity=4
        )
        cohort.add("mentor", skills=["Python"], capacity=4, level=7)
        members = [cohort.add("mentee", skills=["Python"], department=d) for d in ("Sales", "Finance", "People")]
        run_now(org, admin.user, cohort.program, django_capture_on_commit_callbacks)
        matches_approve(organization=org, actor=admin.user, program_id=cohort.program.pk)
        circle = Match.objects.get(program=cohort.program)

        with django_capture_on_commit_callbacks(execute=True):
            match_respond(
                organization=org, actor=None, employee=members[0].employee, match_id=circle.pk, accept=False, reason="x"
            )
        for person in [cohort.mentors[0], *members[1:]]:
            match_respond(organization=org, actor=None, employee=person.employee, match_id=circle.pk, accept=True)

        circle.refresh_from_db()
        assert circle.status == Match.Status.ACTIVE
        assert set(circle.members.filter(current=True).values_list("participant_id", flat=True)) == {
            cohort.mentors[0].pk,
            members[1].pk,
            members[2].pk,
        }
        assert ExcludedPair.objects.filter(mentor=cohort.mentors[0], mentee=members[0]).exists()
        # The re-match found no other circle the member may join (the only one excludes them now).
        rematch = MatchRun.objects.filter(program=cohort.program).order_by("-id").first()
        assert rematch.scope_participant_ids == [members[0].pk] and rematch.figures["matched"] == 0
