"""Where higher apps add to the participant's home page without this app importing them
(docs/architecture.md: registries). Analytics registers its check-ins here in its
AppConfig.ready(); the home page asks every registered provider for the person's things to do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from mentorhub.accounts.models import Employee, Organization


@dataclass(frozen=True)
class Todo:
    text: str  # "Answer the check-in about your match with Marco Mentor"
    url: str
    hint: str = ""  # "due 3 Dec"


TodoProvider = Callable[[Organization, Employee], list[Todo]]
_providers: list[TodoProvider] = []


def register_home_todos(provider: TodoProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def home_todos(organization: Organization, employee: Employee) -> list[Todo]:
    todos: list[Todo] = []
    for provider in _providers:
        todos += provider(organization, employee)
    return todos


# --- The mentoring record's sections --------------------------------------------------------------------------
# The record a participant downloads or shares (sessions/selectors/record.py) lists programs, sessions and
# goals; what a higher app knows about the person (skills self-ratings and growth, from analytics) comes as
# sections it registers here in its AppConfig.ready(). A provider returns nothing for a person it has nothing
# on, and only what the person may show their manager: never notes, reflections, survey or feedback text.


@dataclass(frozen=True)
class RecordRow:
    label: str  # "AI and data"
    value: str  # "2 → 4 (+2)"


@dataclass(frozen=True)
class RecordSection:
    title: str  # "Skills self-ratings"
    rows: tuple[RecordRow, ...]
    intro: str = ""  # one sentence on where the figures come from


RecordSectionProvider = Callable[[Organization, Employee], list[RecordSection]]
_record_providers: list[RecordSectionProvider] = []


def register_record_section(provider: RecordSectionProvider) -> None:
    if provider not in _record_providers:
        _record_providers.append(provider)


def unregister_record_section(provider: RecordSectionProvider) -> None:
    if provider in _record_providers:
        _record_providers.remove(provider)


def record_sections(organization: Organization, employee: Employee) -> list[RecordSection]:
    sections: list[RecordSection] = []
    for provider in _record_providers:
        sections += provider(organization, employee)
    return sections


# Find a time: more busy intervals per person (the published calendars another part fetches), so the slot finder
# (slot_finder.py, its `extra_busy`) needs no knowledge of where they come from. A source answers
# {employee_id: [(start_utc, end_utc), ...]} for the given people and period.
BusySource = Callable[[Organization, list[int], datetime, datetime], dict[int, list[tuple[datetime, datetime]]]]
_busy_sources: list[BusySource] = []


def register_busy_source(source: BusySource) -> None:
    if source not in _busy_sources:
        _busy_sources.append(source)


def extra_busy_of(
    organization: Organization, employee_ids: list[int], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime]]]:
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for source in _busy_sources:
        for employee_id, intervals in source(organization, employee_ids, start, end).items():
            busy.setdefault(employee_id, []).extend(intervals)
    return busy


# --- Links on the notification preferences page ----------------------------------------------------------------
# Where a higher app keeps a person's own settings for their notices (integrations: "My Slack messages"), it adds
# a link to the preferences page here in its AppConfig.ready(), so this app never names its route. A provider
# returns nothing where it has nothing for the person (Slack not installed, say).


@dataclass(frozen=True)
class PreferenceLink:
    text: str  # "My Slack messages"
    url: str
    hint: str = ""  # "Which MentorHub messages you get in Slack"


PreferenceLinkProvider = Callable[[Organization, Employee], list[PreferenceLink]]
_preference_link_providers: list[PreferenceLinkProvider] = []


def register_preference_links(provider: PreferenceLinkProvider) -> None:
    if provider not in _preference_link_providers:
        _preference_link_providers.append(provider)


def unregister_preference_links(provider: PreferenceLinkProvider) -> None:
    if provider in _preference_link_providers:
        _preference_link_providers.remove(provider)


def preference_links(organization: Organization, employee: Employee) -> list[PreferenceLink]:
    links: list[PreferenceLink] = []
    for provider in _preference_link_providers:
        links += provider(organization, employee)
    return links
