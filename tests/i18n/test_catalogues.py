"""The catalogues are whole: every message in the code is in its area's catalogue, translated into German,
French and Spanish, none fuzzy, placeholders kept, plural forms right, and the committed .mo match the .po."""

from __future__ import annotations

import re
import shutil
import subprocess

import polib
import pytest

from .tool import i18n

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdfr]|\{(\w*)\}")


def _catalogues():
    for area in i18n.AREAS:
        for language in i18n.LANGUAGES:
            path = i18n.po_path(area, language)
            if path.exists():
                yield area, language, path


def test_every_area_with_messages_has_all_three_catalogues():
    for area in i18n.AREAS:
        present = [language for language in i18n.LANGUAGES if i18n.po_path(area, language).exists()]
        assert present in ([], list(i18n.LANGUAGES)), f"{area}: catalogues for {present} only"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is installed by .ci/run")
def test_every_message_in_the_code_is_in_a_catalogue(tmp_path):
    # The catalogues as committed, extracted afresh from the code into a copy: what the copy lacks or had to
    # mark fuzzy is a message added or changed since the catalogue was last made (`make messages`).
    shutil.copytree(i18n.LOCALE, tmp_path / "locale")
    i18n.extract(list(i18n.AREAS), locale=tmp_path / "locale", quiet=True)
    problems = [
        f"{gap.area}/{gap.language}: {len(gap.missing)} untranslated, {len(gap.fuzzy)} fuzzy, e.g. "
        f"{(gap.missing + gap.fuzzy)[:3]}"
        for gap in i18n.gaps(list(i18n.AREAS), locale=tmp_path / "locale")
        if gap.missing or gap.fuzzy
    ]
    assert not problems, "Run `make messages`, then translate:\n" + "\n".join(problems)


def test_no_catalogue_has_a_missing_or_fuzzy_entry():
    problems = [
        f"{gap.area}/{gap.language}: missing {gap.missing[:3]} fuzzy {gap.fuzzy[:3]}"
        for gap in i18n.gaps(list(i18n.AREAS))
        if gap.missing or gap.fuzzy
    ]
    assert not problems, "\n".join(problems)


def test_translations_keep_their_placeholders_and_plural_forms():
    problems = []
    for area, language, path in _catalogues():
        po = polib.pofile(str(path))
        if po.metadata.get("Plural-Forms") != i18n.PLURAL_FORMS[language]:
            problems.append(f"{area}/{language}: Plural-Forms is {po.metadata.get('Plural-Forms')!r}")
        for entry in po:
            wanted = set(PLACEHOLDER.findall(entry.msgid))
            if entry.msgid_plural:
                translations = list(entry.msgstr_plural.values())
                if len(translations) != 2:
                    problems.append(f"{area}/{language}: {entry.msgid!r} has {len(translations)} plural forms")
                wanted_plural = set(PLACEHOLDER.findall(entry.msgid_plural))
                for form in translations:
                    # A singular form may leave out the count ("one session" for "%(count)s sessions").
                    if not set(PLACEHOLDER.findall(form)) <= wanted | wanted_plural:
                        problems.append(f"{area}/{language}: {entry.msgid!r} -> {form!r}: unknown placeholder")
            elif entry.msgstr and set(PLACEHOLDER.findall(entry.msgstr)) != wanted:
                problems.append(f"{area}/{language}: {entry.msgid!r} -> {entry.msgstr!r}: placeholders differ")
    assert not problems, "\n".join(problems[:50])


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is installed by .ci/run")
def test_gnu_msgfmt_accepts_every_catalogue():
    for _area, _language, path in _catalogues():
        result = subprocess.run(
            ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{path}: {result.stderr}"


def test_compiled_catalogues_match_their_sources():
    for area, language, path in _catalogues():
        mo_path = path.with_suffix(".mo")
        assert mo_path.exists(), f"{area}/{language}: no .mo (run `make messages`)"
        source = {
            (e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in polib.pofile(str(path)) if e.translated()
        }
        compiled = {
            (e.msgctxt, e.msgid): e.msgstr or dict(e.msgstr_plural) for e in polib.mofile(str(mo_path)) if e.msgid
        }
        assert compiled == source, f"{area}/{language}: .mo is out of date (run `make messages`)"
