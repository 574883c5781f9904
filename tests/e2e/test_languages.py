"""The issue's browser test for languages: Marco, the demo mentor, reads MentorHub in German (his choice). He
walks his home page, his match with Maya and one of their sessions; nothing on them is left in English.

"Nothing left in English" is measured against the same page rendered for him in English: every piece of text
(and every attribute people read) that is the same in both renders must be the organization's own words (names,
program names, goals, agendas: what people typed, which stays as they wrote it), never our interface."""

from __future__ import annotations

import re

import polib
from django.apps import apps
from django.db import models
from django.urls import reverse

from matching.models import MatchMember
from mentorhub.accounts.models import Organization, User
from sessions.models import MentoringSession

from ..i18n.tool import i18n
from .conftest import E2E, axe_check, signed_in

pytestmark = E2E

MENTOR = "mentor@acme.example"
MENTEE = "member@acme.example"

# Every text node and read attribute of the main content and navigation, in document order.
TEXTS_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (node.nodeType === Node.TEXT_NODE) {
      const parent = node.parentElement;
      if (!parent || parent.closest('script, style, template, [hidden]')) continue;
      const text = node.textContent.replace(/\\s+/g, ' ').trim();
      if (text) out.push(text);
    } else {
      for (const name of ['placeholder', 'title', 'aria-label', 'alt']) {
        const value = node.getAttribute(name);
        if (value && value.trim()) out.push(value.trim());
      }
      if (node.tagName === 'INPUT' && ['submit', 'button'].includes(node.type) && node.value) out.push(node.value);
    }
  }
  return out;
}"""


def _organization_words(organization: Organization) -> list[str]:
    """What the organization's people and admins wrote (and our demo wrote for them): every text value of
    every row of this organization, longest first."""
    values: set[str] = set(organization.name.split()) | {organization.name}
    for model in apps.get_models():
        if not any(f.name == "organization" for f in model._meta.get_fields()):
            continue
        text_fields = [
            f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))
        ]
        json_fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.JSONField)]
        if not text_fields and not json_fields:
            continue
        for row in model.objects.filter(organization=organization).values_list(*text_fields, *json_fields):
            for value in row:
                _collect(value, values)
    return sorted((v for v in values if v and len(v) > 1), key=len, reverse=True)


def _collect(value, into: set[str]) -> None:
    if isinstance(value, str):
        into.add(value.strip())
        into.update(line.strip() for line in value.splitlines() if line.strip())
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, into)
    elif isinstance(value, list):
        for item in value:
            _collect(item, into)


def _texts(page, url: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page.evaluate(TEXTS_JS)


def _german_translations() -> set[str]:
    """Every German text of our catalogues: a word that is the same in both languages ("Format", "Agenda")
    is translated when the catalogue says so."""
    found = set()
    for area in i18n.AREAS:
        path = i18n.po_path(area, "de")
        if path.exists():
            for entry in polib.pofile(str(path)):
                found.add(entry.msgstr)
                found.update(entry.msgstr_plural.values())
    return found


def _english_left(german: list[str], english: list[str], words: list[str], translations: set[str]) -> list[str]:
    in_english = set(english)
    left = []
    for text in german:
        if text not in in_english or text in translations:
            continue  # it changed with the language, or the catalogue's German is the same word
        rest = text
        for value in words:
            if value in rest:
                rest = rest.replace(value, " ")
        # Digits and time-zone abbreviations (CET, GMT: Python's zone database writes them in English) aside.
        if i18n._has_words(re.sub(r"\d+|\b[A-Z]{2,5}\b", " ", rest)):
            left.append(text)
    return left


def test_a_german_speaking_member_sees_no_english_on_home_match_and_session_pages(page, live_server, demo_data):
    marco = User.objects.get(email=MENTOR)
    assert marco.language == "de"  # the demo's choice
    acme = Organization.objects.get(slug="acme")
    match = MatchMember.objects.get(participant__employee__email=MENTEE, current=True).match
    session = MentoringSession.objects.filter(match=match).order_by("-starts_at").first()
    assert session is not None
    urls = {
        "home": live_server.url + reverse("org-home", kwargs={"org_slug": "acme"}),
        "mentoring": live_server.url + reverse("my-mentoring", kwargs={"org_slug": "acme"}),
        "match": live_server.url + reverse("my-match", kwargs={"org_slug": "acme", "match_pk": match.pk}),
        "session": live_server.url + reverse("session-detail", kwargs={"org_slug": "acme", "session_pk": session.pk}),
    }
    words = _organization_words(acme)
    signed_in(page.context, live_server, marco)

    german = {}
    for name, url in urls.items():
        german[name] = _texts(page, url)
        assert page.locator("html").get_attribute("lang") == "de", name
        axe_check(page)
    User.objects.filter(pk=marco.pk).update(language="en")
    english = {name: _texts(page, url) for name, url in urls.items()}
    User.objects.filter(pk=marco.pk).update(language="de")

    translations = _german_translations()
    problems = {name: _english_left(german[name], english[name], words, translations) for name in urls}
    assert not any(problems.values()), "English left on Marco's German pages:\n" + "\n".join(
        f"{name}: {texts}" for name, texts in problems.items() if texts
    )
    # And the pages did change language: most of their interface text differs between the two renders.
    for name in urls:
        assert len(set(german[name]) - set(english[name])) > 10, name
