"""Dates in templates read the way the reader's language writes them (mentorhub/web/local_dates.py)."""

from datetime import UTC, datetime

import pytest
from django.template import engines
from django.utils import translation

from mentorhub.web.local_dates import FORMATS

MOMENT = datetime(2026, 12, 9, 15, 30, tzinfo=UTC)
EXPECTED = {
    "en": "Dec 9, 2026 | Wednesday 9 December 2026 | Wed 9 Dec, 15:30",
    "de": "9. Dez 2026 | Mittwoch, 9. Dezember 2026 | Mi, 9. Dez, 15:30",
    "fr": "9 déc 2026 | mercredi 9 décembre 2026 | mer 9 déc, 15:30",
    "es": "9 dic 2026 | miércoles, 9 de diciembre de 2026 | mié 9 dic, 15:30",
}


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_date_filter_writes_each_format_the_readers_way(language, settings):
    settings.TIME_ZONE = "UTC"
    template = engines["django"].from_string(
        '{{ d|date:"M j, Y" }} | {{ d|date:"l j F Y" }} | {{ d|date:"D j M, H:i" }}'
    )
    with translation.override(language):
        assert template.render({"d": MOMENT}) == EXPECTED[language]


def test_every_format_the_templates_use_is_in_the_table():
    # A new format written in a template reads in English order in every language until it is added here.
    import re
    from pathlib import Path

    from django.conf import settings

    used = set()
    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        used |= set(re.findall(r'\|date:"([^"]*)"', path.read_text(encoding="utf-8")))
    numeric = {f for f in used if not re.search(r"[DlMFbNE]", f.replace("\\", ""))}  # no names, no order to change
    named = {f for f in used if re.fullmatch(r"[A-Z_]+_FORMAT", f)}  # Django's own per-language formats
    order_only = {f for f in used if f in ("H:i T", "H:i", "D", "l", "F Y", "M Y", "j")}
    missing = sorted(used - numeric - named - order_only - set(FORMATS["de"]))
    assert not missing, f"add these formats to mentorhub/web/local_dates.py FORMATS: {missing}"
