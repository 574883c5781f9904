"""Privacy across the whole site: a private reflection is shown to its author and to nobody else (not the
other member, not HR admins, not stakeholders, not other employees, not another organization), and a
match's shared notes never leave the match, on any page, API response, CSV export, calendar feed or email.

Every GET route of the URL conf is requested by every viewer, with the objects of one real pair filled in,
so a page or endpoint added later is checked without anyone remembering to (like the outsider sweep).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mentorhub.accounts.models import Role
from mentorhub.accounts.services.tokens import api_token_create
from sessions.models import Notification
from sessions.services.dispatch import reminders_deliver
from sessions.services.goals import goal_create, milestone_add
from sessions.services.notifications import calendar_feed_get_or_create, feed_token
from sessions.services.sessions import feedback_save, session_log_past, session_schedule
from tests.factories import MembershipFactory
from tests.helpers import client_for
from tests.test_outsider_sweep import _url, tenant_routes, victim_objects  # noqa: F401 - a fixture

from .factories import active_pair, person

pytestmark = pytest.mark.django_db

NOTES = "SHARED-NOTES-7f3a"
MENTEE_REFLECTION = "PRIVATE-REFLECTION-91c2"
MENTOR_REFLECTION = "MENTOR-REFLECTION-55d1"


@pytest.fixture
def scene(org, admin, victim_objects):  # noqa: F811 - the sweep's fixture, used here
    pair = active_pair(org, started_at=timezone.now() - timedelta(days=40))
    session = session_log_past(
        organization=org,
        actor=None,
        employee=pair.mentee.employee,
        match_id=pair.match.pk,
        starts_at=timezone.now() - timedelta(days=2),
        shared_notes=f"We agreed on next steps. {NOTES}",
        rating=4,
        topics=["Confidence"],
        reflection=f"I was nervous. {MENTEE_REFLECTION}",
    )
    feedback_save(
        organization=org,
        employee=pair.mentor.employee,
        session_id=session.pk,
        rating=5,
        reflection=f"Proud of them. {MENTOR_REFLECTION}",
    )
    goal = goal_create(organization=org, employee=pair.mentee.employee, match_id=pair.match.pk, title="Grow")
    milestone = milestone_add(organization=org, employee=pair.mentee.employee, goal_id=goal.pk, title="Step")
    objects = {
        **victim_objects,
        "program_pk": pair.program.pk,
        "match_pk": pair.match.pk,
        "session_pk": session.pk,
        "goal_pk": goal.pk,
        "milestone_pk": milestone.pk,
    }
    return pair, session, objects


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content  # CSV streams
    return content.decode(errors="replace")


def _everything_seen_by(client: Client, org_slug: str, objects: dict, *, only_api: bool = False) -> str:
    """The bodies of every GET route (pages, API, CSV exports), as this client sees them, whatever the status."""
    routes = [r for r in tenant_routes() if not only_api or r.route.startswith("api/")]
    return "\n".join(_body(client.get(_url(route, org_slug, objects))) for route in routes)


def test_the_author_sees_their_own_reflection(org, scene):
    """The sweep below can only fail if the markers are rendered at all: the author sees theirs."""
    pair, _session, objects = scene
    seen = _everything_seen_by(client_for(pair.mentee), org.slug, objects)
    assert MENTEE_REFLECTION in seen and NOTES in seen
    assert MENTOR_REFLECTION not in seen


def test_the_other_member_sees_the_notes_but_not_the_reflection(org, scene):
    pair, _session, objects = scene
    seen = _everything_seen_by(client_for(pair.mentor), org.slug, objects)
    assert NOTES in seen and MENTOR_REFLECTION in seen
    assert MENTEE_REFLECTION not in seen


@pytest.mark.parametrize("role", ["admin", "stakeholder", "colleague", "outsider"])
def test_nobody_outside_the_match_sees_notes_or_reflections(org, other_org, admin, scene, role):
    _pair, _session, objects = scene
    viewer = {
        "admin": admin,  # HR admin of the organization (and a participant of another match)
        "stakeholder": MembershipFactory(organization=org, role=Role.STAKEHOLDER),
        "colleague": person(org, "colleague@alpha.test"),  # an employee who signs in, not in this match
        "outsider": MembershipFactory(organization=other_org, role=Role.ADMIN),
    }[role]
    seen = _everything_seen_by(client_for(viewer), org.slug, objects)
    for secret in (NOTES, MENTEE_REFLECTION, MENTOR_REFLECTION):
        assert secret not in seen, f"{role} can read {secret}"


def test_an_admins_api_token_reads_no_notes_or_reflections(org, admin, scene):
    _pair, _session, objects = scene
    _token, raw = api_token_create(organization=org, actor=admin.user, membership=admin, name="privacy")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    seen = _everything_seen_by(client, org.slug, objects, only_api=True)
    assert "mentoring" in seen  # the API answered with data, not only errors
    for secret in (NOTES, MENTEE_REFLECTION, MENTOR_REFLECTION):
        assert secret not in seen


def test_calendar_feeds_notices_and_emails_carry_no_notes_or_reflections(
    org, scene, django_capture_on_commit_callbacks
):
    pair, _session, _objects = scene
    with django_capture_on_commit_callbacks(execute=True):
        session_schedule(
            organization=org,
            actor=None,
            employee=pair.mentor.employee,
            match_id=pair.match.pk,
            starts_at=timezone.now() + timedelta(days=3),
            agenda="Follow-up",
        )
    reminders_deliver(now=timezone.now() + timedelta(days=10))  # every reminder of it, due or not
    texts = [message.message().as_string() for message in mail.outbox]
    texts += [f"{n.title} {n.body}" for n in Notification.objects.all()]
    for member in (pair.mentor, pair.mentee):
        feed = calendar_feed_get_or_create(organization=org, employee=member.employee)
        url = reverse("calendar-feed", kwargs={"token": feed_token(feed)})
        texts.append(Client().get(url).content.decode())
    assert len(mail.outbox) >= 2 and "Follow-up" in "\n".join(texts)
    for secret in (NOTES, MENTEE_REFLECTION, MENTOR_REFLECTION):
        assert not any(secret in text for text in texts), secret
