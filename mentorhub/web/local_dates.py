"""Dates in the reader's language: the templates write their formats the English way ("M j, Y", "D j M, H:i");
this library replaces Django's `date` filter (a template builtin, settings TEMPLATES) with one that first
looks the format up for the active language, so "Dec 9, 2026" reads "9. Dez. 2026" in German and "9 déc. 2026"
in French. Day and month names come from Django's own catalogues; formats not in the table, and every format
in English, are used as written (docs/translations.md)."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import date as django_date
from django.utils import translation

register = template.Library()

# English format -> the same information, ordered and punctuated as each language writes it. "\d\e" is a
# literal "de" (Spanish "9 de diciembre de 2026").
FORMATS: dict[str, dict[str, str]] = {
    "de": {
        "M j, Y": "j. M Y",
        "j M Y": "j. M Y",
        "j M": "j. M",
        "M j": "j. M",
        "j F Y": "j. F Y",
        "j F": "j. F",
        "F j, Y": "j. F Y",
        "M j, Y H:i": "j. M Y, H:i",
        "M j, Y H:i T": "j. M Y, H:i T",
        "M j, H:i T": "j. M, H:i T",
        "M j, H:i": "j. M, H:i",
        "M j H:i": "j. M, H:i",
        "j M Y, H:i": "j. M Y, H:i",
        "j M Y, H:i T": "j. M Y, H:i T",
        "j F Y, H:i": "j. F Y, H:i",
        "j F Y, H:i T": "j. F Y, H:i T",
        "j F Y, H:i e": "j. F Y, H:i e",
        "D j M": "D, j. M",
        "D j M, H:i": "D, j. M, H:i",
        "D j M, H:i T": "D, j. M, H:i T",
        "D j M Y, H:i": "D, j. M Y, H:i",
        "D j M Y, H:i T": "D, j. M Y, H:i T",
        "l j F": "l, j. F",
        "l j F Y": "l, j. F Y",
        "l j F, H:i": "l, j. F, H:i",
        "l j F, H:i T": "l, j. F, H:i T",
        "l j F Y, H:i": "l, j. F Y, H:i",
    },
}


def _day_first(english: str) -> str:
    """French and Spanish put the day first and write the month in lower case ("9 déc. 2026")."""
    for english_order, day_first in (("M j, Y", "j M Y"), ("F j, Y", "j F Y"), ("M j,", "j M,"), ("M j", "j M")):
        english = english.replace(english_order, day_first)
    return english.replace("M", "b")


FORMATS["fr"] = {english: _day_first(english) for english in FORMATS["de"]}
# Spanish joins day, month and year with "de": "miércoles, 9 de diciembre de 2026".
FORMATS["es"] = {
    english: _day_first(english).replace("j F", r"j \d\e F").replace("F Y", r"F \d\e Y").replace("l j", "l, j")
    for english in FORMATS["de"]
}


def local_format(format_string: str | None, language: str | None = None) -> str | None:
    """The format as the active (or given) language writes it."""
    if not format_string:
        return format_string
    language = (language or translation.get_language() or "en").split("-")[0]
    return FORMATS.get(language, {}).get(format_string, format_string)


@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):  # replaces the builtin of the same name, on purpose
    return django_date(value, local_format(arg))
