"""Forms of the flash mentoring pages: publishing office hours, rating a session. They parse and explain;
the rules live in sessions/services/flash.py (its ValidationErrors are put back on these forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .forms import LocalDateTimeField, _rating, _text
from .models_flash import MAX_SLOT_CAPACITY, SLOT_MAX_MINUTES, SLOT_MIN_MINUTES
from .services.flash import MAX_WEEKS


class SlotPublishForm(forms.Form):
    starts_at = LocalDateTimeField(label=_("Starts"), error_messages={"required": _("Choose the date and time.")})
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"),
        min_value=SLOT_MIN_MINUTES,
        max_value=SLOT_MAX_MINUTES,
        initial=30,
        widget=forms.NumberInput(attrs={"min": SLOT_MIN_MINUTES, "max": SLOT_MAX_MINUTES, "step": 5}),
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=1,
        max_value=MAX_SLOT_CAPACITY,
        initial=1,
        help_text=_("How many people may book this hour (1 for a one-to-one chat)."),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_SLOT_CAPACITY}),
    )
    topics = _text(
        _("Topics"),
        max_length=1000,
        rows=2,
        required=True,
        help_text=_("What you can help with, e.g. “AI tools for analysts, career moves into data”."),
        error_messages={"required": _("Say what you can talk about, so people book the right hour.")},
    )
    location = _text(_("Meeting link or place"), max_length=500, help_text=_("A video-call link or a room."))
    repeat_weeks = forms.IntegerField(
        label=_("Repeat weekly for"),
        min_value=1,
        max_value=MAX_WEEKS,
        initial=1,
        help_text=format_lazy(
            _("Number of weeks, 1 to {count}; 1 publishes this hour only. Each week is its own slot."), count=MAX_WEEKS
        ),
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_WEEKS}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _("In your time zone, %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }


class BookingRateForm(forms.Form):
    rating = _rating(required=True)
    comment = _text(
        _("Comment (optional)"),
        max_length=2000,
        rows=3,
        help_text=_("For the program's HR team, in aggregate; your host does not see who wrote what."),
    )
