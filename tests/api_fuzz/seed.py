"""The data the API fuzz test runs against: one organization with something behind every kind of id the API
takes (a program in each state, participants, proposed and active matches, sessions held and ahead, goals with
milestones and comments, surveys, notices, invitations, a roster import, a roll-up), and a second organization
with a smaller copy, whose ids the fuzzer also sends: they must answer 404, never data.

Everything is made the way the product makes it (services, or the factories the other tests use where a
service would need a whole flow), so the fuzzer meets rows in states the product can reach."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from analytics.models import Survey, SurveyAssignment, SurveyQuestion
from analytics.services.rollups import rollup_run_start
from analytics.services.surveys import survey_for, survey_question_add, surveys_plan
from matching.models import MatchRun
from matching.services.choice import mentor_request_create
from mentorhub.accounts.models import Membership, Organization
from mentorhub.accounts.services.invitations import invitation_create
from mentorhub.accounts.services.roster_import import roster_import_start
from programs.models import Participant, Program
from sessions.models import Notification
from sessions.services.goals import goal_comment_add, goal_create, goal_template_create
from sessions.services.notifications import notification_create
from tests.accounts.roster_helpers import person as roster_person
from tests.accounts.roster_helpers import roster_csv
from tests.matching.builders import make_match, make_run, page_cohort
from tests.programs.factories import ProgramFactory, QuestionFactory
from tests.sessions.factories import Pair, active_pair, api_held, api_schedule


@dataclass
class Seeded:
    """The ids behind each path (and id-valued query) parameter of the API, by parameter name; `foreign` are
    the other organization's, which the fuzzer sends as well."""

    ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    foreign: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, name: str, *values: int) -> None:
        self.ids[name].extend(values)


def _mentoring(org: Organization, pair: Pair, into: dict[str, list[int]]) -> None:
    """Sessions ahead and held, a goal with milestones and a comment, a notice: the mentee's and mentor's
    daily use."""
    ahead = api_schedule(org, pair)
    held = api_held(org, pair, rating=4, topics="Promotion case", reflection="Too quiet in the budget talk")
    goal = goal_create(
        organization=org,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        title="Lead a team meeting",
        milestones=[{"title": "Draft the agenda"}, {"title": "Run it"}],
    )
    goal_comment_add(organization=org, employee=pair.mentor.employee, goal_id=goal.pk, body="Try it on Monday.")
    notice = notification_create(
        organization=org, recipient=pair.mentee.employee, kind=Notification.MATCH_UPDATE, title="Your mentor wrote"
    )
    into["match_pk"].append(pair.match.pk)
    into["match"].append(pair.match.pk)
    into["program_pk"].append(pair.program.pk)
    into["session_pk"].extend([ahead.pk, held.pk])
    into["goal_pk"].append(goal.pk)
    into["milestone_pk"].extend(goal.milestones.values_list("pk", flat=True))
    into["notification_pk"].append(notice.pk)


def seed(org: Organization, admin: Membership, member: Membership, other_org: Organization) -> Seeded:
    seeded = Seeded()
    ids = seeded.ids
    # The member is the mentee of an active pair that started a month ago (a check-in is due), and the admin
    # its mentor: both callers meet their own sessions, goals and surveys.
    pair = active_pair(org, mentor=admin, mentee=member, started_at=timezone.now() - timedelta(days=30, hours=1))
    _mentoring(org, pair, ids)
    template = goal_template_create(
        organization=org, actor=admin.user, program_id=pair.program.pk, title="Speak up", milestones=[]
    )
    ids["template_pk"].append(template.pk)
    ids["template"].append(template.pk)

    surveys_plan(organization=org)
    survey = survey_for(organization=org, program=pair.program, kind=Survey.Kind.CHECKIN)
    own = survey_question_add(
        organization=org,
        actor=admin.user,
        program_id=pair.program.pk,
        survey_id=survey.pk,
        prompt="What helped most?",
        type=SurveyQuestion.Type.TEXT,
    )
    ids["survey_pk"].append(survey.pk)
    ids["survey_question_pk"].append(own.pk)
    ids["assignment_pk"].extend(SurveyAssignment.objects.filter(organization=org).values_list("pk", flat=True))

    # Matching under review: a finished run with two proposed pairs (approve, discard, swap, pin).
    review = page_cohort(org, mentors=2, mentees=3)
    run = make_run(review)
    proposals = [
        make_match(review, run, review.mentors[0], [review.mentees[0]]),
        make_match(review, run, review.mentors[1], [review.mentees[1]]),
    ]
    ids["program_pk"].append(review.program.pk)
    ids["run_pk"].append(run.pk)
    ids["match_pk"].extend(m.pk for m in proposals)
    participants = [p.pk for p in review.mentors + review.mentees]
    ids["participant_pk"].extend(participants)
    ids["question_pk"].extend(q.pk for q in review.questions.values())

    # Mentee choice: the member asks a mentor.
    choice = page_cohort(org, name="Pick Your Mentor", mentors=2, mentees=1, match_mode=Program.MatchMode.MENTEE_CHOICE)
    choice.add(Participant.Role.MENTEE, employee=member.employee)
    request = mentor_request_create(
        organization=org,
        actor=member.user,
        employee=member.employee,
        program_id=choice.program.pk,
        mentor_participant_id=choice.mentors[0].pk,
    )
    ids["request_pk"].append(request.pk)
    ids["program_pk"].append(choice.program.pk)

    # Programs in the other states: a draft with questions, one enrolling, one closed.
    for status in (Program.Status.DRAFT, Program.Status.ENROLLING, Program.Status.CLOSED):
        program = ProgramFactory(organization=org, status=status, name=f"{status.label} program")
        ids["question_pk"].append(QuestionFactory(program=program).pk)
        ids["program_pk"].append(program.pk)

    invitation, _secret = invitation_create(organization=org, actor=admin.user, email="new@alpha.test", role="member")
    ids["invitation_pk"].append(invitation.pk)
    roster = roster_import_start(
        organization=org,
        actor=admin.user,
        filename="roster.csv",
        content=roster_csv([roster_person("F0001"), roster_person("F0002", manager_employee_id="F0001")]),
    )
    ids["import_pk"].append(roster.pk)
    rollup, _queued = rollup_run_start(organization=org, actor=admin.user)
    ids["rollup_pk"].append(rollup.pk)
    ids["employee_pk"].extend(org.employees.values_list("pk", flat=True))
    ids["participant_pk"].extend(Participant.objects.filter(organization=org).values_list("pk", flat=True))

    # The other organization: a pair in the middle of its mentoring, and a run.
    theirs = active_pair(other_org)
    _mentoring(other_org, theirs, seeded.foreign)
    seeded.foreign["employee_pk"].extend(other_org.employees.values_list("pk", flat=True))
    seeded.foreign["run_pk"].extend(MatchRun.objects.filter(organization=other_org).values_list("pk", flat=True))
    return seeded
