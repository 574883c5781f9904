"""What a claimed batch of reminders needs before it is rendered, loaded once for the batch in a few queries.

Each related object is loaded once per batch and shared by every reminder that points at it (a session's two
recipients, one organization and one program for hundreds of rows). Joining them onto each reminder
(select_related) made eleven model instances per row, most of a batch's load time; prefetch_related makes
fewer but compiles a tuple lookup per relation. One `in_bulk` per model costs a third of the join.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db import connection
from django.db.models import Max, Model, Q
from django.utils import timezone

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, Organization

from .. import messages
from ..models import MentoringSession, Notification, NotificationPreference, Reminder


def claimed_rows(claim_id: int, ids: list[int]) -> list[Reminder]:
    """The batch's rows still claimed by this claim, by organization, with everything rendering reads through
    them (sessions/messages.py and the renderers other apps register) already in place."""
    rows = list(
        Reminder.objects.filter(pk__in=ids, claim_id=claim_id, status=Reminder.Status.CLAIMED).order_by(
            "organization_id", "due_at", "id"
        )
    )
    batch = _Shared()
    batch.attach(rows, "organization")
    batch.attach(rows, "recipient")
    sessions = batch.attach(rows, "session")
    goals = batch.attach(batch.attach(rows, "milestone"), "goal")
    batch.attach(goals, "participant")
    matches = batch.attach(sessions, "match") + batch.attach(goals, "match") + batch.attach(rows, "match")
    batch.attach(sessions, "program")
    batch.attach(matches, "program")  # the same programs: no second query
    # Flash bookings: the slot with its program, the booker's and the host's enrollments and roster entries.
    bookings = batch.attach(rows, "booking")
    slots = batch.attach(bookings, "slot")
    batch.attach(slots, "program")
    batch.attach(batch.attach(bookings, "participant") + batch.attach(slots, "host"), "employee")
    return rows


class _Shared:
    """Objects of a batch by model and id: each loaded once (one query per model and step), then set on every
    instance that points at it, as Django's own related-object cache would hold it."""

    def __init__(self) -> None:
        self.loaded: dict[type[Model], dict[int, Model]] = defaultdict(dict)

    def attach(self, instances: list, name: str) -> list:
        """Set the object each instance's `name` foreign key points at; return those objects."""
        if not instances:
            return []
        field = instances[0]._meta.get_field(name)
        model = field.related_model
        known = self.loaded[model]
        wanted = {getattr(instance, field.attname) for instance in instances} - {None}
        missing = wanted - known.keys()
        if missing:
            # The base manager, as Django's related descriptors use: no default filter hides a target.
            known.update(model._base_manager.in_bulk(missing))
        for instance in instances:
            target = known.get(getattr(instance, field.attname))
            if target is not None:
                field.set_cached_value(instance, target)
        return [known[pk] for pk in wanted if pk in known]


def batch_context(organization: Organization, reminders: list[Reminder], now: datetime) -> messages.Context:
    """Everything the messages of one organization's reminders need: the members of their matches (the
    recipients already loaded are reused) and, for nudges, each quiet match's last and next session."""
    match_ids = set()
    quiet_ids = set()
    for reminder in reminders:
        if reminder.session is not None:  # loaded with the batch
            match_ids.add(reminder.session.match_id)
        elif reminder.match_id:
            match_ids.add(reminder.match_id)
            if reminder.kind in (Reminder.Kind.INACTIVITY_NUDGE, Reminder.Kind.NUDGE_ESCALATION):
                quiet_ids.add(reminder.match_id)
    members = list(
        MatchMember.objects.filter(organization=organization, match_id__in=match_ids)
        .exclude(response=MatchMember.Response.DECLINED)
        .order_by("match_id", "-current", "role", "id")
        .values_list("match_id", "participant__employee_id")
    )
    people_by_id: dict[int, Employee] = {reminder.recipient_id: reminder.recipient for reminder in reminders}
    missing = {employee_id for _, employee_id in members if employee_id not in people_by_id}
    if missing:
        people_by_id.update(Employee.objects.filter(organization=organization).in_bulk(missing))
    people: dict[int, list[Employee]] = defaultdict(list)
    for match_id, employee_id in members:
        people[match_id].append(people_by_id[employee_id])
    activity = {}
    if quiet_ids:
        rows = (
            Match.objects.filter(organization=organization, pk__in=quiet_ids)
            .annotate(
                last_held=Max("sessions__starts_at", filter=Q(sessions__status=MentoringSession.Status.HELD)),
                ahead=Max(
                    "sessions__starts_at",
                    filter=Q(sessions__status=MentoringSession.Status.SCHEDULED, sessions__starts_at__gte=now),
                ),
            )
            .values_list("pk", "last_held", "ahead")
        )
        activity = {pk: (last_held, ahead is not None) for pk, last_held, ahead in rows}
    return messages.Context(
        now=now, members=dict(people), slugs={organization.pk: organization.slug}, activity=activity
    )


def email_off(organization: Organization, employee_ids: set[int]) -> dict[int, set[str]]:
    """Which email categories each of these people switched off."""
    rows = NotificationPreference.objects.filter(organization=organization, employee_id__in=employee_ids)
    return {row.employee_id: set(row.email_off or ()) for row in rows}


def notices_create(organization: Organization, ready: list[tuple[Reminder, messages.Message]]) -> None:
    """The in-app notices of a batch in one INSERT; a notice that exists already (a retried batch) stays as
    it is: at most one per reminder (ON CONFLICT DO NOTHING, the unique constraint on the reminder)."""
    rows = [(reminder, message.subject[:200], message.body[:4000], message.path) for reminder, message in ready]
    if connection.vendor != "postgresql":
        Notification.objects.bulk_create(
            [
                Notification(
                    organization=organization,
                    recipient_id=reminder.recipient_id,
                    kind=reminder.kind,
                    title=title,
                    body=body,
                    url=url,
                    reminder_id=reminder.pk,
                )
                for reminder, title, body, url in rows
            ],
            ignore_conflicts=True,
        )
        return
    # On PostgreSQL one array per column: the ORM's bulk_create spends about 50 us a row preparing each value.
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_NOTICES,
            [
                organization.pk,
                timezone.now(),
                [reminder.recipient_id for reminder, *_ in rows],
                [reminder.kind for reminder, *_ in rows],
                [title for _, title, _, _ in rows],
                [body for _, _, body, _ in rows],
                [url for *_, url in rows],
                [reminder.pk for reminder, *_ in rows],
            ],
        )


# The table's own name; every value goes in as a parameter (arrays, unnested into rows).
INSERT_NOTICES = (
    f"INSERT INTO {Notification._meta.db_table} "  # noqa: S608
    "(organization_id, recipient_id, kind, title, body, url, reminder_id, created_at) "
    "SELECT %s, recipient, kind, title, body, url, reminder, %s FROM unnest("
    "%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::bigint[]"
    ") AS batch (recipient, kind, title, body, url, reminder) ON CONFLICT DO NOTHING"
)
