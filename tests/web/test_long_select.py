"""LongSelect writes in Python what Django's Select renders with its templates: the same markup, byte for byte."""

from __future__ import annotations

import pytest
from django import forms

from mentorhub.web.forms import LongSelect

CHOICES = [("", "All"), ("a<b", "A & b"), ("x", "X"), (3, "three"), ("x", "X again")]


class Pair(forms.Form):
    fast = forms.ChoiceField(
        choices=CHOICES, required=False, widget=LongSelect(attrs={"data-x": "1", "disabled": True})
    )
    slow = forms.ChoiceField(
        choices=CHOICES, required=False, widget=forms.Select(attrs={"data-x": "1", "disabled": True})
    )


@pytest.mark.parametrize("value", [None, "", "x", "3", "not offered"])
def test_long_select_renders_as_select(value):
    form = Pair({} if value is None else {"fast": value, "slow": value}, auto_id="f-%s")
    form.is_valid()  # a refused value marks the field aria-invalid: the same in both
    assert str(form["fast"]).replace("fast", "NAME") == str(form["slow"]).replace("slow", "NAME")


def test_long_select_takes_flat_choices_only():
    with pytest.raises(TypeError):
        LongSelect(choices=[("group", [("a", "A")])]).render("name", "a")
