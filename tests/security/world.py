"""The role matrix's world: organization A ("alpha") with one object of every kind a URL can name, the five
callers, and the value each URL parameter takes. Built once per test module (it takes about a second);
each request of the matrix runs in a savepoint that is rolled back, so a DELETE or a POST of one cell never
changes what the next cell sees.

Whose objects: the match, session, goal, milestone, notification, survey and enrollment are the MEMBER's
(the member is the mentee of an active pair), so the member's cells show a participant reaching their own
things and the admin's cells show that HR does not read a pair's private space. The SCIM callers carry a
`scim` token acting as their own membership instead of a browser session (SCIM takes tokens only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from io import BytesIO

from allauth.account.forms import default_token_generator
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from PIL import Image

from analytics.models import RollupRun, SurveyAssignment, SurveyQuestion
from analytics.services.surveys import survey_for
from identity.models import ClaimedDomain, EmployeeGroup, SsoConnection
from matching.models import Match, MatchMember, MatchRun, MentorRequest
from mentorhub.accounts.models import Invitation, Membership, Role, RosterImport
from mentorhub.accounts.secret_tokens import hash_token
from mentorhub.accounts.services.branding import organization_branding_update
from mentorhub.accounts.services.tokens import api_token_create
from programs.models import Participant, Program, Skill
from sessions.models import FlashBooking, FlashSlot, GoalComment, GoalTemplate, MentoringSession, Notification
from sessions.services.goals import goal_create, milestone_add
from sessions.services.notifications import calendar_feed_get_or_create, feed_token, unsubscribe_token
from sessions.services.record_shares import record_share_create
from tests.factories import EmployeeFactory, MembershipFactory, OrganizationFactory
from tests.identity.saml_idp import TestIdp
from tests.integrations.builders import webhook_with_delivery
from tests.programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory
from tests.sessions.factories import active_pair, person

INVITATION_SECRET = "matrix-invitation-secret"


@dataclass
class World:
    sessions: dict[str, str]  # caller -> session key (anonymous: none)
    scim_tokens: dict[str, str]  # caller -> raw `scim` token (anonymous: none)
    values: dict[str, str] = field(default_factory=dict)  # URL parameter -> value

    _clients: dict[tuple[str, bool], Client] = field(default_factory=dict, repr=False)

    def client(self, caller: str, *, scim: bool = False) -> Client:
        """The caller's client, with nothing kept from its last request but its sign-in (a logout or a rotated
        session in one cell never reaches the next). One client per caller: a client loads the middleware
        once, and whitenoise's scan of the static files alone costs ~0.3 s."""
        client = self._clients.get((caller, scim))
        if client is None:
            headers = {"HTTP_HOST": "testserver"}  # a browser always names the host (the SAML views read it)
            if scim and caller in self.scim_tokens:
                headers["HTTP_AUTHORIZATION"] = f"Bearer {self.scim_tokens[caller]}"
            # CSRF is another wall: enforced here, it would refuse every POST before the role gates in question.
            client = self._clients[(caller, scim)] = Client(enforce_csrf_checks=False, **headers)
        client.cookies = SimpleCookie()
        if caller in self.sessions and not scim:
            client.cookies[settings.SESSION_COOKIE_NAME] = self.sessions[caller]
        return client


def _session_key(membership: Membership) -> str:
    client = Client()
    client.force_login(membership.user)
    return client.session.session_key


def build_world() -> World:
    org = OrganizationFactory(slug="alpha", name="Alpha Ltd")
    beta = OrganizationFactory(slug="beta", name="Beta plc")
    callers = {
        "admin": MembershipFactory(organization=org, role=Role.ADMIN, user__email="admin@alpha.test"),
        "stakeholder": MembershipFactory(organization=org, role=Role.STAKEHOLDER, user__email="stake@alpha.test"),
        "member": person(org, "member@alpha.test", name="Mia Member"),
        "outsider": MembershipFactory(organization=beta, role=Role.ADMIN, user__email="admin@beta.test"),
    }
    admin, member = callers["admin"], callers["member"]
    scim_tokens = {
        caller: api_token_create(
            organization=m.organization, actor=m.user, membership=m, name=f"scim {caller}", scopes=["scim"]
        )[1]
        for caller, m in callers.items()
    }
    world = World(sessions={c: _session_key(m) for c, m in callers.items()}, scim_tokens=scim_tokens)

    colleague = EmployeeFactory(organization=org, name="Cole Colleague")
    other_membership = MembershipFactory(organization=org, role=Role.MEMBER, user__email="other@alpha.test")
    roster_import = RosterImport.objects.create(organization=org, created_by=admin.user, status="failed")
    invitation = Invitation.objects.create(
        organization=org,
        email="invitee@alpha.test",
        role=Role.MEMBER,
        token_hash=hash_token(INVITATION_SECRET),
        invited_by=admin.user,
        expires_at=timezone.now() + timedelta(days=3),
    )
    admin_token, _raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="matrix")
    # A logo for the organization's emails (Settings -> Branding), served by the hash of its bytes.
    logo = BytesIO()
    Image.new("RGB", (64, 32), "#0a7d4f").save(logo, "PNG")
    organization_branding_update(organization=org, actor=admin.user, name="", colour="", logo=logo.getvalue())
    org.refresh_from_db()

    # The program, in mentee-choice mode and enrolling, so enrollment and suggestions have something to show.
    program = ProgramFactory(
        organization=org, status=Program.Status.ENROLLING, match_mode=Program.MatchMode.MENTEE_CHOICE
    )
    question = QuestionFactory(program=program)
    mentor = person(org, "mentor@alpha.test", name="Morgan Mentor", level=7)
    pair = active_pair(org, program=program, mentor=mentor, mentee=member)
    enrollment = Participant.objects.get(program=program, employee=member.employee)
    mentor_enrollment = Participant.objects.get(program=program, employee=mentor.employee)
    mentor_request = MentorRequest.objects.create(
        organization=org, program=program, mentee=enrollment, mentor=mentor_enrollment
    )
    # A finished run with one proposed pair, for the review routes (pin, edit, discard, approve).
    run = MatchRun.objects.create(organization=org, program=program, status=MatchRun.Status.DONE)
    proposed = Match.objects.create(organization=org, program=program, run=run, score=0.6)
    for employee, role in ((colleague, "mentor"), (other_membership.employee, "mentee")):
        participant = ParticipantFactory(
            program=program, employee=employee, role=role, status=Participant.Status.APPROVED
        )
        MatchMember.objects.create(
            organization=org, program=program, match=proposed, participant=participant, role=role
        )

    session = MentoringSession.objects.create(
        organization=org, program=program, match=pair.match, starts_at=timezone.now() + timedelta(days=2)
    )
    goal = goal_create(organization=org, employee=member.employee, match_id=pair.match.pk, title="Matrix goal")
    GoalComment.objects.create(organization=org, goal=goal, author=mentor.employee, body="Keep going")
    milestone = milestone_add(organization=org, employee=member.employee, goal_id=goal.pk, title="First step")
    notification = Notification.objects.create(
        organization=org, recipient=member.employee, kind=Notification.MATCH_UPDATE, title="Matrix notice"
    )
    template = GoalTemplate.objects.create(organization=org, program=program, title="Matrix template")
    survey = survey_for(organization=org, program=program, kind="checkin")
    assignment = SurveyAssignment.objects.create(
        organization=org,
        survey=survey,
        program=program,
        match=pair.match,
        respondent=member.employee,
        round=1,
        due_at=timezone.now() - timedelta(days=1),
    )
    own_question = SurveyQuestion.objects.create(
        organization=org, survey=survey, position=9, prompt="Matrix question", type="text", required=False
    )
    rollup = RollupRun.objects.create(organization=org, status="done")
    skill = Skill.objects.create(organization=org, name="Matrix skill")

    domain = ClaimedDomain.objects.create(organization=org, domain="alpha-matrix.test")
    group = EmployeeGroup.objects.create(organization=org, display_name="Matrix group")
    group.memberships.create(organization=org, employee=colleague)
    SsoConnection.objects.create(
        organization=org,
        protocol=SsoConnection.Protocol.SAML,
        enabled=True,
        saml_metadata_xml=TestIdp().metadata_xml(),
        saml_idp_entity_id=TestIdp.entity_id,
    )
    # One organization has one connection: the OpenID Connect routes are exercised on a third one's.
    gamma = OrganizationFactory(slug="gamma", name="Gamma GmbH")
    oidc = SsoConnection.objects.create(
        organization=gamma,
        protocol=SsoConnection.Protocol.OIDC,
        enabled=True,
        oidc_issuer="https://127.0.0.1/",  # refused by the outbound guard before any connection
        oidc_client_id="mentorhub",
    )
    feed = calendar_feed_get_or_create(organization=org, employee=member.employee)
    share, record_token = record_share_create(organization=org, actor=member.user, employee=member.employee, days=30)
    # Flash mentoring: a flash program in which the member booked the mentor's office hour and hosts one too.
    flash = ProgramFactory(organization=org, status=Program.Status.ACTIVE, kind=Program.Kind.FLASH)
    approved = Participant.Status.APPROVED
    flash_host = ParticipantFactory(program=flash, employee=mentor.employee, role="mentor", status=approved)
    flash_booker = ParticipantFactory(program=flash, employee=member.employee, role="mentee", status=approved)
    flash_own = ParticipantFactory(program=flash, employee=member.employee, role="mentor", status=approved)
    soon = timezone.now() + timedelta(days=3)
    flash_slot = FlashSlot.objects.create(
        organization=org, program=flash, host=flash_host, starts_at=soon, capacity=2, topics="Matrix topics"
    )
    own_slot = FlashSlot.objects.create(organization=org, program=flash, host=flash_own, starts_at=soon, topics="Mine")
    booking = FlashBooking.objects.create(organization=org, program=flash, slot=flash_slot, participant=flash_booker)
    second_address = EmailAddress.objects.create(user=member.user, email="mia.private@example.com", verified=False)

    endpoint, delivery = webhook_with_delivery(org, admin.user)
    world.values = {
        "org_slug": org.slug,
        "employee_pk": colleague.pk,
        "membership_pk": other_membership.pk,
        "import_pk": roster_import.pk,
        "invitation_pk": invitation.pk,
        "token_pk": admin_token.pk,
        "program_pk": program.pk,
        "question_pk": question.pk,
        "participant_pk": enrollment.pk,
        "role": "mentee",
        "run_pk": run.pk,
        "match_pk": pair.match.pk,
        "proposed_match_pk": proposed.pk,  # used by the review rows in place of match_pk
        "request_pk": mentor_request.pk,
        "session_pk": session.pk,
        "flash_program_pk": flash.pk,  # the flash rows' program (tests/security/role_matrix VALUES)
        "slot_pk": flash_slot.pk,
        "own_slot_pk": own_slot.pk,  # the member's own office hour (cancel)
        "booking_pk": booking.pk,
        "goal_pk": goal.pk,
        "milestone_pk": milestone.pk,
        "notification_pk": notification.pk,
        "template_pk": template.pk,
        "assignment_pk": assignment.pk,
        "survey_pk": survey.pk,
        "survey_question_pk": own_question.pk,
        "rollup_pk": rollup.pk,
        "skill_pk": skill.pk,
        "domain_pk": domain.pk,
        "group_pk": group.pk,
        "endpoint_pk": endpoint.pk,
        "delivery_pk": delivery.pk,
        "token": INVITATION_SECRET,  # invite/<token>/; the secret-link rows name their own token
        "calendar_token": feed_token(feed),
        "unsubscribe_token": unsubscribe_token(org.pk, member.employee.pk, "all"),
        "share_pk": share.pk,
        "record_token": record_token,
        "brand_logo": org.brand_logo,
        # SCIM ids are strings: a roster row and a group of organization A; discovery names real schemas.
        "user_id": str(colleague.pk),
        "group_id": str(group.pk),
        "resource_type_id": "User",
        "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User",
        "rest": "Bulk",
        # allauth: a reset link and an email confirmation of the member's own address; the SSO providers.
        "uidb36": user_pk_to_url_str(member.user),
        "reset_key": default_token_generator.make_token(member.user),
        "key": EmailConfirmationHMAC(second_address).key,
        "organization_slug": org.slug,
        "provider_id": oidc.provider_id,
        # The Django admin: the answer comes before any lookup, but the ids are real all the same.
        "id": str(member.user.pk),
        "object_id": str(program.pk),
        "content_type_id": str(ContentType.objects.get_for_model(Program).pk),
        "app_label": "programs",
        "url": "no-such-page/",
    }
    return world
