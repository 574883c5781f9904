"""Every audit verb the product writes has a readable label in the audit log (accounts/views/audit.py): a
service that starts writing a new verb without one fails here, instead of showing people `match.set_mentee`."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

from mentorhub.accounts.views.audit import VERB_LABELS
from programs.services.participants import DECISIONS
from programs.services.programs import MOVE_VERBS

PRODUCT = ("mentorhub", "identity", "programs", "matching", "sessions", "analytics")
# `verb="x.y"` passed to audit_record, or `verb = "x.y"` chosen before the call.
LITERAL = re.compile(r'\bverb\s*=\s*"([a-z_]+(?:\.[a-z_]+)+)"')


def written_verbs() -> set[str]:
    root = Path(settings.BASE_DIR)
    verbs: set[str] = set()
    for package in PRODUCT:
        for path in (root / package).rglob("*.py"):
            if "migrations" not in path.parts:
                verbs.update(LITERAL.findall(path.read_text()))
    # The two verbs built from a value: a program's status move and an admin's decision on applications.
    verbs.update(f"program.{move}" for move in MOVE_VERBS.values())
    verbs.update(f"participant.{decision}" for decision in DECISIONS)
    return verbs


def test_every_verb_written_has_a_label():
    verbs = written_verbs()
    assert {"sso.sign_in", "scim.user.patch", "match.end_early", "program.open_enrollment"} <= verbs
    missing = sorted(verbs - set(VERB_LABELS))
    assert not missing, f"audit verbs without a label in mentorhub/accounts/views/audit.py: {missing}"
