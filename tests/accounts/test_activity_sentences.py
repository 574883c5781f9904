"""Every audit verb the product writes reads as a sentence on the admin home (mentorhub/accounts/activity.py),
and has a label in the audit log: a service that starts writing a new verb without both fails here. The verbs
are found by scanning the code the way tests/accounts/test_audit_labels.py does, plus every literal on a line
that chooses a verb (`verb="match.pin" if pinned else "match.unpin"`)."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from mentorhub.accounts.activity import SENTENCES, sentence
from mentorhub.accounts.models import AuditEvent, User
from mentorhub.accounts.views.audit import VERB_LABELS

from .test_audit_labels import PRODUCT, written_verbs

VERB_LINE = re.compile(r"\bverb\s*=\s*(.+)")
LITERAL = re.compile(r'"([a-z_]+(?:\.[a-z_]+)+)"')


def verbs_on_verb_lines() -> set[str]:
    found: set[str] = set()
    root = Path(settings.BASE_DIR)
    for package in PRODUCT:
        for path in (root / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line in VERB_LINE.findall(path.read_text()):
                found.update(LITERAL.findall(line))
    return found


def all_written() -> set[str]:
    return written_verbs() | verbs_on_verb_lines()


def test_the_scan_finds_verbs_chosen_in_an_expression():
    assert {"match.pin", "match.unpin", "match_run.retry", "participant.approve", "sso.connection_update"} <= (
        all_written()
    )


def test_every_verb_written_has_a_sentence_and_a_label():
    verbs = all_written()
    assert not sorted(verbs - set(SENTENCES)), "verbs without a sentence in mentorhub/accounts/activity.py"
    assert not sorted(verbs - set(VERB_LABELS)), "verbs without a label in mentorhub/accounts/views/audit.py"


def test_every_sentence_fills_in_without_leftover_braces_or_codes():
    actor = User(name="Dana Admin", email="dana@example.test")
    for verb in SENTENCES:
        event = AuditEvent(
            verb=verb, actor=actor, actor_email=actor.email, target_id="12", target_label="Spring", changes={}
        )
        text = sentence(event)
        assert "{" not in text and verb not in text and text[0].isupper(), (verb, text)


def test_a_person_without_a_name_is_their_email_and_nobody_is_mentorhub():
    event = AuditEvent(verb="program.create", actor_email="hr@example.test", target_label="Spring")
    assert sentence(event) == "hr@example.test created the program Spring"
    assert sentence(AuditEvent(verb="analytics.recompute")) == "MentorHub started a recompute of the figures"
