"""Planning reminders: which rows exist, for whom, due when. Sending them is dispatch.py's work.

Every reminder is a row with `due_at` and a `key` naming (kind, target, recipient, due slot); rows are
inserted with ON CONFLICT DO NOTHING on that key, so planning twice (a double click, two beat ticks, a
retried task) never makes a second row, and so never a second message. A change of plan (a session moved,
logged, cancelled; a milestone ticked) marks the pending rows it makes pointless as skipped; whatever
slips through is checked again when it comes due (messages.py decides "still relevant?").

Times: every due time is an instant (UTC). "24 hours before" is 24 real hours before the start, whatever
daylight-saving change lies between; a milestone reminder is due at 09:00 on its due date in the
recipient's own time zone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Max, Q
from django.utils import timezone

from matching.models import Match, MatchMember
from mentorhub.accounts.models import Employee, Membership, Organization, Role
from mentorhub.tenancy import scoped
from programs.models import Program

from ..models import Goal, MentoringSession, Milestone, Reminder
from ..timeslots import key_of, slot_of, zone_or_utc

K = Reminder.Kind
SESSION_BEFORE = {K.SESSION_24H: timedelta(hours=24), K.SESSION_1H: timedelta(hours=1)}
LOG_PROMPT_AFTER = timedelta(hours=1)  # "log your session" this long after its end
MILESTONE_HOUR = time(9, 0)  # milestone reminders at 09:00 in the recipient's zone on the due date
# A match is inactive when no session was held for 1.5x the program's interval between sessions (a missed
# session plus some slack): 22 days at two sessions a month. Nudges come a week apart; after two, HR hears.
INACTIVITY_FACTOR = 1.5
NUDGE_INTERVAL = timedelta(days=7)
SESSION_KINDS = (K.SESSION_24H, K.SESSION_1H, K.LOG_SESSION, K.SESSION_INVITE)


def target_label(*, session=None, milestone=None, match=None, booking=None) -> str:
    """How a reminder's key names its target: "s<session id>", "m<milestone id>", "x<match id>" or
    "b<flash booking id>"."""
    if booking is not None:
        return f"b{booking.pk}"
    if session is not None:
        return f"s{session.pk}"
    if milestone is not None:
        return f"m{milestone.pk}"
    return f"x{match.pk}"


def _row(organization: Organization, kind: str, recipient: Employee, due_at: datetime, slot: str, **target) -> Reminder:
    label = target_label(**target)
    return Reminder(
        organization=organization,
        kind=kind,
        recipient=recipient,
        due_at=due_at,
        slot=slot,
        key=key_of(kind, label, recipient.pk, slot),
        **target,
    )


def reminders_insert(rows: Iterable[Reminder]) -> int:
    """Insert, keeping one row per key. A key planned again (a session moved and moved back, a milestone
    unticked, a longer session) revives its row if it was skipped, or moves it if still pending; a row that
    was sent, is being sent, or failed is never touched. Returns how many rows were asked for."""
    rows = list(rows)
    if not rows:
        return 0
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    planned = {(row.organization_id, row.key): row for row in rows}
    revived = []
    for organization_id in {row.organization_id for row in rows}:
        keys = [key for org, key in planned if org == organization_id]
        for existing in Reminder.objects.filter(
            organization_id=organization_id, key__in=keys, status__in=[Reminder.Status.PENDING, Reminder.Status.SKIPPED]
        ):
            wanted = planned[organization_id, existing.key]
            if existing.status == Reminder.Status.SKIPPED or existing.due_at != wanted.due_at:
                existing.status, existing.due_at, existing.note = Reminder.Status.PENDING, wanted.due_at, ""
                revived.append(existing)
    if revived:
        Reminder.objects.bulk_update(revived, ["status", "due_at", "note"], batch_size=1000)
    return len(rows)


def _skip_pending(queryset, note: str) -> int:
    return queryset.filter(status=Reminder.Status.PENDING).update(status=Reminder.Status.SKIPPED, note=note[:300])


# --- Sessions ----------------------------------------------------------------------------------------------


def reminders_plan_session(
    *,
    organization: Organization,
    session: MentoringSession,
    recipients: list[Employee],
    now: datetime | None = None,
    invite: bool = True,
) -> None:
    """After a session is scheduled or moved: invitations (with the .ics) now, reminders 24 h and 1 h before
    the start, and "log your session" an hour after its end. Reminders of an earlier time are dropped."""
    now = now or timezone.now()
    # Real hours before the start: subtract in UTC (on a zoned datetime Python subtracts wall-clock time,
    # and "24 hours before" a start after a clock change would be 23 or 25 real hours).
    starts_at = session.starts_at.astimezone(UTC)
    start_slot = slot_of(starts_at)
    _skip_pending(
        scoped(Reminder, organization)
        .filter(session=session, kind__in=[K.SESSION_24H, K.SESSION_1H, K.LOG_SESSION])
        .exclude(slot=start_slot),
        "The session moved.",
    )
    _skip_pending(
        scoped(Reminder, organization)
        .filter(session=session, kind=K.SESSION_INVITE)
        .exclude(slot=f"seq{session.sequence}"),
        "A newer invitation replaces it.",
    )
    rows = []
    for person in recipients:
        if invite:
            rows.append(_row(organization, K.SESSION_INVITE, person, now, f"seq{session.sequence}", session=session))
        for kind, before in SESSION_BEFORE.items():
            due = starts_at - before
            if due > now:
                rows.append(_row(organization, kind, person, due, start_slot, session=session))
        rows.append(
            _row(organization, K.LOG_SESSION, person, session.ends_at + LOG_PROMPT_AFTER, start_slot, session=session)
        )
    reminders_insert(rows)


def reminders_session_logged(*, organization: Organization, session: MentoringSession) -> None:
    _skip_pending(scoped(Reminder, organization).filter(session=session, kind__in=SESSION_KINDS), "Logged.")


def reminders_session_cancelled(
    *, organization: Organization, session: MentoringSession, recipients: list[Employee], now: datetime | None = None
) -> None:
    """Drop what was planned for the session; tell the recipients (with an .ics CANCEL)."""
    now = now or timezone.now()
    _skip_pending(scoped(Reminder, organization).filter(session=session, kind__in=SESSION_KINDS), "Cancelled.")
    reminders_insert(
        _row(organization, K.SESSION_CANCELLED, person, now, f"seq{session.sequence}", session=session)
        for person in recipients
    )


# --- Milestones ---------------------------------------------------------------------------------------------


def local_morning(day: date, zone_name: str) -> datetime:
    """09:00 on `day` in the zone, as an instant (a 09:00 that a clock change skips cannot happen: 9 is safe)."""
    return datetime.combine(day, MILESTONE_HOUR, tzinfo=zone_or_utc(zone_name))


def reminders_plan_milestone(
    *, organization: Organization, milestone: Milestone, recipients: list[Employee], now: datetime | None = None
) -> None:
    """A reminder on the milestone's due date, 09:00 in each recipient's zone; none once it is done or when
    that moment has passed. A changed due date drops the old one."""
    now = now or timezone.now()
    query = scoped(Reminder, organization).filter(milestone=milestone, kind=K.MILESTONE_DUE)
    if milestone.is_done or milestone.due_on is None:
        _skip_pending(query, "Done." if milestone.is_done else "No due date any more.")
        return
    slot = milestone.due_on.isoformat()
    _skip_pending(query.exclude(slot=slot), "The due date changed.")
    rows = []
    for person in recipients:
        due = local_morning(milestone.due_on, person.time_zone)
        if due > now:
            rows.append(_row(organization, K.MILESTONE_DUE, person, due, slot, milestone=milestone))
    reminders_insert(rows)


def reminders_goal_closed(*, organization: Organization, goal: Goal) -> None:
    _skip_pending(
        scoped(Reminder, organization).filter(milestone__goal=goal, kind=K.MILESTONE_DUE), "The goal is closed."
    )


def reminders_match_ended(*, organization: Organization, match: Match) -> None:
    """The match is over: nothing planned for it, its sessions or its goals' milestones is sent any more."""
    _skip_pending(
        scoped(Reminder, organization)
        .filter(Q(match=match) | Q(session__match=match) | Q(milestone__goal__match=match))
        .exclude(kind=K.SESSION_CANCELLED),  # a cancellation still has to reach the calendars
        "The match ended.",
    )


# --- Inactivity nudges -------------------------------------------------------------------------------------


def allowed_gap(program: Program) -> timedelta:
    """How long a match may go without a session before it is nudged."""
    return timedelta(days=INACTIVITY_FACTOR * 30 / max(1, program.cadence_per_month))


def inactivity_since(match: Match, last_held_at: datetime | None) -> datetime | None:
    """Where the quiet period starts: the last held session, else the start of the match."""
    started = match.started_at or match.approved_at or match.created_at
    moments = [moment.astimezone(UTC) for moment in (started, last_held_at) if moment is not None]
    return max(moments) if moments else None


def program_admins(organization: Organization, program: Program) -> list[Employee]:
    """Who hears about a stalled match: the admin who created the program, else every admin (only those
    linked to a roster entry can receive reminders)."""
    admins = scoped(Membership, organization).filter(role=Role.ADMIN, employee__isnull=False).select_related("employee")
    # Every row has its employee (the filter); the walrus only tells the type checker so.
    linked = [(m.user_id, employee) for m in admins if (employee := m.employee) is not None]
    creator = [employee for user_id, employee in linked if user_id == program.created_by_id]
    return creator or [employee for _, employee in linked]


def reminders_plan_inactivity(*, organization: Organization, now: datetime | None = None) -> int:
    """Nudge the members of active matches that have been quiet too long (a session scheduled ahead counts as
    activity): a first nudge when the gap passes the program's allowance, a second a week later if the
    first went out, then the program admin. Returns how many rows were asked for. Run hourly by beat."""
    now = now or timezone.now()
    matches = list(
        scoped(Match, organization)
        .filter(status=Match.Status.ACTIVE)
        .select_related("program")
        .annotate(
            last_held_at=Max("sessions__starts_at", filter=Q(sessions__status=MentoringSession.Status.HELD)),
            next_at=Max(
                "sessions__starts_at",
                filter=Q(sessions__status=MentoringSession.Status.SCHEDULED, sessions__starts_at__gte=now),
            ),
        )
    )
    quiet = []
    for match in matches:
        since = inactivity_since(match, match.last_held_at)
        if match.next_at is not None or since is None:
            continue
        first_due = since + allowed_gap(match.program)
        if first_due <= now:
            quiet.append((match, since, first_due))
    if not quiet:
        return 0
    ids = [match.pk for match, _, _ in quiet]
    sent = set(
        scoped(Reminder, organization)
        .filter(match_id__in=ids, kind=K.INACTIVITY_NUDGE, status=Reminder.Status.SENT)
        .values_list("match_id", "slot")
    )
    members: dict[int, list[Employee]] = {}
    for member in (
        scoped(MatchMember, organization)
        .filter(match_id__in=ids, current=True)
        .select_related("participant__employee")
        .order_by("match_id", "role", "id")
    ):
        members.setdefault(member.match_id, []).append(member.participant.employee)
    admins_by_program: dict[int, list[Employee]] = {}
    rows = []
    for match, since, first_due in quiet:
        period = slot_of(since)
        people = members.get(match.pk, [])
        rows += [_row(organization, K.INACTIVITY_NUDGE, p, first_due, f"{period}#1", match=match) for p in people]
        second_due = first_due + NUDGE_INTERVAL
        if second_due <= now and (match.pk, f"{period}#1") in sent:
            rows += [_row(organization, K.INACTIVITY_NUDGE, p, second_due, f"{period}#2", match=match) for p in people]
        escalation_due = second_due + NUDGE_INTERVAL
        if escalation_due <= now and (match.pk, f"{period}#2") in sent:
            if match.program_id not in admins_by_program:
                admins_by_program[match.program_id] = program_admins(organization, match.program)
            rows += [
                _row(organization, K.NUDGE_ESCALATION, admin, escalation_due, f"{period}#admin", match=match)
                for admin in admins_by_program[match.program_id]
            ]
    return reminders_insert(rows)


def reminders_nudge_now(*, organization: Organization, match: Match, now: datetime | None = None) -> int:
    """An HR admin's one-click nudge of an active match: the same message as the planner's, to everyone in
    it, now; at most once a day per match (the day is in the slot, so a second click adds nothing).
    Returns how many reminders were asked for."""
    now = now or timezone.now()
    last_held = (
        scoped(MentoringSession, organization)
        .filter(match=match, status=MentoringSession.Status.HELD)
        .aggregate(last=Max("starts_at"))["last"]
    )
    since = inactivity_since(match, last_held) or now
    slot = f"{slot_of(since)}#manual-{now:%Y%m%d}"
    people = [
        member.participant.employee
        for member in scoped(MatchMember, organization)
        .filter(match=match, current=True)
        .select_related("participant__employee")
    ]
    return reminders_insert(_row(organization, K.INACTIVITY_NUDGE, person, now, slot, match=match) for person in people)
