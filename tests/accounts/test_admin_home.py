"""The HR admin's organization home (issue 14, part 8): recent activity as sentences, "what needs you now"
(applications, runs to review or failed, matches at risk, surveys closing) scoped to the organization, and the
roster figure that explains the leavers. Members and stakeholders see neither list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from analytics.models import SurveyAssignment
from matching.models import Match, MatchRun
from mentorhub.accounts.models import Employee
from mentorhub.accounts.services.audit import audit_record
from programs.models import Participant, Program
from tests.analytics.factories import MatchFactFactory, MatchFactory, SurveyAssignmentFactory, SurveyFactory
from tests.factories import EmployeeFactory
from tests.helpers import org_url, page_text
from tests.matching.builders import make_match, make_run, page_cohort
from tests.programs.factories import ParticipantFactory, ProgramFactory

pytestmark = pytest.mark.django_db


def _home(client, org) -> str:
    response = client.get(org_url("org-home", org))
    assert response.status_code == 200
    return page_text(response)


def _attention_section(html: str) -> str:
    start = html.index('id="attention-h"')
    return html[start : html.index("</section>", start)]


class TestRecentActivity:
    def test_events_read_as_sentences_with_the_actors_name(self, org, admin, admin_client):
        admin.user.name = "Dana Admin"
        admin.user.save(update_fields=["name"])
        program = ProgramFactory(organization=org, name="Spring mentoring", status=Program.Status.ENROLLING)
        audit_record(
            organization=org, actor=admin.user, verb="participant.approve", target=program, changes={"count": [None, 3]}
        )
        match = MatchFactory(organization=org, program=program)
        audit_record(organization=org, actor=admin.user, verb="match.end_early", target=match)
        audit_record(organization=org, actor=None, verb="match.activate", target=match)
        html = _home(admin_client, org)
        assert "Dana Admin approved 3 applications to Spring mentoring" in html
        assert f"Dana Admin ended match #{match.pk} early" in html
        assert f"Match #{match.pk} started: everyone accepted" in html
        assert "participant.approve" not in html and "match.end_early" not in html

    def test_an_unknown_verb_still_reads_as_words(self, org, admin, admin_client):
        audit_record(organization=org, actor=admin.user, verb="widget.frobnicate_all", target_label="Gizmo")
        assert f"{admin.user.name}: widget: frobnicate all (Gizmo)" in _home(admin_client, org)

    def test_another_organizations_events_never_show(self, org, other_org, outsider, admin_client):
        audit_record(organization=other_org, actor=outsider.user, verb="program.create", target_label="Beta secret")
        assert "Beta secret" not in _home(admin_client, org)


class TestWhatNeedsYouNow:
    def test_empty_state(self, org, admin_client):
        section = _attention_section(_home(admin_client, org))
        assert "Nothing needs you now" in section

    def test_each_kind_is_a_count_with_a_link(self, org, other_org, admin_client):
        # Applications waiting: 2 in an enrolling program (a withdrawn one and a closed program's do not count).
        spring = ProgramFactory(organization=org, name="Spring mentoring", status=Program.Status.ENROLLING)
        ParticipantFactory.create_batch(2, program=spring, status=Participant.Status.APPLIED)
        ParticipantFactory(program=spring, status=Participant.Status.WITHDRAWN)
        old = ProgramFactory(organization=org, name="Old cohort", status=Program.Status.CLOSED)
        ParticipantFactory(program=old, status=Participant.Status.APPLIED)
        # A run with two proposals to review, and a failed run of another program (a later run would hide it).
        cohort = page_cohort(org)
        run = make_run(cohort, unmatched=[cohort.mentees[2]])
        make_match(cohort, run, cohort.mentors[0], [cohort.mentees[0]])
        make_match(cohort, run, cohort.mentors[1], [cohort.mentees[1]])
        other = page_cohort(org, name="Circles", mentors=1, mentees=1)
        failed = make_run(other, status=MatchRun.Status.FAILED, error="boom")
        # Matches at risk (program health's roll-up): one active at risk, one ended (not counted).
        at_risk = MatchFactory(organization=org, program=spring, status=Match.Status.ACTIVE)
        MatchFactFactory(match=at_risk, at_risk=True, at_risk_reason="No session for 60 days")
        ended = MatchFactory(organization=org, program=spring, status=Match.Status.COMPLETED)
        MatchFactFactory(match=ended, at_risk=True)
        # Survey answers owed whose check-in closes in 5 days; one closing in 20 days does not count.
        survey = SurveyFactory(organization=org, program=spring)
        now = timezone.now()
        SurveyAssignmentFactory(survey=survey, round=1, due_at=now - timedelta(days=25))
        SurveyAssignmentFactory(survey=survey, round=1, due_at=now - timedelta(days=10))
        SurveyAssignmentFactory(
            survey=survey, round=2, due_at=now - timedelta(days=25), status=SurveyAssignment.Status.ANSWERED
        )
        # The other organization's pile never counts.
        theirs = ProgramFactory(organization=other_org, name="Beta program", status=Program.Status.ENROLLING)
        ParticipantFactory.create_batch(4, program=theirs, status=Participant.Status.APPLIED)

        section = _attention_section(_home(admin_client, org))
        participants = org_url("program-participants", org, program_pk=spring.pk)
        waiting = "<strong>2</strong> applications waiting for approval in Spring mentoring"
        assert f'href="{participants}?status=applied">{waiting}' in section
        assert "Old cohort" not in section and "Beta program" not in section
        run_url = org_url("match-run-detail", org, program_pk=cohort.program.pk, run_pk=run.pk)
        assert (
            f'href="{run_url}"><strong>2</strong> proposed matches to review in Grow Together (run {run.pk})' in section
        )
        failed_url = org_url("match-run-detail", org, program_pk=other.program.pk, run_pk=failed.pk)
        assert f'href="{failed_url}"><strong>1</strong> matching run failed in Circles' in section
        health = org_url("program-health", org)
        assert f'href="{health}#at-risk"><strong>1</strong> match at risk' in section
        surveys = org_url("program-surveys", org, program_pk=spring.pk)
        assert f'href="{surveys}"><strong>1</strong> survey answer still owed in Spring mentoring' in section
        assert "Nothing needs you now" not in section

        # A later run of the failed run's program supersedes it; approved proposals are no longer to review.
        make_run(other, status=MatchRun.Status.QUEUED)
        Match.objects.filter(run=run).update(status=Match.Status.APPROVED)
        section = _attention_section(_home(admin_client, org))
        assert "failed" not in section and "to review" not in section

    def test_members_and_stakeholders_see_neither_list(self, org, member_client, stakeholder_client):
        audit_record(organization=org, actor=None, verb="program.create", target_label="Spring")
        for client in (member_client, stakeholder_client):
            html = _home(client, org)
            assert 'id="attention-h"' not in html and "Recent activity" not in html


def test_roster_figure_explains_the_leavers(org, admin_client):
    before = Employee.objects.filter(organization=org).count()  # the admin's own entry
    EmployeeFactory.create_batch(3, organization=org)
    EmployeeFactory.create_batch(2, organization=org, left_on=date(2024, 5, 1))
    EmployeeFactory(organization=org, left_on=timezone.localdate() + timedelta(days=30))  # leaving later: current
    html = _home(admin_client, org)
    assert "Current employees" in html
    current, total = before + 4, before + 6
    assert f"<dd>{current} <span" in html and f"({total} on the roster, including 2 who have left)" in html


def test_home_stays_within_its_query_budget_whatever_the_pile(org, admin_client, django_assert_max_num_queries):
    """Each provider reads once, however many programs and runs wait (tests/performance has the budget)."""
    for index in range(4):
        program = ProgramFactory(organization=org, name=f"P{index}", status=Program.Status.ENROLLING)
        ParticipantFactory.create_batch(2, program=program, status=Participant.Status.APPLIED)
    with django_assert_max_num_queries(14):
        html = _home(admin_client, org)
    assert "more applications waiting in 1 other program<" in html
