"""The mentoring pages in the reader's language: the match page, a session's page and the home page in German
(the browser asks for it, or the person chose it), and the cached parts of those pages never served in the
language of whoever read them first (sessions/page_cache.py keys them by language too)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.services.lifecycle import match_end_early
from sessions.models import Notification
from sessions.selectors.agreements import agreement_state
from sessions.services.agreements import agreement_edit
from tests.helpers import org_url, page_text

from .factories import active_pair, person
from .pages_data import goal, schedule

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def pair(org):
    mentor = person(org, "morgan@alpha.test", zone="Europe/Berlin", name="Morgan Mentor")
    mentee = person(org, "ellis@alpha.test", zone="Europe/Berlin", name="Ellis Mentee")
    return active_pair(org, mentor=mentor, mentee=mentee, name="Grow Together")


def test_the_match_page_in_german_then_in_english_from_the_same_cache(org, pair):
    schedule(pair, when=timezone.now() + timedelta(days=3))
    goal(pair, "Run a team meeting", milestones=["Pick a topic", "Book a room"])
    client = pair.client(pair.mentee)
    url = org_url("mentoring-match", org, match_pk=pair.match.pk)
    german = page_text(client.get(url, HTTP_ACCEPT_LANGUAGE="de"))
    assert "Ihr Tandem in Grow Together" in german and "Termin finden" in german
    assert "Sitzung planen" in german and "Ziel hinzufügen" in german and "(0 von 2 Meilensteinen)" in german
    assert "Find a time" not in german and "Add a goal" not in german
    english = page_text(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))
    assert "Your match in Grow Together" in english and "Find a time" in english
    assert "Termin finden" not in english
    french = page_text(client.get(url, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Trouver un créneau" in french and "Votre binôme dans Grow Together" in french


def test_the_home_page_and_a_session_page_in_the_language_the_person_chose(org, pair):
    session = schedule(pair, when=timezone.now() + timedelta(days=3))
    user = pair.mentee.user
    user.language = "es"
    user.save(update_fields=["language"])
    client = pair.client(pair.mentee)
    home = page_text(client.get(org_url("my-mentoring", org), HTTP_ACCEPT_LANGUAGE="de"))
    assert "Mis parejas de mentoría" in home and "Próximas sesiones" in home and "Programar una sesión" in home
    detail = page_text(client.get(org_url("session-detail", org, session_pk=session.pk)))
    assert "Sesión con Morgan Mentor" in detail and "Descargar .ics" in detail and "45 minutos" in detail


def test_a_refusal_and_a_message_in_german(org, pair):
    client = pair.client(pair.mentee)
    url = org_url("session-new", org, match_pk=pair.match.pk)
    past = (timezone.localtime(timezone.now()) - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    data = {"starts_at": past, "duration_minutes": "45", "format": "video", "location": "", "agenda": ""}
    refused = page_text(client.post(url, data, HTTP_ACCEPT_LANGUAGE="de"))
    assert "Diese Zeit ist vorbei." in refused and "vergangene Sitzung" in refused
    ahead = (timezone.localtime(timezone.now()) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {**data, "starts_at": ahead}, HTTP_ACCEPT_LANGUAGE="de", follow=True)
    assert "Sitzung geplant. Morgan Mentor erhält eine Einladung per E-Mail." in page_text(response)


def test_notices_are_written_in_each_recipients_language(org, pair):
    """A notice is stored as text: it is written once, in the language of the person who reads it."""
    user = pair.mentee.user
    user.language = "de"
    user.save(update_fields=["language"])
    state = agreement_state(organization=org, match=pair.match)
    texts = {**state.texts, "goals": "Lead one meeting a month."}
    agreement_edit(
        organization=org, actor=None, employee=pair.mentor.employee, match_id=pair.match.pk, sections=texts,
        version=state.version,
    )  # fmt: skip
    told = Notification.objects.get(recipient=pair.mentee.employee, kind=Notification.MATCH_UPDATE)
    assert told.title == "Morgan Mentor hat Ihre Mentoring-Vereinbarung geändert: Lesen und bestätigen Sie sie"
    match_end_early(organization=org, actor=None, match_id=pair.match.pk, reason="Moving on", employee=None)
    ended = Notification.objects.filter(kind=Notification.MATCH_UPDATE).exclude(pk=told.pk)
    titles = dict(ended.values_list("recipient_id", "title"))
    assert titles == {
        pair.mentee.employee.pk: "HR hat Ihr Tandem in Grow Together beendet",
        pair.mentor.employee.pk: "HR ended your match in Grow Together",
    }
