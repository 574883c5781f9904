"""Forms of the sessions pages. They parse input and explain it; the rules live in the services, whose
ValidationErrors the views put back on these forms (mentorhub.web.errors.form_add_service_error).

Times: a person types a start as a wall-clock time in their own zone (the zone tenancy activated for the
request). `LocalDateTimeField` turns it into an aware datetime, and refuses a time that a daylight-saving
change skips or repeats with a sentence that says so, instead of guessing."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentorhub.web.forms import DateInput
from programs.agreements import MAX_SECTION_LENGTH

from .models import (
    MAX_DURATION_MINUTES,
    MIN_DURATION_MINUTES,
    Goal,
    GoalTemplate,
    MentoringSession,
    PairingFitAnswer,
)
from .services.availability import AwayIn, WindowIn
from .services.sessions import MAX_TOPICS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
RATING_CHOICES = [
    (1, _("1, poor")),
    (2, _("2, fair")),
    (3, _("3, good")),
    (4, _("4, very good")),
    (5, _("5, excellent")),
]
# Offered as suggestions beside the person's own earlier topics; anything else may be typed.
COMMON_TOPICS = [
    "Career growth",
    "Communication",
    "Confidence",
    "Feedback",
    "Goal setting",
    "Leadership",
    "Networking",
    "Presenting",
    "Technical skills",
    "Work-life balance",
]
PERSONAL, SHARED = "personal", "shared"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format=LOCAL_FORMAT)


def aware_in_zone(naive: datetime, zone) -> datetime:
    """A wall-clock time in `zone` as an aware datetime, or a ValidationError when the zone's clocks skip it
    (spring forward) or show it twice (fall back) on that day."""
    early, late = naive.replace(tzinfo=zone, fold=0), naive.replace(tzinfo=zone, fold=1)
    if early.utcoffset() == late.utcoffset():
        return early
    moment = _("%(time)s on %(day)s") % {"time": f"{naive:%H:%M}", "day": date_format(naive, "l j F Y")}
    back = early.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    if back != naive:
        raise ValidationError(
            _("%(moment)s does not exist in %(zone)s: the clocks go forward that night. Pick another time.")
            % {"moment": moment, "zone": zone.key},
            code="nonexistent_time",
        )
    raise ValidationError(
        _("%(moment)s happens twice in %(zone)s: the clocks go back that night. Pick another time.")
        % {"moment": moment, "zone": zone.key},
        code="ambiguous_time",
    )


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input read in the active time zone (the signed-in person's)."""

    widget = DateTimeLocalInput
    default_error_messages = {"invalid": _("Give a date and a time, such as 2027-03-30 10:00.")}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(input_formats=[LOCAL_FORMAT], **kwargs)

    def to_python(self, value: Any) -> datetime | None:
        if isinstance(value, str):
            value = value.strip()
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            naive = timezone.make_naive(value) if timezone.is_aware(value) else value
        else:
            try:
                naive = datetime.strptime(value, LOCAL_FORMAT)
            except (TypeError, ValueError):
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return aware_in_zone(naive, timezone.get_current_timezone())


def _text(
    label: StrOrPromise, *, max_length: int, rows: int = 0, required: bool = False, **kwargs: Any
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(label=label, max_length=max_length, required=required, widget=widget, **kwargs)


def _rating(required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("How was it for you?"),
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        help_text=_("1 = poor, 5 = excellent."),
        error_messages={"required": _("Rate the session from 1 (poor) to 5 (excellent).")},
    )


def _topics() -> forms.CharField:
    return forms.CharField(
        label=_("Topics"),
        required=False,
        max_length=400,
        help_text=format_lazy(
            _("What you talked about, separated by commas (at most {count}), e.g. Leadership, Feedback."),
            count=MAX_TOPICS,
        ),
        widget=forms.TextInput(attrs={"list": "topic-suggestions", "autocomplete": "off"}),
    )


def _reflection() -> forms.CharField:
    return _text(
        _("Private reflection"),
        max_length=10000,
        rows=5,
        help_text=_("Private: only you see this. Not the other person, not HR."),
    )


class SessionForm(forms.Form):
    """Schedule a session, or change one that is scheduled."""

    starts_at = LocalDateTimeField(label=_("Starts"), error_messages={"required": _("Choose the date and time.")})
    duration_minutes = forms.IntegerField(
        label=_("Length in minutes"),
        min_value=MIN_DURATION_MINUTES,
        max_value=MAX_DURATION_MINUTES,
        initial=45,
        widget=forms.NumberInput(attrs={"min": MIN_DURATION_MINUTES, "max": MAX_DURATION_MINUTES, "step": 5}),
    )
    format = forms.ChoiceField(
        label=_("Format"), choices=MentoringSession.Format.choices, initial="video", widget=forms.RadioSelect
    )
    location = _text(
        _("Meeting link or place"),
        max_length=500,
        help_text=_("A video-call link, a phone number, a room or a café: whatever you both need to find each other."),
    )
    agenda = _text(_("Agenda"), max_length=4000, rows=4, help_text=_("Shared with the others in your match."))

    EDITABLE = ("starts_at", "duration_minutes", "format", "location", "agenda")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_at"].help_text = _("In your time zone, %(zone)s.") % {
            "zone": timezone.get_current_timezone_name()
        }

    def changes(self, session: MentoringSession) -> dict[str, Any]:
        """What differs from the session as it is (the service sends new invitations only for real changes)."""
        return {
            field: self.cleaned_data[field]
            for field in self.EDITABLE
            if self.cleaned_data[field] != getattr(session, field)
        }


class LogPastForm(SessionForm):
    """A meeting that already happened, recorded in one step: it is logged as held."""

    shared_notes = _text(_("Shared notes"), max_length=20000, rows=5, help_text=_("Seen by everyone in your match."))
    rating = _rating(required=False)
    topics = _topics()
    reflection = _reflection()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["agenda"]
        self.fields["starts_at"].label = _("Started")
        self.fields["rating"].label = _("How was it for you? (optional)")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean() returns
        if cleaned.get("rating") is None and (cleaned.get("topics") or cleaned.get("reflection")):
            # The topics and the reflection are kept with the rating: without one they would be lost.
            self.add_error("rating", _("Rate the session too, so your topics and reflection are kept with it."))
        return cleaned


class CancelForm(forms.Form):
    reason = _text(
        _("Reason (optional)"), max_length=500, help_text=_("Sent to the others with the cancellation, e.g. “I'm ill”.")
    )


class LogForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Did the session take place?"),
        choices=[
            (MentoringSession.Status.HELD, _("Yes, we met")),
            (MentoringSession.Status.MISSED, _("No, it was missed")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the session took place.")},
    )
    shared_notes = _text(
        _("Shared notes"),
        max_length=20000,
        rows=6,
        help_text=_("What you discussed and agreed; everyone in your match sees them."),
    )


class NotesForm(forms.Form):
    shared_notes = _text(
        _("Shared notes"),
        max_length=20000,
        rows=10,
        help_text=_("Everyone in your match sees these notes, nobody else."),
    )


class FeedbackForm(forms.Form):
    rating = _rating(required=True)
    topics = _topics()
    reflection = _reflection()


class EndMatchForm(forms.Form):
    """Ending a match early always says why: HR reads it to improve matching (the others do not)."""

    reason = _text(
        _("Why does the match end?"),
        max_length=1000,
        rows=4,
        required=True,
        help_text=_("Read by the program's HR admins only, not by the others in the match."),
        error_messages={"required": _("Say briefly why the match ends; HR reads it to improve matching.")},
    )
    rematch = forms.BooleanField(label=_("I'd like a new match"), required=False, initial=True)

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say briefly why the match ends; HR reads it to improve matching."))
        return reason


# --- Goals -----------------------------------------------------------------------------------------------


class GoalForm(forms.Form):
    """A new goal of a match: shared, or personal (its owner and their mentor), optionally from a template."""

    owner = forms.ChoiceField(
        label=_("Whose goal is it?"),
        choices=[(SHARED, _("Shared with the match")), (PERSONAL, _("Personal (only me and my mentor)"))],
        initial=SHARED,
        widget=forms.RadioSelect,
    )
    template = forms.TypedChoiceField(
        label=_("Start from a template (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Fills in what you leave blank and adds the template's milestones."),
    )
    title = _text(_("Title"), max_length=200)
    description = _text(_("Description"), max_length=4000, rows=3)
    due_on = forms.DateField(label=_("Due date (optional)"), required=False, widget=DateInput())

    def __init__(self, *args: Any, templates: list[GoalTemplate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if templates:
            field = self.fields["template"]
            assert isinstance(field, forms.TypedChoiceField), "declared above"
            field.choices = [("", _("No template")), *((t.pk, t.title) for t in templates)]
        else:
            del self.fields["template"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data  # what Form.clean() returns
        if not (cleaned.get("title") or "").strip() and not cleaned.get("template"):
            self.add_error("title", _("Give the goal a short title, or start from a template."))
        return cleaned


class GoalEditForm(forms.Form):
    title = _text(_("Title"), max_length=200, required=True, error_messages={"required": _("Give it a short title.")})
    description = _text(_("Description"), max_length=4000, rows=3)
    due_on = forms.DateField(label=_("Due date (optional)"), required=False, widget=DateInput())
    status = forms.ChoiceField(label=_("Status"), choices=Goal.Status.choices, widget=forms.RadioSelect)


class MilestoneForm(forms.Form):
    title = _text(
        _("New milestone"), max_length=200, required=True, error_messages={"required": _("Give the milestone a title.")}
    )
    due_on = forms.DateField(label=_("Due date (optional)"), required=False, widget=DateInput())


class CommentForm(forms.Form):
    body = _text(
        _("Your comment"),
        max_length=4000,
        rows=3,
        required=True,
        error_messages={"required": _("Write a comment first.")},
    )


# --- Notifications ------------------------------------------------------------------------------------------


class PreferencesForm(forms.Form):
    email_on = forms.MultipleChoiceField(
        label=_("Email me about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Notices in MentorHub always appear under Notifications, whatever you choose here."),
    )

    def __init__(self, *args: Any, categories: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email_on"]
        assert isinstance(field, forms.MultipleChoiceField), "declared above"
        field.choices = list(categories.items())


# --- HR admins -----------------------------------------------------------------------------------------------


class AdminEndMatchForm(EndMatchForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = _("Kept on the match for HR; the people in it are told that HR ended it.")
        self.fields["rematch"].label = _("Offer the mentee a new match in this program")


class GoalTemplateForm(forms.Form):
    title = _text(
        _("Title"), max_length=200, required=True, error_messages={"required": _("Give the template a title.")}
    )
    description = _text(_("Description"), max_length=4000, rows=3)
    milestones = forms.CharField(
        label=_("Milestones"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true"}),
        help_text=_(
            "One per line: a title, then optionally “|” and the number of days after the goal is set, "
            "e.g. “Draft a development plan | 14”."
        ),
    )

    @staticmethod
    def milestones_text(milestones: list[dict[str, Any]]) -> str:
        lines = []
        for item in milestones or []:
            days = item.get("due_after_days")
            lines.append(item["title"] if days is None else f"{item['title']} | {days}")
        return "\n".join(lines)


class RecordShareForm(forms.Form):
    """How long a link to one's mentoring record works (sessions/services/record_shares.py)."""

    days = forms.TypedChoiceField(
        label=_("The link works for"),
        choices=[(7, _("7 days")), (30, _("30 days")), (90, _("90 days"))],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how long the link works.")},
    )


# --- Availability (Find a time) ---------------------------------------------------------------------------

WEEKDAY_FIELDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# "09:00-12:00", "9.30 to 11", "9h-12h30": hours, optionally minutes.
_TIME_RANGE = re.compile(r"^\s*(\d{1,2})(?:[:.h](\d{2})?)?\s*(?:-|\u2013|\u2014|to)\s*(\d{1,2})(?:[:.h](\d{2})?)?\s*$")
_DATE_RANGE = re.compile(r"^\s*(\d{4}-\d{2}-\d{2})\s*(?:(?:to|\u2013|\u2014|\.\.)\s*(\d{4}-\d{2}-\d{2}))?\s*$")


def _clock(hours: str, minutes: str | None) -> time:
    h, m = int(hours), int(minutes or 0)
    if h == 24 and m == 0:
        return time(23, 59)  # "until midnight"
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise ValidationError(_("%(time)s is not a time of day.") % {"time": f"{h:02}:{m:02}"})
    return time(h, m)


class AvailabilityForm(forms.Form):
    """A person's week as one line per day ("09:00-12:00, 13:00-17:00") and away dates one period a line
    ("2026-12-24 to 2027-01-03", or a single date): plain text fields work with any keyboard or screen reader.
    The service checks the rules (no overlaps, end after start, limits); this form only reads."""

    away = forms.CharField(
        label=_("Away dates"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One period a line, first and last day included: 2026-12-24 to 2027-01-03, or one date."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        day_fields = {}
        for index, name in enumerate(WEEKDAY_FIELDS):
            day_fields[name] = forms.CharField(
                label=WEEKDAYS[index],
                required=False,
                max_length=200,
                help_text=_("For example 09:00-12:00, 13:00-17:00. Leave empty for a day you do not meet."),
            )
        self.fields = {**day_fields, **self.fields}

    def windows(self) -> list[WindowIn]:
        return [w for name in WEEKDAY_FIELDS for w in self.cleaned_data.get(f"_{name}", [])]

    def away_periods(self) -> list[AwayIn]:
        return self.cleaned_data.get("_away", [])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        for index, name in enumerate(WEEKDAY_FIELDS):
            windows = []
            for part in filter(None, (p.strip() for p in (data.get(name) or "").split(","))):
                found = _TIME_RANGE.match(part)
                if not found:
                    self.add_error(name, _("“%(text)s” is not a time range: write it as 09:00-12:00.") % {"text": part})
                    continue
                try:
                    windows.append(WindowIn(index, _clock(*found.groups()[:2]), _clock(*found.groups()[2:])))
                except ValidationError as error:
                    self.add_error(name, error)
            data[f"_{name}"] = windows
        periods = []
        for line in filter(None, (line.strip() for line in (data.get("away") or "").splitlines())):
            found = _DATE_RANGE.match(line)
            try:
                if not found:
                    raise ValueError
                first = date.fromisoformat(found.group(1))
                last = date.fromisoformat(found.group(2) or found.group(1))
            except ValueError:
                self.add_error(
                    "away",
                    _("“%(text)s” is not a date or a period: write 2026-12-24 to 2027-01-03.") % {"text": line[:40]},
                )
                continue
            periods.append(AwayIn(first, last))
        data["_away"] = periods
        return data

    @staticmethod
    def initial_from(windows: list, away: list) -> dict[str, str]:
        initial = {
            name: ", ".join(f"{w.starts:%H:%M}-{w.ends:%H:%M}" for w in windows if w.weekday == index)
            for index, name in enumerate(WEEKDAY_FIELDS)
        }
        initial["away"] = "\n".join(
            f"{p.starts_on:%Y-%m-%d}" if p.starts_on == p.ends_on else f"{p.starts_on:%Y-%m-%d} to {p.ends_on:%Y-%m-%d}"
            for p in away
        )
        return initial


class FindATimeForm(forms.Form):
    """How long the meeting is (the page's only choice); read from the query string."""

    duration_minutes = forms.TypedChoiceField(
        label=_("Length"),
        choices=[(30, _("30 minutes")), (45, _("45 minutes")), (60, _("1 hour")), (90, _("1.5 hours"))],
        coerce=int,
        initial=45,
        required=False,
        empty_value=None,
    )


# --- A person's own calendar (busy times) ------------------------------------------------------------------


class BusyFeedForm(forms.Form):
    # Not a URLField: Django's URL check refuses webcal://, which calendar apps often give (the service turns it
    # into https:// and says what else it refuses).
    url = forms.CharField(
        label=_("Your calendar's address"),
        max_length=2000,
        strip=True,
        error_messages={"required": _("Paste your calendar's address.")},
        widget=forms.URLInput(attrs={"autocomplete": "off", "spellcheck": "false", "inputmode": "url"}),
        help_text=_("The free/busy or ICS address your calendar publishes, starting with https:// (or webcal://)."),
    )


class AgreementForm(forms.Form):
    """The match's agreement, one text area per section (programs/agreements.py), and the version edited."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, sections: list[tuple[str, str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label, text in sections:
            self.fields[f"section_{key}"] = forms.CharField(
                label=label,
                initial=text,
                max_length=MAX_SECTION_LENGTH,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.section_keys = [key for key, _label, _text in sections]

    @property
    def section_fields(self) -> list[forms.BoundField]:
        return [self[f"section_{key}"] for key in self.section_keys]

    def sections(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(f"section_{key}", "") for key in self.section_keys}


class FitAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Is this a good match for you?"),
        choices=PairingFitAnswer.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes, not sure or no.")},
    )
    comment = forms.CharField(
        label=_("A comment for the program's HR admins (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only HR reads it, never the others in your match."),
    )
