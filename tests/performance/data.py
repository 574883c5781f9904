"""More of everything a page lists, in the role matrix's organization A (tests/security/world.py): the query
budgets are measured on the matrix's world with `grow` applied once, and the growth check applies it again with
enough steps that every kind of row at least doubles (the test checks it), so each list a page shows does too.

Each call adds, per step: a signed-in employee (People, members, SCIM Users); an applicant in the world's
program; an active pair of the world's mentor with a new mentee (the mentor's home, the program's oversight),
with a held session and the mentee's answered check-in; a program in which the MEMBER is the mentee of the
same mentor (the member's matches, home and goals across programs) with an open check-in; a proposed pair of
the world's run (review); sessions ahead and held, goals with a milestone and a comment, and notices on the
member's own match; a (declined) mentor request to the mentor; and one more row for each admin list (invitations, API
tokens, roster imports, groups, domains, questions, goal templates, survey questions, audit entries). Then
the roll-up, whose facts the dashboards read."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from analytics.models import Survey, SurveyAssignment, SurveyQuestion
from analytics.services.rollups import rollup_organization
from analytics.services.surveys import survey_for
from identity.models import ClaimedDomain, EmployeeGroup
from matching.models import Match, MatchMember, MatchRun, MentorRequest
from mentorhub.accounts.models import Invitation, Membership, Organization, Role, RosterImport
from mentorhub.accounts.secret_tokens import hash_token
from mentorhub.accounts.services.audit import audit_record
from mentorhub.accounts.services.tokens import api_token_create
from programs.models import Participant, Program
from sessions.models import GoalComment, GoalTemplate, MentoringSession, Notification
from sessions.services.goals import goal_create, milestone_add
from tests.analytics.factories import answered_assignment
from tests.factories import MembershipFactory
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory
from tests.sessions.factories import active_pair, person

from ..security.world import World


def grow(world: World, *, steps: int, tag: str) -> None:
    """Add `steps` of each kind (module docstring); `tag` keeps emails and names unique between calls."""
    org = Organization.objects.get(slug=world.values["org_slug"])
    admin = Membership.objects.get(organization=org, user__email="admin@alpha.test")
    member = Membership.objects.get(organization=org, user__email="member@alpha.test")
    mentor = Membership.objects.get(organization=org, user__email="mentor@alpha.test")
    program = Program.objects.get(pk=world.values["program_pk"])
    match = Match.objects.get(pk=world.values["match_pk"])
    run = MatchRun.objects.get(pk=world.values["run_pk"])
    checkin = Survey.objects.get(pk=world.values["survey_pk"])
    now = timezone.now()
    # The admin's first look at the program's surveys creates its closing survey: measure the pages after it.
    survey_for(organization=org, program=program, kind="closing")
    for i in range(steps):
        key = f"{tag}{i}"
        MembershipFactory(organization=org, role=Role.MEMBER, user__email=f"grown.{key}@alpha.test")
        ParticipantFactory(program=program, status=Participant.Status.APPLIED)

        pair = active_pair(org, program=program, mentor=mentor, mentee=person(org, f"mentee.{key}@alpha.test"))
        held = MentoringSession.objects.create(
            organization=org, program=program, match=pair.match, starts_at=now - timedelta(days=3 + i)
        )
        held.status = MentoringSession.Status.HELD
        held.save(update_fields=["status"])
        answered_assignment(
            survey=checkin, match=pair.match, respondent=pair.mentee.employee, round=1, answers={}, due_at=now
        )
        MentorRequest.objects.create(
            organization=org,
            program=program,
            mentee=Participant.objects.get(program=program, employee=pair.mentee.employee),
            mentor=Participant.objects.get(program=program, employee=mentor.employee),
            status=MentorRequest.Status.DECLINED,
        )

        # The member takes part in one more program, with the same mentor, and owes a check-in there.
        other = ProgramFactory(organization=org, status=Program.Status.ACTIVE, name=f"Program {key}")
        other_pair = active_pair(org, program=other, mentor=mentor, mentee=member)
        SurveyAssignment.objects.create(
            organization=org,
            survey=survey_for(organization=org, program=other, kind="checkin"),
            program=other,
            match=other_pair.match,
            respondent=member.employee,
            round=1,
            due_at=now - timedelta(days=1),
        )

        proposed = Match.objects.create(organization=org, program=program, run=run, score=0.5)
        for role in ("mentor", "mentee"):
            participant = ParticipantFactory(program=program, role=role, status=Participant.Status.APPROVED)
            MatchMember.objects.create(
                organization=org, program=program, match=proposed, participant=participant, role=role
            )

        for days in (2 + i, -5 - i):
            MentoringSession.objects.create(
                organization=org, program=program, match=match, starts_at=now + timedelta(days=days)
            )
        goal = goal_create(organization=org, employee=member.employee, match_id=match.pk, title=f"Goal {key}")
        milestone_add(organization=org, employee=member.employee, goal_id=goal.pk, title=f"Step {key}")
        GoalComment.objects.create(organization=org, goal=goal, author=mentor.employee, body=f"Comment {key}")
        for recipient in (member, mentor):
            Notification.objects.create(
                organization=org, recipient=recipient.employee, kind=Notification.MATCH_UPDATE, title=f"Notice {key}"
            )

        _admin_rows(org, admin, program, checkin, key)
    rollup_organization(organization=org)  # the dashboards read the roll-up's facts, not the rows themselves


def _admin_rows(org: Organization, admin: Membership, program: Program, checkin: Survey, key: str) -> None:
    """One more row for each list only an admin reads."""
    Invitation.objects.create(
        organization=org,
        email=f"invitee.{key}@alpha.test",
        role=Role.MEMBER,
        token_hash=hash_token(f"grown-invitation-{key}"),
        invited_by=admin.user,
        expires_at=timezone.now() + timedelta(days=3),
    )
    api_token_create(organization=org, actor=admin.user, membership=admin, name=f"token {key}")
    RosterImport.objects.create(organization=org, created_by=admin.user, status="failed")
    group = EmployeeGroup.objects.create(organization=org, display_name=f"Group {key}")
    group.memberships.create(organization=org, employee=admin.employee)
    ClaimedDomain.objects.create(organization=org, domain=f"grown-{key}.alpha.test")
    QuestionFactory(program=program, prompt=f"Question {key}?")
    GoalTemplate.objects.create(organization=org, program=program, title=f"Template {key}")
    position = SurveyQuestion.objects.filter(survey=checkin).count() + 10
    SurveyQuestion.objects.create(
        organization=org, survey=checkin, position=position, prompt=f"Asked {key}", type="text", required=False
    )
    audit_record(organization=org, actor=admin.user, verb="program.update", target=program)
