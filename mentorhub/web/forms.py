"""Form widgets every app's forms share."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe


class DateInput(forms.DateInput):
    """The browser's date picker; the value is sent and shown as ISO (YYYY-MM-DD) whatever the locale."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class LongSelect(forms.Select):
    """A <select> with many options (the audit log's actions: a hundred or more), written in Python with the
    markup of Django's select.html: the template includes two sub-templates per option, a few hundred calls
    each. Flat choices only (no option groups)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        selected = self.format_value(value)
        has_selected = False
        options = []
        for option_value, option_label in self.choices:
            if isinstance(option_label, list | tuple):
                raise TypeError("LongSelect takes flat choices, without option groups")
            text = "" if option_value is None else str(option_value)
            # As Select.optgroups: the first option with the value is the selected one.
            is_selected = not has_selected and text in selected
            has_selected = has_selected or is_selected
            # Escaped here rather than with format_html per option: a third of the calls, for hundreds of options.
            mark = " selected" if is_selected else ""
            label = conditional_escape(str(option_label))
            options.append(f'\n  <option value="{conditional_escape(text)}"{mark}>{label}</option>\n')
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            name,
            _attributes(self.build_attrs(self.attrs, attrs)),
            mark_safe("".join(options)),  # noqa: S308 - every value and label escaped above
        )


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """django/forms/widgets/attrs.html in Python: False leaves an attribute out, True writes its name alone."""
    return mark_safe(  # noqa: S308 - each part built by format_html
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in attrs.items()
            if value is not False
        )
    )
