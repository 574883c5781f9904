"""No text for people outside a translation call: in templates (text and the attributes people read: title,
placeholder, aria-label, alt) and in the Python places where a string reaches a person (ValidationError,
messages.*, form labels and help texts, choices, notice titles, email subjects). The checker is
scripts/i18n.py lint; its rules are in docs/translations.md."""

from __future__ import annotations

from .tool import i18n


def test_no_template_or_python_message_has_text_outside_a_translation_call():
    findings = i18n.lint()
    assert not findings, f"{len(findings)} texts are not translatable, e.g.:\n" + "\n".join(map(str, findings[:60]))


def test_the_checker_finds_text_in_a_template_and_in_python(tmp_path, monkeypatch):
    # The checker itself: a template with plain text, an attribute and a translated line; Python with an
    # untranslated ValidationError, a translated one and an opted-out one.
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% load i18n %}<h1>Welcome back</h1><input placeholder="Search people">'
        '<p>{% translate "Translated" %}</p><span class="{{ css }} badge">{{ value }}</span>'
        "{% blocktranslate %}Also translated {{ x }}{% endblocktranslate %}<script>let s = 'code text';</script>\n"
        '{% include "part.html" with heading="Goal templates" active="invite" %}\n'
    )
    (tmp_path / "module.py").write_text(
        "from django.core.exceptions import ValidationError\n"
        "from django.utils.translation import gettext as _\n"
        "def f(x):\n"
        "    if x: raise ValidationError('Pick a date in the future.')\n"
        "    if x > 1: raise ValidationError(_('Translated message.'))\n"
        "    raise ValidationError('Internal marker')  # untranslated: not for people\n"
    )
    monkeypatch.setattr(i18n, "ROOT", tmp_path)
    template = [finding.text for finding in i18n.lint_template("templates/page.html")]
    python = [finding.text for finding in i18n.lint_python("module.py")]
    assert sorted(template) == ["Welcome back", 'heading="Goal templates"', 'placeholder="Search people']
    assert python == ["Pick a date in the future."]
