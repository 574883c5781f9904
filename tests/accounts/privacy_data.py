"""Data for the data-rights tests (test_privacy_*.py): a pair whose mentee, Ellis Quintavalle, has left a trace
in every app, written through the apps' own services where there is one, and a mentor whose own records must
survive the mentee's erasure. Every text the mentee wrote alone carries a marker, so a test can look for it
anywhere in the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.utils import timezone

from analytics.models import SurveyResponse
from analytics.services.self_identification import self_identification_save
from identity.models import EmployeeGroup, EmployeeGroupMember, ScimUser, SsoSignInAttempt
from matching.models import MentorRequest
from mentorhub.accounts.models import Invitation, Membership
from mentorhub.accounts.services.tokens import api_token_create
from programs.models import Participant
from sessions.models import Goal, MentoringSession, Notification
from sessions.services.goals import goal_comment_add, goal_create, milestone_add
from sessions.services.notifications import calendar_feed_get_or_create
from sessions.services.sessions import feedback_save, session_log_past
from tests.analytics.survey_data import answer, assignment_of, checkin_answers, pair_due_now
from tests.sessions.factories import Pair, person

NAME = "Ellis Quintavalle"
EMAIL = "ellis.quintavalle@alpha.test"
MARK = "zebracrossing"  # in every text the mentee wrote alone
MENTOR_NOTE = "Morgan's own reflection: keep pushing on the budget"
MENTOR_GOAL = "Morgan's goal for the pair"
MENTOR_COMMENT = "Morgan's comment: good progress"


@dataclass
class Traces:
    pair: Pair
    session: MentoringSession
    own_goal: Goal
    mentor_goal: Goal
    response: SurveyResponse
    browser: Client  # signed in as the mentee

    @property
    def mentee(self) -> Membership:
        return self.pair.mentee

    @property
    def mentor(self) -> Membership:
        return self.pair.mentor


def traces(org) -> Traces:
    mentee = person(org, EMAIL, name=NAME)
    mentee.user.name = NAME
    mentee.user.save(update_fields=["name"])
    pair = pair_due_now(org, mentee=mentee)
    me, morgan = pair.mentee.employee, pair.mentor.employee
    session = session_log_past(
        organization=org,
        actor=None,
        employee=me,
        match_id=pair.match.pk,
        starts_at=timezone.now() - timedelta(days=2),
        shared_notes=f"{NAME} will draft the promotion case",
        rating=4,
        topics=[f"budget {MARK}"],
        reflection=f"My private worry {MARK}",
    )
    feedback_save(organization=org, employee=morgan, session_id=session.pk, rating=5, reflection=MENTOR_NOTE)
    own_goal = goal_create(
        organization=org, employee=me, match_id=pair.match.pk, title=f"Speak at all-hands {MARK}", personal=True
    )
    milestone_add(organization=org, employee=me, goal_id=own_goal.pk, title=f"Book a slot {MARK}")
    mentor_goal = goal_create(organization=org, employee=morgan, match_id=pair.match.pk, title=MENTOR_GOAL)
    goal_comment_add(organization=org, employee=morgan, goal_id=mentor_goal.pk, body=MENTOR_COMMENT)
    goal_comment_add(organization=org, employee=me, goal_id=mentor_goal.pk, body=f"On it {MARK}")
    response = answer(
        org, pair, pair.mentee, checkin_answers(assignment_of(pair, pair.mentee), score=4, comment=f"Fine {MARK}")
    )
    self_identification_save(organization=org, employee=me, answers={"gender": "Woman"})
    mine = Participant.objects.get(program=pair.program, employee=me)
    Participant.objects.filter(pk=mine.pk).update(answers={"1": f"About me {MARK}"})
    MentorRequest.objects.create(
        organization=org,
        program=pair.program,
        mentee=mine,
        mentor=Participant.objects.get(program=pair.program, employee=morgan),
        status=MentorRequest.Status.DECLINED,
        message=f"Please mentor me {MARK}",
    )
    Notification.objects.create(organization=org, recipient=me, kind="match_update", title=f"For you {MARK}")
    Notification.objects.create(organization=org, recipient=morgan, kind="match_update", title=f"{NAME} ended it")
    api_token_create(organization=org, actor=mentee.user, membership=mentee, name=f"my laptop {MARK}")
    calendar_feed_get_or_create(organization=org, employee=me)
    ScimUser.objects.create(organization=org, employee=me, user_name=EMAIL, external_id="ext-77", given_name="Ellis")
    group = EmployeeGroup.objects.create(organization=org, display_name="Parents")
    EmployeeGroupMember.objects.create(organization=org, group=group, employee=me)
    SsoSignInAttempt.objects.create(
        organization=org, protocol="oidc", outcome="signed_in", email=EMAIL, user=mentee.user, claims={"sub": MARK}
    )
    Invitation.objects.create(
        organization=org, email=EMAIL, token_hash=f"hash-{MARK}", expires_at=timezone.now() + timedelta(days=3)
    )
    Authenticator.objects.create(user=mentee.user, type=Authenticator.Type.TOTP, data={"secret": MARK})
    SocialAccount.objects.create(user=mentee.user, provider="openid_connect", uid=f"sub-{MARK}", extra_data={"n": NAME})
    browser = Client()
    browser.force_login(mentee.user)
    return Traces(
        pair=pair, session=session, own_goal=own_goal, mentor_goal=mentor_goal, response=response, browser=browser
    )


def where_found(apps_models: list[type[models.Model]], needles: tuple[str, ...]) -> list[str]:
    """Every text or JSON value of these models that contains one of `needles` (any case): "model.field #pk"."""
    found = []
    for model in apps_models:
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField | models.JSONField):
                continue
            as_text = model._default_manager.annotate(_text=Cast(field.attname, models.TextField()))
            for needle in needles:
                for pk in as_text.filter(_text__icontains=needle).values_list("pk", flat=True):
                    found.append(f"{model._meta.label}.{field.name} #{pk}")
    return sorted(set(found))
