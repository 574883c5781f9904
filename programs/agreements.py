"""The mentoring agreement a program offers its matches: five sections, each a plain text the program's admin
may rewrite (Program.agreement_template) and each match's members then adapt to themselves and confirm
(sessions: MatchAgreement). An empty or missing section of the template means the default text below.

The defaults follow the articles the product grew from: "establish expectations early and periodically review
progress", "open and regular communication", a relationship that may end without anyone being at fault."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

MAX_SECTION_LENGTH = 4000


@dataclass(frozen=True)
class Section:
    """One section; its texts are lazy translations, read in the active language through the properties."""

    key: str
    lazy_label: StrOrPromise
    lazy_help_text: StrOrPromise
    lazy_default: StrOrPromise

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @property
    def help_text(self) -> str:
        return str(self.lazy_help_text)

    @property
    def default(self) -> str:
        return str(self.lazy_default)


SECTIONS: tuple[Section, ...] = (
    Section(
        "goals",
        gettext_lazy("Our goals"),
        gettext_lazy("What you want to have achieved by the end of the match."),
        gettext_lazy(
            "What we want from this match, in a sentence or two each (for example: build the confidence to lead "
            "a project, learn how decisions are made in another part of the business). We review these goals "
            "every few sessions and change them when they no longer fit."
        ),
    ),
    Section(
        "cadence",
        gettext_lazy("How often we meet"),
        gettext_lazy("How often and for how long you meet, and in what form."),
        gettext_lazy(
            "We meet about twice a month for 45 minutes, by video or in person. Whoever cannot make a session "
            "says so at least a day before and proposes another time."
        ),
    ),
    Section(
        "contact",
        gettext_lazy("How we reach each other"),
        gettext_lazy("The channels you use between sessions and how quickly you answer."),
        gettext_lazy(
            "Between sessions we write by email or chat; we answer within two working days. Urgent questions "
            'are fine by chat, and it is fine to say "not now".'
        ),
    ),
    Section(
        "confidentiality",
        gettext_lazy("Confidentiality"),
        gettext_lazy("What stays between you, and the exceptions."),
        gettext_lazy(
            "What we talk about stays between us unless we both agree otherwise. Neither of us passes on what "
            "the other shares about colleagues, health or career plans. Notes we share in MentorHub are for the "
            "two of us; HR sees only that we met, never what was said."
        ),
    ),
    Section(
        "ending",
        gettext_lazy("Ending the match without fault"),
        gettext_lazy("How either of you may end the match, with no one to blame."),
        gettext_lazy(
            "Either of us may end the match at any time, without giving the other a reason and without fault: "
            "not every pairing fits, and a better match is good for both. We say so through MentorHub, which "
            "offers a new match, and we thank each other for the time given."
        ),
    ),
)
SECTION_KEYS = tuple(section.key for section in SECTIONS)


def template_sections(template: Any) -> dict[str, str]:
    """Every section's text for a program's stored template (defaults where it says nothing)."""
    stored = template if isinstance(template, dict) else {}
    return {section.key: (str(stored.get(section.key) or "").strip() or section.default) for section in SECTIONS}


def sections_clean(sections: Any, *, field_prefix: str = "") -> dict[str, str]:
    """The sections as given (a mapping of section key to text), trimmed and checked: every section present
    and not empty, none too long, no unknown key. A rule broken is a ValidationError naming the field."""
    if not isinstance(sections, dict):
        raise ValidationError(_("Give the agreement as one text per section."))
    unknown = sorted(set(sections) - set(SECTION_KEYS))
    if unknown:
        raise ValidationError(_("Unknown agreement sections: %(sections)s.") % {"sections": ", ".join(unknown)})
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    for section in SECTIONS:
        text = sections.get(section.key)
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            errors[field_prefix + section.key] = [
                _("Write something under “%(section)s”.") % {"section": section.label}
            ]
        elif len(text) > MAX_SECTION_LENGTH:
            errors[field_prefix + section.key] = [
                _("At most %(count)s characters.") % {"count": f"{MAX_SECTION_LENGTH:,}"}
            ]
        cleaned[section.key] = text
    if errors:
        raise ValidationError(errors)
    return cleaned


def template_clean(template: Any) -> dict[str, str]:
    """A program's template as an admin gives it: a section left empty means the default text (stored empty,
    so a better default reaches it); none too long, no unknown key."""
    if not isinstance(template, dict):
        raise ValidationError(_("Give the agreement template as one text per section."))
    unknown = sorted(set(template) - set(SECTION_KEYS))
    if unknown:
        raise ValidationError(_("Unknown agreement sections: %(sections)s.") % {"sections": ", ".join(unknown)})
    cleaned: dict[str, str] = {}
    for section in SECTIONS:
        text = template.get(section.key)
        text = text.strip() if isinstance(text, str) else ""
        if len(text) > MAX_SECTION_LENGTH:
            raise ValidationError(
                {
                    f"agreement_{section.key}": [
                        _("At most %(count)s characters.") % {"count": f"{MAX_SECTION_LENGTH:,}"}
                    ]
                }
            )
        cleaned[section.key] = "" if text == section.default else text
    return cleaned
