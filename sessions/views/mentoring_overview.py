"""The rows of the admin's mentoring overview (admin.program_mentoring), written here rather than by the
template: a page holds up to fifty matches, and each row through the template's variables, conditions, date
filters, an include and a {% url %} cost most of the page's time. The markup is the template's as it was.
Every text is escaped with html.escape: what django.utils.html.escape does, without the lazy-string wrapper
that cost more than the escaping itself here."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, tzinfo
from html import escape

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from matching.models import Match, MatchMember

from ..selectors.overview import MatchProgress

# As templates/matching/_match_badge.html colours the statuses the overview shows.
BADGE_CLASSES: dict[str, str] = {
    Match.Status.ACTIVE: " badge-ok",
    Match.Status.COMPLETED: " badge-ok",
    Match.Status.ENDED: " badge-bad",
}


def moment_texts(moment: datetime | None, zone: tzinfo, months: list[str] | None = None) -> tuple[str, str]:
    """What |date:"c" and |date:"j M Y" write for this moment in this zone; ("", "") for none. `months`: the
    short month names (month_names()), read once for many moments."""
    if moment is None:
        return "", ""
    local = timezone.localtime(moment, zone)
    month = months[local.month] if months else MONTHS_3[local.month].title()
    return local.isoformat(), f"{local.day} {month} {local.year}"


def month_names() -> list[str]:
    """The short month names as |date:"M" writes them in the active language, by month number."""
    return ["", *(MONTHS_3[number].title() for number in range(1, 13))]


class _Writer:
    """What every row needs, read once per page: the zone, the words, the overview's address."""

    def __init__(self, list_url: str) -> None:
        self.zone = timezone.get_current_timezone()
        self.months = month_names()
        self.roles = {value: escape(str(label).lower()) for value, label in MatchMember.Role.choices}
        self.statuses = {value: escape(str(label)) for value, label in Match.Status.choices}
        self.list_url = escape(list_url)
        self.words = {
            "reason": escape(_("Reason: %(reason)s")),
            "end": escape(_("End early…")),
            "end_hidden": escape(_("the match of %(names)s")),
            "and": _("%(names)s and %(last)s"),
            "none_held": escape(_("none held")),
            "none_planned": escape(_("none planned")),
            "next": escape(_("Next: %(when)s")),
            "last": escape(_("Last: %(when)s")),
            "of": escape(_("%(done)s of %(total)s")),
        }

    def time(self, moment: datetime) -> str:
        iso, day = moment_texts(moment, self.zone, self.months)
        return f'<time datetime="{escape(iso)}">{escape(day)}</time>'

    def row(self, row: MatchProgress) -> str:
        match = row.match
        active = match.status == Match.Status.ACTIVE
        people = "<br>".join(
            f'<span class="nowrap">{escape(p.name)} <span class="hint">({self.roles[p.role]})</span></span>'
            for p in row.members
        )
        ended = f'<br><span class="hint nowrap">{self.time(match.ended_at)}</span>' if match.ended_at else ""
        reason = ""
        if match.status == Match.Status.ENDED and match.end_reason:
            reason = f'<p class="reason">{self.words["reason"] % {"reason": escape(match.end_reason)}}</p>'
        end = ""
        if active:
            people_names = [person.name for person in row.members]
            both = people_names[0] if len(people_names) == 1 else ""
            if len(people_names) > 1:
                both = self.words["and"] % {"names": ", ".join(people_names[:-1]), "last": people_names[-1]}
            hidden = self.words["end_hidden"] % {"names": escape(both)}
            end = (
                f'<br><a href="{self.list_url}matches/{match.pk}/end/">{self.words["end"]}'
                f'<span class="visually-hidden"> {hidden}</span></a>'
            )
        started = self.time(match.started_at) if match.started_at else '<span class="hint">\N{EN DASH}</span>'
        last = self.time(row.last_held_at) if row.last_held_at else self.words["none_held"]
        since = ""
        days = row.days_since_last if active else None
        if days is not None:
            if row.last_held_at:
                ago = ngettext("%(days)s day ago", "%(days)s days ago", days) % {"days": days}
            else:
                ago = ngettext("%(days)s day since the start", "%(days)s days since the start", days) % {"days": days}
            since = f'<br><span class="hint nowrap">{escape(ago)}</span>'
        upcoming = ""
        if active:
            when = self.time(row.next_at) if row.next_at else self.words["none_planned"]
            upcoming = f'<br><span class="nowrap">{self.words["next"] % {"when": when}}</span>'
        return f"""<tr>
            <th scope="row">{people}</th>
            <td class="status">
              <span class="badge{BADGE_CLASSES.get(match.status, "")}">{self.statuses[match.status]}</span>
              {ended}
              {reason}
              {end}
            </td>
            <td class="nowrap">{started}</td>
            <td class="num">{row.held}</td>
            <td class="num">{row.missed}</td>
            <td class="num">{row.cancelled}</td>
            <td class="when">
              <span class="nowrap">{self.words["last"] % {"when": last}}</span>
              {since}
              {upcoming}
            </td>
            <td class="num">{row.nudges}</td>
            <td class="num nowrap">{self.words["of"] % {"done": row.goals_done, "total": row.goals}}</td>
          </tr>
"""


def overview_rows_html(rows: Iterable[MatchProgress], *, list_url: str) -> SafeString:
    """The table rows of these matches; `list_url` is the overview's own address, below which each match's end
    page is. Dates are in the active time zone."""
    writer = _Writer(list_url)
    return mark_safe("".join(writer.row(row) for row in rows))  # noqa: S308 - every text in it is escaped
