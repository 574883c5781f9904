"""The outsider sweep: every route that names an organization or an object answers 404 to a member of
another organization, for every method, the same answer as "does not exist".

Routes are enumerated from the URL conf, so a new route is swept without anyone remembering to. A route
the sweep cannot classify (an unknown URL parameter, an unnamed route, a route outside /o/ and
/api/v1/o/ that is not listed as public below) fails the suite until it is classified here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from analytics.models import RollupRun, SurveyAssignment, SurveyQuestion
from analytics.services.surveys import survey_for
from identity.models import ClaimedDomain, EmployeeGroup
from matching.models import Match, MatchMember, MatchRun, MentorRequest
from mentorhub.accounts.models import ApiToken, Invitation, Membership, RosterImport
from mentorhub.accounts.secret_tokens import hash_token
from mentorhub.accounts.services.tokens import api_token_create
from programs.models import Skill
from sessions.models import FlashBooking, FlashSlot, GoalTemplate, MentoringSession, Notification
from sessions.services.goals import goal_create, milestone_add
from sessions.services.record_shares import record_share_create

from .factories import EmployeeFactory, MembershipFactory
from .integrations.builders import webhook_with_delivery
from .programs.factories import ParticipantFactory, ProgramFactory, QuestionFactory

# Routes that name neither an organization nor a tenant object, each with the reason it is safe.
PUBLIC_PREFIXES = {
    "accounts/": "allauth: sign-in, sign-up, password reset, MFA; about the signed-in user only",
    "admin/": "Django admin: staff only, behind allauth's login",
    # Signed-in users and token holders of any organization (docs/api.md; tests/test_api_schema.py):
    "api/schema/": "OpenAPI schema: no organization's data; anonymous 401",
    "api/docs/": "API docs page: no organization's data; anonymous sent to sign in",
}
PUBLIC_ROUTES = {
    "": "home: redirects to the user's own organizations",
    "sso/discover/": "home-realm discovery: an email in; out, its domain's IdP or the password form",
    "healthz": "liveness probe: {status: ok}, no data",
    "readyz": "readiness probe: which services answer, no organization's data",
    "metrics": "Prometheus metrics behind METRICS_TOKEN: deployment-wide figures, no organization named",
    "integrations/slack/oauth/": "Slack's OAuth return: on to the organization page whose installation this browser "
    "session started (admin and state checked there); 404 without one",
    "integrations/slack/interactions/": "Slack's button clicks: refused unless signed with the app's signing secret; "
    "the organization is the Slack workspace's (tests/integrations/test_slack_interactions.py)",
    "integrations/slack/events/": "Slack's events (app uninstalled): refused unless signed with the signing secret",
    "integrations/teams/messages": (
        "the Teams bot's endpoint: only the Bot Connector's signed JWT is let in (401); the organization comes "
        "from the activity's tenant (tests/integrations/test_teams_auth.py)"
    ),
}
# URL parameters that are not objects, with a valid value.
VALUE_PARAMS = {"role": "mentee"}
# Routes outside /o/ that take a secret token instead of an organization: a wrong token must 404.
TOKEN_ROUTES = {
    "invite/<str:token>/",
    "invite/<token>/",
    "calendar/<str:token>.ics",  # a person's calendar feed
    "unsubscribe/<str:token>/",  # one-click unsubscribe from an email
    "brand/<str:token>",  # an organization's logo in its emails, named by the SHA-256 of its bytes
    "record/<str:token>/",  # a mentoring record its person shared by a link
    "record/<str:token>/record.pdf",
}


@dataclass(frozen=True)
class Route:
    route: str
    name: str | None
    params: tuple[str, ...]


def _pattern_text(pattern) -> str:
    return str(pattern.pattern)


def _walk(patterns, prefix: str = "", namespace: str = "") -> list[Route]:
    routes: list[Route] = []
    for entry in patterns:
        text = prefix + _pattern_text(entry)
        if isinstance(entry, URLResolver):
            child_namespace = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            routes += _walk(entry.url_patterns, text, child_namespace)
        elif isinstance(entry, URLPattern):
            params = tuple(sorted(set(entry.pattern.regex.groupindex) | _prefix_params(prefix)))
            name = f"{namespace}{entry.name}" if entry.name else None
            routes.append(Route(route=text, name=name, params=params))
    return routes


def _prefix_params(prefix: str) -> set[str]:
    import re

    return set(re.findall(r"<(?:\w+:)?(\w+)>", prefix)) | set(re.findall(r"\(\?P<(\w+)>", prefix))


def all_routes() -> list[Route]:
    return _walk(get_resolver().url_patterns)


def _clean(route: str) -> str:
    """A route as text without regex anchors (routers nest `^...$` patterns inside path() prefixes)."""
    return route.replace("^", "").replace("$", "").replace("\\", "")


def is_public(route: Route) -> bool:
    text = _clean(route.route)
    return text in PUBLIC_ROUTES or any(text.startswith(p) for p in PUBLIC_PREFIXES)


def is_token_route(route: Route) -> bool:
    return _clean(route.route) in TOKEN_ROUTES


def is_scim_route(route: Route) -> bool:
    """The SCIM server authenticates by bearer token only (a session is a 401): swept with a SCIM token."""
    return _clean(route.route).startswith("scim/")


def tenant_routes() -> list[Route]:
    return [r for r in all_routes() if not is_public(r) and not is_token_route(r) and not is_scim_route(r)]


# SCIM URL parameters, each naming an object of the victim organization (or any value).
SCIM_PARAMS = {"resource_type_id": "User", "schema_id": "urn:ietf:params:scim:schemas:core:2.0:User", "rest": "x"}


@pytest.fixture
def victim_objects(org, admin):
    """One object of every kind a URL can name, all in `org` (the victim organization)."""
    employee = EmployeeFactory(organization=org)
    other_member = MembershipFactory(organization=org, role="member")
    roster_import = RosterImport.objects.create(organization=org, created_by=admin.user, status="failed")
    invitation = Invitation.objects.create(
        organization=org,
        email="invitee@alpha.test",
        role="member",
        token_hash=hash_token("sweep-invitation"),
        invited_by=admin.user,
        expires_at=timezone.now() + timedelta(days=3),
    )
    token, _raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="sweep")
    program = ProgramFactory(organization=org, status="enrolling")
    question = QuestionFactory(program=program)
    # The victim's enrollment belongs to the victim admin, so "my enrollment" routes are covered too.
    participant = ParticipantFactory(program=program, employee=admin.employee)
    mentor = ParticipantFactory(program=program, role="mentor", status="approved")
    run = MatchRun.objects.create(organization=org, program=program, status="done")
    match = Match.objects.create(organization=org, program=program, run=run, status="approved", score=0.5)
    for member, role in ((mentor, "mentor"), (participant, "mentee")):
        MatchMember.objects.create(organization=org, program=program, match=match, participant=member, role=role)
    request = MentorRequest.objects.create(organization=org, program=program, mentee=participant, mentor=mentor)
    # An active match of the victim admin's, with a session, a goal with a milestone and a notice.
    Match.objects.filter(pk=match.pk).update(status="active", started_at=timezone.now() - timedelta(days=20))
    MatchMember.objects.filter(match=match).update(response="accepted")
    session = MentoringSession.objects.create(
        organization=org, program=program, match=match, starts_at=timezone.now() + timedelta(days=2)
    )
    goal = goal_create(organization=org, employee=admin.employee, match_id=match.pk, title="Sweep goal")
    milestone = milestone_add(organization=org, employee=admin.employee, goal_id=goal.pk, title="Sweep milestone")
    notification = Notification.objects.create(
        organization=org, recipient=admin.employee, kind=Notification.MATCH_UPDATE, title="Sweep notice"
    )
    template = GoalTemplate.objects.create(organization=org, program=program, title="Sweep template")
    share, _secret = record_share_create(organization=org, actor=admin.user, employee=admin.employee, days=7)
    rollup = RollupRun.objects.create(organization=org, status="done")  # a recompute of the dashboards
    skill = Skill.objects.create(organization=org, name="Sweep skill")  # the catalogue and the skills-gap map
    claimed_domain = ClaimedDomain.objects.create(organization=org, domain="alpha-sweep.test")  # SSO settings
    # An employee group (the Groups pages) with the victim employee in it, so its member routes name real rows.
    group = EmployeeGroup.objects.create(organization=org, display_name="Sweep group")
    group.memberships.create(organization=org, employee=employee)
    # A webhook endpoint with a delivery in its log (Settings -> Webhooks).
    endpoint, delivery = webhook_with_delivery(org, admin.user)
    # The victim admin's first check-in of that match, and an admin's own question in the check-in survey.
    survey = survey_for(organization=org, program=program, kind="checkin")
    assignment = SurveyAssignment.objects.create(
        organization=org,
        survey=survey,
        program=program,
        match=match,
        respondent=admin.employee,
        round=1,
        due_at=timezone.now() - timedelta(days=1),
    )
    own_question = SurveyQuestion.objects.create(
        organization=org, survey=survey, position=9, prompt="Sweep question", type="text", required=False
    )
    # Flash mentoring: an office hour of a flash program, booked by the victim admin.
    flash = ProgramFactory(organization=org, status="active", kind="flash")
    host = ParticipantFactory(program=flash, role="mentor", status="approved")
    slot = FlashSlot.objects.create(
        organization=org, program=flash, host=host, starts_at=timezone.now() + timedelta(days=3), topics="Sweep"
    )
    booker = ParticipantFactory(program=flash, employee=admin.employee, status="approved")
    booking = FlashBooking.objects.create(organization=org, program=flash, slot=slot, participant=booker)
    return {
        "slot_pk": slot.pk,
        "booking_pk": booking.pk,
        "employee_pk": employee.pk,
        "membership_pk": other_member.pk,
        "import_pk": roster_import.pk,
        "invitation_pk": invitation.pk,
        "token_pk": token.pk,
        "program_pk": program.pk,
        "question_pk": question.pk,
        "participant_pk": participant.pk,
        "run_pk": run.pk,
        "match_pk": match.pk,
        "request_pk": request.pk,
        "session_pk": session.pk,
        "goal_pk": goal.pk,
        "milestone_pk": milestone.pk,
        "notification_pk": notification.pk,
        "template_pk": template.pk,
        "share_pk": share.pk,
        "rollup_pk": rollup.pk,
        "skill_pk": skill.pk,
        "assignment_pk": assignment.pk,
        "survey_pk": survey.pk,
        "survey_question_pk": own_question.pk,
        "domain_pk": claimed_domain.pk,
        "group_pk": group.pk,
        "endpoint_pk": endpoint.pk,
        "delivery_pk": delivery.pk,
    }


def _url(route: Route, org_slug: str, objects: dict[str, int]) -> str:
    if route.name is None:
        pytest.fail(f"Route {route.route!r} has no name: name it so the outsider sweep can reach it.")
    kwargs = {}
    for param in route.params:
        if param == "org_slug":
            kwargs[param] = org_slug
        elif param in objects:
            kwargs[param] = objects[param]
        elif param in VALUE_PARAMS:
            kwargs[param] = VALUE_PARAMS[param]
        else:
            pytest.fail(
                f"Route {route.route!r} takes {param!r}, which the outsider sweep does not know: "
                "add an object of that kind to victim_objects in tests/test_outsider_sweep.py."
            )
    return reverse(route.name, kwargs=kwargs)


def _assert_not_found(client: Client, url: str) -> None:
    answers = {method: getattr(client, method)(url).status_code for method in ("get", "post", "put", "delete")}
    assert set(answers.values()) <= {404, 405} and 404 in answers.values(), f"{url} answered {answers}"


def test_every_route_is_classified():
    """Everything outside the public list must name an organization (or be a secret-token route)."""
    unclassified = [r.route for r in tenant_routes() if "org_slug" not in r.params]
    assert not unclassified, (
        f"Routes outside /o/<org_slug>/ that are not declared public: {unclassified}. Put them under the "
        "organization, or add them to PUBLIC_ROUTES / PUBLIC_PREFIXES with the reason they are safe."
    )
    assert len(tenant_routes()) >= 3, "the sweep found almost no organization routes: is it still enumerating?"


def test_outsider_gets_404_on_every_organization_route(outsider_client, org, victim_objects):
    routes = tenant_routes()
    for route in routes:
        _assert_not_found(outsider_client, _url(route, org.slug, victim_objects))


def test_objects_of_another_organization_are_404_in_ones_own(outsider_client, outsider, victim_objects):
    """The outsider is admin of their own organization; naming the victim's objects there must still 404."""
    for route in tenant_routes():
        if set(route.params) - {"org_slug", *VALUE_PARAMS}:
            url = _url(route, outsider.organization.slug, victim_objects)
            _assert_not_found(outsider_client, url)


def test_outsider_api_token_gets_404(outsider, org, victim_objects):
    _token, raw = api_token_create(
        organization=outsider.organization, actor=outsider.user, membership=outsider, name="outsider"
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for route in tenant_routes():
        if _clean(route.route).startswith("api/"):
            _assert_not_found(client, _url(route, org.slug, victim_objects))


def test_outsider_scim_token_gets_404_on_every_scim_route(outsider, org, victim_objects):
    _token, raw = api_token_create(
        organization=outsider.organization, actor=outsider.user, membership=outsider, name="scim", scopes=["scim"]
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    values = {
        **SCIM_PARAMS,
        "org_slug": org.slug,
        "user_id": victim_objects["employee_pk"],
        "group_id": victim_objects["group_pk"],
    }
    routes = [r for r in all_routes() if is_scim_route(r)]
    assert len(routes) >= 9
    for route in routes:
        url = reverse(route.name, kwargs={param: values[param] for param in route.params})
        answers = {m: getattr(client, m)(url).status_code for m in ("get", "post", "put", "patch", "delete")}
        assert set(answers.values()) == {404}, f"{url} answered {answers}"
        assert Client().get(url).status_code == 401


def test_secret_token_routes_404_on_a_wrong_token(outsider_client):
    token_routes = [r for r in all_routes() if is_token_route(r)]
    for route in token_routes:
        url = reverse(route.name, kwargs={"token": "not-a-real-token"})
        assert outsider_client.get(url).status_code == 404
        assert outsider_client.post(url).status_code == 404


def test_sweep_objects_really_exist(victim_objects, org):
    """Guard against a sweep that passes because its objects were never created."""
    assert Membership.objects.filter(organization=org, pk=victim_objects["membership_pk"]).exists()
    assert ApiToken.objects.filter(organization=org, pk=victim_objects["token_pk"]).exists()
